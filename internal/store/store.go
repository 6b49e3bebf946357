// Package store declares the storage RaaS needs, as one interface with a
// SQLite and a PostgreSQL driver; package storetest is the conformance suite
// both pass. Drivers report missing rows as remind.ErrNotFound (wrapped).
package store

import (
	"context"
	"strconv"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// Store is everything RaaS keeps. Methods taking a tenant id never read or
// change another tenant's rows: a row of another tenant is reported as not found.
type Store interface {
	// Migrate brings the schema up to date; safe when several instances start at once.
	Migrate(ctx context.Context) error
	// Ping reports whether the store can take work.
	Ping(ctx context.Context) error
	// Close releases the store's connections.
	Close() error

	CreateTenant(ctx context.Context, t remind.Tenant) error
	GetTenant(ctx context.Context, id string) (remind.Tenant, error)
	TenantByName(ctx context.Context, name string) (remind.Tenant, error)
	UpdateTenant(ctx context.Context, t remind.Tenant) error
	// CreateToken records an API token (by its id and hash).
	CreateToken(ctx context.Context, tok remind.APIToken) error
	// TokenByHash returns the token with this hash and its tenant.
	TokenByHash(ctx context.Context, tokenHash string) (remind.APIToken, remind.Tenant, error)
	// ListTokens returns the tenant's tokens in id order.
	ListTokens(ctx context.Context, tenantID string) ([]remind.APIToken, error)
	// ListAllTokens returns every tenant's tokens in id order (for the
	// operator's `raas token list`).
	ListAllTokens(ctx context.Context) ([]remind.APIToken, error)
	// RevokeToken deletes the tenant's token and every dashboard session
	// opened with it, in one transaction.
	RevokeToken(ctx context.Context, tenantID, id string) error
	// TouchToken sets the token's last-used time to at unless it was
	// already set at or after notBefore (so a busy token is written at most
	// once per interval, whichever instance serves it). A missing token is
	// not an error.
	TouchToken(ctx context.Context, id string, at, notBefore time.Time) error

	// CreateSession records a dashboard session (by the hash of its id)
	// and removes the expired sessions of the same token.
	CreateSession(ctx context.Context, s remind.Session) error
	// SessionByHash returns the session with this hash and its tenant,
	// when it has not expired at now and its token still exists.
	SessionByHash(ctx context.Context, hash string, now time.Time) (remind.Session, remind.Tenant, error)
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(ctx context.Context, hash string) error

	// CreateReminder inserts r. With a non-nil idem, the insert is tied to the
	// idempotency key: a key already used with the same body hash returns the
	// reminder created then and replayed=true; with another body hash it fails
	// with remind.ErrConflict. Nothing is written on error.
	CreateReminder(ctx context.Context, r remind.Reminder, idem *Idempotency) (stored remind.Reminder, replayed bool, err error)
	// CreateReminders stores a batch of the tenant's reminders in one
	// transaction and answers each item, in order (see BatchItem). Items
	// with Err set are not written; an item whose key was used with another
	// body is answered with remind.ErrConflict and not written; the others
	// are written together. With a non-nil batch key (the whole batch's
	// Idempotency-Key): a key already used with another body hash fails the
	// whole call with remind.ErrConflict and writes nothing; with the same
	// body hash replayed=true, and each item replays through its own key.
	// An error other than an item's is the whole call's: nothing is written.
	CreateReminders(ctx context.Context, tenantID string, items []BatchItem, batch *Idempotency) (results []BatchResult, replayed bool, err error)
	GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error)
	ListReminders(ctx context.Context, tenantID string, q ListQuery) ([]remind.Reminder, error)
	// Changes counts committed reminder modifications, cancels, deletes and
	// subscription changes: the
	// only changes, besides recording outcomes, that can take a delivery
	// out of pending. A dispatcher that reads the same count before leasing
	// deliveries and before sending them need not re-check them. PostgreSQL
	// keeps it in the database, for every instance; SQLite in memory, which
	// is meaningful only while the process holds the serve lock.
	Changes(ctx context.Context) (uint64, error)
	// ReminderOverview counts the tenant's reminders (deleted ones aside) by
	// status and returns up to next active ones, soonest firing first.
	ReminderOverview(ctx context.Context, tenantID string, next int) (Overview, error)
	// ModifyReminder changes one reminder in one transaction that holds its
	// row, so writes to a reminder are applied one after another and none
	// is lost (PostgreSQL: SELECT … FOR UPDATE; SQLite: the one writer).
	// In it the store reads the reminder (deleted ones are not found),
	// compares its ETag with ifMatch when that is not "" or "*" (a
	// mismatch fails with remind.ErrPrecondition and writes nothing), takes
	// back its firings claimed ahead and not yet due at `at`
	// (remind.Reminder.Unclaim), calls fn to change the reminder, and
	// writes every mutable field back. When fn returns an error nothing is
	// written and that error is returned. Pending deliveries of the firings
	// taken back are cancelled; so are all pending deliveries of recipients
	// fn removed, and the escalations about them; when fn takes the ack
	// policy off, every pending follow-up. The scheduler then plans the taken-back firing again from
	// the reminder as written: the same delivery ids, made pending again
	// (FireDue), so each is still sent once, with the current content, to
	// the current recipients.
	ModifyReminder(ctx context.Context, tenantID, id string, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (remind.Reminder, error)
	// CancelReminder marks the reminder cancelled, clears its next firing and
	// cancels every pending delivery of it.
	CancelReminder(ctx context.Context, tenantID, id string, at time.Time) (remind.Reminder, error)
	// DeleteReminder hides the reminder from reads and cancels what is
	// pending; its deliveries stay as history.
	DeleteReminder(ctx context.Context, tenantID, id string, at time.Time) error

	PutRecipient(ctx context.Context, rc remind.Recipient) (remind.Recipient, error)
	GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error)
	// ModifyRecipient changes one recipient in one transaction that holds
	// its row, so two changes at once (a profile saved while a browser is
	// turned on) are applied one after the other and neither is lost. A
	// recipient that does not exist is created: fn gets one with only
	// TenantID, UID and the times set. When fn fails nothing is written.
	ModifyRecipient(ctx context.Context, tenantID, uid string, at time.Time, fn func(rc *remind.Recipient) error) (remind.Recipient, error)
	DeleteRecipient(ctx context.Context, tenantID, uid string) error

	CreateWebhook(ctx context.Context, w remind.Webhook) error
	ListWebhooks(ctx context.Context, tenantID string) ([]remind.Webhook, error)
	GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error)
	DeleteWebhook(ctx context.Context, tenantID, id string) error
	DisableWebhook(ctx context.Context, tenantID, id string) error

	// NextFireAt returns the earliest next firing of any active reminder.
	NextFireAt(ctx context.Context) (time.Time, bool, error)
	// CountDue counts the active reminders due at or before until,
	// counting no further than limit: the scheduler asks whether a herd
	// is coming, which costs at most limit index entries however large it is.
	CountDue(ctx context.Context, until time.Time, limit int) (int, error)
	// FireDue claims up to limit active reminders due at or before now, and
	// in one transaction per batch asks plan for each one's deliveries and
	// next firing, inserts the deliveries and moves the reminder on (next
	// firing, status, fired count and plan.Claimed). A planned delivery whose
	// id exists is left alone unless it was cancelled: then it is made
	// pending again with the new plan's content and one more attempt
	// counted, so a copy leased before (Attempts lower) is fenced off (see
	// PendingOf and FinishDeliveries). Deliveries of the firing itself
	// (Step "") it makes pending are leased to the caller (lease.Owner
	// until lease.Until), with their attempt counted (Attempts 1 when new),
	// and returned. Follow-ups (Step set: remind.AckPolicy), and
	// deliveries the plan holds past lease.Until (quiet hours), are
	// written pending at their NextAttemptAt, held by nobody and not
	// returned: LeaseDeliveries hands them to whichever dispatcher polls at
	// their time (Waits); with lease.AheadFor set, those of the firing due
	// after lease.Ahead are written leased to lease.Owner from their due
	// time instead, and not returned either (HeldAhead, ReadAhead). recips includes remind.OwnerUID's record when
	// the firing may go to the owner (remind.NeedsOwner,
	// remind.FireRecipients).
	// Two callers never claim the same firing.
	FireDue(ctx context.Context, now time.Time, limit int, lease Lease, plan FirePlanner) ([]remind.Delivery, error)

	// NextDeliveryAt returns the earliest time a pending delivery is due or
	// its lease runs out.
	NextDeliveryAt(ctx context.Context) (time.Time, bool, error)
	// LeaseDeliveries claims up to limit pending deliveries whose time has
	// come (due, retry time reached, lease expired, or handed back by
	// Heartbeat or ReleaseLeases), counting an attempt on each and leasing
	// them to lease.Owner until lease.Until.
	LeaseDeliveries(ctx context.Context, now time.Time, limit int, lease Lease) ([]remind.Delivery, error)
	// LeaseDue is LeaseDeliveries returning only the ids leased and their
	// attempt counts (the lease's fencing token); DeliveriesOf reads the
	// rows. The dispatcher leases with it so that reading a batch's rows
	// (their payloads among them) happens after the lease's transaction,
	// on SQLite on a reader instead of the one writer, and not under the
	// lock that orders its leases with its outcome writes.
	LeaseDue(ctx context.Context, now time.Time, limit int, lease Lease) ([]Leased, error)
	// DeliveriesOf returns the deliveries with these ids that exist, in
	// no particular order.
	DeliveriesOf(ctx context.Context, ids []string) ([]remind.Delivery, error)
	// ReadAhead reads, without writing, the pending deliveries FireDue
	// wrote leased to owner ahead of their time (HeldAhead, with
	// Lease.AheadFor = leasedFor) that are due at or before now: up to
	// limit of them after the cursor `after`, in cursor order, and the
	// cursor after the last one returned (`after` when none). Their owner
	// sends them without leasing them again: the lease was taken when they
	// were written. What it reads is every pending delivery leased to
	// owner whose lease ends leasedFor after its due time, so one leased
	// otherwise that happens to end there reads too: the caller drops what
	// it holds already.
	ReadAhead(ctx context.Context, owner string, leasedFor time.Duration, now time.Time, after Cursor, limit int) ([]remind.Delivery, Cursor, error)
	// NextAhead returns when the first such delivery after `after` falls
	// due, due now or not, and false when there is none.
	NextAhead(ctx context.Context, owner string, leasedFor time.Duration, after Cursor) (time.Time, bool, error)
	// Heartbeat records that instance is alive until `until` (it calls again
	// before then to stay alive; until <= now says it is leaving), and
	// hands back what instances past their time still hold: their pending
	// deliveries lose their owner and fall due at their due time, or now
	// when that has passed, for any dispatcher to lease, long before their
	// leases would run out. Deliveries waiting for a retry are held by
	// nobody and keep their retry time. It returns how many it handed back.
	Heartbeat(ctx context.Context, instance string, now, until time.Time) (released int, err error)
	// ReleaseLeases hands back every pending delivery any instance holds,
	// as Heartbeat does for dead ones. Only a caller that knows no other
	// process uses the store may call it (SQLite's serve lock proves that
	// the previous holder is gone); it returns how many it handed back.
	ReleaseLeases(ctx context.Context, now time.Time) (released int, err error)
	// PendingOf returns which of ids are still pending (not cancelled or
	// finished), each with its attempt count: a holder whose copy has
	// another count lost its lease to a newer one and must not send it.
	PendingOf(ctx context.Context, ids []string) (map[string]int, error)
	// FinishDeliveries records outcomes: each Result's delivery state,
	// attempt count, next attempt and error, and its attempt (in the
	// delivery's row when it ends the delivery: Result.Final); the
	// delivery is held by nobody afterwards (a retry waits for its time). A delivery
	// no longer pending (cancelled meanwhile), or pending under another
	// attempt count (leased again since: a takeover or a re-plan), keeps its
	// state; the attempt is recorded. Recording the same results again
	// changes nothing, so a call that failed may be repeated whole.
	FinishDeliveries(ctx context.Context, results []Result) error
	// ListDeliveries returns a reminder's deliveries with their attempts.
	ListDeliveries(ctx context.Context, tenantID, reminderID string) ([]DeliveryWithAttempts, error)
	// FailedDeliveries returns a tenant's deliveries that ended failed or
	// missed at or after since (by their last update), the latest first, at
	// most limit (clamped by PageLimit): what the dashboard's "needs
	// attention" panel groups by cause.
	FailedDeliveries(ctx context.Context, tenantID string, since time.Time, limit int) ([]remind.Delivery, error)

	// Summaries: the morning agenda and the owner's digest (storetest.RunSummaries).

	// SummaryRecipients returns, across tenants, the recipients who opted
	// in to the morning agenda or the daily digest (remind.Profile), in
	// (tenant, uid) order after the given key, at most limit (PageLimit).
	SummaryRecipients(ctx context.Context, afterTenant, afterUID string, limit int) ([]remind.Recipient, error)
	// InboxChanged returns the tenant's inbox items created or acted on in
	// [since, until), oldest change first, at most limit (PageLimit).
	InboxChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.InboxItem, error)
	// SubscribersChanged returns the tenant's subscribers confirmed or
	// unsubscribed in [since, until), oldest change first, at most limit
	// (PageLimit).
	SubscribersChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.Subscriber, error)

	// AddInboxItem inserts an item; it returns false when the id exists already.
	AddInboxItem(ctx context.Context, it remind.InboxItem) (bool, error)
	ListInbox(ctx context.Context, tenantID, uid string, q ListQuery) ([]remind.InboxItem, error)
	// SetInboxStatus records what a recipient did with an item. A confirm
	// or reject (remind.InboxConfirmed, remind.InboxRejected) also cancels,
	// in the same transaction, every pending follow-up of the item's
	// reminder and occurrence that is uid's own (sent to uid, About "") or
	// about uid (an escalation to someone else; the acknowledgement chain:
	// remind.AckPolicy), and counts the change (Changes) when there was
	// one, so a copy another instance holds is not sent. Escalations uid
	// gets about others stay.
	SetInboxStatus(ctx context.Context, tenantID, uid, itemID string, st remind.InboxStatus, at time.Time) (remind.InboxItem, error)
	// AckStates returns every inbox item of a reminder as an
	// acknowledgement state, ordered by occurrence, uid and creation (a
	// snoozed item before the item it comes back as), then item id.
	AckStates(ctx context.Context, tenantID, reminderID string) ([]remind.AckState, error)
	// InboxStatusByReminder returns, for one reminder, each recipient's most
	// recent inbox status.
	InboxStatusByReminder(ctx context.Context, tenantID, reminderID string) (map[string]remind.InboxStatus, error)
	// SnoozeInboxItem snoozes a recipient's item in one transaction that
	// holds it: it reads the item (remind.ErrNotFound when missing; a
	// status not remind.InboxStatus.Snoozable is remind.ErrConflict), the
	// deliveries to uid of the item's occurrence and the recipient's link
	// version, asks plan for the deliveries that bring it back, inserts
	// them (an id that exists is left alone) and marks the item snoozed.
	// When plan fails nothing is written. Of two snoozes of one item, one
	// is applied and the other is a conflict.
	SnoozeInboxItem(ctx context.Context, tenantID, uid, itemID string, at time.Time, plan SnoozePlanner) (remind.InboxItem, []remind.Delivery, error)

	// LinkVersion returns the version of a recipient's personal links: 0
	// until RevokeLinks is first called (remind.Recipient.LinkVersion).
	LinkVersion(ctx context.Context, tenantID, uid string) (int, error)
	// RevokeLinks bumps the version of a recipient's personal links and
	// returns the new one: links signed for an older one are revoked.
	RevokeLinks(ctx context.Context, tenantID, uid string, at time.Time) (int, error)

	// Subscriptions through a reminder's public link (storetest.RunSubscriptions).

	// CreateSubscribeLink stores l unless the reminder has a link already, and
	// returns the reminder's link (the existing one when there was one).
	CreateSubscribeLink(ctx context.Context, l remind.SubscribeLink) (remind.SubscribeLink, error)
	// SubscribeLinkByToken returns the link with this token.
	SubscribeLinkByToken(ctx context.Context, token string) (remind.SubscribeLink, error)
	// SubscribeLinkOf returns a reminder's link.
	SubscribeLinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error)
	// SubscribeLinkByReminder returns a reminder's link whatever its tenant:
	// the public poster URL names only the reminder id.
	SubscribeLinkByReminder(ctx context.Context, reminderID string) (remind.SubscribeLink, error)
	// SetWeChatTicket records the WeChat QR ticket made for a link.
	SetWeChatTicket(ctx context.Context, token, ticket string, expireAt time.Time) error
	// PutSubscriber inserts sb, or, when a subscriber with its id exists and
	// is not confirmed, gives it sb's state and token. A confirmed subscriber
	// is left as it is. It returns the stored subscriber.
	PutSubscriber(ctx context.Context, sb remind.Subscriber) (remind.Subscriber, error)
	// GetSubscriber returns a subscriber by id (its recipient uid) within a tenant.
	GetSubscriber(ctx context.Context, tenantID, id string) (remind.Subscriber, error)
	// SubscriberByToken returns the subscriber a confirm or unsubscribe link names.
	SubscriberByToken(ctx context.Context, token string) (remind.Subscriber, error)
	// ListSubscribers returns a reminder's subscribers in id order.
	ListSubscribers(ctx context.Context, tenantID, reminderID string) ([]remind.Subscriber, error)
	// ConfirmSubscriber confirms the subscriber of a confirmation token in one
	// transaction, making it a recipient of the reminder. Confirming twice
	// changes nothing. It fails with remind.ErrNotFound for an unknown token,
	// an unsubscribed subscriber or a deleted reminder, and with
	// remind.ErrConflict when the reminder has remind.MaxRecipients
	// recipients already.
	ConfirmSubscriber(ctx context.Context, token string, at time.Time) (remind.Subscriber, error)
	// Unsubscribe ends the subscription whose link token this is, in one
	// transaction: its state becomes unsubscribed, its recipient is deleted
	// and its uid leaves the reminder's recipients. Unsubscribing twice
	// changes nothing; an unknown token is remind.ErrNotFound.
	Unsubscribe(ctx context.Context, token string, at time.Time) (remind.Subscriber, error)
	// CalendarFeedOf returns the recipient's calendar feed (f's tenant and
	// uid), creating it with f's token when there is none.
	CalendarFeedOf(ctx context.Context, f CalendarFeed) (CalendarFeed, error)
	// CalendarFeedByToken returns the feed with this token.
	CalendarFeedByToken(ctx context.Context, token string) (CalendarFeed, error)

	// Apps, access tokens, numeric ids and SMS quotas of the team-remind
	// API (storetest.RunApps).

	// CreateApp records an app by its id and the hash of its secret; a taken
	// app id is a conflict.
	CreateApp(ctx context.Context, appID, secretHash, tenantID string, at time.Time) error
	// AppByID returns an app's secret hash and tenant; an unknown app is
	// remind.ErrNotFound.
	AppByID(ctx context.Context, appID string) (secretHash, tenantID string, err error)
	// CreateAccessToken records an access token by its hash, valid until expiresAt.
	CreateAccessToken(ctx context.Context, tokenHash, appID, tenantID string, expiresAt, at time.Time) error
	// AccessToken returns the tenant of the access token with this hash and
	// when it expires, expired or not (the caller judges); an unknown token
	// is remind.ErrNotFound.
	AccessToken(ctx context.Context, tokenHash string) (remind.Tenant, time.Time, error)
	// PurgeAccessTokens deletes the tokens that expired before before and
	// returns how many.
	PurgeAccessTokens(ctx context.Context, before time.Time) (int64, error)
	// SetAppSMSFallback sets an app's SMS fallback: how long after an
	// in-app team reminder made through it fires its unconfirmed members
	// get an SMS (0: never). An unknown app is remind.ErrNotFound.
	SetAppSMSFallback(ctx context.Context, appID string, fallback time.Duration) error
	// AppSMSFallback returns the SMS fallback of the app that issued the
	// access token with this hash; an unknown token is remind.ErrNotFound.
	AppSMSFallback(ctx context.Context, tokenHash string) (time.Duration, error)
	// TeamRemindNumber returns the numeric id of a reminder, giving it the
	// next free number on first use.
	TeamRemindNumber(ctx context.Context, tenantID, reminderID string) (int64, error)
	// TeamRemindByNumber returns the reminder id of a tenant's numeric id; an
	// unknown number is remind.ErrNotFound.
	TeamRemindByNumber(ctx context.Context, tenantID string, num int64) (string, error)
	// TakeSMSQuota records one SMS to phone at at and returns true, unless
	// limit sends to phone are recorded within the window before at: then it
	// records nothing and returns false. Concurrent callers never both take
	// the last send.
	TakeSMSQuota(ctx context.Context, phone, deliveryID string, at time.Time, window time.Duration, limit int) (bool, error)
}

