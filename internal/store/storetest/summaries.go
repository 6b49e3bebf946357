package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// RunSummaries checks the reads of the morning agenda and the owner's
// digest: who opted in, a day's inbox changes, a day's subscriber changes.
func RunSummaries(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"SummaryRecipients", testSummaryRecipients},
		{"InboxChanged", testInboxChanged},
		{"SubscribersChanged", testSubscribersChanged},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func testSummaryRecipients(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	put := func(tn remind.Tenant, uid string, p remind.Profile) {
		if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: uid, Profile: p, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	put(a, "agenda", remind.Profile{AgendaOptIn: true, TZ: "Asia/Shanghai"})
	put(a, "digest", remind.Profile{DigestOptIn: true})
	put(a, "zone-only", remind.Profile{TZ: "Europe/Berlin"})
	put(a, "plain", remind.Profile{})
	put(b, "both", remind.Profile{AgendaOptIn: true, DigestOptIn: true, Lang: "en"})
	// Paged one at a time, every opted-in recipient comes once, in
	// (tenant, uid) order, and no other.
	var got []string
	tenantAfter, uidAfter := "", ""
	for range 10 {
		page, err := s.SummaryRecipients(ctx, tenantAfter, uidAfter, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		rc := page[0]
		got = append(got, rc.TenantID+"/"+rc.UID)
		tenantAfter, uidAfter = rc.TenantID, rc.UID
	}
	want := []string{a.ID + "/agenda", a.ID + "/digest", b.ID + "/both"}
	if a.ID > b.ID {
		want = []string{b.ID + "/both", a.ID + "/agenda", a.ID + "/digest"}
	}
	if len(got) != len(want) {
		t.Fatalf("SummaryRecipients paged: %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("SummaryRecipients paged: %v, want %v", got, want)
		}
	}
	all, err := s.SummaryRecipients(ctx, "", "", 100)
	if err != nil || len(all) != 3 {
		t.Fatalf("SummaryRecipients = %d, %v", len(all), err)
	}
	for _, rc := range all {
		if rc.UID == "agenda" && rc.Profile.TZ != "Asia/Shanghai" {
			t.Fatalf("profile not read back: %+v", rc.Profile)
		}
	}
	// Opting out takes the recipient off the list.
	put(a, "agenda", remind.Profile{TZ: "Asia/Shanghai"})
	if all, _ := s.SummaryRecipients(ctx, "", "", 100); len(all) != 2 {
		t.Fatalf("after opting out: %d recipients", len(all))
	}
}

func testInboxChanged(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	r := mustCreate(t, s, reminder(a, t0, "u1"))
	add := func(tn remind.Tenant, id string, at time.Time) {
		if _, err := s.AddInboxItem(ctx, remind.InboxItem{ID: id, TenantID: tn.ID, UID: "u1", ReminderID: r.ID, Title: "x",
			Occurrence: at, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	add(a, "i-before", t0.Add(-2*time.Hour))
	add(a, "i-in", t0.Add(time.Hour))
	add(a, "i-late", t0.Add(30*time.Hour))
	add(b, "i-other", t0.Add(time.Hour))
	// An old item acted on inside the window counts, as that change.
	if _, err := s.SetInboxStatus(ctx, a.ID, "u1", "i-before", remind.InboxConfirmed, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.InboxChanged(ctx, a.ID, t0, t0.Add(24*time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "i-in" || got[1].ID != "i-before" || got[1].Status != remind.InboxConfirmed {
		t.Fatalf("InboxChanged = %+v", got)
	}
	if got, _ := s.InboxChanged(ctx, a.ID, t0, t0.Add(24*time.Hour), 1); len(got) != 1 {
		t.Fatalf("limit 1: %d items", len(got))
	}
}

func testSubscribersChanged(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	r := mustCreate(t, s, reminder(a, t0.Add(48*time.Hour)))
	rb := mustCreate(t, s, reminder(b, t0.Add(48*time.Hour)))
	sub := func(tn remind.Tenant, rem remind.Reminder, addr, token string, at time.Time) {
		if _, err := s.PutSubscriber(ctx, remind.Subscriber{ID: remind.SubscriberID(rem.ID, remind.ChannelEmail, addr), TenantID: tn.ID, ReminderID: rem.ID,
			Channel: remind.ChannelEmail, Address: addr, State: remind.SubscriberPending, Token: token, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	sub(a, r, "joined@example.com", "t1", t0.Add(time.Hour))
	if _, err := s.ConfirmSubscriber(ctx, "t1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	sub(a, r, "pending@example.com", "t2", t0.Add(time.Hour)) // never confirmed: not a change to report
	sub(a, r, "left@example.com", "t3", t0.Add(-time.Hour))
	if _, err := s.ConfirmSubscriber(ctx, "t3", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unsubscribe(ctx, "t3", t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	sub(b, rb, "other@example.com", "t4", t0.Add(time.Hour))
	if _, err := s.ConfirmSubscriber(ctx, "t4", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.SubscribersChanged(ctx, a.ID, t0, t0.Add(24*time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Address != "joined@example.com" || got[0].State != remind.SubscriberConfirmed ||
		got[1].Address != "left@example.com" || got[1].State != remind.SubscriberUnsubscribed {
		t.Fatalf("SubscribersChanged = %+v", got)
	}
}
