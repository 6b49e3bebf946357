package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// ackPolicy: two repeats five minutes apart, escalation to lead at 15
// minutes, and the firing again by SMS then.
var ackPolicy = remind.AckPolicy{Within: 15 * time.Minute, Repeat: 5 * time.Minute, MaxRepeats: 2,
	EscalateTo: []string{"lead"}, ThenChannels: []string{remind.ChannelSMS}}

// ackTenant makes a tenant with ann, bob (e-mail and phone) and lead
// (e-mail), and a reminder to ann and bob at `at` with ackPolicy.
func ackTenant(t *testing.T, s store.Store, at time.Time) (remind.Tenant, remind.Reminder) {
	t.Helper()
	ctx := context.Background()
	tn := tenant(t, s, "ack")
	for _, rc := range []remind.Recipient{
		{TenantID: tn.ID, UID: "ann", Email: "ann@example.com", Phone: "+8613800000001", CreatedAt: t0, UpdatedAt: t0},
		{TenantID: tn.ID, UID: "bob", Email: "bob@example.com", Phone: "+8613800000002", CreatedAt: t0, UpdatedAt: t0},
		{TenantID: tn.ID, UID: "lead", Email: "lead@example.com", CreatedAt: t0, UpdatedAt: t0},
	} {
		if _, err := s.PutRecipient(ctx, rc); err != nil {
			t.Fatal(err)
		}
	}
	r := reminder(tn, at, "ann", "bob")
	a := ackPolicy
	r.Ack = &a
	return tn, mustCreate(t, s, r)
}

// byKey indexes a reminder's deliveries by recipient/channel/step/about.
func byKey(t *testing.T, s store.Store, tn remind.Tenant, id string) map[string]remind.Delivery {
	t.Helper()
	list, err := s.ListDeliveries(context.Background(), tn.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]remind.Delivery{}
	for _, d := range list {
		out[d.Recipient+"/"+d.Channel+"/"+d.Step+"/"+d.About] = d.Delivery
	}
	return out
}

