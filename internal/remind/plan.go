package remind

import (
	"encoding/json"
	"slices"
	"time"
)

// Event is the JSON body every channel receives for one firing:
// {"type":"reminder.fired","data":{…}}.
type Event struct {
	Type string    `json:"type"`
	Data EventData `json:"data"`
}

// EventData is the reminder as it was when it fired, with the occurrence.
type EventData struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Desc        string            `json:"desc,omitempty"`
	RRule       string            `json:"rrule,omitempty"`
	TZ          string            `json:"tz"`
	DeferMin    int               `json:"defer"`
	ExternalURL string            `json:"external_url,omitempty"`
	Recipients  []string          `json:"recipients,omitempty"`
	Meta        map[string]string `json:"meta,omitempty"`
	Occurrence  time.Time         `json:"occurrence"`
	FireAt      time.Time         `json:"fire_at"`
	Recipient   string            `json:"recipient,omitempty"`
	Channel     string            `json:"channel"`
	DeliveryID  string            `json:"delivery_id"`
	Late        bool              `json:"late"`
	// The recipient's profile: messages show times in RecipientTZ and
	// their fixed words in Lang ("zh" or "en"; "" chooses by the text).
	RecipientTZ string `json:"recipient_tz,omitempty"`
	Lang        string `json:"lang,omitempty"`
}

// EventType is the type of the event sent when a reminder fires.
const EventType = "reminder.fired"

// FirePolicy says how late a firing may be before it is marked late, and
// before it is recorded as missed instead of sent.
type FirePolicy struct {
	LateAfter   time.Duration // fired this long after its time: "late": true
	MissedAfter time.Duration // this long after: recorded as missed, not sent
}

// DefaultRecipientChannels returns the channels a recipient gets when a
// reminder names none: the inbox always, plus each channel the recipient has
// an address for, except SMS, which costs money and must be asked for.
func DefaultRecipientChannels(rc Recipient) []string {
	ch := []string{ChannelInbox}
	if rc.WebhookURL != "" {
		ch = append(ch, ChannelWebhook)
	}
	if rc.Email != "" {
		ch = append(ch, ChannelEmail)
	}
	if rc.WeChatOpenID != "" {
		ch = append(ch, ChannelWeChat)
	}
	if rc.WebPush {
		ch = append(ch, ChannelWebPush)
	}
	for _, c := range []string{ChannelDingTalk, ChannelFeishu, ChannelWeCom} {
		if rc.Contacts.Robot(c) != nil {
			ch = append(ch, c)
		}
	}
	if len(rc.Contacts.Notify) > 0 {
		ch = append(ch, ChannelNotify)
	}
	return ch
}

// targets returns the addresses of rc on channel: one per notify URL, at
// most one on the others.
func targets(rc Recipient, channel string) []string {
	switch channel {
	case ChannelDingTalk, ChannelFeishu, ChannelWeCom:
		if r := rc.Contacts.Robot(channel); r != nil {
			return []string{AddressKey(r.Webhook)}
		}
		return nil
	case ChannelNotify:
		out := make([]string, 0, len(rc.Contacts.Notify))
		for _, u := range rc.Contacts.Notify {
			out = append(out, AddressKey(u))
		}
		return out
	}
	if t, ok := target(rc, channel); ok {
		return []string{t}
	}
	return nil
}

// target returns the address of rc on channel, and whether rc can receive it.
func target(rc Recipient, channel string) (string, bool) {
	switch channel {
	case ChannelInbox:
		return rc.UID, true
	case ChannelWebhook:
		return rc.WebhookURL, rc.WebhookURL != ""
	case ChannelEmail:
		return rc.Email, rc.Email != ""
	case ChannelSMS:
		return rc.Phone, rc.Phone != ""
	case ChannelWeChat:
		return rc.WeChatOpenID, rc.WeChatOpenID != ""
	case ChannelWebPush:
		return rc.UID, rc.WebPush
	}
	return "", false
}

