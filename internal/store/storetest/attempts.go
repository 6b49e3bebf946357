package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// testAttemptHistory: whatever mix of retries and endings the outcomes of
// many deliveries make, batch by batch, ListDeliveries gives each
// delivery's attempts in order with every field as it was recorded. A
// driver may keep the attempt that ends a delivery in the delivery's row
// (SQLite does, migration 0018) and the retried ones elsewhere; this
// proves the history reads the same. A stale outcome (a copy whose lease
// ran out before it was recorded) is in the history and finishes nothing;
// an outcome recorded twice is there once.
//
// The last seed's batches are a herd's size (over 2,000 outcomes a call,
// more than one multi-row statement holds).
func testAttemptHistory(t *testing.T, s store.Store) {
	for seed := range uint64(5) {
		n := 24
		if seed == 4 {
			n = 2100
		}
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { attemptHistory(t, s, seed, n) })
	}
}

func attemptHistory(t *testing.T, s store.Store, seed uint64, n int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 19))
	tn := tenant(t, s, fmt.Sprint("h", seed))
	recips := make([]string, n)
	for i := range recips {
		recips[i] = fmt.Sprint("u", i)
	}
	r := mustCreate(t, s, reminder(tn, t0, recips...))
	now := t0
	live, err := s.FireDue(ctx, now, 10, store.Lease{Until: now.Add(30 * time.Second)}, planAll(now))
	if err != nil || len(live) != len(recips) {
		t.Fatalf("fire: %d %v", len(live), err)
	}
	want := map[string][]remind.Attempt{}
	final := map[string]remind.DeliveryState{}
	var late []store.Result // outcomes not recorded in their round: their copies' leases ran out
	for round := 0; len(live) > 0 && round < 6; round++ {
		rs := late
		for _, l := range late {
			want[l.Delivery.ID] = append(want[l.Delivery.ID], l.Attempt)
		}
		late = nil
		for _, d := range live {
			end := now.Add(time.Duration(1+rng.IntN(900)) * time.Millisecond)
			a := remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: now, Duration: end.Sub(now), StatusCode: []int{0, 200, 202, 500, 503}[rng.IntN(5)]}
			d.UpdatedAt = end
			switch k := rng.IntN(3); {
			case k == 0 && round < 5:
				a.Outcome, a.Error = "retry", fmt.Sprint("boom ", rng.IntN(100))
				d.LastError, d.NextAttemptAt = a.Error, end.Add(time.Minute)
			case k == 1:
				a.Outcome, a.Error = "failed", fmt.Sprint("gone ", rng.IntN(100))
				d.State, d.LastError, d.FinishedAt = remind.DeliveryFailed, a.Error, &end
			default:
				a.Outcome = "delivered"
				d.State, d.LastError, d.FinishedAt = remind.DeliveryDelivered, "", &end
			}
			if round < 4 && rng.IntN(6) == 0 {
				// Recorded only next round, after the delivery was leased
				// again: a stale copy's outcome, which finishes nothing
				// but is an attempt that happened.
				late = append(late, store.Result{Delivery: d, Attempt: a})
				continue
			}
			want[d.ID] = append(want[d.ID], a)
			if d.State != remind.DeliveryPending {
				final[d.ID] = d.State
			}
			rs = append(rs, store.Result{Delivery: d, Attempt: a})
			if rng.IntN(6) == 0 { // recorded twice (written again after a failed write)
				rs = append(rs, store.Result{Delivery: d, Attempt: a})
			}
		}
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		if err := s.FinishDeliveries(ctx, rs); err != nil {
			t.Fatalf("round %d: FinishDeliveries: %v", round, err)
		}
		now = now.Add(2 * time.Minute)
		if live, err = s.LeaseDeliveries(ctx, now, n, store.Lease{Until: now.Add(30 * time.Second)}); err != nil {
			t.Fatalf("round %d: lease: %v", round, err)
		}
	}
	list, err := s.ListDeliveries(ctx, tn.ID, r.ID)
	if err != nil || len(list) != len(recips) {
		t.Fatalf("ListDeliveries: %d %v", len(list), err)
	}
	for _, d := range list {
		if wantState, ok := final[d.ID]; ok && d.State != wantState || !ok && d.State != remind.DeliveryPending {
			t.Errorf("%s: state %s, want %s", d.Recipient, d.State, wantState)
		}
		w := want[d.ID]
		if len(d.Attempts) != len(w) {
			t.Errorf("%s: %d attempts, want %d: %+v", d.Recipient, len(d.Attempts), len(w), d.Attempts)
			continue
		}
		for i, a := range d.Attempts {
			e := w[i]
			if a.N != e.N || !a.At.Equal(e.At.Truncate(time.Millisecond)) || a.Duration != e.Duration.Truncate(time.Microsecond) ||
				a.Outcome != e.Outcome || a.StatusCode != e.StatusCode || a.Error != e.Error || a.DeliveryID != d.ID {
				t.Errorf("%s: attempt %d = %+v, want %+v", d.Recipient, i, a, e)
			}
		}
	}
}
