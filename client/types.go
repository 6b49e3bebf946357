package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// ReminderInput creates a reminder. Give Time (one-off), RRule (recurring),
// or only Text, from which the server reads the time ("明天下午三点开会",
// "every monday 9am").
type ReminderInput struct {
	Title       string     `json:"title,omitempty"`
	Desc        string     `json:"desc,omitempty"`
	Text        string     `json:"text,omitempty"`
	Time        *time.Time `json:"time,omitempty"`
	RRule       string     `json:"rrule,omitempty"`
	TZ          string     `json:"tz,omitempty"`
	Start       *time.Time `json:"start,omitempty"`
	Defer       int        `json:"defer,omitempty"` // minutes before (negative) or after
	ExternalURL string     `json:"external_url,omitempty"`
	Recipients  []string   `json:"recipients,omitempty"`
	Channels    []string   `json:"channels,omitempty"`
	// Urgent reminders are sent inside recipients' quiet hours too.
	Urgent bool              `json:"urgent,omitempty"`
	Meta   map[string]string `json:"meta,omitempty"`
	Ack    *Ack              `json:"ack,omitempty"`
}

// Ack asks each recipient to acknowledge every firing (confirm or reject
// their inbox item): until they do they are re-notified every Repeat, at
// most MaxRepeats times; after Within the EscalateTo recipients are told
// who did not confirm, and the firing is sent again on ThenChannels.
// Durations are written as "15m", "1h30m".
type Ack struct {
	Within       string   `json:"within"`
	Repeat       string   `json:"repeat,omitempty"`
	MaxRepeats   int      `json:"max_repeats,omitempty"`
	EscalateTo   []string `json:"escalate_to,omitempty"`
	ThenChannels []string `json:"then_channels,omitempty"`
}

// ReminderPatch changes a reminder; nil fields stay as they are.
type ReminderPatch struct {
	Title       *string           `json:"title,omitempty"`
	Desc        *string           `json:"desc,omitempty"`
	Text        *string           `json:"text,omitempty"`
	Time        *time.Time        `json:"time,omitempty"`
	RRule       *string           `json:"rrule,omitempty"`
	TZ          *string           `json:"tz,omitempty"`
	Start       *time.Time        `json:"start,omitempty"`
	Defer       *int              `json:"defer,omitempty"`
	ExternalURL *string           `json:"external_url,omitempty"`
	Recipients  *[]string         `json:"recipients,omitempty"`
	Channels    *[]string         `json:"channels,omitempty"`
	Urgent      *bool             `json:"urgent,omitempty"`
	Ack         *Ack              `json:"ack,omitempty"` // replaces the policy
	Meta        map[string]string `json:"meta,omitempty"`
	// RemoveAck takes the acknowledgement policy off (sent as "ack": null).
	RemoveAck bool `json:"-"`
}

// MarshalJSON writes the patch, with "ack": null when RemoveAck is set.
func (p ReminderPatch) MarshalJSON() ([]byte, error) {
	type plain ReminderPatch
	b, err := json.Marshal(plain(p))
	if err != nil || !p.RemoveAck {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["ack"] = json.RawMessage("null")
	return json.Marshal(m)
}

// Reminder is a reminder as the server keeps it.
type Reminder struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Desc        string     `json:"desc"`
	Time        *time.Time `json:"time"`
	RRule       string     `json:"rrule,omitempty"`
	TZ          string     `json:"tz"`
	Start       *time.Time `json:"start,omitempty"`
	Defer       int        `json:"defer"`
	ExternalURL string     `json:"external_url,omitempty"`
	Recipients  []string   `json:"recipients"`
	Channels    []string   `json:"channels"`
	Urgent      bool       `json:"urgent,omitempty"`
	Ack         *Ack       `json:"ack,omitempty"`
	Status      string     `json:"status"` // active, done, cancelled
	// ScheduleText is the schedule in words ("Every Mon, Wed and Fri at
	// 21:00"), in the language of WithLanguage (English by default).
	ScheduleText string            `json:"schedule_text"`
	NextFireAt   *time.Time        `json:"next_fire_at"`
	FiredCount   int               `json:"fired_count"`
	Source       string            `json:"source"`
	Meta         map[string]string `json:"meta,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	// Reaches and Warnings come only with the answers to CreateReminder,
	// CreateBatch and UpdateReminder: how many recipient × channel pairs
	// (plus enabled webhooks) the next firing would be sent to, and plain
	// sentences about what will not be sent ("nobody will be reached: …",
	// "channel sms is not configured on this server").
	Reaches  *int     `json:"reaches,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Replayed is true when the server answered a create with the reminder
	// an earlier attempt of the same call created.
	Replayed bool `json:"-"`
}

