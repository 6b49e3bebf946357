package remind

import (
	"crypto/sha256"
	"slices"
	"strconv"
	"time"
)

// AckPolicy asks recipients to acknowledge a firing (confirm or reject its
// inbox item). Until they do, they are re-notified every Repeat, at most
// MaxRepeats times, before Within has passed; at Within the firing escalates:
// the EscalateTo recipients hear who did not confirm and, when ThenChannels
// are given, the firing is sent again to the silent recipient on them.
// Every step is a delivery planned with the firing (see Plan).
type AckPolicy struct {
	Within       time.Duration
	Repeat       time.Duration
	MaxRepeats   int
	EscalateTo   []string
	ThenChannels []string
}

// Bounds of an AckPolicy.
const (
	MinAckWithin  = time.Minute
	MaxAckWithin  = 7 * 24 * time.Hour
	MinAckRepeat  = time.Minute
	MaxAckRepeats = 10
	MaxEscalateTo = 20
)

// Steps of a delivery: StepFiring is the firing itself; the others follow
// it for recipients who have not acknowledged it.
const (
	StepFiring   = ""
	StepEscalate = "escalate"
)

// StepRepeat names the k-th re-notification (k from 1).
func StepRepeat(k int) string { return "repeat-" + strconv.Itoa(k) }

// Validate checks the policy's bounds; fields are named "ack.…".
func (a AckPolicy) Validate() error {
	if a.Within < MinAckWithin || a.Within > MaxAckWithin {
		return Invalid("ack.within", "must be between %s and %s", MinAckWithin, MaxAckWithin)
	}
	if a.MaxRepeats < 0 || a.MaxRepeats > MaxAckRepeats {
		return Invalid("ack.max_repeats", "must be between 0 and %d", MaxAckRepeats)
	}
	if a.MaxRepeats > 0 || a.Repeat != 0 {
		if a.Repeat < MinAckRepeat || a.Repeat >= a.Within {
			return Invalid("ack.repeat", "must be at least %s and shorter than ack.within", MinAckRepeat)
		}
	}
	if a.MaxRepeats == 0 && a.Repeat != 0 {
		return Invalid("ack.max_repeats", "must be at least 1 when ack.repeat is given")
	}
	if len(a.EscalateTo) > MaxEscalateTo {
		return Invalid("ack.escalate_to", "at most %d recipients", MaxEscalateTo)
	}
	for i, uid := range a.EscalateTo {
		if err := CheckUID("ack.escalate_to", uid); err != nil {
			return err
		}
		if slices.Contains(a.EscalateTo[:i], uid) {
			return Invalid("ack.escalate_to", "lists %q twice", uid)
		}
	}
	for _, ch := range a.ThenChannels {
		if !KnownChannel(ch) {
			return Invalid("ack.then_channels", "unknown channel %q", ch)
		}
		if ch == ChannelInbox {
			return Invalid("ack.then_channels", "the inbox item is there already: name other channels")
		}
	}
	if len(a.EscalateTo) == 0 && len(a.ThenChannels) == 0 && a.MaxRepeats == 0 {
		return Invalid("ack", "does nothing: give ack.repeat and ack.max_repeats, ack.escalate_to or ack.then_channels")
	}
	return nil
}

// FollowUps returns the times of the follow-up steps of a firing at fireAt:
// the repeats (strictly after fireAt, strictly before fireAt+Within) and
// the escalation at fireAt+Within.
func (a AckPolicy) FollowUps(fireAt time.Time) []FollowUp {
	var out []FollowUp
	end := fireAt.Add(a.Within)
	for k := 1; k <= a.MaxRepeats && a.Repeat > 0; k++ {
		at := fireAt.Add(time.Duration(k) * a.Repeat)
		if !at.Before(end) {
			break
		}
		out = append(out, FollowUp{Step: StepRepeat(k), At: at})
	}
	return append(out, FollowUp{Step: StepEscalate, At: end})
}

// FollowUp is one step of an acknowledgement chain and its time.
type FollowUp struct {
	Step string
	At   time.Time
}

// StepDeliveryID is the id of a delivery of one step of a firing: the same
// as DeliveryID for the firing itself, and for a follow-up the same inputs
// with the step and the recipient it is about.
func StepDeliveryID(reminderID string, occurrence time.Time, recipient, channel, target, step, about string) string {
	if step == StepFiring && about == "" {
		return DeliveryID(reminderID, occurrence, recipient, channel, target)
	}
	h := sha256.New()
	for i, s := range []string{reminderID, strconv.FormatInt(occurrence.UnixMilli(), 10), recipient, channel, target, step, about} {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(s))
	}
	return deliveryID(reminderID, h.Sum(nil))
}

// InboxItemID is the id of uid's inbox item for one occurrence of a
// reminder: the id of its inbox delivery. Its status is uid's
// acknowledgement of that occurrence.
func InboxItemID(reminderID string, occurrence time.Time, uid string) string {
	return DeliveryID(reminderID, occurrence, uid, ChannelInbox, uid)
}

// PlanUIDs returns the uids whose recipient records planning a firing of r
// reads: its recipients and those its ack policy escalates to.
func (r Reminder) PlanUIDs() []string {
	if r.Ack == nil || len(r.Ack.EscalateTo) == 0 {
		return r.Recipients
	}
	out := slices.Clone(r.Recipients)
	for _, uid := range r.Ack.EscalateTo {
		if !slices.Contains(out, uid) {
			out = append(out, uid)
		}
	}
	return out
}

// Escalation tells an escalation delivery's receiver who did not confirm.
type Escalation struct {
	Unconfirmed string `json:"unconfirmed"`
	Step        string `json:"step"`
}

// AckState is one recipient's acknowledgement of one occurrence: the
// status of their inbox item for it.
type AckState struct {
	Occurrence time.Time
	UID        string
	Status     InboxStatus
	ItemID     string
}