// Plan turns one occurrence of r into its deliveries: one per (recipient,
// channel) the recipient can receive, and one per enabled tenant webhook.
// Muted recipients get nothing. recips holds the known recipients by uid; a
// uid with no record gets the in-app inbox only. A reminder without
// recipients goes to the owner (see FireRecipients). A recipient's
// deliveries falling in their quiet hours are held to the hours' end
// unless r is urgent. now decides lateness.
func Plan(r Reminder, fireAt time.Time, recips map[string]Recipient, hooks []Webhook, now time.Time, p FirePolicy) []Delivery {
	occ := r.Occurrence(fireAt)
	late := p.LateAfter > 0 && now.Sub(fireAt) > p.LateAfter
	missed := p.MissedAfter > 0 && now.Sub(fireAt) > p.MissedAfter
	var out []Delivery
	add := func(rc *Recipient, channel, tgt string) {
		d := Delivery{
			ID:            DeliveryID(r.ID, occ, rc.UID, channel, tgt),
			TenantID:      r.TenantID,
			ReminderID:    r.ID,
			Occurrence:    occ,
			DueAt:         fireAt,
			Recipient:     rc.UID,
			Channel:       channel,
			Target:        tgt,
			State:         DeliveryPending,
			NextAttemptAt: fireAt,
			Late:          late,
			CreatedAt:     now,
			UpdatedAt:     now,
		}
		if missed {
			d.State = DeliveryMissed
			d.LastError = "fell due while the service could not send it"
			t := now
			d.FinishedAt = &t
		} else if !r.Urgent {
			d.DueAt = heldUntil(*rc, r.TZ, fireAt)
			d.NextAttemptAt = d.DueAt
		}
		d.Payload = eventPayload(r, d, fireAt, rc.Profile)
		out = append(out, d)
	}
	for _, h := range hooks {
		if !h.Disabled {
			add(&Recipient{}, ChannelWebhook, h.ID)
		}
	}
	for _, uid := range FireRecipients(r, recips, hooks) {
		rc, known := recips[uid]
		if !known {
			rc = Recipient{UID: uid, TenantID: r.TenantID}
		}
		if rc.Muted {
			continue
		}
		for _, ch := range RecipientChannels(r, rc) {
			for _, tgt := range targets(rc, ch) {
				add(&rc, ch, tgt)
			}
		}
	}
	return out
}

// FireRecipients returns the uids a firing of r goes to: its recipients,
// or, when it has none and the tenant has no enabled webhook, the owner
// (OwnerUID) when recips holds the owner's record. A store loading recips
// for r loads OwnerUID's record too when r.Recipients is empty.
func FireRecipients(r Reminder, recips map[string]Recipient, hooks []Webhook) []string {
	if len(r.Recipients) > 0 {
		return r.Recipients
	}
	if _, ok := recips[OwnerUID]; ok && NeedsOwner(r, hooks) {
		return []string{OwnerUID}
	}
	return nil
}

// NeedsOwner reports whether a firing of r goes to the owner when the owner
// has a record: r has no recipients and hooks no enabled webhook. A store
// loads the owner's record for the planner only then.
func NeedsOwner(r Reminder, hooks []Webhook) bool {
	if len(r.Recipients) > 0 {
		return false
	}
	for _, h := range hooks {
		if !h.Disabled {
			return false
		}
	}
	return true
}

// RecipientChannels returns the channels r is sent to rc on: r's own when
// it names some, else rc's preferred channels after the inbox, else rc's
// defaults (DefaultRecipientChannels).
func RecipientChannels(r Reminder, rc Recipient) []string {
	if len(r.Channels) > 0 {
		return r.Channels
	}
	if len(rc.Profile.PreferredChannels) == 0 {
		return DefaultRecipientChannels(rc)
	}
	ch := []string{ChannelInbox}
	for _, c := range rc.Profile.PreferredChannels {
		if !slices.Contains(ch, c) {
			ch = append(ch, c)
		}
	}
	return ch
}

// heldUntil returns when a firing at fireAt may reach rc: the end of rc's
// quiet hours (read in rc's zone, else the reminder's) when it falls
// inside them, else fireAt.
func heldUntil(rc Recipient, reminderTZ string, fireAt time.Time) time.Time {
	if rc.Profile.QuietHours == "" {
		return fireAt
	}
	q, err := ParseQuietHours(rc.Profile.QuietHours)
	if err != nil {
		return fireAt
	}
	return q.Hold(fireAt, recipientZone(rc, reminderTZ))
}

// recipientZone is the zone rc reads times in: their own, else tz, else UTC.
func recipientZone(rc Recipient, tz string) *time.Location {
	for _, name := range []string{rc.Profile.TZ, tz} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

func eventPayload(r Reminder, d Delivery, fireAt time.Time, pf Profile) []byte {
	ev := Event{Type: EventType, Data: EventData{
		ID: r.ID, Title: r.Title, Desc: r.Desc, RRule: r.RRule, TZ: r.TZ, DeferMin: r.DeferMin,
		ExternalURL: r.ExternalURL, Recipients: r.Recipients, Meta: r.Meta,
		Occurrence: d.Occurrence, FireAt: fireAt, Recipient: d.Recipient, Channel: d.Channel,
		DeliveryID: d.ID, Late: d.Late,
		RecipientTZ: pf.TZ, Lang: pf.Lang,
	}}
	b, _ := json.Marshal(ev) // only plain values: cannot fail
	return b
}

// DecodeEvent reads a delivery's payload.
func DecodeEvent(payload []byte) (Event, error) {
	var ev Event
	err := json.Unmarshal(payload, &ev)
	return ev, err
}

// MarkLate returns the payload with "late": true, for a delivery sent long
// after its time (its lease passed to a restarted or other process).
func MarkLate(payload []byte) []byte {
	var ev Event
	if err := json.Unmarshal(payload, &ev); err != nil {
		return payload
	}
	ev.Data.Late = true
	b, err := json.Marshal(ev)
	if err != nil {
		return payload
	}
	return b
}