// Broadcaster is implemented by drivers whose database several processes
// share: a message one process broadcasts reaches every process subscribed,
// itself included. It is how a reminder created on one instance wakes the
// instance that should fire it, and how inbox items reach SSE clients
// connected to another instance.
type Broadcaster interface {
	// Broadcast sends payload (at most 7000 bytes) on topic.
	Broadcast(ctx context.Context, topic string, payload []byte) error
	// Subscribe calls fn for every message on topic until ctx is done.
	Subscribe(ctx context.Context, topic string, fn func(payload []byte)) error
}

// Idempotency ties a create to a client's Idempotency-Key.
type Idempotency struct {
	Key      string
	BodyHash string
	Since    time.Time // keys recorded before this are expired and may be reused
	Now      time.Time // when the request came: a batch's own key is recorded at it
}

// BatchItem is one reminder of a batch create (Store.CreateReminders).
type BatchItem struct {
	Reminder remind.Reminder // with TenantID the batch's tenant
	Idem     *Idempotency    // the item's own key; optional
	Err      error           // the item failed validation: it is answered with Err unless its key replays
}

// BatchResult answers one BatchItem: the reminder stored (or replayed
// through the item's key), or the item's error.
type BatchResult struct {
	Reminder remind.Reminder
	Replayed bool
	Err      error
}

