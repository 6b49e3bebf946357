// Package remind holds RaaS's domain values — tenants, reminders, recipients,
// deliveries, inbox items — and the rules that need nothing but those values:
// validation, fan-out of one occurrence into deliveries, and domain errors.
// It imports nothing of the project's and knows no storage or transport.
package remind

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// Status is the life-cycle state of a reminder.
type Status string

// Reminder statuses.
const (
	StatusActive    Status = "active"    // has a next occurrence to fire
	StatusDone      Status = "done"      // fired its last occurrence
	StatusCancelled Status = "cancelled" // cancelled by its owner; never fires again
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusActive || s == StatusDone || s == StatusCancelled
}

// Default values a tenant starts with.
const (
	DefaultTZ       = "Asia/Shanghai"
	DefaultDateHour = 9
)

// Tenant is one customer of the service; every other value belongs to one.
type Tenant struct {
	ID          string
	Name        string
	DisplayName string // shown as the WeCron "owner.nickname"
	AvatarURL   string // shown as the WeCron "owner.headimgurl"
	TZ          string // IANA zone used when a reminder names none
	DateHour    int    // hour at which date-only phrases fire
	CreatedAt   time.Time
}

// APIToken is a tenant's API token as kept: its id and the hash of its
// secret, never the secret itself.
type APIToken struct {
	ID         string
	TenantID   string
	Hash       string // service.HashToken of the secret
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used; written at most once a minute
}

