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
	// deliveries due after the write (they are planned again).
	Unclaimed bool
	// Removed are recipients fn took off; cancel all their pending
	// deliveries of the reminder.
	Removed []string
}

// ApplyChange is the part of ModifyReminder every driver shares, run on the
// reminder just read (and locked) in the write's transaction: the If-Match
// check against the reminder as read, taking back the firings claimed ahead
// that are not yet due at `at`, then fn. On error nothing may be written.
func ApplyChange(r *remind.Reminder, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (Change, error) {
	if ifMatch != "" && ifMatch != "*" && ifMatch != r.ETag() {
		return Change{}, &remind.Error{Code: remind.CodePrecondition, Field: "If-Match", Message: "the reminder changed since that version: read it again"}
	}
	before := slices.Clone(r.Recipients)
	c := Change{Unclaimed: r.Unclaim(at)}
	if err := fn(r); err != nil {
		return Change{}, err
	}
	c.Removed = remind.Removed(before, r.Recipients)
	return c, nil
}