// BatchKeyPrefix starts the idempotency rows a batch key makes: the
// batch's own row, and its items' rows (BatchItemKey), apart from any key a
// client can send (a header holds no control character).
const BatchKeyPrefix = "\x1fbatch\x1f"

// BatchItemKey is the key of item i of a batch whose key is batchKey, for
// an item without its own key.
func BatchItemKey(batchKey string, i int) string {
	return BatchKeyPrefix + batchKey + "\x1f" + strconv.Itoa(i)
}

// Overview is a tenant's reminders at a glance (see ReminderOverview).
type Overview struct {
	Counts map[remind.Status]int
	Next   []remind.Reminder
}

// ListQuery pages through a list in id order.
type ListQuery struct {
	After  string        // cursor: return rows with ids after this one
	Limit  int           // at most this many (drivers cap it at 1000)
	Status remind.Status // filter on reminder status; "" for all
}

// FirePlanner decides, for one due reminder, its deliveries and what comes
// next. recips holds the tenant's recipient records for r.Recipients;
// hooks the tenant's webhooks.
type FirePlanner func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) FirePlan

// SnoozePlanner decides the deliveries of a snooze (remind.PlanSnooze):
// it sees the item, the deliveries to its recipient of the item's
// occurrence and the recipient's link version.
type SnoozePlanner func(it remind.InboxItem, orig []remind.Delivery, linkVersion int) ([]remind.Delivery, error)

