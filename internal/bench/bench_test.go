package bench

import (
	"context"
	"encoding/json"
	"math"
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

// TestWithFloorMeasuresAroundTheHerd: a webhook herd is run between two
// real floors of its own size, each of which posted every request, and
// its drain is reported against their mean.
func TestWithFloorMeasuresAroundTheHerd(t *testing.T) {
	o := Options{N: 500}
	o.Config.Workers = 4
	ran := 0
	res := withFloor(context.Background(), o, func() Result {
		ran++
		return Result{DrainS: 0.5}
	})
	if res.Error != "" || ran != 1 || len(res.FloorS) != 2 || res.FloorS[0] <= 0 || res.FloorS[1] <= 0 {
		t.Fatalf("withFloor = %+v after %d herds, want one herd between two floors", res, ran)
	}
	if want := 0.5 / ((res.FloorS[0] + res.FloorS[1]) / 2); math.Abs(res.FloorRatio-want) > 1e-9 {
		t.Fatalf("floor_ratio %v, want %v", res.FloorRatio, want)
	}
	if f := Floor(context.Background(), o); f.Error != "" || f.Workload != "floor" || f.DrainS <= 0 || f.Delivered != 500 {
		t.Fatalf("Floor = %+v", f)
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