// confirm adds uid's inbox item of the firing at `at` and sets its status.
func confirm(t *testing.T, s store.Store, tn remind.Tenant, r remind.Reminder, occ time.Time, uid string, st remind.InboxStatus, at time.Time) {
	t.Helper()
	ctx := context.Background()
	id := remind.InboxItemID(r.ID, occ, uid)
	if _, err := s.AddInboxItem(ctx, remind.InboxItem{ID: id, TenantID: tn.ID, UID: uid, ReminderID: r.ID, Title: r.Title,
		Occurrence: occ, CreatedAt: occ, UpdatedAt: occ}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetInboxStatus(ctx, tn.ID, uid, id, st, at); err != nil {
		t.Fatal(err)
	}
}

// testAckFollowUps: a reminder's ack policy is stored, read back and
// changed; firing it writes the follow-ups pending, at their times and
// held by nobody, while only the firing's own deliveries are leased to
// the scheduler's caller; the follow-ups are leased by a poll when they
// fall due, not before, by whichever instance polls.
func testAckFollowUps(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, r := ackTenant(t, s, t0)
	got, err := s.GetReminder(ctx, tn.ID, r.ID)
	if err != nil || got.Ack == nil || !equalAck(*got.Ack, ackPolicy) {
		t.Fatalf("ack read back: %+v %v", got.Ack, err)
	}
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Owner: "i1", Until: t0.Add(30 * time.Second)}, planAll(t0))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Step != remind.StepFiring {
			t.Fatalf("FireDue leased a follow-up: %+v", d)
		}
	}
	if len(ds) != 4 { // inbox and e-mail of ann and bob
		t.Fatalf("FireDue leased %d deliveries, want 4", len(ds))
	}
	all := byKey(t, s, tn, r.ID)
	for key, at := range map[string]time.Duration{
		"ann/email/repeat-1/": 5 * time.Minute, "bob/email/repeat-2/": 10 * time.Minute,
		"lead/inbox/escalate/ann": 15 * time.Minute, "lead/email/escalate/bob": 15 * time.Minute,
		"ann/sms/escalate/": 15 * time.Minute,
	} {
		d, ok := all[key]
		if !ok || d.State != remind.DeliveryPending || !d.NextAttemptAt.Equal(t0.Add(at)) || !d.DueAt.Equal(t0.Add(at)) || d.Attempts != 0 {
			t.Fatalf("%s: %+v (found %v)", key, d, ok)
		}
	}
	if len(all) != 4+4+4+2 {
		t.Fatalf("%d deliveries stored: %v", len(all), slices.Sorted(func(yield func(string) bool) {
			for k := range all {
				if !yield(k) {
					return
				}
			}
		}))
	}
	// The firing's own deliveries are done; the next delivery time is the
	// first repeat.
	finishAll(t, s, ds, t0)
	if next, ok, _ := s.NextDeliveryAt(ctx); !ok || !next.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("NextDeliveryAt = %v %v, want the first repeat", next, ok)
	}
	if early := leasedIDs(t, s, t0.Add(5*time.Minute-time.Millisecond), "i2"); len(early) != 0 {
		t.Fatalf("leased before their time: %v", keys(early))
	}
	due := leasedIDs(t, s, t0.Add(5*time.Minute), "i2")
	if len(due) != 2 || due[all["ann/email/repeat-1/"].ID].ID == "" || due[all["bob/email/repeat-1/"].ID].ID == "" {
		t.Fatalf("leased at the first repeat: %v", keys(due))
	}

	// The policy is changed and removed through ModifyReminder.
	upd, err := s.ModifyReminder(ctx, tn.ID, r.ID, t0, "", func(r *remind.Reminder) error { r.Ack.MaxRepeats = 1; return nil })
	if err != nil || upd.Ack == nil || upd.Ack.MaxRepeats != 1 {
		t.Fatalf("modify ack: %+v %v", upd.Ack, err)
	}
	upd, err = s.ModifyReminder(ctx, tn.ID, r.ID, t0, "", func(r *remind.Reminder) error { r.Ack = nil; return nil })
	if err != nil || upd.Ack != nil {
		t.Fatalf("remove ack: %+v %v", upd.Ack, err)
	}
	for key, d := range byKey(t, s, tn, r.ID) {
		if d.Step != remind.StepFiring && d.State == remind.DeliveryPending {
			t.Fatalf("%s still pending once the ack policy is off", key)
		}
	}
	if got, _ := s.GetReminder(ctx, tn.ID, r.ID); got.Ack != nil {
		t.Fatalf("ack after removal: %+v", got.Ack)
	}
}

func equalAck(a, b remind.AckPolicy) bool {
	return a.Within == b.Within && a.Repeat == b.Repeat && a.MaxRepeats == b.MaxRepeats &&
		slices.Equal(a.EscalateTo, b.EscalateTo) && slices.Equal(a.ThenChannels, b.ThenChannels)
}

func finishAll(t *testing.T, s store.Store, ds []remind.Delivery, at time.Time) {
	t.Helper()
	var rs []store.Result
	for _, d := range ds {
		d.State, d.UpdatedAt, d.FinishedAt = remind.DeliveryDelivered, at, &at
		rs = append(rs, store.Result{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: at, Outcome: "delivered"}})
	}
	if err := s.FinishDeliveries(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
}