// FirePlan is a planner's answer.
type FirePlan struct {
	Deliveries []remind.Delivery
	Next       *time.Time    // next firing, nil when the reminder is done
	Status     remind.Status // the reminder's status after this firing
	Claimed    []time.Time   // the reminder's firings claimed ahead after this one (remind.Reminder.ClaimAfter)
}

// Waits reports whether FireDue writes the planned delivery d unleased:
// it is pending but is a follow-up of an acknowledgement chain, or is due
// after the lease would end (held by the recipient's quiet hours), so it
// waits in the store with its next attempt at its time, for
// LeaseDeliveries, instead of in the caller's memory.
func Waits(d remind.Delivery, lease Lease) bool {
	return d.State == remind.DeliveryPending && (d.Step != remind.StepFiring || d.DueAt.After(lease.Until) ||
		!lease.Ahead.IsZero() && d.DueAt.After(lease.Ahead))
}

// HeldAhead reports whether FireDue writes the planned delivery d leased
// to lease.Owner from its due time (Lease.AheadFor): a delivery of the
// firing itself (no follow-up), planned ahead of its time (due after
// Ahead), by an instance that will send it when it falls due. Such a
// delivery is pending with one attempt counted, its next attempt (the
// lease's end) at DueAt + AheadFor, and is not returned: its owner reads
// it at its time (ReadAhead) instead of holding it in memory.
func HeldAhead(d remind.Delivery, lease Lease) bool {
	return lease.AheadFor > 0 && !lease.Ahead.IsZero() && d.State == remind.DeliveryPending &&
		d.Step == remind.StepFiring && d.DueAt.After(lease.Ahead)
}

