// Package nextfire answers one question for the service and the scheduler
// alike: when does a reminder fire next?
package nextfire

import (
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/recur"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/zone"
)

// Rule parses a reminder's recurrence in its zone, anchored at its start.
func Rule(r remind.Reminder) (*recur.Rule, error) {
	loc, err := zone.Load(r.TZ)
	if err != nil {
		return nil, remind.Invalid("tz", "unknown time zone %q", r.TZ)
	}
	rule, err := recur.Parse(r.RRule, r.Start.In(loc))
	if err != nil {
		return nil, &remind.Error{Code: remind.CodeInvalid, Field: "rrule", Message: err.Error(), Err: err}
	}
	return rule, nil
}

// First returns the first fire instant of r that is not before now, or false
// when it has none (a one-off in the past, or a rule that has ended).
func First(r remind.Reminder, now time.Time) (time.Time, bool, error) {
	if !r.Recurring() {
		if r.Time == nil {
			return time.Time{}, false, remind.Invalid("time", "a reminder needs a time or an rrule")
		}
		at := r.FireAt(*r.Time)
		return at, !at.Before(now), nil
	}
	rule, err := Rule(r)
	if err != nil {
		return time.Time{}, false, err
	}
	// The first occurrence at or after start whose fire instant is not before now.
	from := r.Start.Add(-time.Nanosecond)
	if o := r.Occurrence(now).Add(-time.Nanosecond); o.After(from) {
		from = o
	}
	occ, ok := rule.After(from)
	if !ok {
		return time.Time{}, false, nil
	}
	return r.FireAt(occ), true, nil
}

// After returns the fire instant after the one at fireAt. Occurrences that
// would fall due more than skipOlder before now (the service was down for
// long) are skipped; zero skipOlder skips none.
func After(r remind.Reminder, fireAt, now time.Time, skipOlder time.Duration) (time.Time, bool, error) {
	if !r.Recurring() {
		return time.Time{}, false, nil
	}
	rule, err := Rule(r)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("nextfire: %w", err)
	}
	occ, ok := rule.After(r.Occurrence(fireAt))
	if ok && skipOlder > 0 && now.Sub(r.FireAt(occ)) > skipOlder {
		occ, ok = rule.After(r.Occurrence(now.Add(-skipOlder)))
	}
	if !ok {
		return time.Time{}, false, nil
	}
	return r.FireAt(occ), true, nil
}
