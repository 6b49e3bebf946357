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
	// Links are the recipient's action links (personal.go); nil for
	// tenant webhooks and when the server makes no links.
	Links *Links `json:"links,omitempty"`
	// SnoozedFrom names the inbox item this firing was snoozed from.
	SnoozedFrom string `json:"snoozed_from,omitempty"`
}

// EventType is the type of the event sent when a reminder fires.
const EventType = "reminder.fired"

// FirePolicy says how late a firing may be before it is marked late, and
// before it is recorded as missed instead of sent.
type FirePolicy struct {
	LateAfter   time.Duration // fired this long after its time: "late": true
	MissedAfter time.Duration // this long after: recorded as missed, not sent
	// Links makes a recipient's action links (see Links); nil: none.
	Links LinkMaker
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
// Every recipient gets the inbox delivery, named among the channels or not.
// Muted recipients get nothing. recips holds the known recipients by uid; a
// uid with no record gets the in-app inbox only. now decides lateness.
func Plan(r Reminder, fireAt time.Time, recips map[string]Recipient, hooks []Webhook, now time.Time, p FirePolicy) []Delivery {
	occ := r.Occurrence(fireAt)
	late := p.LateAfter > 0 && now.Sub(fireAt) > p.LateAfter
	missed := p.MissedAfter > 0 && now.Sub(fireAt) > p.MissedAfter
	var out []Delivery
	add := func(recipient, channel, tgt string) {
		d := Delivery{
			ID:            DeliveryID(r.ID, occ, recipient, channel, tgt),
			TenantID:      r.TenantID,
			ReminderID:    r.ID,
			Occurrence:    occ,
			DueAt:         fireAt,
			Recipient:     recipient,
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
		}
		d.Payload = eventPayload(r, d, p.links(r, recips, recipient, fireAt))
		out = append(out, d)
	}
	for _, h := range hooks {
		if !h.Disabled {
			add("", ChannelWebhook, h.ID)
		}
	}
	for _, uid := range r.Recipients {
		rc, known := recips[uid]
		if !known {
			rc = Recipient{UID: uid, TenantID: r.TenantID}
		}
		if rc.Muted {
			continue
		}
		channels := r.Channels
		if len(channels) == 0 {
			channels = DefaultRecipientChannels(rc)
		}
		channels = withInbox(channels)
		for _, ch := range channels {
			for _, tgt := range targets(rc, ch) {
				add(uid, ch, tgt)
			}
		}
	}
	return out
}

// withInbox returns channels with the inbox first when they lack it: every
// recipient of a firing gets an inbox item, their record of it that
// confirm, reject and snooze act on, whatever channels carry the message.
func withInbox(channels []string) []string {
	if slices.Contains(channels, ChannelInbox) {
		return channels
	}
	return append([]string{ChannelInbox}, channels...)
}

func eventPayload(r Reminder, d Delivery, links *Links) []byte {
	ev := Event{Type: EventType, Data: EventData{
		ID: r.ID, Title: r.Title, Desc: r.Desc, RRule: r.RRule, TZ: r.TZ, DeferMin: r.DeferMin,
		ExternalURL: r.ExternalURL, Recipients: r.Recipients, Meta: r.Meta,
		Occurrence: d.Occurrence, FireAt: d.DueAt, Recipient: d.Recipient, Channel: d.Channel,
		DeliveryID: d.ID, Late: d.Late, Links: links,
	}}
	b, _ := json.Marshal(ev) // only plain values: cannot fail
	return b
}

func jsonMarshal(ev Event) ([]byte, error) { return json.Marshal(ev) }

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