// Lease says who holds deliveries and until when: the instance that
// claimed them (its id as in Heartbeat; "" for none) and the time the claim
// lapses, when anyone may lease them again, unless an outcome was recorded
// first or the owner's heartbeat stopped earlier.
//
// Ahead, when set, bounds what FireDue leases: deliveries due after it are
// written unleased at their time (Waits), like those due after Until. The
// scheduler sets it while the dispatcher's memory is full, so a herd
// larger than what it may hold is still planned and written before its
// instant, and leased from the store when it falls due.
//
// AheadFor, when set with Ahead, leases those deliveries instead, to
// Owner from their due time for AheadFor (HeldAhead): the scheduler sets
// it when this instance is the store's only user, so that a herd written
// ahead is not leased a second time, row by row, when it falls due.
type Lease struct {
	Owner    string
	Until    time.Time
	Ahead    time.Time
	AheadFor time.Duration
}

// Cursor is a position in ReadAhead's order: the lease end of the last
// delivery read and a key that only the store that made it reads. The zero
// Cursor is before every delivery; Cursor{Until: t} is before every
// delivery whose lease ends at or after t.
type Cursor struct {
	Until time.Time
	Key   string
}

// Before reports whether c is before o.
func (c Cursor) Before(o Cursor) bool {
	if !c.Until.Equal(o.Until) {
		return c.Until.Before(o.Until)
	}
	return c.Key < o.Key
}

