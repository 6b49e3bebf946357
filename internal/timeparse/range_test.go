package timeparse

import (
	"strings"
	"testing"
	"time"
)

// TestRangeRuleStops checks that a daily rule said inside a range of dates
// ends there: its RRULE carries the UNTIL, its occurrences stop on the last
// day, and the answer's End is that last occurrence.
func TestRangeRuleStops(t *testing.T) {
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.FixedZone("", 8*3600))
	last := time.Date(2026, 12, 2, 8, 0, 0, 0, now.Location())
	for _, text := range []string{"12月1日到2日每天早上8点", "12月1日至12月2日每天8点", "every day from dec 1 to dec 2 at 8am", "daily from Dec 1 to Dec 2 at 8am"} {
		s, err := Parse(text, DefaultOptions(now))
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if !strings.Contains(s.RRule, "UNTIL=") {
			t.Errorf("%q: rrule %q has no UNTIL", text, s.RRule)
		}
		if len(s.Next) != 2 || !s.Next[1].Equal(last) {
			t.Errorf("%q: next %v, want two ending %v", text, s.Next, last)
		}
		if s.End == nil || !s.End.Equal(last) {
			t.Errorf("%q: end %v, want %v", text, s.End, last)
		}
	}
}