// ReminderPage is one page of a list.
type ReminderPage struct {
	Data       []Reminder `json:"data"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// ListOptions pages and filters a list.
type ListOptions struct {
	Cursor string // NextCursor of the previous page
	Limit  int    // 1..1000; 0 means the server's default (100)
	Status string // "active", "done", "cancelled" or "" for all
}

// Attempt is one try at a delivery.
type Attempt struct {
	N          int       `json:"n"`
	At         time.Time `json:"at"`
	DurationMS float64   `json:"duration_ms"`
	Outcome    string    `json:"outcome"` // delivered, retry, failed
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// Delivery is one occurrence of a reminder to one recipient on one channel.
type Delivery struct {
	ID            string     `json:"id"`
	Occurrence    time.Time  `json:"occurrence"`
	DueAt         time.Time  `json:"due_at"`
	Recipient     string     `json:"recipient,omitempty"`
	Channel       string     `json:"channel"`
	Step          string     `json:"step,omitempty"`  // repeat-1, …, escalate; "" for the firing itself
	About         string     `json:"about,omitempty"` // on an escalation: who did not confirm
	State         string     `json:"state"`           // pending, delivered, failed, cancelled, missed
	Late          bool       `json:"late"`
	AttemptCount  int        `json:"attempt_count"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	Attempts      []Attempt  `json:"attempts"`
}

// DeliveryList is a reminder's deliveries and its recipients'
// acknowledgements.
type DeliveryList struct {
	Data []Delivery `json:"data"`
	Acks []AckState `json:"acks"`
}

// AckState is the recipients' acknowledgement of one occurrence: each
// one's inbox item status (unread, read, confirmed, rejected) by uid.
type AckState struct {
	Occurrence time.Time         `json:"occurrence"`
	States     map[string]string `json:"states"`
}

// RecipientInput creates or replaces a recipient.
type RecipientInput struct {
	Name         string `json:"name,omitempty"`
	Email        string `json:"email,omitempty"`
	Phone        string `json:"phone,omitempty"`
	WeChatOpenID string `json:"wechat_openid,omitempty"`
	WebhookURL   string `json:"webhook_url,omitempty"`
	Muted        bool   `json:"muted,omitempty"`
	// Profile, replaced whole by PutRecipient: the zone and language
	// messages are written in, the channels used when a reminder names
	// none (the inbox is always added), quiet hours "HH:MM-HH:MM" in TZ
	// (a firing inside is held to their end unless the reminder is
	// urgent), and the morning agenda and owner's digest opt-ins.
	TZ                string   `json:"tz,omitempty"`
	Lang              string   `json:"lang,omitempty"` // "zh", "en" or "" (by the text)
	PreferredChannels []string `json:"preferred_channels,omitempty"`
	QuietHours        string   `json:"quiet_hours,omitempty"`
	Agenda            bool     `json:"agenda,omitempty"`
	Digest            bool     `json:"digest,omitempty"`
	// Contacts, when set, replace the recipient's robots and notify URLs;
	// nil keeps those stored.
	Contacts *Contacts `json:"contacts,omitempty"`
}

// Contacts are where a recipient (a person or a group chat) reads
// messages: group robots and notification-service URLs.
type Contacts struct {
	DingTalk *Robot   `json:"dingtalk,omitempty"`
	Feishu   *Robot   `json:"feishu,omitempty"`
	WeCom    *Robot   `json:"wecom,omitempty"`
	Notify   []string `json:"notify,omitempty"` // ntfy://…, slack://…, telegram://…
}

// Robot is a group chat's webhook robot. Secret is sent to set it; the
// server answers "set" in its place, and "set" sent back keeps it.
type Robot struct {
	Webhook string `json:"webhook"`
	Secret  string `json:"secret,omitempty"`
}

