package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// RunProfiles runs the conformance tests of recipient profiles, the owner
// recipient, urgent reminders and deliveries held by quiet hours.
func RunProfiles(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"RecipientProfileRoundTrips", testRecipientProfile},
		{"UrgentRoundTrips", testUrgent},
		{"OwnerReachedWithoutRecipients", testOwnerFallback},
		{"QuietHoursHeldUnleased", testQuietHeld},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// A profile is stored whole, replaced by a PUT, and reaches the planner.
func testRecipientProfile(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	pf := remind.Profile{TZ: "Europe/Paris", Lang: "en", PreferredChannels: []string{"sms", "email"}, QuietHours: "22:00-07:30", AgendaOptIn: true, DigestOptIn: true}
	rc := remind.Recipient{TenantID: tn.ID, UID: "bob", Email: "b@example.com", Profile: pf, CreatedAt: t0, UpdatedAt: t0}
	got, err := s.PutRecipient(ctx, rc)
	if err != nil || !reflect.DeepEqual(got.Profile, pf) {
		t.Fatalf("put = %+v %v", got.Profile, err)
	}
	if got, err = s.GetRecipient(ctx, tn.ID, "bob"); err != nil || !reflect.DeepEqual(got.Profile, pf) {
		t.Fatalf("get = %+v %v", got.Profile, err)
	}
	mustCreate(t, s, reminder(tn, t0, "bob"))
	var planned remind.Profile
	if _, err := s.FireDue(ctx, t0, 100, store.Lease{Until: t0.Add(time.Minute)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		planned = recips["bob"].Profile
		return planAll(t0)(r, recips, hooks)
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(planned, pf) {
		t.Fatalf("planner saw profile %+v", planned)
	}
	rc.Profile = remind.Profile{}
	if got, err = s.PutRecipient(ctx, rc); err != nil || !reflect.DeepEqual(got.Profile, remind.Profile{}) {
		t.Fatalf("cleared = %+v %v", got.Profile, err)
	}
}

// Urgent is written by create, batch create and modify, and read back.
func testUrgent(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	r := reminder(tn, t0.Add(time.Hour))
	r.Urgent = true
	if got := mustCreate(t, s, r); !got.Urgent {
		t.Fatal("create lost urgent")
	}
	if got, err := s.GetReminder(ctx, tn.ID, r.ID); err != nil || !got.Urgent {
		t.Fatalf("get urgent = %v %v", got.Urgent, err)
	}
	got, err := s.ModifyReminder(ctx, tn.ID, r.ID, t0, "", func(r *remind.Reminder) error { r.Urgent = false; return nil })
	if err != nil || got.Urgent {
		t.Fatalf("modify = %v %v", got.Urgent, err)
	}
	if got, _ = s.GetReminder(ctx, tn.ID, r.ID); got.Urgent {
		t.Fatal("modify did not store urgent=false")
	}
	b := reminder(tn, t0.Add(time.Hour))
	b.ID, b.Urgent = remind.NewID(t0.Add(time.Second)), true
	res, _, err := s.CreateReminders(ctx, tn.ID, []store.BatchItem{{Reminder: b}}, nil)
	if err != nil || res[0].Err != nil {
		t.Fatalf("batch: %v %+v", err, res)
	}
	if got, err = s.GetReminder(ctx, tn.ID, b.ID); err != nil || !got.Urgent {
		t.Fatalf("batch urgent = %v %v", got.Urgent, err)
	}
}

// A reminder without recipients reaches the owner's record (of its own
// tenant); one with recipients does not, nor one in a tenant with an
// enabled webhook.
func testOwnerFallback(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, other := tenant(t, s, "a"), tenant(t, s, "b")
	for _, id := range []string{tn.ID, other.ID} {
		if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: id, UID: remind.OwnerUID, Email: "owner-" + id + "@example.com", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	alone := mustCreate(t, s, reminder(tn, t0))
	named := mustCreate(t, s, reminder(tn, t0, "bob"))
	seen := map[string]map[string]remind.Recipient{}
	if _, err := s.FireDue(ctx, t0, 100, store.Lease{Until: t0.Add(time.Minute)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		seen[r.ID] = recips
		return planAll(t0)(r, recips, hooks)
	}); err != nil {
		t.Fatal(err)
	}
	if rc, ok := seen[alone.ID][remind.OwnerUID]; !ok || rc.Email != "owner-"+tn.ID+"@example.com" {
		t.Fatalf("planner of a reminder without recipients saw %+v", seen[alone.ID])
	}
	if ds, _ := s.ListDeliveries(ctx, tn.ID, named.ID); len(ds) != 1 || ds[0].Recipient != "bob" {
		t.Fatalf("a reminder with recipients: %+v", ds)
	}
	ds, err := s.ListDeliveries(ctx, tn.ID, alone.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("owner deliveries %d %v", len(ds), err)
	}
	for _, d := range ds {
		if d.Recipient != remind.OwnerUID || d.Channel == remind.ChannelEmail && d.Target != "owner-"+tn.ID+"@example.com" {
			t.Fatalf("delivery %+v", d.Delivery)
		}
	}

	if err := s.CreateWebhook(ctx, remind.Webhook{ID: remind.NewID(t0), TenantID: tn.ID, URL: "https://h.example/x", Secret: "whsec_x", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	hooked := mustCreate(t, s, reminder(tn, later))
	if _, err := s.FireDue(ctx, later, 100, store.Lease{Until: later.Add(time.Minute)}, planAll(later)); err != nil {
		t.Fatal(err)
	}
	if ds, _ := s.ListDeliveries(ctx, tn.ID, hooked.ID); len(ds) != 1 || ds[0].Channel != remind.ChannelWebhook {
		t.Fatalf("with a webhook: %+v", ds)
	}
}

// A delivery held past its lease by quiet hours is written pending and
// held by nobody, due at the quiet hours' end; FireDue does not return
// it, and LeaseDeliveries hands it out only then, with the same id.
func testQuietHeld(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	// t0 is 06:40 UTC: inside 06:00-07:30 UTC.
	if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: "night", Profile: remind.Profile{TZ: "UTC", QuietHours: "06:00-07:30"}, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, reminder(tn, t0, "night", "day"))
	end := time.Date(2026, 11, 22, 7, 30, 0, 0, time.UTC)
	lease := store.Lease{Owner: "i1", Until: t0.Add(time.Minute)}
	if _, err := s.Heartbeat(ctx, "i1", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	out, err := s.FireDue(ctx, t0, 100, lease, planAll(t0))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Recipient != "day" {
		t.Fatalf("FireDue returned %+v, want only day's delivery", out)
	}
	if next, ok, err := s.NextDeliveryAt(ctx); err != nil || !ok || !next.Equal(lease.Until) {
		t.Fatalf("next delivery %v %v %v, want the lease's end", next, ok, err)
	}
	// Finish day's; then the held one is next, at the quiet hours' end.
	done := out[0]
	done.State, done.FinishedAt = remind.DeliveryDelivered, &t0
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: done, Attempt: remind.Attempt{DeliveryID: done.ID, N: done.Attempts, At: t0, Outcome: "delivered"}}}); err != nil {
		t.Fatal(err)
	}
	if next, ok, err := s.NextDeliveryAt(ctx); err != nil || !ok || !next.Equal(end) {
		t.Fatalf("next delivery %v %v %v, want %v", next, ok, err, end)
	}
	if got, err := s.LeaseDeliveries(ctx, end.Add(-time.Second), 10, store.Lease{Owner: "i1", Until: end}); err != nil || len(got) != 0 {
		t.Fatalf("leased before the end: %+v %v", got, err)
	}
	got, err := s.LeaseDeliveries(ctx, end, 10, store.Lease{Owner: "i1", Until: end.Add(time.Minute)})
	if err != nil || len(got) != 1 || got[0].Recipient != "night" || !got[0].DueAt.Equal(end) || got[0].Attempts != 1 {
		t.Fatalf("leased at the end: %+v %v", got, err)
	}
}
