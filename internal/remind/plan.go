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
	// Step is the follow-up this delivery is ("repeat-1", "escalate"); ""
	// for the firing itself.
	Step string `json:"step,omitempty"`
	// Escalation is set on an escalation sent to someone else than the
	// recipient who did not acknowledge the firing.
	Escalation *Escalation `json:"escalation,omitempty"`
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
	if rc.WebPush || len(rc.Contacts.WebPush) > 0 {
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
	case ChannelWebPush:
		if rc.WebPush { // a subscriber: its subscription is found by its uid
			return []string{rc.UID}
		}
		out := make([]string, 0, len(rc.Contacts.WebPush))
		for _, s := range rc.Contacts.WebPush {
			if ep := PushEndpoint(s); ep != "" {
				out = append(out, AddressKey(ep))
			}
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
// uid with no record gets the in-app inbox only. A reminder without
// recipients goes to the owner (see FireRecipients). A recipient's
// deliveries falling in their quiet hours are held to the hours' end
// unless r is urgent. now decides lateness. With r.Ack, the follow-ups of
// every recipient are planned too (see planFollowUps); a missed firing
// has none.
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
		d.Payload = eventPayload(r, d, fireAt, rc.Profile, p.links(r, recips, rc.UID, fireAt))
		out = append(out, d)
	}
	for _, h := range hooks {
		if !h.Disabled {
			add(&Recipient{}, ChannelWebhook, h.ID)
		}
	}
	for _, uid := range FireRecipients(r, recips, hooks) {
		rc := recipientOf(r, recips, uid)
		if rc.Muted {
			continue
		}
		for _, ch := range withInbox(RecipientChannels(r, rc)) {
			for _, tgt := range targets(rc, ch) {
				add(&rc, ch, tgt)
			}
		}
	}
	if r.Ack != nil && !missed {
		out = append(out, planFollowUps(r, fireAt, recips, now, p)...)
	}
	return out
}

func recipientOf(r Reminder, recips map[string]Recipient, uid string) Recipient {
	rc, known := recips[uid]
	if !known {
		rc = Recipient{UID: uid, TenantID: r.TenantID}
	}
	return rc
}

// planFollowUps plans the acknowledgement chain of each recipient of the
// firing at fireAt: the repeats on the recipient's channels but the inbox
// (the inbox item is the one to acknowledge), then at fireAt+Within the
// escalation to each EscalateTo recipient on their default channels, and
// the firing again on ThenChannels. A repeat already past at now (a late
// firing) is left out; the escalation never is.
func planFollowUps(r Reminder, fireAt time.Time, recips map[string]Recipient, now time.Time, p FirePolicy) []Delivery {
	occ := r.Occurrence(fireAt)
	var out []Delivery
	add := func(rc *Recipient, channel, tgt, step, about string, at time.Time) {
		recipient := rc.UID
		if !r.Urgent {
			at = heldUntil(*rc, r.TZ, at)
		}
		d := Delivery{
			ID:            StepDeliveryID(r.ID, occ, recipient, channel, tgt, step, about),
			TenantID:      r.TenantID,
			ReminderID:    r.ID,
			Occurrence:    occ,
			DueAt:         at,
			Recipient:     recipient,
			Step:          step,
			About:         about,
			Channel:       channel,
			Target:        tgt,
			State:         DeliveryPending,
			NextAttemptAt: at,
			CreatedAt:     now,
			UpdatedAt:     now,
		}
		var links *Links
		if p.Links != nil {
			// A repeat's links act on the recipient's own item of the
			// firing (a confirm stops their chain); an escalation's on the
			// lead's escalation item.
			item := DeliveryID(r.ID, occ, recipient, ChannelInbox, recipient)
			if about != "" {
				item = StepDeliveryID(r.ID, occ, recipient, ChannelInbox, recipient, step, about)
			}
			links = p.Links(r.TenantID, recipient, rc.LinkVersion, item)
		}
		d.Payload = eventPayload(r, d, at, rc.Profile, links)
		out = append(out, d)
	}
	steps := r.Ack.FollowUps(fireAt)
	for _, uid := range r.Recipients {
		rc := recipientOf(r, recips, uid)
		if rc.Muted {
			continue
		}
		for _, f := range steps {
			if f.Step != StepEscalate {
				if !f.At.After(now) {
					continue
				}
				for _, ch := range RecipientChannels(r, rc) {
					if ch == ChannelInbox {
						continue
					}
					for _, tgt := range targets(rc, ch) {
						add(&rc, ch, tgt, f.Step, "", f.At)
					}
				}
				continue
			}
			for _, lead := range r.Ack.EscalateTo {
				lr := recipientOf(r, recips, lead)
				if lead == uid || lr.Muted {
					continue
				}
				for _, ch := range RecipientChannels(Reminder{}, lr) { // the lead's own channels
					for _, tgt := range targets(lr, ch) {
						add(&lr, ch, tgt, f.Step, uid, f.At)
					}
				}
			}
			for _, ch := range r.Ack.ThenChannels {
				for _, tgt := range targets(rc, ch) {
					add(&rc, ch, tgt, f.Step, "", f.At)
				}
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

// withInbox returns channels with the inbox first when they lack it: every
// recipient of a firing gets an inbox item, their record of it that
// confirm, reject and snooze act on, whatever channels carry the message.
func withInbox(channels []string) []string {
	if slices.Contains(channels, ChannelInbox) {
		return channels
	}
	return append([]string{ChannelInbox}, channels...)
}

func eventPayload(r Reminder, d Delivery, fireAt time.Time, pf Profile, links *Links) []byte {
	ev := Event{Type: EventType, Data: EventData{
		ID: r.ID, Title: r.Title, Desc: r.Desc, RRule: r.RRule, TZ: r.TZ, DeferMin: r.DeferMin,
		ExternalURL: r.ExternalURL, Recipients: r.Recipients, Meta: r.Meta,
		Occurrence: d.Occurrence, FireAt: fireAt, Recipient: d.Recipient, Channel: d.Channel,
		DeliveryID: d.ID, Late: d.Late, Step: d.Step, Links: links,
		RecipientTZ: pf.TZ, Lang: pf.Lang,
	}}
	// Follow-ups say what they are in the title, which every channel shows.
	switch {
	case d.About != "":
		ev.Data.Escalation = &Escalation{Unconfirmed: d.About, Step: d.Step}
		ev.Data.Title = "未确认 / Not confirmed by " + d.About + ": " + r.Title
	case d.Step != StepFiring:
		ev.Data.Title = "请确认 / Please confirm: " + r.Title
	}
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
