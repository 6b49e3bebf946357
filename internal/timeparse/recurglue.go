package timeparse

import (
	"time"

	"github.com/raasdev/raas/internal/recur"
)

// firstAfter returns the first occurrence of rrule (anchored at dtstart)
// strictly after t. It returns ErrNoTime when there is none.
func firstAfter(rrule string, dtstart, t time.Time) (time.Time, error) {
	rule, err := recur.Parse(rrule, dtstart)
	if err != nil {
		return time.Time{}, err
	}
	first, ok := rule.After(t)
	if !ok {
		return time.Time{}, ErrNoTime
	}
	return first, nil
}

// nextN expands rrule anchored at dtstart: the n occurrences after t, as
// the scheduler will see them.
func nextN(rrule string, dtstart, t time.Time, n int) ([]time.Time, error) {
	rule, err := recur.Parse(rrule, dtstart)
	if err != nil {
		return nil, err
	}
	return rule.Next(t, n), nil
}
