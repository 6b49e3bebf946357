package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// BenchFinish measures FinishDeliveries on s: each op records the outcomes
// of 1,000 deliveries just fired (one a reminder), all delivered at the
// first attempt, in one call, as a herd's outcome writer does. Firing them
// is not timed. It reports µs/outcome.
func BenchFinish(b *testing.B, s store.Store) {
	ctx := context.Background()
	const n = 1000
	tn := remind.Tenant{ID: remind.NewID(t0), Name: "bench", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: t0}
	if err := s.CreateTenant(ctx, tn); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		at := t0.Add(time.Duration(i) * time.Second)
		for j := range n {
			r := reminder(tn, at, fmt.Sprint("u", j))
			if _, _, err := s.CreateReminder(ctx, r, nil); err != nil {
				b.Fatal(err)
			}
		}
		ds, err := s.FireDue(ctx, at, n, store.Lease{Until: at.Add(time.Minute)}, planAll(at))
		if err != nil || len(ds) != n {
			b.Fatalf("fire: %d %v", len(ds), err)
		}
		rs := make([]store.Result, n)
		for j, d := range ds {
			end := at.Add(3 * time.Millisecond)
			d.State, d.UpdatedAt, d.FinishedAt, d.Payload = remind.DeliveryDelivered, end, &end, nil
			rs[j] = store.Result{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: at, Duration: 3 * time.Millisecond, Outcome: "delivered", StatusCode: 204}}
		}
		b.StartTimer()
		if err := s.FinishDeliveries(ctx, rs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "µs/outcome")
}
