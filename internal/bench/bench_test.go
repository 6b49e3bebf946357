package bench

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// The webhook sink reads fire_at out of the body without decoding it; it
// must agree with a full decode of what RaaS sends, and refuse bodies
// without one.
func TestEventFireAt(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 27, 8, 0, 0, 123_000_000, time.UTC),
		time.Date(2027, 2, 5, 23, 59, 59, 999_000_000, time.FixedZone("CST", 8*3600)),
	} {
		body, err := json.Marshal(remind.Event{Type: "reminder.fired", Data: remind.EventData{ID: "r", Title: `a "quoted" fire_at title`, FireAt: at, Occurrence: at.Add(-time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}
		var ev remind.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatal(err)
		}
		got, ok := eventFireAt(body)
		if !ok || !got.Equal(ev.Data.FireAt) {
			t.Fatalf("eventFireAt(%s) = %v %v, want %v", body, got, ok, ev.Data.FireAt)
		}
	}
	for _, bad := range []string{``, `{}`, `{"data":{"fire_at":"yesterday"}}`, `{"data":{"fire_at":"2026-11-27T08:00:00Z`} {
		if got, ok := eventFireAt([]byte(bad)); ok {
			t.Fatalf("eventFireAt(%q) = %v, want refused", bad, got)
		}
	}
}

// TestPendingAtSpreadsOverTheYear: every pending reminder of a capacity
// load falls due between an hour and a year and an hour from now, in
// order, for loads up to the ten million the capacity run holds.
func TestPendingAtSpreadsOverTheYear(t *testing.T) {
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	lo, hi := now.Add(time.Hour), now.Add(time.Hour+365*24*time.Hour)
	for _, n := range []int{1, 293, 200_000, 10_000_000} {
		prev := time.Time{}
		is := []int{0, 1, 291, 292, 293, n / 2, n - 2, n - 1}
		slices.Sort(is)
		for _, i := range is {
			if i < 0 || i >= n {
				continue
			}
			at := pendingAt(now, i, n)
			if at.Before(lo) || !at.Before(hi) || at.Before(prev) {
				t.Fatalf("n=%d: reminder %d due at %v, want in [%v, %v) and not before %v", n, i, at, lo, hi, prev)
			}
			prev = at
		}
	}
}
