package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// planAhead is the scheduler's planner as it runs at now, claiming firings
// up to its look-ahead: deliveries for the firing, the reminder done, and
// the claim recorded when the firing is still ahead of now.
func planAhead(now time.Time) store.FirePlanner {
	return func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		fireAt := *r.NextFireAt
		return store.FirePlan{Deliveries: remind.Plan(r, fireAt, recips, hooks, now, remind.FirePolicy{}), Status: remind.StatusDone,
			Claimed: r.ClaimAfter(fireAt, now)}
	}
}

// testModifySerialises: writes to one reminder made at the same moment all
// land, whichever order they commit in: each adds or removes one uid, and
// none writes back a list it read before another's commit.
func testModifySerialises(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	r := mustCreate(t, s, reminder(tn, t0.Add(time.Hour), "leave0", "leave1", "leave2", "leave3", "stay"))
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 16 {
		wg.Go(func() {
			_, err := s.ModifyReminder(ctx, tn.ID, r.ID, t0, "", func(r *remind.Reminder) error {
				return r.AddRecipient(fmt.Sprintf("join%d", i))
			})
			errs <- err
		})
	}
	for i := range 4 {
		wg.Go(func() {
			_, err := s.ModifyReminder(ctx, tn.ID, r.ID, t0, "", func(r *remind.Reminder) error {
				r.RemoveRecipient(fmt.Sprintf("leave%d", i))
				return nil
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetReminder(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stay"}
	for i := range 16 {
		want = append(want, fmt.Sprintf("join%d", i))
	}
	slices.Sort(want)
	have := slices.Sorted(slices.Values(got.Recipients))
	if !slices.Equal(have, want) {
		t.Fatalf("recipients after 20 concurrent writes:\n got %v\nwant %v", have, want)
	}
}

// testCancelStaysCancelled: a cancel racing a modification of the same
// reminder is never undone. The modification refuses a cancelled reminder
// (as the service's does) and otherwise rewrites every field, status
// included; whichever commits first, a cancel that succeeded leaves the
// reminder cancelled with nothing pending.
func testCancelStaysCancelled(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	const n = 40
	var rs []remind.Reminder
	for range n {
		rs = append(rs, mustCreate(t, s, reminder(tn, t0.Add(time.Hour), "u1")))
	}
	var wg sync.WaitGroup
	cancelErr := make([]error, n)
	for i, r := range rs {
		wg.Go(func() {
			_, cancelErr[i] = s.CancelReminder(ctx, tn.ID, r.ID, t0)
		})
		wg.Go(func() {
			_, _ = s.ModifyReminder(ctx, tn.ID, r.ID, t0, "", func(r *remind.Reminder) error {
				if r.Status == remind.StatusCancelled {
					return remind.ErrConflict
				}
				at := t0.Add(2 * time.Hour)
				r.Title, r.NextFireAt, r.Status = "moved", &at, remind.StatusActive
				return nil
			})
		})
	}
	wg.Wait()
	for i, r := range rs {
		if cancelErr[i] != nil {
			t.Fatalf("cancel %d: %v", i, cancelErr[i])
		}
		got, err := s.GetReminder(ctx, tn.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != remind.StatusCancelled || got.NextFireAt != nil {
			t.Fatalf("reminder %d is %s (next %v) after a cancel that succeeded", i, got.Status, got.NextFireAt)
		}
	}
	if next, ok, err := s.NextFireAt(ctx); err != nil || ok {
		t.Fatalf("a cancelled reminder is still due at %v (%v)", next, err)
	}
}

// testModifyRefusalWritesNothing: fn's error leaves the reminder and its
// deliveries as they were, claim included.
func testModifyRefusalWritesNothing(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	r := mustCreate(t, s, reminder(tn, t0.Add(4*time.Second), "u1"))
	ds, err := s.FireDue(ctx, t0.Add(10*time.Second), 10, store.Lease{Until: t0.Add(time.Minute)}, planAhead(t0))
	if err != nil || len(ds) != 1 {
		t.Fatalf("fire ahead: %d %v", len(ds), err)
	}
	before, _ := s.GetReminder(ctx, tn.ID, r.ID)
	refused := errors.New("no")
	if _, err := s.ModifyReminder(ctx, tn.ID, r.ID, t0.Add(time.Second), "", func(r *remind.Reminder) error {
		r.Title = "half written"
		return refused
	}); !errors.Is(err, refused) {
		t.Fatalf("ModifyReminder = %v, want fn's error", err)
	}
	after, _ := s.GetReminder(ctx, tn.ID, r.ID)
	if after.ETag() != before.ETag() || len(after.Claimed) != 1 {
		t.Fatalf("a refused modification wrote:\nbefore %+v\nafter  %+v", before, after)
	}
	if pend, _ := s.PendingOf(ctx, []string{ds[0].ID}); pend[ds[0].ID] != ds[0].Attempts {
		t.Fatal("a refused modification cancelled the claimed delivery")
	}
}

// testEditReplansClaimedFiring: a reminder whose firing was claimed ahead
// of its time (deliveries made and leased) is edited before that time.
// The claim is taken back in the edit's transaction: the deliveries are
// cancelled and the reminder is due again, as if never claimed. Claiming
// it again makes the same deliveries pending again with the new content
// and one more attempt counted, so the copy leased before is fenced off:
// PendingOf no longer confirms it and its outcome does not finish the new
// one. An edit at or after the firing's time takes nothing back.
func testEditReplansClaimedFiring(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	due := t0.Add(4 * time.Second)
	r := mustCreate(t, s, reminder(tn, due, "u1", "u2"))
	old, err := s.FireDue(ctx, t0.Add(10*time.Second), 10, store.Lease{Until: t0.Add(time.Minute)}, planAhead(t0))
	if err != nil || len(old) != 2 {
		t.Fatalf("fire ahead: %d %v", len(old), err)
	}
	claimed, _ := s.GetReminder(ctx, tn.ID, r.ID)
	if len(claimed.Claimed) != 1 || !claimed.Claimed[0].Equal(due) || claimed.FiredCount != 1 || claimed.Status != remind.StatusDone {
		t.Fatalf("after claiming ahead: %+v", claimed)
	}

	edit := t0.Add(500 * time.Millisecond)
	// If-Match compares the ETag of the reminder as stored and read (claim
	// included), not as the claim is taken back.
	if _, err := s.ModifyReminder(ctx, tn.ID, r.ID, edit, `"stale"`, func(r *remind.Reminder) error { return nil }); !errors.Is(err, remind.ErrPrecondition) {
		t.Fatalf("a stale If-Match: %v, want ErrPrecondition", err)
	}
	got, err := s.ModifyReminder(ctx, tn.ID, r.ID, edit, claimed.ETag(), func(r *remind.Reminder) error {
		if r.NextFireAt == nil || !r.NextFireAt.Equal(due) || r.Status != remind.StatusActive || r.FiredCount != 0 {
			return fmt.Errorf("fn saw the claim not taken back: %+v", r)
		}
		r.Title, r.UpdatedAt = "new title", edit
		r.RemoveRecipient("u2")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Claimed != nil || got.Status != remind.StatusActive || got.FiredCount != 0 {
		t.Fatalf("after the edit: %+v", got)
	}
	if pend, _ := s.PendingOf(ctx, []string{old[0].ID, old[1].ID}); len(pend) != 0 {
		t.Fatalf("deliveries of the taken-back firing still pending: %v", pend)
	}
	if next, ok, _ := s.NextFireAt(ctx); !ok || !next.Equal(due) {
		t.Fatalf("NextFireAt after the edit = %v %v, want %v", next, ok, due)
	}

	again, err := s.FireDue(ctx, t0.Add(11*time.Second), 10, store.Lease{Until: t0.Add(time.Minute)}, planAhead(edit))
	if err != nil || len(again) != 1 {
		t.Fatalf("fire again: %d %v", len(again), err)
	}
	var oldU1 remind.Delivery
	for _, d := range old {
		if d.Recipient == "u1" {
			oldU1 = d
		}
	}
	d := again[0]
	if d.ID != oldU1.ID || d.Attempts != oldU1.Attempts+1 || !strings.Contains(string(d.Payload), "new title") {
		t.Fatalf("re-planned delivery %s attempts %d payload %s; want id %s, attempts %d, the new title", d.ID, d.Attempts, d.Payload, oldU1.ID, oldU1.Attempts+1)
	}
	if pend, _ := s.PendingOf(ctx, []string{d.ID}); pend[d.ID] != d.Attempts {
		t.Fatalf("PendingOf = %v, want attempts %d (the stale copy has %d)", pend, d.Attempts, oldU1.Attempts)
	}
	// The stale copy's outcome does not finish the re-planned delivery.
	stale := oldU1
	stale.State, stale.FinishedAt, stale.UpdatedAt = remind.DeliveryDelivered, &due, due
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: stale, Attempt: remind.Attempt{DeliveryID: stale.ID, N: stale.Attempts, At: due, Outcome: "delivered"}}}); err != nil {
		t.Fatal(err)
	}
	if pend, _ := s.PendingOf(ctx, []string{d.ID}); pend[d.ID] != d.Attempts {
		t.Fatal("a stale copy's outcome finished the re-planned delivery")
	}
	d.State, d.FinishedAt, d.UpdatedAt = remind.DeliveryDelivered, &due, due
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: due, Outcome: "delivered"}}}); err != nil {
		t.Fatal(err)
	}
	list, _ := s.ListDeliveries(ctx, tn.ID, r.ID)
	states := map[string]remind.DeliveryState{}
	for _, dl := range list {
		states[dl.Recipient] = dl.State
	}
	if states["u1"] != remind.DeliveryDelivered || states["u2"] != remind.DeliveryCancelled || len(list) != 2 {
		t.Fatalf("deliveries after the re-planned firing: %v", states)
	}
	fired, _ := s.GetReminder(ctx, tn.ID, r.ID)
	if fired.FiredCount != 1 || fired.Status != remind.StatusDone {
		t.Fatalf("a content-only edit fired %d times (status %s), want once", fired.FiredCount, fired.Status)
	}

	// Once the firing's time has come, a write takes nothing back.
	if _, err := s.ModifyReminder(ctx, tn.ID, r.ID, due, "", func(r *remind.Reminder) error { r.Title = "late"; return nil }); err != nil {
		t.Fatal(err)
	}
	if next, ok, _ := s.NextFireAt(ctx); ok {
		t.Fatalf("an edit at the firing's time made it due again at %v", next)
	}
}

// testRecurringClaimsAhead: with a look-ahead longer than the gap between
// firings, several are claimed ahead; a write takes all of them back, to
// the earliest of those not yet due, and the fired count with them.
func testRecurringClaimsAhead(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	first := t0.Add(time.Minute)
	r := reminder(tn, first, "u1")
	r.Time, r.RRule, r.Start, r.TZ = nil, "FREQ=MINUTELY;COUNT=10", first, "UTC"
	r = mustCreate(t, s, r)
	minutely := func(now time.Time) store.FirePlanner {
		return func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
			fireAt := *r.NextFireAt
			next := fireAt.Add(time.Minute)
			return store.FirePlan{Deliveries: remind.Plan(r, fireAt, recips, hooks, now, remind.FirePolicy{}), Status: remind.StatusActive,
				Next: &next, Claimed: r.ClaimAfter(fireAt, now)}
		}
	}
	horizon := t0.Add(3*time.Minute + 30*time.Second)
	for range 3 {
		if _, err := s.FireDue(ctx, horizon, 10, store.Lease{Until: horizon.Add(time.Minute)}, minutely(t0)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.GetReminder(ctx, tn.ID, r.ID)
	if got.FiredCount != 3 || len(got.Claimed) != 3 || !got.Claimed[0].Equal(first) {
		t.Fatalf("after three firings claimed ahead: fired %d claimed %v", got.FiredCount, got.Claimed)
	}
	// A write after the first is due takes back only the two still ahead.
	edit := first.Add(time.Second)
	got, err := s.ModifyReminder(ctx, tn.ID, r.ID, edit, "", func(r *remind.Reminder) error { r.Title = "x"; return nil })
	if second := first.Add(time.Minute); err != nil || got.FiredCount != 1 || !got.NextFireAt.Equal(second) {
		t.Fatalf("after the edit: fired %d next %v (%v), want 1 and %v", got.FiredCount, got.NextFireAt, err, second)
	}
	list, _ := s.ListDeliveries(ctx, tn.ID, r.ID)
	for _, d := range list {
		want := remind.DeliveryCancelled
		if d.DueAt.Equal(first) {
			want = remind.DeliveryPending // due already: sent as it is
		}
		if d.State != want {
			t.Fatalf("delivery at %v is %s, want %s", d.DueAt, d.State, want)
		}
	}
}

// testFiresAheadIntoTheStore: while the scheduler's memory is full it
// claims ahead with a lease bounded by Ahead (scheduler.Config.SpillAhead):
// what is due by Ahead is leased and returned, what is due after is
// written pending at its time, held by nobody and not returned, and
// LeaseDeliveries hands it out when it falls due. A write before then
// takes the firing back like any claim ahead: the written delivery is
// cancelled, and the firing claimed again carries the new content.
func testFiresAheadIntoTheStore(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	now := mustCreate(t, s, reminder(tn, t0, "u1"))
	soon := mustCreate(t, s, reminder(tn, t0.Add(20*time.Second), "u1", "u2"))
	later := mustCreate(t, s, reminder(tn, t0.Add(40*time.Second), "u1"))
	lease := store.Lease{Owner: "me", Until: t0.Add(30 * time.Second), Ahead: t0}
	got, err := s.FireDue(ctx, t0.Add(time.Minute), 10, lease, planAhead(t0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ReminderID != now.ID || got[0].Attempts != 1 || !got[0].NextAttemptAt.Equal(lease.Until) {
		t.Fatalf("FireDue returned %+v, want only the delivery due now, leased until %v", got, lease.Until)
	}
	if next, ok, _ := s.NextFireAt(ctx); ok {
		t.Fatalf("a firing is still due at %v: all three were claimed", next)
	}
	if next, ok, err := s.NextDeliveryAt(ctx); err != nil || !ok || !next.Equal(t0.Add(20*time.Second)) {
		t.Fatalf("NextDeliveryAt = %v %v %v, want the first written ahead, at its time", next, ok, err)
	}
	if early, err := s.LeaseDeliveries(ctx, t0.Add(20*time.Second-time.Millisecond), 10, store.Lease{Owner: "other", Until: t0.Add(time.Minute)}); err != nil || len(early) != 0 {
		t.Fatalf("leased %d before their time (%v)", len(early), err)
	}

	// An edit before its time takes the later firing back.
	edit := t0.Add(5 * time.Second)
	mustRetitle(t, s, tn.ID, later.ID, edit, "moved on")
	if next, ok, _ := s.NextFireAt(ctx); !ok || !next.Equal(t0.Add(40*time.Second)) {
		t.Fatalf("after the edit NextFireAt = %v %v, want the taken-back firing", next, ok)
	}
	if again, err := s.FireDue(ctx, edit.Add(time.Minute), 10, store.Lease{Owner: "me", Until: edit.Add(30 * time.Second), Ahead: edit}, planAhead(edit)); err != nil || len(again) != 0 {
		t.Fatalf("claiming the edited firing again returned %d (%v), want it written ahead", len(again), err)
	}

	// Another instance leases each at its time.
	other := store.Lease{Owner: "other", Until: t0.Add(50 * time.Second)}
	at20, err := s.LeaseDeliveries(ctx, t0.Add(20*time.Second), 10, other)
	if err != nil || len(at20) != 2 {
		t.Fatalf("at its time leased %d (%v), want the two of the second firing", len(at20), err)
	}
	for _, d := range at20 {
		if d.ReminderID != soon.ID || d.Attempts != 1 || !d.DueAt.Equal(t0.Add(20*time.Second)) {
			t.Fatalf("leased %+v", d)
		}
	}
	// At 40 s: the edited firing, and the first one, whose lease to "me"
	// lapsed at 30 s without an outcome.
	at40, err := s.LeaseDeliveries(ctx, t0.Add(40*time.Second), 10, store.Lease{Owner: "other", Until: t0.Add(70 * time.Second)})
	if err != nil || len(at40) != 2 {
		t.Fatalf("at the last firing's time leased %d (%v), want the edited firing and the lapsed lease", len(at40), err)
	}
	for _, d := range at40 {
		switch d.ReminderID {
		case later.ID:
			if !strings.Contains(string(d.Payload), "moved on") {
				t.Fatalf("the edited firing was sent as %s", d.Payload)
			}
		case now.ID:
			if d.Attempts != 2 {
				t.Fatalf("the lapsed lease was taken with attempts %d, want 2", d.Attempts)
			}
		default:
			t.Fatalf("leased %s of reminder %s", d.ID, d.ReminderID)
		}
	}
	list, _ := s.ListDeliveries(ctx, tn.ID, later.ID)
	if len(list) != 1 || list[0].State != remind.DeliveryPending {
		t.Fatalf("the edited firing's deliveries: %+v, want one, pending", list)
	}
}

// testLeaseDueThenRead: LeaseDue leases what LeaseDeliveries would, and
// returns ids and attempt counts; DeliveriesOf reads those rows whole
// (unknown ids are left out). A delivery cancelled between the two reads
// back cancelled, so the dispatcher drops it.
func testLeaseDueThenRead(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	a := mustCreate(t, s, reminder(tn, t0, "u1", "u2"))
	later := mustCreate(t, s, reminder(tn, t0.Add(time.Minute), "u1"))
	early := t0.Add(-time.Second) // planned ahead: everything due after it is written unleased
	if _, err := s.FireDue(ctx, t0.Add(time.Minute), 10, store.Lease{Until: early, Ahead: early}, planAhead(early)); err != nil {
		t.Fatal(err)
	}
	// All three are written unleased: a's two due now, later's in a minute.
	got, err := s.LeaseDue(ctx, t0, 10, store.Lease{Owner: "me", Until: t0.Add(30 * time.Second)})
	if err != nil || len(got) != 2 {
		t.Fatalf("LeaseDue = %+v %v, want a's two deliveries", got, err)
	}
	ids := []string{got[0].ID, got[1].ID, "no-such-delivery"}
	for _, l := range got {
		if l.Attempts != 1 {
			t.Fatalf("leased %+v, want attempt 1", l)
		}
	}
	if again, _ := s.LeaseDue(ctx, t0.Add(time.Second), 10, store.Lease{Owner: "other", Until: t0.Add(time.Minute)}); len(again) != 0 {
		t.Fatalf("leased again under a live lease: %+v", again)
	}
	if _, err := s.CancelReminder(ctx, tn.ID, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	ds, err := s.DeliveriesOf(ctx, ids)
	if err != nil || len(ds) != 2 {
		t.Fatalf("DeliveriesOf = %d %v, want the two that exist", len(ds), err)
	}
	for _, d := range ds {
		if d.ReminderID != a.ID || d.State != remind.DeliveryCancelled || len(d.Payload) == 0 || d.Recipient == "" {
			t.Fatalf("read %+v, want a's delivery, whole, cancelled since", d)
		}
	}
	l, err := s.LeaseDue(ctx, t0.Add(time.Minute), 10, store.Lease{Owner: "me", Until: t0.Add(2 * time.Minute)})
	if err != nil || len(l) != 1 {
		t.Fatalf("at a minute LeaseDue = %+v %v, want later's delivery", l, err)
	}
	if ds, _ := s.DeliveriesOf(ctx, []string{l[0].ID}); len(ds) != 1 || ds[0].ReminderID != later.ID || ds[0].Attempts != l[0].Attempts || ds[0].State != remind.DeliveryPending {
		t.Fatalf("read %+v, want later's delivery pending under attempt %d", ds, l[0].Attempts)
	}
}

// testReadsAheadWhatItLeasedAhead: with Lease.AheadFor, FireDue writes
// the firings due after Ahead leased to the caller from their due time
// (store.HeldAhead) and does not return them; ReadAhead hands them to
// their owner when they fall due, in batches that follow its cursor
// without overlap, and leases nothing: another instance's poll does not
// take them while the lease runs. A cursor reset to a lease end reads that
// instant again; an outcome, or a write that takes the firing back, takes
// a delivery out, and the firing claimed again is read with the new
// content and one more attempt counted.
func testReadsAheadWhatItLeasedAhead(t *testing.T, s store.Store) {
	ctx := context.Background()
	const lf = 30 * time.Second
	tn := tenant(t, s, "a")
	now := mustCreate(t, s, reminder(tn, t0, "u1"))
	soonA := mustCreate(t, s, reminder(tn, t0.Add(20*time.Second), "u1", "u2", "u3"))
	soonB := mustCreate(t, s, reminder(tn, t0.Add(20*time.Second), "u4", "u5"))
	later := mustCreate(t, s, reminder(tn, t0.Add(40*time.Second), "u1"))
	// The delivery due now is leased until 31 s: one leased until its due
	// time plus lf would read as leased ahead too (see store.Store.ReadAhead).
	lease := store.Lease{Owner: "me", Until: t0.Add(lf + time.Second), Ahead: t0, AheadFor: lf}
	got, err := s.FireDue(ctx, t0.Add(time.Minute), 10, lease, planAhead(t0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ReminderID != now.ID {
		t.Fatalf("FireDue returned %+v, want only the delivery due now", got)
	}
	if next, ok, err := s.NextAhead(ctx, "me", lf, store.Cursor{}); err != nil || !ok || !next.Equal(t0.Add(20*time.Second)) {
		t.Fatalf("NextAhead = %v %v %v, want the first firing leased ahead", next, ok, err)
	}
	if ds, _, err := s.ReadAhead(ctx, "me", lf, t0.Add(20*time.Second-time.Millisecond), store.Cursor{}, 10); err != nil || len(ds) != 0 {
		t.Fatalf("read %d before their time (%v)", len(ds), err)
	}
	for _, who := range []struct {
		owner string
		lf    time.Duration
	}{{"other", lf}, {"me", time.Minute}} {
		if ds, _, err := s.ReadAhead(ctx, who.owner, who.lf, t0.Add(time.Minute), store.Cursor{}, 10); err != nil || len(ds) != 0 {
			t.Fatalf("ReadAhead(%s, %v) read %d (%v), want none", who.owner, who.lf, len(ds), err)
		}
	}
	if leased, err := s.LeaseDeliveries(ctx, t0.Add(20*time.Second), 10, store.Lease{Owner: "other", Until: t0.Add(time.Minute)}); err != nil || len(leased) != 0 {
		t.Fatalf("another instance leased %d under a live lease (%v)", len(leased), err)
	}

	at20 := t0.Add(20 * time.Second)
	first, cur, err := s.ReadAhead(ctx, "me", lf, at20, store.Cursor{}, 2)
	if err != nil || len(first) != 2 {
		t.Fatalf("first batch: %d (%v), want 2", len(first), err)
	}
	rest, cur2, err := s.ReadAhead(ctx, "me", lf, at20, cur, 10)
	if err != nil || len(rest) != 3 {
		t.Fatalf("second batch: %d (%v), want the other 3 due at 20 s", len(rest), err)
	}
	seen := map[string]bool{}
	for _, d := range append(first, rest...) {
		if seen[d.ID] {
			t.Fatalf("%s read twice", d.ID)
		}
		seen[d.ID] = true
		if (d.ReminderID != soonA.ID && d.ReminderID != soonB.ID) || d.State != remind.DeliveryPending || d.Attempts != 1 ||
			!d.DueAt.Equal(at20) || !d.NextAttemptAt.Equal(at20.Add(lf)) || len(d.Payload) == 0 {
			t.Fatalf("read %+v, want a delivery due at 20 s leased until 50 s", d)
		}
	}
	if !cur.Before(cur2) {
		t.Fatalf("cursor went from %+v to %+v, want forward", cur, cur2)
	}
	if ds, c, _ := s.ReadAhead(ctx, "me", lf, at20, cur2, 10); len(ds) != 0 || c != cur2 {
		t.Fatalf("read past the end: %d, cursor %+v", len(ds), c)
	}
	if next, ok, _ := s.NextAhead(ctx, "me", lf, cur2); !ok || !next.Equal(t0.Add(40*time.Second)) {
		t.Fatalf("NextAhead after the 20 s batch = %v %v, want 40 s", next, ok)
	}

	// An outcome takes a delivery out; a cursor reset to their lease end
	// reads the rest of that instant again.
	d := first[0]
	d.State, d.UpdatedAt = remind.DeliveryDelivered, at20
	d.FinishedAt = &at20
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: 1, At: at20, Outcome: "delivered"}}}); err != nil {
		t.Fatal(err)
	}
	again, _, err := s.ReadAhead(ctx, "me", lf, at20, store.Cursor{Until: at20.Add(lf)}, 10)
	if err != nil || len(again) != 4 {
		t.Fatalf("from the reset cursor read %d (%v), want the 4 still pending", len(again), err)
	}
	for _, x := range again {
		if x.ID == d.ID {
			t.Fatalf("read %s after its outcome", x.ID)
		}
	}

	// A write takes the later firing back; claimed again, it is read with
	// the new content under its next attempt.
	edit := t0.Add(25 * time.Second)
	mustRetitle(t, s, tn.ID, later.ID, edit, "moved on")
	at40 := t0.Add(40 * time.Second)
	if ds, _, _ := s.ReadAhead(ctx, "me", lf, at40, cur2, 10); len(ds) != 0 {
		t.Fatalf("read %d of a firing taken back", len(ds))
	}
	if _, err := s.FireDue(ctx, edit.Add(time.Minute), 10, store.Lease{Owner: "me", Until: edit.Add(lf), Ahead: edit, AheadFor: lf}, planAhead(edit)); err != nil {
		t.Fatal(err)
	}
	ds, _, err := s.ReadAhead(ctx, "me", lf, at40, store.Cursor{Until: at40.Add(lf)}, 10)
	if err != nil || len(ds) != 1 || ds[0].ReminderID != later.ID || ds[0].Attempts != 2 || !strings.Contains(string(ds[0].Payload), "moved on") {
		t.Fatalf("read %+v (%v), want the firing claimed again, attempt 2, new content", ds, err)
	}
	if next, ok, _ := s.NextAhead(ctx, "me", lf, store.Cursor{Until: at40.Add(lf).Add(time.Millisecond)}); ok {
		t.Fatalf("NextAhead past the last = %v", next)
	}
}