// Recipient is a person reminders go to.
type Recipient struct {
	UID               string    `json:"uid"`
	Name              string    `json:"name"`
	Email             string    `json:"email,omitempty"`
	Phone             string    `json:"phone,omitempty"`
	WeChatOpenID      string    `json:"wechat_openid,omitempty"`
	WebhookURL        string    `json:"webhook_url,omitempty"`
	WebhookSecret     string    `json:"webhook_secret,omitempty"` // only in PutRecipient's answer
	Contacts          *Contacts `json:"contacts,omitempty"`
	TZ                string    `json:"tz,omitempty"`
	Lang              string    `json:"lang,omitempty"`
	PreferredChannels []string  `json:"preferred_channels,omitempty"`
	QuietHours        string    `json:"quiet_hours,omitempty"`
	Agenda            bool      `json:"agenda"`
	Digest            bool      `json:"digest"`
	Muted             bool      `json:"muted"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Webhook is a tenant endpoint that receives every firing.
type Webhook struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"` // only in CreateWebhook's answer
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Token is an API token of the tenant. Only CreateToken's answer carries
// its secret (Token); lists never do.
type Token struct {
	ID         string     `json:"id"`
	Token      string     `json:"token,omitempty"` // only in CreateToken's answer
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"` // recorded at most once a minute; nil when never used
}

// Tenant is the account a token belongs to.
type Tenant struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	AvatarURL   string `json:"avatar_url"`
	TZ          string `json:"tz"`
	DateHour    int    `json:"date_hour"`
}

// Schedule is what the server read from a time phrase.
type Schedule struct {
	Time    time.Time   `json:"time"`
	Grain   string      `json:"grain"`
	RRule   string      `json:"rrule,omitempty"`
	Next    []time.Time `json:"next"`
	End     *time.Time  `json:"end,omitempty"`
	Title   string      `json:"title"`
	Matched string      `json:"matched"`
	// Warnings say where the text contradicts itself and which reading was
	// kept (a weekday in brackets that does not match the date).
	Warnings []string `json:"warnings,omitempty"`
}

// CreateReminder creates a reminder. One Idempotency-Key is generated per
// call and sent with every retry, so a create retried after a lost answer
// never makes two reminders.
func (c *Client) CreateReminder(ctx context.Context, in ReminderInput) (*Reminder, error) {
	return c.CreateReminderWithKey(ctx, newKey(), in)
}

// CreateReminderWithKey is CreateReminder with your own Idempotency-Key
// (e.g. your order id), so even retries of your own process stay single.
func (c *Client) CreateReminderWithKey(ctx context.Context, key string, in ReminderInput) (*Reminder, error) {
	var out Reminder
	h := http.Header{"Idempotency-Key": {key}}
	got, err := c.doH(ctx, http.MethodPost, "/v1/reminders", in, &out, h, true)
	if err != nil {
		return nil, err
	}
	out.Replayed = got.Get("Idempotent-Replayed") == "true"
	return &out, nil
}