// testConfirmStopsChain: ann's confirm cancels, in its transaction, her
// pending follow-ups and the escalations about her, and counts a change;
// bob's stay. A read changes nothing, nor does the lead confirming an
// escalation; bob's reject stops his. Another reminder's chain is left
// alone. AckStates lists every item of the reminder, the lead's included
// (the service keeps the recipients' own).
func testConfirmStopsChain(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, r := ackTenant(t, s, t0)
	other := reminder(tn, t0, "ann")
	a := ackPolicy
	other.Ack = &a
	other = mustCreate(t, s, other)
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Until: t0.Add(time.Minute)}, planAll(t0))
	if err != nil {
		t.Fatal(err)
	}
	finishAll(t, s, ds, t0)
	before, _ := s.Changes(ctx)
	confirm(t, s, tn, r, t0, "ann", remind.InboxRead, t0.Add(time.Minute))
	if n, _ := s.Changes(ctx); n != before {
		t.Fatalf("a read moved Changes from %d to %d", before, n)
	}
	if _, err := s.SetInboxStatus(ctx, tn.ID, "ann", remind.InboxItemID(r.ID, t0, "ann"), remind.InboxConfirmed, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Changes(ctx); n == before {
		t.Fatal("a confirm that stopped follow-ups did not count a change")
	}
	all := byKey(t, s, tn, r.ID)
	for key, d := range all {
		stopped := d.Step != remind.StepFiring && (d.Recipient == "ann" && d.About == "" || d.About == "ann")
		switch {
		case stopped && d.State != remind.DeliveryCancelled:
			t.Errorf("%s is %s after ann's confirm, want cancelled", key, d.State)
		case !stopped && d.Step != remind.StepFiring && d.State != remind.DeliveryPending:
			t.Errorf("%s is %s after ann's confirm, want pending", key, d.State)
		}
	}
	for key, d := range byKey(t, s, tn, other.ID) {
		if d.Step != remind.StepFiring && d.State != remind.DeliveryPending {
			t.Errorf("another reminder's %s is %s", key, d.State)
		}
	}
	// The lead confirming an escalation item (its id is the escalation's
	// inbox delivery) leaves the escalations about bob alone.
	leadItem := all["lead/inbox/escalate/bob"]
	if _, err := s.AddInboxItem(ctx, remind.InboxItem{ID: leadItem.ID, TenantID: tn.ID, UID: "lead", ReminderID: r.ID, Title: r.Title,
		Occurrence: t0, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetInboxStatus(ctx, tn.ID, "lead", leadItem.ID, remind.InboxConfirmed, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if d := byKey(t, s, tn, r.ID)["lead/email/escalate/bob"]; d.State != remind.DeliveryPending {
		t.Fatalf("the lead's confirm of an escalation cancelled another: %s", d.State)
	}
	confirm(t, s, tn, r, t0, "bob", remind.InboxRejected, t0.Add(3*time.Minute))
	for key, d := range byKey(t, s, tn, r.ID) {
		if d.Step != remind.StepFiring && d.State != remind.DeliveryCancelled {
			t.Errorf("%s is %s after both answered", key, d.State)
		}
	}
	if next, ok, _ := s.NextDeliveryAt(ctx); ok && next.Before(t0.Add(5*time.Minute)) {
		t.Fatalf("NextDeliveryAt = %v", next)
	}
	states, err := s.AckStates(ctx, tn.ID, r.ID)
	if err != nil || len(states) != 3 || states[2].UID != "lead" || states[0].UID != "ann" || states[0].Status != remind.InboxConfirmed ||
		states[1].UID != "bob" || states[1].Status != remind.InboxRejected || !states[0].Occurrence.Equal(t0) ||
		states[0].ItemID != remind.InboxItemID(r.ID, t0, "ann") {
		t.Fatalf("AckStates = %+v %v", states, err)
	}
	if st, err := s.AckStates(ctx, "another-tenant", r.ID); err != nil || len(st) != 0 {
		t.Fatalf("another tenant's AckStates = %+v %v", st, err)
	}
}

// testConfirmFencesLeasedFollowUp: bob's first repeat is leased by another
// instance when it falls due; bob confirms before it is sent. PendingOf no
// longer lists it, so the holder drops its copy, and the holder's outcome
// written anyway does not bring it back. A confirm before a follow-up's
// time means no poll ever leases it.
func testConfirmFencesLeasedFollowUp(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, r := ackTenant(t, s, t0)
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Owner: "i1", Until: t0.Add(30 * time.Second)}, planAll(t0))
	if err != nil {
		t.Fatal(err)
	}
	finishAll(t, s, ds, t0)
	at := t0.Add(5 * time.Minute)
	held := leasedIDs(t, s, at, "i2")
	all := byKey(t, s, tn, r.ID)
	copyOf := held[all["bob/email/repeat-1/"].ID]
	if copyOf.ID == "" {
		t.Fatalf("bob's repeat not leased: %v", keys(held))
	}
	if pend, _ := s.PendingOf(ctx, []string{copyOf.ID}); pend[copyOf.ID] != copyOf.Attempts {
		t.Fatalf("PendingOf before the confirm = %v", pend)
	}
	confirm(t, s, tn, r, t0, "bob", remind.InboxConfirmed, at.Add(time.Second))
	if pend, _ := s.PendingOf(ctx, []string{copyOf.ID}); len(pend) != 0 {
		t.Fatalf("PendingOf after the confirm = %v", pend)
	}
	finishAll(t, s, []remind.Delivery{copyOf}, at.Add(2*time.Second))
	after := byKey(t, s, tn, r.ID)
	if d := after["bob/email/repeat-1/"]; d.State != remind.DeliveryCancelled {
		t.Fatalf("the held copy's outcome revived it: %s", d.State)
	}
	// Nothing of bob's, or about him, is ever leased again.
	for _, when := range []time.Duration{10 * time.Minute, 15 * time.Minute, time.Hour} {
		for _, d := range leasedIDs(t, s, t0.Add(when), "i3") {
			if d.Recipient == "bob" || d.About == "bob" {
				t.Fatalf("leased after bob's confirm: %+v", d)
			}
		}
	}
	if d := after["ann/email/repeat-1/"]; d.State != remind.DeliveryPending {
		t.Fatalf("ann's repeat (held by i2) is %s", d.State)
	}
}

// testFollowUpsAndWrites: a write that takes back a firing claimed ahead
// cancels that firing's follow-ups but not those of the firing made
// before it; removing a recipient cancels the escalations about them;
// cancelling the reminder cancels every follow-up.
func testFollowUpsAndWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, r := ackTenant(t, s, t0)
	second := t0.Add(30 * time.Minute)
	long := remind.AckPolicy{Within: 2 * time.Hour, Repeat: 20 * time.Minute, MaxRepeats: 3, EscalateTo: []string{"lead"}}
	if _, err := s.ModifyReminder(ctx, tn.ID, r.ID, t0.Add(-time.Hour), "", func(r *remind.Reminder) error { r.Ack = &long; return nil }); err != nil {
		t.Fatal(err)
	}
	// Fires at t0 (then due again at second), then claims second ahead.
	recurring := func(now time.Time) store.FirePlanner {
		return func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
			fireAt := *r.NextFireAt
			p := store.FirePlan{Deliveries: remind.Plan(r, fireAt, recips, hooks, now, remind.FirePolicy{}), Status: remind.StatusDone,
				Claimed: r.ClaimAfter(fireAt, now)}
			if fireAt.Before(second) {
				p.Next, p.Status = &second, remind.StatusActive
			}
			return p
		}
	}
	if _, err := s.FireDue(ctx, t0, 10, store.Lease{Until: t0.Add(time.Minute)}, recurring(t0)); err != nil {
		t.Fatal(err)
	}
	edit := second.Add(-2 * time.Second)
	if _, err := s.FireDue(ctx, second, 10, store.Lease{Until: second.Add(time.Minute)}, recurring(second.Add(-5*time.Second))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ModifyReminder(ctx, tn.ID, r.ID, edit, "", func(r *remind.Reminder) error { r.Title = "new"; return nil }); err != nil {
		t.Fatal(err)
	}
	list, _ := s.ListDeliveries(ctx, tn.ID, r.ID)
	for _, d := range list {
		firstFiring := d.Occurrence.Equal(t0)
		switch {
		case firstFiring && d.Step != remind.StepFiring && d.DueAt.After(edit) && d.State != remind.DeliveryPending:
			t.Errorf("the first firing's %s %s to %s is %s after taking back the second", d.Step, d.Channel, d.Recipient, d.State)
		case !firstFiring && d.State != remind.DeliveryCancelled:
			t.Errorf("the taken-back firing's %s %s to %s is %s", d.Step, d.Channel, d.Recipient, d.State)
		}
	}
	// Planned again: the same follow-ups pending again.
	if _, err := s.FireDue(ctx, second, 10, store.Lease{Until: second.Add(time.Minute)}, recurring(edit)); err != nil {
		t.Fatal(err)
	}
	list, _ = s.ListDeliveries(ctx, tn.ID, r.ID)
	for _, d := range list {
		if d.Occurrence.Equal(second) && d.State != remind.DeliveryPending {
			t.Errorf("re-planned %s %s to %s is %s", d.Step, d.Channel, d.Recipient, d.State)
		}
	}

	if _, err := s.ModifyReminder(ctx, tn.ID, r.ID, second.Add(time.Minute), "", func(r *remind.Reminder) error { r.RemoveRecipient("bob"); return nil }); err != nil {
		t.Fatal(err)
	}
	list, _ = s.ListDeliveries(ctx, tn.ID, r.ID)
	for _, d := range list {
		if (d.Recipient == "bob" || d.About == "bob") && d.State == remind.DeliveryPending {
			t.Errorf("bob removed, yet %s %s to %s about %q is pending", d.Step, d.Channel, d.Recipient, d.About)
		}
	}
	if _, err := s.CancelReminder(ctx, tn.ID, r.ID, second.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	list, _ = s.ListDeliveries(ctx, tn.ID, r.ID)
	for _, d := range list {
		if d.State == remind.DeliveryPending {
			t.Errorf("cancelled reminder's %s %s to %s is pending", d.Step, d.Channel, d.Recipient)
		}
	}
}

// testSnoozePausesRepeats: a snooze of an item of a firing with ack
// cancels the snoozer's pending repeats (they said "later"), keeps the
// escalation about them and everyone else's chain, brings back only the
// firing's own channels (no follow-up is re-planned), and counts a change
// so a dispatcher holding a repeat asks again.
func testSnoozePausesRepeats(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, r := ackTenant(t, s, t0)
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Until: t0.Add(time.Minute)}, planAll(t0))
	if err != nil {
		t.Fatal(err)
	}
	finishAll(t, s, ds, t0)
	item := remind.InboxItemID(r.ID, t0, "ann")
	if _, err := s.AddInboxItem(ctx, remind.InboxItem{ID: item, TenantID: tn.ID, UID: "ann", ReminderID: r.ID, Title: r.Title,
		Occurrence: t0, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Changes(ctx)
	at := t0.Add(time.Hour)
	_, planned, err := s.SnoozeInboxItem(ctx, tn.ID, "ann", item, t0.Add(time.Minute), snoozePlan(at))
	if err != nil {
		t.Fatal(err)
	}
	if len(planned) == 0 {
		t.Fatal("the snooze planned nothing")
	}
	for _, d := range planned {
		if d.Step != remind.StepFiring || d.Recipient != "ann" || !d.DueAt.Equal(at) {
			t.Errorf("snooze planned %s/%s step %q at %v", d.Recipient, d.Channel, d.Step, d.DueAt)
		}
	}
	if n, _ := s.Changes(ctx); n == before {
		t.Error("a snooze that paused repeats did not count a change")
	}
	for key, d := range byKey(t, s, tn, r.ID) {
		if d.Step == remind.StepFiring {
			continue
		}
		paused := d.Recipient == "ann" && d.About == "" && strings.HasPrefix(d.Step, "repeat-")
		switch {
		case paused && d.State != remind.DeliveryCancelled:
			t.Errorf("%s is %s after ann's snooze, want cancelled", key, d.State)
		case !paused && d.State != remind.DeliveryPending:
			t.Errorf("%s is %s after ann's snooze, want pending", key, d.State)
		}
	}
}
