package bench

import (
	"encoding/json"
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