// Session is a dashboard sign-in: bound to the token it was opened with,
// so revoking the token ends it. Only the hash of its id (the cookie's
// value) is kept.
type Session struct {
	Hash      string
	TokenID   string
	TenantID  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Reminder is something to fire at its moments to its recipients.
type Reminder struct {
	ID          string
	TenantID    string
	Title       string
	Desc        string
	Time        *time.Time // the one-off moment (before Defer); nil for recurring reminders
	RRule       string     // RFC 5545 recurrence (with RaaS extensions); "" for one-off
	TZ          string     // IANA zone the rule is read in
	Start       time.Time  // anchor (DTSTART) of RRule
	DeferMin    int        // minutes added to every occurrence; negative fires earlier
	ExternalURL string
	Recipients  []string   // recipient uids
	Channels    []string   // channels to use; empty means each recipient's defaults
	Ack         *AckPolicy // asks recipients to acknowledge each firing; nil: no follow-ups
	// Urgent reminders are sent inside recipients' quiet hours too.
	Urgent     bool
	Status     Status
	NextFireAt *time.Time // when the next occurrence fires (occurrence + Defer); nil when none
	FiredCount int
	// Claimed is the firings the scheduler claimed ahead of their instant
	// (its look-ahead), oldest first. A write made before one of them is
	// due takes those not yet due back (Unclaim), so they are planned again
	// from the reminder as it is then.
	Claimed   []time.Time
	Source    string            // which API created it: v1, wecron, teamremind
	Meta      map[string]string // API-specific values (e.g. team-remind creator)
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ClaimAfter returns r's claimed firings once the firing at fireAt has been
// claimed at now: those still ahead of now, and fireAt when it is.
func (r Reminder) ClaimAfter(fireAt, now time.Time) []time.Time {
	var out []time.Time
	for _, c := range r.Claimed {
		if c.After(now) {
			out = append(out, c)
		}
	}
	if fireAt.After(now) {
		out = append(out, fireAt)
	}
	return out
}

// Unclaim takes back, at now, the firings claimed ahead that are not yet
// due: the reminder is due again at the earliest of them, as if the
// scheduler had not looked ahead, and Unclaim reports true; the deliveries
// made for them must be cancelled with it (the store does both in one
// transaction). A cancelled reminder, or one with nothing claimed ahead, is
// left as it is.
func (r *Reminder) Unclaim(now time.Time) bool {
	var ahead []time.Time
	for _, c := range r.Claimed {
		if c.After(now) {
			ahead = append(ahead, c)
		}
	}
	r.Claimed = nil
	if len(ahead) == 0 || r.Status == StatusCancelled {
		return false
	}
	at := ahead[0]
	r.NextFireAt, r.Status = &at, StatusActive
	r.FiredCount = max(r.FiredCount-len(ahead), 0)
	return true
}

// Recurring reports whether the reminder has a recurrence rule.
func (r Reminder) Recurring() bool { return r.RRule != "" }

// Occurrence returns the nominal occurrence of a fire instant (fire − Defer).
func (r Reminder) Occurrence(fireAt time.Time) time.Time {
	return fireAt.Add(-time.Duration(r.DeferMin) * time.Minute)
}

// FireAt returns the fire instant of a nominal occurrence (occurrence + Defer).
func (r Reminder) FireAt(occurrence time.Time) time.Time {
	return occurrence.Add(time.Duration(r.DeferMin) * time.Minute)
}

// Recipient is a person (or system) reminders are sent to, known by a uid
// chosen by the tenant.
type Recipient struct {
	TenantID      string
	UID           string
	Name          string
	Email         string
	Phone         string
	WeChatOpenID  string
	WebhookURL    string
	WebhookSecret string // signs deliveries to WebhookURL
	// WebPush says the recipient is a browser's Web Push subscription (a
	// subscriber: the subscription itself is the subscriber's address, looked
	// up by uid when sending). Set by the store, never by the API.
	WebPush bool
	// Contacts are the recipient's group robots and notification service
	// URLs (DingTalk, Feishu, WeCom, notify).
	Contacts Contacts
	Profile  Profile
	// LinkVersion is the version of the recipient's personal links (set
	// by the store from its own table; see RecipientLinks): a link signed
	// for another version is revoked.
	LinkVersion int
	Muted       bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Profile is how a recipient likes to be reached: in which zone and
// language messages are written, on which channels first, when not at all,
// and which summaries they asked for.
type Profile struct {
	TZ   string // IANA zone messages show times in; "" for the reminder's
	Lang string // "zh", "en", or "" to choose by the text
	// PreferredChannels replace the defaults (DefaultRecipientChannels)
	// when a reminder names no channels; the inbox is always added.
	PreferredChannels []string
	// QuietHours is "HH:MM-HH:MM" in TZ (may wrap midnight): a firing
	// inside is held to its end unless the reminder is urgent.
	QuietHours  string
	AgendaOptIn bool // a morning agenda of the day's reminders
	DigestOptIn bool // the owner's daily digest
}

// OwnerUID is the uid of each tenant's owner recipient: a reminder with no
// recipients, in a tenant with no enabled webhook, goes to the owner when
// the owner has a recipient record.
const OwnerUID = "owner"

// Contacts are where a recipient (a person or a group chat) already reads
// messages: workplace group robots and notification-service URLs.
type Contacts struct {
	DingTalk *Robot
	Feishu   *Robot
	WeCom    *Robot
	// Notify holds service URLs (ntfy://…, slack://…, telegram://…).
	Notify []string
	// WebPush holds the browsers a named recipient turned notifications on
	// in from their personal page: each a PushSubscription's JSON
	// ({"endpoint": …, "keys": {…}}), at most MaxPushSubscriptions. (A
	// subscriber made by a subscribe page keeps its one subscription as
	// its address instead: Recipient.WebPush.)
	WebPush []string
}

// MaxPushSubscriptions is how many browsers a recipient's contacts keep;
// turning on one more drops the oldest.
const MaxPushSubscriptions = 10

// PushEndpoint returns the endpoint of a PushSubscription's JSON ("" when
// it is not one).
func PushEndpoint(sub string) string {
	var s struct {
		Endpoint string `json:"endpoint"`
	}
	if json.Unmarshal([]byte(sub), &s) != nil {
		return ""
	}
	return s.Endpoint
}

// IsZero reports whether c holds no contact at all.
func (c Contacts) IsZero() bool {
	return c.DingTalk == nil && c.Feishu == nil && c.WeCom == nil && len(c.Notify) == 0 && len(c.WebPush) == 0
}

// Robot is a group chat's incoming-webhook robot.
type Robot struct {
	Webhook string
	// SealedSecret is the signing secret encrypted with the server's
	// secret key (see package secretbox); "" when the robot signs nothing.
	// It is never returned by the API nor written to a log.
	SealedSecret string
}

// Robot returns the recipient's robot on channel (dingtalk, feishu,
// wecom), or nil.
func (c Contacts) Robot(channel string) *Robot {
	switch channel {
	case ChannelDingTalk:
		return c.DingTalk
	case ChannelFeishu:
		return c.Feishu
	case ChannelWeCom:
		return c.WeCom
	}
	return nil
}

// AddressKey names an address in a delivery's Target without writing it
// there: robot webhooks and service URLs carry credentials (access
// tokens, keys), and targets are shown in the API and logs.
func AddressKey(addr string) string {
	sum := sha256.Sum256([]byte(addr))
	return hex.EncodeToString(sum[:8])
}

// Webhook is a tenant-wide endpoint that receives every firing of the
// tenant's reminders.
type Webhook struct {
	ID        string
	TenantID  string
	URL       string
	Secret    string // "whsec_" + base64 key (Standard Webhooks)
	Disabled  bool
	CreatedAt time.Time
}

// Channel names.
const (
	ChannelWebhook = "webhook"
	ChannelInbox   = "inbox"
	ChannelEmail   = "email"
	ChannelSMS     = "sms"
	ChannelWeChat  = "wechat"
	ChannelWebPush = "webpush"
	// Group robots and notification services (contacts on the recipient).
	ChannelDingTalk = "dingtalk"
	ChannelFeishu   = "feishu"
	ChannelWeCom    = "wecom"
	ChannelNotify   = "notify"
)

// KnownChannel reports whether name is a channel RaaS can deliver on.
func KnownChannel(name string) bool {
	switch name {
	case ChannelWebhook, ChannelInbox, ChannelEmail, ChannelSMS, ChannelWeChat, ChannelWebPush,
		ChannelDingTalk, ChannelFeishu, ChannelWeCom, ChannelNotify:
		return true
	}
	return false
}

// DeliveryState is where one delivery stands.
type DeliveryState string

// Delivery states.
const (
	DeliveryPending   DeliveryState = "pending"   // to be sent (or being sent under a lease)
	DeliveryDelivered DeliveryState = "delivered" // the channel accepted it
	DeliveryFailed    DeliveryState = "failed"    // gave up: permanent error or retries exhausted
	DeliveryCancelled DeliveryState = "cancelled" // the reminder was cancelled before it was sent
	DeliveryMissed    DeliveryState = "missed"    // fell due too long ago (service was down) to be worth sending
)

// Delivery is one occurrence of one reminder to one recipient on one channel.
// Its ID is stable: the same (reminder, occurrence, recipient, channel,
// target) always has the same ID, so receivers can drop duplicates.
type Delivery struct {
	ID         string
	TenantID   string
	ReminderID string
	Occurrence time.Time // nominal occurrence
	DueAt      time.Time // fire instant (occurrence + defer)
	Recipient  string    // uid, or "" for tenant webhooks
	// Step is StepFiring ("") for the firing itself, or the follow-up of
	// an acknowledgement chain it is (StepRepeat(k), StepEscalate).
	Step string
	// About is, for an escalation sent to someone else, the uid of the
	// recipient who did not acknowledge the firing.
	About         string
	Channel       string
	Target        string // webhook id, address, phone, openid…
	State         DeliveryState
	Attempts      int
	NextAttemptAt time.Time
	Late          bool
	Payload       []byte // JSON event, a snapshot taken at fire time
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	FinishedAt    *time.Time
}

// Attempt is one try at sending a delivery.
type Attempt struct {
	DeliveryID string
	N          int
	At         time.Time
	Duration   time.Duration
	Outcome    string // "delivered", "retry", "failed"
	StatusCode int    // HTTP status where the channel has one
	Error      string
}

// InboxStatus is what a recipient did with an in-app item.
type InboxStatus int

// Inbox statuses; the numbers are the team-remind API's msgStatus.
const (
	InboxUnread    InboxStatus = 0
	InboxRead      InboxStatus = 1
	InboxConfirmed InboxStatus = 2
	InboxRejected  InboxStatus = 3
	// InboxSnoozed: the recipient asked for it again later; a new item
	// (SnoozedFrom naming this one) comes then.
	InboxSnoozed InboxStatus = 4
)

// String returns the status's name.
func (s InboxStatus) String() string {
	switch s {
	case InboxUnread:
		return "unread"
	case InboxRead:
		return "read"
	case InboxConfirmed:
		return "confirmed"
	case InboxRejected:
		return "rejected"
	case InboxSnoozed:
		return "snoozed"
	}
	return "unknown"
}

// InboxItem is a delivered reminder in a recipient's in-app inbox. Its ID is
// the delivery's ID.
type InboxItem struct {
	ID          string
	TenantID    string
	UID         string
	ReminderID  string
	Title       string
	Desc        string
	ExternalURL string
	Occurrence  time.Time
	Status      InboxStatus
	SnoozedFrom string // the item this one was snoozed from; "" for a firing's own item
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Removed returns the uids of before that are not in after, in before's order.
func Removed(before, after []string) []string {
	var out []string
	for _, uid := range before {
		if !slices.Contains(after, uid) && !slices.Contains(out, uid) {
			out = append(out, uid)
		}
	}
	return out
}

// AddRecipient adds uid to r's recipients unless it is there already; it
// fails with ErrConflict when r has MaxRecipients already.
func (r *Reminder) AddRecipient(uid string) error {
	if slices.Contains(r.Recipients, uid) {
		return nil
	}
	if len(r.Recipients) >= MaxRecipients {
		return &Error{Code: CodeConflict, Message: "the reminder has as many recipients as it may have"}
	}
	r.Recipients = append(slices.Clip(r.Recipients), uid)
	return nil
}

// RemoveRecipient takes uid off r's recipients and reports whether it was there.
func (r *Reminder) RemoveRecipient(uid string) bool {
	kept := make([]string, 0, len(r.Recipients))
	for _, u := range r.Recipients {
		if u != uid {
			kept = append(kept, u)
		}
	}
	removed := len(kept) != len(r.Recipients)
	r.Recipients = kept
	return removed
}