// Leased is one delivery LeaseDue leased: its id and its attempt count
// with this lease counted.
type Leased struct {
	ID       string
	Attempts int
}

// Result is the outcome of one attempt at one delivery.
type Result struct {
	Delivery remind.Delivery // with State, Attempts, NextAttemptAt, LastError, FinishedAt updated
	Attempt  remind.Attempt
}

// Final reports whether r's attempt ends its delivery (delivered, or
// failed for good) and says nothing the delivery's row does not: its
// outcome is the state, its error the last error, its number the attempt
// count. Both drivers keep such an attempt in the delivery's row, with its
// start, duration and status code, instead of an attempts row of its own:
// a herd's outcomes are one write each, not two. Every other attempt, and
// a final one that does not finish its row (a stale copy's), gets an
// attempts row.
func (r Result) Final() bool {
	d, a := r.Delivery, r.Attempt
	return (d.State == remind.DeliveryDelivered || d.State == remind.DeliveryFailed) &&
		a.N == d.Attempts && a.Outcome == string(d.State) && a.Error == d.LastError && a.DeliveryID == d.ID
}

// FinalAttempt is the attempt a driver kept in d's row (see Result.Final).
func FinalAttempt(d remind.Delivery, at time.Time, dur time.Duration, code int) remind.Attempt {
	return remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: at, Duration: dur, Outcome: string(d.State), StatusCode: code, Error: d.LastError}
}

// ScanMore scans a row's first columns as Row would and the rest into
// More: a driver's delivery scanner reading a query with extra columns.
type ScanMore struct {
	Row  interface{ Scan(...any) error }
	More []any
}

// Scan implements the drivers' row interfaces.
func (w ScanMore) Scan(dest ...any) error { return w.Row.Scan(append(dest, w.More...)...) }

// WithFinal returns a delivery's attempts read from their own rows (in
// order) followed by the one kept in its row, if any; a row's copy of that
// same attempt (recorded twice) is left out.
func WithFinal(rows []remind.Attempt, final *remind.Attempt) []remind.Attempt {
	if final == nil {
		return rows
	}
	out := rows[:0]
	for _, a := range rows {
		if a.N < final.N {
			out = append(out, a)
		}
	}
	return append(out, *final)
}

// DeliveryWithAttempts is a delivery with its attempts, oldest first.
type DeliveryWithAttempts struct {
	remind.Delivery
	Attempts []remind.Attempt
}

// MaxPage is the largest page a list returns.
const MaxPage = 1000

// PageLimit clamps a requested page size to 1..MaxPage (0 means 100).
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > MaxPage:
		return MaxPage
	}
	return n
}
