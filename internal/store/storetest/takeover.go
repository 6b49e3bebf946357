package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// fireOne creates a reminder due at `at` for u1 and has owner claim it at
// `now` (ahead of its time when at is later), leased until `until`; it
// returns the one delivery.
func fireOne(t *testing.T, s store.Store, tn remind.Tenant, at, now time.Time, owner string, until time.Time) remind.Delivery {
	t.Helper()
	mustCreate(t, s, reminder(tn, at, "u1"))
	horizon := now
	if at.After(horizon) {
		horizon = at
	}
	ds, err := s.FireDue(context.Background(), horizon, 10, store.Lease{Owner: owner, Until: until}, planAll(now))
	if err != nil || len(ds) != 1 {
		t.Fatalf("FireDue = %d deliveries, %v; want 1", len(ds), err)
	}
	return ds[0]
}

// leasedIDs leases at now for owner and returns the ids it got.
func leasedIDs(t *testing.T, s store.Store, now time.Time, owner string) map[string]remind.Delivery {
	t.Helper()
	got, err := s.LeaseDeliveries(context.Background(), now, 100, store.Lease{Owner: owner, Until: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]remind.Delivery{}
	for _, d := range got {
		out[d.ID] = d
	}
	return out
}

func beat(t *testing.T, s store.Store, instance string, now, until time.Time) int {
	t.Helper()
	n, err := s.Heartbeat(context.Background(), instance, now, until)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// testTakeover: what an instance holds is handed back as soon as its
// heartbeat is past its time (long before its leases run out) and leased
// by another; what a live instance holds and what waits for a retry are
// left alone; an instance that leaves hands back what it holds at once.
func testTakeover(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	beat(t, s, "A", t0, t0.Add(3*time.Second))
	beat(t, s, "B", t0, t0.Add(3*time.Second))
	lease := t0.Add(time.Minute) // far beyond the takeover
	inFlight := fireOne(t, s, tn, t0, t0, "A", lease)
	soon := fireOne(t, s, tn, t0.Add(5*time.Second), t0, "A", lease)   // claimed ahead, due before A dies
	later := fireOne(t, s, tn, t0.Add(20*time.Second), t0, "A", lease) // claimed ahead, due after
	retry := fireOne(t, s, tn, t0, t0, "A", lease)                     // failed once, waits for its retry
	byB := fireOne(t, s, tn, t0.Add(5*time.Second), t0, "B", lease)    // held by the live B
	retry.State, retry.NextAttemptAt, retry.UpdatedAt, retry.LastError = remind.DeliveryPending, t0.Add(2*time.Minute), t0, "boom"
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: retry, Attempt: remind.Attempt{DeliveryID: retry.ID, N: 1, At: t0, Outcome: "retry", Error: "boom"}}}); err != nil {
		t.Fatal(err)
	}

	// Both alive: nothing is handed back, nothing can be leased.
	now := t0.Add(2 * time.Second)
	if n := beat(t, s, "A", now, now.Add(3*time.Second)) + beat(t, s, "B", now, now.Add(3*time.Second)); n != 0 {
		t.Fatalf("live instances: %d deliveries handed back", n)
	}
	if got := leasedIDs(t, s, t0.Add(4*time.Second), "B"); len(got) != 0 {
		t.Fatalf("B leased %d deliveries a live A holds", len(got))
	}

	// A stops beating; B's next beat after A's time hands back what A held.
	now = t0.Add(6 * time.Second)
	if n := beat(t, s, "B", now, now.Add(3*time.Second)); n != 3 {
		t.Fatalf("B's beat after A's time handed back %d deliveries, want 3 (in flight, soon, later)", n)
	}
	if n := beat(t, s, "B", now, now.Add(3*time.Second)); n != 0 {
		t.Fatalf("a second beat handed back %d more", n)
	}
	if next, ok, err := s.NextDeliveryAt(ctx); err != nil || !ok || next.After(now) {
		t.Fatalf("NextDeliveryAt = %v %v %v, want by %v", next, ok, err, now)
	}
	got := leasedIDs(t, s, now, "B")
	if len(got) != 2 || got[inFlight.ID].ID == "" || got[soon.ID].ID == "" {
		t.Fatalf("B leased %v, want the in-flight and the due one", keys(got))
	}
	if got := leasedIDs(t, s, t0.Add(19*time.Second), "B"); len(got) != 0 {
		t.Fatalf("leased %v before their time", keys(got))
	}
	if got := leasedIDs(t, s, t0.Add(20*time.Second), "B"); len(got) != 1 || got[later.ID].ID == "" {
		t.Fatalf("at the later one's time B leased %v, want it alone", keys(got))
	}
	if got := leasedIDs(t, s, t0.Add(59*time.Second), "B"); len(got) != 0 {
		t.Fatalf("leased %v: the retry before its time, or B's own before its lease ran out", keys(got))
	}

	// B leaves: what it holds is handed back at once, due at its time.
	now = t0.Add(21 * time.Second)
	if n := beat(t, s, "B", now, now); n != 4 {
		t.Fatalf("B leaving handed back %d, want 4 (its own and the three it took over)", n)
	}
	if got := leasedIDs(t, s, now, "C"); len(got) != 4 || got[byB.ID].ID == "" {
		t.Fatalf("after B left C leased %v, want 4 with B's own", keys(got))
	}
	if got := leasedIDs(t, s, t0.Add(2*time.Minute), "C"); len(got) != 1 || got[retry.ID].ID == "" {
		t.Fatalf("at its retry time C leased %v, want the retry", keys(got))
	}
}

// testReleaseLeases: a restarted sole server hands back everything the
// previous process held, due at its time; waiting retries keep their time.
func testReleaseLeases(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	lease := t0.Add(time.Minute)
	past := fireOne(t, s, tn, t0, t0, "old", lease)
	future := fireOne(t, s, tn, t0.Add(10*time.Second), t0, "old", lease)
	retry := fireOne(t, s, tn, t0, t0, "old", lease)
	retry.State, retry.NextAttemptAt, retry.UpdatedAt, retry.LastError = remind.DeliveryPending, t0.Add(2*time.Minute), t0, "boom"
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: retry, Attempt: remind.Attempt{DeliveryID: retry.ID, N: 1, At: t0, Outcome: "retry", Error: "boom"}}}); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(3 * time.Second)
	n, err := s.ReleaseLeases(ctx, now)
	if err != nil || n != 2 {
		t.Fatalf("ReleaseLeases = %d %v, want 2", n, err)
	}
	if got := leasedIDs(t, s, now, "new"); len(got) != 1 || got[past.ID].ID == "" {
		t.Fatalf("after release leased %v, want the past-due one", keys(got))
	}
	if got := leasedIDs(t, s, t0.Add(10*time.Second), "new"); len(got) != 1 || got[future.ID].ID == "" {
		t.Fatalf("at its time leased %v, want the future one", keys(got))
	}
	if n, err := s.ReleaseLeases(ctx, t0.Add(11*time.Second)); err != nil || n != 2 {
		t.Fatalf("second release = %d %v, want the 2 the new owner holds", n, err)
	}
	if got := leasedIDs(t, s, t0.Add(time.Minute), "new"); got[retry.ID].ID != "" {
		t.Fatal("the retry was leased before its time")
	}
}

func keys(m map[string]remind.Delivery) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
