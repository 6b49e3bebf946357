package remind

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Links are the action links a message to a recipient carries: their
// personal page, and confirm, reject and snooze for the inbox item of the
// firing. Each opens a page whose button does it (a GET changes nothing:
// link scanners fetch them).
type Links struct {
	Page           string `json:"page"`
	Confirm        string `json:"confirm"`
	Reject         string `json:"reject"`
	Snooze10m      string `json:"snooze_10m"`
	Snooze1h       string `json:"snooze_1h"`
	SnoozeTomorrow string `json:"snooze_tomorrow"`
}

// LinkMaker makes the action links of one recipient's inbox item (itemID)
// of tenantID, signed for the recipient's link version; nil when the
// server makes no links.
type LinkMaker func(tenantID, uid string, version int, itemID string) *Links

// links returns the action links of recipient's delivery of r at fireAt:
// they name the recipient's inbox item of that firing. Tenant webhooks
// (recipient "") get none.
func (p FirePolicy) links(r Reminder, recips map[string]Recipient, recipient string, fireAt time.Time) *Links {
	if p.Links == nil || recipient == "" {
		return nil
	}
	item := DeliveryID(r.ID, r.Occurrence(fireAt), recipient, ChannelInbox, recipient)
	return p.Links(r.TenantID, recipient, recips[recipient].LinkVersion, item)
}

// SnoozeID is the stable id of a delivery a snooze makes: the snoozed item,
// the instant it is snoozed to, and the channel and target, so a snooze
// written twice makes each delivery once.
func SnoozeID(itemID string, at time.Time, channel, target string) string {
	h := sha256.New()
	h.Write([]byte("snooze"))
	h.Write([]byte{0})
	h.Write([]byte(itemID))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatInt(at.UnixMilli(), 10)))
	h.Write([]byte{0})
	h.Write([]byte(channel))
	h.Write([]byte{0})
	h.Write([]byte(target))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Snoozable reports whether an item in status st may be snoozed: not once
// confirmed, rejected or snoozed already.
func (s InboxStatus) Snoozable() bool { return s == InboxUnread || s == InboxRead }

// PlanSnooze returns the deliveries that bring the occurrence of item
// back to its recipient at `at`: one per (channel, target) of orig (the
// deliveries of the firing the item records), the inbox always among them,
// each with the original's content and a new stable id (SnoozeID), the
// new inbox item naming item in SnoozedFrom. links makes the new item's
// action links (nil: none). The recipient's link version is version.
func PlanSnooze(item InboxItem, orig []Delivery, at, now time.Time, version int, links LinkMaker) []Delivery {
	type ct struct{ channel, target string }
	inboxID := SnoozeID(item.ID, at, ChannelInbox, item.UID)
	var l *Links
	if links != nil {
		l = links(item.TenantID, item.UID, version, inboxID)
	}
	seen := map[ct]bool{}
	var out []Delivery
	add := func(channel, target string, payload []byte) {
		k := ct{channel, target}
		if seen[k] {
			return
		}
		seen[k] = true
		d := Delivery{
			ID: SnoozeID(item.ID, at, channel, target), TenantID: item.TenantID, ReminderID: item.ReminderID,
			Occurrence: item.Occurrence, DueAt: at, Recipient: item.UID, Channel: channel, Target: target,
			State: DeliveryPending, NextAttemptAt: at, CreatedAt: now, UpdatedAt: now,
		}
		ev, err := DecodeEvent(payload)
		if err != nil || ev.Type == "" {
			ev = Event{Type: EventType, Data: EventData{ID: item.ReminderID, Title: item.Title, Desc: item.Desc, ExternalURL: item.ExternalURL}}
		}
		ev.Data.Occurrence, ev.Data.FireAt, ev.Data.Recipient, ev.Data.Channel = item.Occurrence, at, item.UID, channel
		ev.Data.DeliveryID, ev.Data.Late, ev.Data.Links, ev.Data.SnoozedFrom = d.ID, false, l, item.ID
		d.Payload, _ = jsonMarshal(ev)
		out = append(out, d)
	}
	var inboxPayload []byte
	for _, d := range orig {
		if d.Channel == ChannelInbox && d.Recipient == item.UID && d.Step == StepFiring {
			inboxPayload = d.Payload
			break
		}
	}
	add(ChannelInbox, item.UID, inboxPayload)
	for _, d := range orig { // the firing's own channels: an acknowledgement's follow-ups are not brought back
		if d.Recipient == item.UID && d.Channel != ChannelInbox && d.Step == StepFiring {
			add(d.Channel, d.Target, d.Payload)
		}
	}
	return out
}

// MsgStatus is the status as the team-remind API's msgStatus reads it
// (0 unread, 1 read, 2 confirmed, 3 rejected): a snoozed item was read.
func (s InboxStatus) MsgStatus() int {
	if s == InboxSnoozed {
		return int(InboxRead)
	}
	return int(s)
}
