package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// fired fires a reminder to u1 (e-mail) and u2 (no record) on the e-mail
// channel, records u1's inbox item as the inbox channel would, and
// returns the reminder and the item.
func fired(t *testing.T, s store.Store, tn remind.Tenant) (remind.Reminder, remind.InboxItem) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: "u1", Email: "u1@example.com", CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	r := reminder(tn, t0, "u1", "u2")
	r.Channels = []string{remind.ChannelEmail}
	r = mustCreate(t, s, r)
	if _, err := s.FireDue(ctx, t0, 100, store.Lease{Until: t0.Add(time.Minute)}, planAll(t0)); err != nil {
		t.Fatal(err)
	}
	it := remind.InboxItem{ID: remind.DeliveryID(r.ID, t0, "u1", remind.ChannelInbox, "u1"), TenantID: tn.ID, UID: "u1", ReminderID: r.ID,
		Title: r.Title, Occurrence: t0, CreatedAt: t0, UpdatedAt: t0}
	if ok, err := s.AddInboxItem(ctx, it); !ok || err != nil {
		t.Fatalf("AddInboxItem = %v %v", ok, err)
	}
	return r, it
}

func snoozePlan(at time.Time) store.SnoozePlanner {
	return func(it remind.InboxItem, orig []remind.Delivery, v int) ([]remind.Delivery, error) {
		return remind.PlanSnooze(it, orig, at, t0, v, nil), nil
	}
}

