// Package store declares the storage RaaS needs, as one interface with a
// SQLite and a PostgreSQL driver; package storetest is the conformance suite
// both pass. Drivers report missing rows as remind.ErrNotFound (wrapped).
package store

import (
	"context"
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
	// In it the store reads the reminder (deleted ones are not found), takes
	// back its firings claimed ahead and not yet due at `at`
	// (remind.Reminder.Unclaim), calls fn to change the reminder, and
	// writes every mutable field back. When fn returns an error nothing is
	// written and that error is returned. Pending deliveries of the firings
	// taken back are cancelled; so are all pending deliveries of recipients
	// fn removed. The scheduler then plans the taken-back firing again from
	// the reminder as written: the same delivery ids, made pending again
	// (FireDue), so each is still sent once, with the current content, to
	// the current recipients.
	ModifyReminder(ctx context.Context, tenantID, id string, at time.Time, fn func(r *remind.Reminder) error) (remind.Reminder, error)
	// CancelReminder marks the reminder cancelled, clears its next firing and
	// cancels every pending delivery of it.
	CancelReminder(ctx context.Context, tenantID, id string, at time.Time) (remind.Reminder, error)
	// DeleteReminder hides the reminder from reads and cancels what is
	// pending; its deliveries stay as history.
	DeleteReminder(ctx context.Context, tenantID, id string, at time.Time) error

	PutRecipient(ctx context.Context, rc remind.Recipient) (remind.Recipient, error)
	GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error)
	DeleteRecipient(ctx context.Context, tenantID, uid string) error

	CreateWebhook(ctx context.Context, w remind.Webhook) error
	ListWebhooks(ctx context.Context, tenantID string) ([]remind.Webhook, error)
	GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error)
	DeleteWebhook(ctx context.Context, tenantID, id string) error
	DisableWebhook(ctx context.Context, tenantID, id string) error

	// NextFireAt returns the earliest next firing of any active reminder.
	NextFireAt(ctx context.Context) (time.Time, bool, error)
	// FireDue claims up to limit active reminders due at or before now, and
	// in one transaction per batch asks plan for each one's deliveries and
	// next firing, inserts the deliveries and moves the reminder on (next
	// firing, status, fired count and plan.Claimed). A planned delivery whose
	// id exists is left alone unless it was cancelled: then it is made
	// pending again with the new plan's content and one more attempt
	// counted, so a copy leased before (Attempts lower) is fenced off (see
	// PendingOf and FinishDeliveries). Deliveries it makes pending are
	// leased to the caller until leaseUntil, with their attempt counted
	// (Attempts 1 when new). It returns them.
	// Two callers never claim the same firing.
	FireDue(ctx context.Context, now time.Time, limit int, leaseUntil time.Time, plan FirePlanner) ([]remind.Delivery, error)

	// NextDeliveryAt returns the earliest time a pending delivery is due or
	// its lease runs out.
	NextDeliveryAt(ctx context.Context) (time.Time, bool, error)
	// LeaseDeliveries claims up to limit pending deliveries whose time has
	// come (due, retry time reached or lease expired), counting an attempt
	// on each and leasing them until leaseUntil.
	LeaseDeliveries(ctx context.Context, now time.Time, limit int, leaseUntil time.Time) ([]remind.Delivery, error)
	// PendingOf returns which of ids are still pending (not cancelled or
	// finished), each with its attempt count: a holder whose copy has
	// another count lost its lease to a newer one and must not send it.
	PendingOf(ctx context.Context, ids []string) (map[string]int, error)
	// FinishDeliveries records outcomes: each Result's delivery state,
	// attempt count, next attempt and error, and its attempt row. A delivery
	// no longer pending (cancelled meanwhile), or pending under another
	// attempt count (leased again since: a takeover or a re-plan), keeps its
	// state; the attempt is recorded.
	FinishDeliveries(ctx context.Context, results []Result) error
	// ListDeliveries returns a reminder's deliveries with their attempts.
	ListDeliveries(ctx context.Context, tenantID, reminderID string) ([]DeliveryWithAttempts, error)
	// FailedDeliveries returns a tenant's deliveries that ended failed or
	// missed at or after since (by their last update), the latest first, at
	// most limit (clamped by PageLimit): what the dashboard's "needs
	// attention" panel groups by cause.
	FailedDeliveries(ctx context.Context, tenantID string, since time.Time, limit int) ([]remind.Delivery, error)

	// AddInboxItem inserts an item; it returns false when the id exists already.
	AddInboxItem(ctx context.Context, it remind.InboxItem) (bool, error)
	ListInbox(ctx context.Context, tenantID, uid string, q ListQuery) ([]remind.InboxItem, error)
	SetInboxStatus(ctx context.Context, tenantID, uid, itemID string, st remind.InboxStatus, at time.Time) (remind.InboxItem, error)
	// InboxStatusByReminder returns, for one reminder, each recipient's most
	// recent inbox status.
	InboxStatusByReminder(ctx context.Context, tenantID, reminderID string) (map[string]remind.InboxStatus, error)
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

// FirePlan is a planner's answer.
type FirePlan struct {
	Deliveries []remind.Delivery
	Next       *time.Time    // next firing, nil when the reminder is done
	Status     remind.Status // the reminder's status after this firing
	Claimed    []time.Time   // the reminder's firings claimed ahead after this one (remind.Reminder.ClaimAfter)
}

// Result is the outcome of one attempt at one delivery.
type Result struct {
	Delivery remind.Delivery // with State, Attempts, NextAttemptAt, LastError, FinishedAt updated
	Attempt  remind.Attempt
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