// ListReminders returns one page of the tenant's reminders, oldest id first.
func (c *Client) ListReminders(ctx context.Context, opt ListOptions) (*ReminderPage, error) {
	q := url.Values{}
	if opt.Cursor != "" {
		q.Set("cursor", opt.Cursor)
	}
	if opt.Limit > 0 {
		q.Set("limit", strconv.Itoa(opt.Limit))
	}
	if opt.Status != "" {
		q.Set("status", opt.Status)
	}
	path := "/v1/reminders"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out ReminderPage
	if err := c.do(ctx, http.MethodGet, path, nil, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetReminder returns one reminder; a missing one is an *Error with Status 404.
func (c *Client) GetReminder(ctx context.Context, id string) (*Reminder, error) {
	var out Reminder
	if err := c.do(ctx, http.MethodGet, "/v1/reminders/"+esc(id), nil, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateReminder applies a patch and returns the reminder as changed.
func (c *Client) UpdateReminder(ctx context.Context, id string, p ReminderPatch) (*Reminder, error) {
	var out Reminder
	if err := c.do(ctx, http.MethodPatch, "/v1/reminders/"+esc(id), p, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelReminder cancels a reminder: it never fires again.
func (c *Client) CancelReminder(ctx context.Context, id string) (*Reminder, error) {
	var out Reminder
	if err := c.do(ctx, http.MethodPost, "/v1/reminders/"+esc(id)+"/cancel", nil, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteReminder deletes a reminder; its deliveries stay as history.
func (c *Client) DeleteReminder(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/reminders/"+esc(id), nil, nil, nil, true)
}

// Deliveries returns a reminder's deliveries with their attempts.
func (c *Client) Deliveries(ctx context.Context, id string) ([]Delivery, error) {
	var out struct {
		Data []Delivery `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/reminders/"+esc(id)+"/deliveries", nil, &out, nil, true); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// OwnerUID is the uid of the tenant's owner recipient: a reminder made
// without recipients goes to the owner when the tenant has no enabled
// webhook. Set its contact points with PutRecipient(ctx, OwnerUID, …).
const OwnerUID = "owner"

// DeliveryList returns a reminder's deliveries with their attempts, and
// each recipient's acknowledgement of each occurrence.
func (c *Client) DeliveryList(ctx context.Context, id string) (*DeliveryList, error) {
	var out DeliveryList
	if err := c.do(ctx, http.MethodGet, "/v1/reminders/"+esc(id)+"/deliveries", nil, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutRecipient creates or replaces the recipient uid.
func (c *Client) PutRecipient(ctx context.Context, uid string, in RecipientInput) (*Recipient, error) {
	var out Recipient
	if err := c.do(ctx, http.MethodPut, "/v1/recipients/"+esc(uid), in, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRecipient returns a recipient.
func (c *Client) GetRecipient(ctx context.Context, uid string) (*Recipient, error) {
	var out Recipient
	if err := c.do(ctx, http.MethodGet, "/v1/recipients/"+esc(uid), nil, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRecipient deletes a recipient.
func (c *Client) DeleteRecipient(ctx context.Context, uid string) error {
	return c.do(ctx, http.MethodDelete, "/v1/recipients/"+esc(uid), nil, nil, nil, true)
}

// CreateWebhook adds a tenant webhook endpoint; keep the answer's Secret
// to verify deliveries with VerifyWebhook. Not retried on 5xx (it would
// add the endpoint twice).
func (c *Client) CreateWebhook(ctx context.Context, endpoint string) (*Webhook, error) {
	var out Webhook
	if err := c.do(ctx, http.MethodPost, "/v1/webhooks", map[string]string{"url": endpoint}, &out, nil, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListWebhooks returns the tenant's webhook endpoints (without secrets).
func (c *Client) ListWebhooks(ctx context.Context) ([]Webhook, error) {
	var out struct {
		Data []Webhook `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/webhooks", nil, &out, nil, true); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// DeleteWebhook deletes a webhook endpoint.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/webhooks/"+esc(id), nil, nil, nil, true)
}

// CreateToken makes another API token for the tenant; keep the answer's
// Token, the secret, which is shown this once. Not retried on 5xx (it
// would make two tokens).
func (c *Client) CreateToken(ctx context.Context) (*Token, error) {
	var out Token
	if err := c.do(ctx, http.MethodPost, "/v1/tokens", nil, &out, nil, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListTokens returns the tenant's API tokens (ids and times, no secrets).
func (c *Client) ListTokens(ctx context.Context) ([]Token, error) {
	var out struct {
		Data []Token `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/tokens", nil, &out, nil, true); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// RevokeToken revokes one of the tenant's API tokens by id: it stops
// authenticating at once (revoking the client's own token is allowed).
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/tokens/"+esc(id), nil, nil, nil, true)
}

// Tenant returns the tenant of the token.
func (c *Client) Tenant(ctx context.Context) (*Tenant, error) {
	var out Tenant
	if err := c.do(ctx, http.MethodGet, "/v1/tenant", nil, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// Parse reads a time phrase the way a create would, creating nothing; tz
// may be "" for the tenant's zone.
func (c *Client) Parse(ctx context.Context, text, tz string) (*Schedule, error) {
	var out Schedule
	in := map[string]string{"text": text}
	if tz != "" {
		in["tz"] = tz
	}
	if err := c.do(ctx, http.MethodPost, "/v1/parse", in, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// BatchItem is one reminder of CreateBatch, with its own optional
// idempotency key (e.g. derived from the line of a file it was read from):
// sent again, in any batch, with the same fields, it replays instead of
// creating twice.
type BatchItem struct {
	ReminderInput
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// BatchResult answers one BatchItem: Status 201 with the Reminder
// (Replayed when a key had created it before), or the Error a single
// create would have answered.
type BatchResult struct {
	Status   int       `json:"status"`
	Reminder *Reminder `json:"reminder,omitempty"`
	Replayed bool      `json:"replayed,omitempty"`
	Error    *Error    `json:"error,omitempty"`
}

// MaxBatch is the most reminders one CreateBatch call takes.
const MaxBatch = 1000

// CreateBatch creates up to MaxBatch reminders in one request, stored
// together by the server, and answers each, in order; an invalid item
// fails alone. The whole batch carries one generated Idempotency-Key
// across all its attempts, so a retried batch never creates twice.
func (c *Client) CreateBatch(ctx context.Context, items []BatchItem) ([]BatchResult, error) {
	return c.CreateBatchWithKey(ctx, newKey(), items)
}

// CreateBatchWithKey is CreateBatch with your own Idempotency-Key for the
// whole batch.
func (c *Client) CreateBatchWithKey(ctx context.Context, key string, items []BatchItem) ([]BatchResult, error) {
	var out struct {
		Results []struct {
			BatchResult
			Error *struct{ Code, Message, Field string } `json:"error"`
		} `json:"results"`
	}
	if items == nil {
		items = []BatchItem{}
	}
	h := http.Header{"Idempotency-Key": {key}}
	if _, err := c.doH(ctx, http.MethodPost, "/v1/reminders/batch", map[string]any{"reminders": items}, &out, h, true); err != nil {
		return nil, err
	}
	res := make([]BatchResult, len(out.Results))
	for i, r := range out.Results {
		res[i] = r.BatchResult
		if r.Error != nil {
			res[i].Error = &Error{Status: r.Status, Code: r.Error.Code, Message: r.Error.Message, Field: r.Error.Field}
		}
		if res[i].Reminder != nil {
			res[i].Reminder.Replayed = r.Replayed
		}
	}
	return res, nil
}

// InboxItem is a fired reminder in a recipient's inbox: their record of
// one firing, which confirm, reject and snooze act on.
type InboxItem struct {
	ID          string    `json:"id"`
	ReminderID  string    `json:"reminder_id"`
	Title       string    `json:"title"`
	Desc        string    `json:"desc,omitempty"`
	ExternalURL string    `json:"external_url,omitempty"`
	Occurrence  time.Time `json:"occurrence"`
	Status      string    `json:"status"` // unread, read, confirmed, rejected, snoozed
	SnoozedFrom string    `json:"snoozed_from,omitempty"`
	MsgStatus   int       `json:"msg_status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Inbox returns a page of a recipient's inbox (after: the last id of the
// previous page, "" for the first).
func (c *Client) Inbox(ctx context.Context, uid, after string) ([]InboxItem, error) {
	var out struct {
		Data []InboxItem `json:"data"`
	}
	path := "/v1/inbox/" + esc(uid)
	if after != "" {
		path += "?after=" + url.QueryEscape(after)
	}
	if err := c.do(ctx, http.MethodGet, path, nil, &out, nil, true); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// InboxAction marks an item "read", "confirm" or "reject".
func (c *Client) InboxAction(ctx context.Context, uid, itemID, action string) (*InboxItem, error) {
	var out InboxItem
	if err := c.do(ctx, http.MethodPost, "/v1/inbox/"+esc(uid)+"/items/"+esc(itemID)+"/"+esc(action), nil, &out, nil, true); err != nil {
		return nil, err
	}
	return &out, nil
}

// Snooze says until when an item is put off: For a duration ("10m") or
// Text in words ("明天早上"), exactly one.
type Snooze struct {
	For  string `json:"for,omitempty"`
	Text string `json:"text,omitempty"`
}

// Snoozed is a snoozed item and when it comes back (as a new item naming
// it in SnoozedFrom).
type Snoozed struct {
	InboxItem
	Until time.Time `json:"until"`
}

// SnoozeInboxItem puts an item off: the same occurrence comes back to the
// recipient then, on the same channels. A second snooze of the item is a
// 409; a text naming no future time a 422 with Field "text". Not retried
// on 5xx (the time "for" counts from would move).
func (c *Client) SnoozeInboxItem(ctx context.Context, uid, itemID string, in Snooze) (*Snoozed, error) {
	var out Snoozed
	if err := c.do(ctx, http.MethodPost, "/v1/inbox/"+esc(uid)+"/items/"+esc(itemID)+"/snooze", in, &out, nil, false); err != nil {
		return nil, err
	}
	return &out, nil
}

// PersonalLink returns the recipient's personal page link: a signed link,
// the same until RevokePersonalLinks.
func (c *Client) PersonalLink(ctx context.Context, uid string) (string, error) {
	var out struct {
		URL string `json:"url"`
	}
	if err := c.do(ctx, http.MethodPost, "/v1/recipients/"+esc(uid)+"/link", nil, &out, nil, true); err != nil {
		return "", err
	}
	return out.URL, nil
}

// RevokePersonalLinks ends every personal link of the recipient made so
// far, the action links in sent messages included.
func (c *Client) RevokePersonalLinks(ctx context.Context, uid string) error {
	return c.do(ctx, http.MethodDelete, "/v1/recipients/"+esc(uid)+"/link", nil, nil, nil, true)
}