// A snooze marks the item snoozed and writes the deliveries that bring it
// back to that recipient alone, on the firing's channels; the series is
// not moved; a second snooze, another tenant's or uid's item, and a
// failing plan write nothing.
func testSnooze(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	r, it := fired(t, s, tn)
	before, err := s.GetReminder(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	at := t0.Add(10 * time.Minute)

	boom := errors.New("boom")
	if _, _, err := s.SnoozeInboxItem(ctx, tn.ID, "u1", it.ID, at, func(remind.InboxItem, []remind.Delivery, int) ([]remind.Delivery, error) {
		return nil, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failing plan: %v", err)
	}
	if list, _ := s.ListInbox(ctx, tn.ID, "u1", store.ListQuery{}); len(list) != 1 || list[0].Status != remind.InboxUnread {
		t.Fatalf("a failed snooze changed the item: %+v", list)
	}
	other := tenant(t, s, "b")
	_, _, err = s.SnoozeInboxItem(ctx, other.ID, "u1", it.ID, at, snoozePlan(at))
	wantNotFound(t, err, "another tenant's item")
	_, _, err = s.SnoozeInboxItem(ctx, tn.ID, "u2", it.ID, at, snoozePlan(at))
	wantNotFound(t, err, "another recipient's item")

	var seen []remind.Delivery
	got, ds, err := s.SnoozeInboxItem(ctx, tn.ID, "u1", it.ID, at, func(it remind.InboxItem, orig []remind.Delivery, v int) ([]remind.Delivery, error) {
		seen = orig
		return remind.PlanSnooze(it, orig, at, t0, v, nil), nil
	})
	if err != nil || got.Status != remind.InboxSnoozed {
		t.Fatalf("snooze = %+v %v", got, err)
	}
	if len(seen) != 2 { // u1's inbox and e-mail deliveries, not u2's
		t.Fatalf("the planner saw %d deliveries, want u1's 2: %+v", len(seen), seen)
	}
	chans := map[string]bool{}
	for _, d := range ds {
		chans[d.Channel] = true
		if d.Recipient != "u1" || !d.DueAt.Equal(at) || d.State != remind.DeliveryPending || !d.Occurrence.Equal(t0) {
			t.Fatalf("snooze delivery %+v", d)
		}
	}
	if len(ds) != 2 || !chans[remind.ChannelInbox] || !chans[remind.ChannelEmail] {
		t.Fatalf("snooze deliveries %+v", ds)
	}
	list, err := s.ListDeliveries(ctx, tn.ID, r.ID)
	if err != nil || len(list) != 5 { // u1 inbox+email, u2 inbox, the 2 of the snooze
		t.Fatalf("ListDeliveries = %d %v", len(list), err)
	}
	if next, ok, _ := s.NextDeliveryAt(ctx); !ok || next.After(at) {
		t.Fatalf("NextDeliveryAt = %v %v, want by %v", next, ok, at)
	}
	leased, err := s.LeaseDeliveries(ctx, at, 100, store.Lease{Until: at.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range leased {
		if d.DueAt.Equal(at) {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("leased %d snoozed deliveries at their time, want 2", n)
	}
	after, _ := s.GetReminder(ctx, tn.ID, r.ID)
	if !timesEqual(before.NextFireAt, after.NextFireAt) || before.FiredCount != after.FiredCount || before.Status != after.Status {
		t.Fatalf("a snooze moved the series: %+v → %+v", before, after)
	}
	if _, _, err := s.SnoozeInboxItem(ctx, tn.ID, "u1", it.ID, at.Add(time.Hour), snoozePlan(at.Add(time.Hour))); !errors.Is(err, remind.ErrConflict) {
		t.Fatalf("second snooze: %v, want conflict", err)
	}
	// The new item, as the inbox channel records it, names the old one.
	next := remind.InboxItem{ID: remind.SnoozeID(it.ID, at, remind.ChannelInbox, "u1"), TenantID: tn.ID, UID: "u1", ReminderID: r.ID,
		Title: r.Title, Occurrence: t0, SnoozedFrom: it.ID, CreatedAt: at, UpdatedAt: at}
	if ok, err := s.AddInboxItem(ctx, next); !ok || err != nil {
		t.Fatal(ok, err)
	}
	items, err := s.ListInbox(ctx, tn.ID, "u1", store.ListQuery{})
	if err != nil || len(items) != 2 {
		t.Fatalf("inbox %+v %v", items, err)
	}
	for _, x := range items {
		if x.ID == next.ID && x.SnoozedFrom != it.ID || x.ID == it.ID && x.Status != remind.InboxSnoozed {
			t.Fatalf("inbox item %+v", x)
		}
	}
	// A confirmed item is not snoozed.
	if _, err := s.SetInboxStatus(ctx, tn.ID, "u1", next.ID, remind.InboxConfirmed, at); err != nil {
		t.Fatal(err)
	}
	// The recipient's state of the reminder is that of the latest item of
	// the occurrence (the snooze's), whatever the ids' order.
	if st, err := s.InboxStatusByReminder(ctx, tn.ID, r.ID); err != nil || st["u1"] != remind.InboxConfirmed {
		t.Fatalf("InboxStatusByReminder = %v %v, want u1 confirmed", st, err)
	}
	if _, _, err := s.SnoozeInboxItem(ctx, tn.ID, "u1", next.ID, at.Add(time.Hour), snoozePlan(at.Add(time.Hour))); !errors.Is(err, remind.ErrConflict) {
		t.Fatalf("snoozing a confirmed item: %v, want conflict", err)
	}
}

func timesEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// Two snoozes of one item racing: one is applied whole, the other is a
// conflict; never both, never half of one.
func testSnoozeRace(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	r, it := fired(t, s, tn)
	ats := []time.Time{t0.Add(10 * time.Minute), t0.Add(time.Hour)}
	errs := make([]error, len(ats))
	var wg sync.WaitGroup
	for i, at := range ats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = s.SnoozeInboxItem(ctx, tn.ID, "u1", it.ID, at, snoozePlan(at))
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if won >= 0 {
				t.Fatalf("both snoozes applied")
			}
			won = i
		case !errors.Is(err, remind.ErrConflict):
			t.Fatalf("snooze %d: %v", i, err)
		}
	}
	if won < 0 {
		t.Fatal("neither snooze applied")
	}
	list, err := s.ListDeliveries(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range list {
		if d.DueAt.After(t0) {
			n++
			if !d.DueAt.Equal(ats[won]) {
				t.Fatalf("a delivery of the losing snooze was written: %+v", d)
			}
		}
	}
	if n != 2 {
		t.Fatalf("%d snooze deliveries, want the winner's 2", n)
	}
}

// Link versions start at 0, go up by one per revoke, are a tenant's own,
// and reach the planner on the recipient (a bare record for a uid with no
// recipient record).
func testLinkVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, other := tenant(t, s, "a"), tenant(t, s, "b")
	if v, err := s.LinkVersion(ctx, tn.ID, "u1"); v != 0 || err != nil {
		t.Fatalf("LinkVersion = %d %v", v, err)
	}
	for want := 1; want <= 2; want++ {
		if v, err := s.RevokeLinks(ctx, tn.ID, "u1", t0); v != want || err != nil {
			t.Fatalf("RevokeLinks = %d %v, want %d", v, err, want)
		}
	}
	if _, err := s.RevokeLinks(ctx, tn.ID, "ghost", t0); err != nil {
		t.Fatal(err)
	}
	if v, err := s.LinkVersion(ctx, tn.ID, "u1"); v != 2 || err != nil {
		t.Fatalf("LinkVersion = %d %v", v, err)
	}
	if v, err := s.LinkVersion(ctx, other.ID, "u1"); v != 0 || err != nil {
		t.Fatalf("another tenant's LinkVersion = %d %v", v, err)
	}
	if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: "u1", Email: "u1@example.com", CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, reminder(tn, t0, "u1", "ghost", "u3"))
	var got map[string]remind.Recipient
	if _, err := s.FireDue(ctx, t0, 100, store.Lease{Until: t0.Add(time.Minute)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		got = recips
		return store.FirePlan{Status: remind.StatusDone}
	}); err != nil {
		t.Fatal(err)
	}
	if got["u1"].LinkVersion != 2 || got["u1"].Email != "u1@example.com" || got["ghost"].LinkVersion != 1 || got["ghost"].UID != "ghost" || got["u3"].LinkVersion != 0 {
		t.Fatalf("recipients planned with %+v", got)
	}
}
