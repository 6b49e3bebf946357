package store

import (
	"slices"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// Change is what ApplyChange made of a stored reminder: which of its
// pending deliveries the driver must cancel in the same transaction.
type Change struct {
	// Unclaimed: firings claimed ahead were taken back; cancel the pending
	// firing deliveries (step "") due after the write (they are planned
	// again), and the pending follow-ups of UnclaimedOccurrences.
	Unclaimed bool
	// UnclaimedOccurrences are the occurrences of the firings taken back:
	// their follow-ups fall due after the write but so may those of
	// firings already made, which must stay.
	UnclaimedOccurrences []time.Time
	// Removed are recipients fn took off; cancel all their pending
	// deliveries of the reminder, and the escalations about them.
	Removed []string
	// AckRemoved: fn took the acknowledgement policy off; cancel every
	// pending follow-up (remind.Delivery.Step) of the reminder.
	AckRemoved bool
}

// ApplyChange is the part of ModifyReminder every driver shares, run on the
// reminder just read (and locked) in the write's transaction: the If-Match
// check against the reminder as read, taking back the firings claimed ahead
// that are not yet due at `at`, then fn. On error nothing may be written.
func ApplyChange(r *remind.Reminder, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (Change, error) {
	if ifMatch != "" && ifMatch != "*" && ifMatch != r.ETag() {
		return Change{}, &remind.Error{Code: remind.CodePrecondition, Field: "If-Match", Message: "the reminder changed since that version: read it again"}
	}
	before, hadAck := slices.Clone(r.Recipients), r.Ack != nil
	var occs []time.Time
	for _, f := range r.Claimed {
		if f.After(at) {
			occs = append(occs, r.Occurrence(f))
		}
	}
	c := Change{Unclaimed: r.Unclaim(at)}
	if c.Unclaimed {
		c.UnclaimedOccurrences = occs
	}
	if err := fn(r); err != nil {
		return Change{}, err
	}
	c.Removed = remind.Removed(before, r.Recipients)
	c.AckRemoved = hadAck && r.Ack == nil
	return c, nil
}
