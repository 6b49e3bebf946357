// Package storetest is the conformance suite every store driver passes, in
// the manner of slogtest.Run: a driver's test calls Run with a function that
// opens a fresh, migrated, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// Opener returns a fresh, migrated, empty store for one test.
type Opener func(t *testing.T) store.Store

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"TenantsAndTokens", testTenants},
		{"ReminderCRUD", testReminderCRUD},
		{"TenantIsolation", testTenantIsolation},
		{"TokensListTouchRevoke", testTokens},
		{"TokenIsolation", testTokenIsolation},
		{"SessionsEndWithTheirToken", testSessions},
		{"Idempotency", testIdempotency},
		{"IdempotencyConcurrent", testIdempotencyConcurrent},
		{"ConcurrentCreatesFailAlone", testCreatesFailAlone},
		{"BatchAnswersEachItem", testBatchPerItem},
		{"BatchIdempotency", testBatchIdempotency},
		{"BatchConcurrentReplays", testBatchConcurrent},
		{"BatchTenantIsolation", testBatchTenantIsolation},
		{"BatchOfAThousand", testBatchLarge},
		{"BatchOverlappingKeys", testBatchOverlappingKeys},
		{"ListPagination", testListPagination},
		{"ReminderOverview", testOverview},
		{"ChangesCountWhatCanCancel", testChanges},
		{"DropRecipient", testDropRecipient},
		{"ModifySerialises", testModifySerialises},
		{"CancelStaysCancelled", testCancelStaysCancelled},
		{"ModifyRefusalWritesNothing", testModifyRefusalWritesNothing},
		{"EditReplansClaimedFiring", testEditReplansClaimedFiring},
		{"RecurringClaimsAhead", testRecurringClaimsAhead},
		{"FiresAheadIntoTheStore", testFiresAheadIntoTheStore},
		{"ReadsAheadWhatItLeasedAhead", testReadsAheadWhatItLeasedAhead},
		{"LeaseDueThenRead", testLeaseDueThenRead},
		{"FireDueFansOut", testFireDue},
		{"FireDueLargeBatch", testFireDueLargeBatch},
		{"FireDueConcurrentClaimsOnce", testFireDueConcurrent},
		{"LeaseExpiryAndFinish", testLease},
		{"TakeoverFromDeadInstance", testTakeover},
		{"ReleaseLeasesAfterRestart", testReleaseLeases},
		{"FinishManyAtOnce", testFinishMany},
		{"AttemptHistory", testAttemptHistory}, // attempts.go
		{"CancelCancelsPending", testCancel},
		{"FailedDeliveriesOfATenant", testFailedDeliveries},
		{"Recipients", testRecipients},
		{"RecipientContacts", testRecipientContacts},
		{"ModifyRecipientConcurrent", testModifyRecipientConcurrent},
		{"Webhooks", testWebhooks},
		{"Inbox", testInbox},
		{"AckFollowUps", testAckFollowUps},
		{"AckConfirmStopsChain", testConfirmStopsChain},
		{"AckConfirmFencesLeasedFollowUp", testConfirmFencesLeasedFollowUp},
		{"AckFollowUpsAndWrites", testFollowUpsAndWrites},
		{"SnoozePausesRepeats", testSnoozePausesRepeats},
		{"Snooze", testSnooze}, // personal.go
		{"SnoozeRace", testSnoozeRace},
		{"LinkVersions", testLinkVersions},
		{"MigrateTwice", func(t *testing.T, s store.Store) {
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			tc.fn(t, s)
		})
	}
}

var t0 = time.Date(2026, 11, 22, 6, 40, 0, 0, time.UTC)

func tenant(t *testing.T, s store.Store, name string) remind.Tenant {
	t.Helper()
	tn := remind.Tenant{ID: remind.NewID(t0), Name: name, DisplayName: name, TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: t0}
	if err := s.CreateTenant(context.Background(), tn); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	return tn
}

func reminder(tn remind.Tenant, at time.Time, recips ...string) remind.Reminder {
	return remind.Reminder{
		ID: remind.NewID(t0), TenantID: tn.ID, Title: "call mom", Desc: "d", Time: &at, TZ: tn.TZ, Start: at,
		Recipients: recips, Status: remind.StatusActive, NextFireAt: &at, Source: "v1",
		Meta: map[string]string{"k": "v"}, CreatedAt: t0, UpdatedAt: t0,
	}
}

func mustCreate(t *testing.T, s store.Store, r remind.Reminder) remind.Reminder {
	t.Helper()
	got, _, err := s.CreateReminder(context.Background(), r, nil)
	if err != nil {
		t.Fatalf("CreateReminder: %v", err)
	}
	return got
}

// mustRetitle retitles a reminder at `at` (a write that takes back a
// firing claimed ahead of it).
func mustRetitle(t *testing.T, s store.Store, tenantID, id string, at time.Time, title string) {
	t.Helper()
	if _, err := s.ModifyReminder(context.Background(), tenantID, id, at, "", func(r *remind.Reminder) error {
		r.Title, r.UpdatedAt = title, at
		return nil
	}); err != nil {
		t.Fatalf("ModifyReminder: %v", err)
	}
}

func wantNotFound(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("%s: want not found, got %v", what, err)
	}
}

func testTenants(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "acme")
	if err := s.CreateTenant(ctx, remind.Tenant{ID: remind.NewID(t0), Name: "acme", TZ: "UTC", CreatedAt: t0}); !errors.Is(err, remind.ErrConflict) {
		t.Fatalf("duplicate tenant name: want conflict, got %v", err)
	}
	if err := s.CreateToken(ctx, remind.APIToken{ID: remind.NewID(t0), TenantID: tn.ID, Hash: "hash1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	_, got, err := s.TokenByHash(ctx, "hash1")
	if err != nil || got.ID != tn.ID || got.Name != "acme" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("TokenByHash = %+v, %v", got, err)
	}
	_, _, err = s.TokenByHash(ctx, "nope")
	wantNotFound(t, err, "unknown token")
	tn.DisplayName, tn.AvatarURL, tn.DateHour = "Awk", "https://a.example/x.png", 8
	if err := s.UpdateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetTenant(ctx, tn.ID)
	if err != nil || got.DisplayName != "Awk" || got.AvatarURL != tn.AvatarURL || got.DateHour != 8 {
		t.Fatalf("GetTenant after update = %+v, %v", got, err)
	}
	if got, err = s.TenantByName(ctx, "acme"); err != nil || got.ID != tn.ID {
		t.Fatalf("TenantByName = %+v, %v", got, err)
	}
}

func testReminderCRUD(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	at := t0.Add(time.Hour)
	r := mustCreate(t, s, reminder(tn, at, "u1", "u2"))
	got, err := s.GetReminder(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "call mom" || !got.Time.Equal(at) || !got.NextFireAt.Equal(at) || len(got.Recipients) != 2 || got.Meta["k"] != "v" || got.Status != remind.StatusActive {
		t.Fatalf("round trip: %+v", got)
	}
	if _, err := s.ModifyReminder(ctx, tn.ID, r.ID, t0, "", func(r *remind.Reminder) error {
		r.Title, r.UpdatedAt = "call dad", t0.Add(time.Minute)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.GetReminder(ctx, tn.ID, r.ID); got.Title != "call dad" {
		t.Fatalf("update lost: %+v", got)
	}
	c, err := s.CancelReminder(ctx, tn.ID, r.ID, t0)
	if err != nil || c.Status != remind.StatusCancelled || c.NextFireAt != nil {
		t.Fatalf("cancel = %+v, %v", c, err)
	}
	if err := s.DeleteReminder(ctx, tn.ID, r.ID, t0); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetReminder(ctx, tn.ID, r.ID)
	wantNotFound(t, err, "deleted reminder")
	wantNotFound(t, s.DeleteReminder(ctx, tn.ID, r.ID, t0), "delete twice")
}

func testTenantIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	r := mustCreate(t, s, reminder(a, t0.Add(time.Hour)))
	_, err := s.GetReminder(ctx, b.ID, r.ID)
	wantNotFound(t, err, "other tenant's get")
	_, err = s.CancelReminder(ctx, b.ID, r.ID, t0)
	wantNotFound(t, err, "other tenant's cancel")
	wantNotFound(t, s.DeleteReminder(ctx, b.ID, r.ID, t0), "other tenant's delete")
	_, err = s.ModifyReminder(ctx, b.ID, r.ID, t0, "", func(r *remind.Reminder) error { r.Title = "hijack"; return nil })
	wantNotFound(t, err, "other tenant's update")
	list, err := s.ListReminders(ctx, b.ID, store.ListQuery{})
	if err != nil || len(list) != 0 {
		t.Fatalf("other tenant's list = %d, %v", len(list), err)
	}
	if got, _ := s.GetReminder(ctx, a.ID, r.ID); got.Status != remind.StatusActive || got.Title != "call mom" {
		t.Fatalf("owner's reminder changed: %+v", got)
	}
}

func testIdempotency(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	idem := &store.Idempotency{Key: "k1", BodyHash: "h1", Since: t0.Add(-24 * time.Hour)}
	r1 := reminder(tn, t0.Add(time.Hour))
	got1, replayed, err := s.CreateReminder(ctx, r1, idem)
	if err != nil || replayed {
		t.Fatalf("first create: %v %v", replayed, err)
	}
	r2 := reminder(tn, t0.Add(time.Hour))
	got2, replayed, err := s.CreateReminder(ctx, r2, idem)
	if err != nil || !replayed || got2.ID != got1.ID {
		t.Fatalf("replay: id %s vs %s, replayed %v, %v", got2.ID, got1.ID, replayed, err)
	}
	_, _, err = s.CreateReminder(ctx, reminder(tn, t0.Add(time.Hour)), &store.Idempotency{Key: "k1", BodyHash: "h2", Since: idem.Since})
	if !errors.Is(err, remind.ErrConflict) {
		t.Fatalf("other body: want conflict, got %v", err)
	}
	list, _ := s.ListReminders(ctx, tn.ID, store.ListQuery{})
	if len(list) != 1 {
		t.Fatalf("want 1 reminder after replays, got %d", len(list))
	}
	// An expired key may be used again.
	r3 := reminder(tn, t0.Add(time.Hour))
	got3, replayed, err := s.CreateReminder(ctx, r3, &store.Idempotency{Key: "k1", BodyHash: "h2", Since: t0.Add(time.Second)})
	if err != nil || replayed || got3.ID != r3.ID {
		t.Fatalf("expired key: %v %v", replayed, err)
	}
}

// testIdempotencyConcurrent sends one request (one key, one body) several
// times at once, as a retrying client behind a load balancer may: one
// reminder is created and every request gets it.
func testIdempotencyConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	idem := &store.Idempotency{Key: "k1", BodyHash: "h1", Since: t0.Add(-24 * time.Hour)}
	const n = 8
	ids := make([]string, n)
	created := make([]bool, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, replayed, err := s.CreateReminder(ctx, reminder(tn, t0.Add(time.Hour)), idem)
			if err != nil {
				t.Errorf("create %d: %v", i, err)
				return
			}
			ids[i], created[i] = got.ID, !replayed
		}()
	}
	wg.Wait()
	fresh := 0
	for i := range ids {
		if ids[i] != ids[0] {
			t.Fatalf("request %d got reminder %s, request 0 got %s", i, ids[i], ids[0])
		}
		if created[i] {
			fresh++
		}
	}
	if fresh != 1 {
		t.Fatalf("%d requests created a reminder, want 1", fresh)
	}
	if list, _ := s.ListReminders(ctx, tn.ID, store.ListQuery{}); len(list) != 1 {
		t.Fatalf("want 1 reminder, got %d", len(list))
	}
}

// testCreatesFailAlone runs many creates at once, a third of them failing
// on a duplicate id and a third on a reused idempotency key with another
// body: each failure is its own (drivers may commit concurrent creates
// together) and the rest are all stored.
func testCreatesFailAlone(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	idem := &store.Idempotency{Key: "k1", BodyHash: "h1", Since: t0.Add(-24 * time.Hour)}
	first := mustCreate(t, s, reminder(tn, t0.Add(time.Hour)))
	if _, _, err := s.CreateReminder(ctx, reminder(tn, t0.Add(time.Hour)), idem); err != nil {
		t.Fatal(err)
	}
	const n = 60
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := reminder(tn, t0.Add(time.Hour))
			var key *store.Idempotency
			switch i % 3 {
			case 0:
				r.ID = first.ID
			case 1:
				key = &store.Idempotency{Key: "k1", BodyHash: "h2", Since: idem.Since}
			}
			_, _, errs[i] = s.CreateReminder(ctx, r, key)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case i%3 == 1 && !errors.Is(err, remind.ErrConflict):
			t.Fatalf("create %d with a reused key: %v, want ErrConflict", i, err)
		case i%3 == 0 && err == nil:
			t.Fatalf("create %d with a duplicate id succeeded", i)
		case i%3 == 2 && err != nil:
			t.Fatalf("create %d: %v", i, err)
		}
	}
	var all []remind.Reminder
	q := store.ListQuery{Limit: 1000}
	all, err := s.ListReminders(ctx, tn.ID, q)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 + n/3; len(all) != want {
		t.Fatalf("%d reminders stored, want %d", len(all), want)
	}
	got, err := s.GetReminder(ctx, tn.ID, first.ID)
	if err != nil || got.Title != first.Title || !got.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("the duplicated reminder changed: %+v %v", got, err)
	}
	// The key still answers with its first reminder.
	if _, replayed, err := s.CreateReminder(ctx, reminder(tn, t0.Add(time.Hour)), idem); err != nil || !replayed {
		t.Fatalf("replay after the conflicts: %v %v", replayed, err)
	}
}

func testListPagination(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	var ids []string
	for i := 0; i < 7; i++ {
		r := reminder(tn, t0.Add(time.Hour))
		r.ID = remind.NewID(t0.Add(time.Duration(i) * time.Millisecond))
		if i%2 == 0 {
			r.Status = remind.StatusDone
			r.NextFireAt = nil
		}
		mustCreate(t, s, r)
		ids = append(ids, r.ID)
	}
	var seen []string
	after := ""
	for {
		page, err := s.ListReminders(ctx, tn.ID, store.ListQuery{After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			seen = append(seen, r.ID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("pages = %v, want %v", seen, ids)
	}
	done, _ := s.ListReminders(ctx, tn.ID, store.ListQuery{Status: remind.StatusDone})
	if len(done) != 4 {
		t.Fatalf("status filter: %d, want 4", len(done))
	}
}

func planAll(now time.Time) store.FirePlanner {
	return func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		return store.FirePlan{Deliveries: remind.Plan(r, *r.NextFireAt, recips, hooks, now, remind.FirePolicy{}), Status: remind.StatusDone}
	}
}

func testFireDue(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: "u1", Email: "u1@example.com", CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: "muted", Muted: true, CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWebhook(ctx, remind.Webhook{ID: remind.NewID(t0), TenantID: tn.ID, URL: "https://h.example/x", Secret: "whsec_x", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	due := mustCreate(t, s, reminder(tn, t0, "u1", "muted", "u9"))
	later := mustCreate(t, s, reminder(tn, t0.Add(time.Hour)))
	next, ok, err := s.NextFireAt(ctx)
	if err != nil || !ok || !next.Equal(t0) {
		t.Fatalf("NextFireAt = %v %v %v", next, ok, err)
	}
	lease := t0.Add(30 * time.Second)
	ds, err := s.FireDue(ctx, t0, 100, store.Lease{Until: lease}, planAll(t0))
	if err != nil {
		t.Fatal(err)
	}
	// webhook + u1 inbox + u1 email + u9 inbox; the muted one gets nothing.
	if len(ds) != 4 {
		t.Fatalf("deliveries = %d, want 4: %+v", len(ds), ds)
	}
	for _, d := range ds {
		if d.ReminderID != due.ID || d.State != remind.DeliveryPending || !d.NextAttemptAt.Equal(lease) || d.Attempts != 1 {
			t.Fatalf("delivery %+v", d)
		}
	}
	got, _ := s.GetReminder(ctx, tn.ID, due.ID)
	if got.Status != remind.StatusDone || got.NextFireAt != nil || got.FiredCount != 1 {
		t.Fatalf("after fire: %+v", got)
	}
	if again, _ := s.FireDue(ctx, t0, 100, store.Lease{Until: lease}, planAll(t0)); len(again) != 0 {
		t.Fatalf("fired twice: %d", len(again))
	}
	if next, ok, _ = s.NextFireAt(ctx); !ok || !next.Equal(*later.NextFireAt) {
		t.Fatalf("NextFireAt after = %v", next)
	}
	list, err := s.ListDeliveries(ctx, tn.ID, due.ID)
	if err != nil || len(list) != 4 {
		t.Fatalf("ListDeliveries = %d %v", len(list), err)
	}
	if ev, err := remind.DecodeEvent(list[0].Payload); err != nil || ev.Type != remind.EventType || ev.Data.ID != due.ID {
		t.Fatalf("payload: %+v %v", ev, err)
	}
}

// testFireDueLargeBatch fires a batch large enough for the drivers'
// multi-row statements (SQLite writes a hundred rows a statement) across two
// tenants whose recipients share a uid, then records all the outcomes in one
// call, one of them fenced off by a stale attempt count.
func testFireDueLargeBatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	email := map[string]string{a.ID: "u1@a.example", b.ID: "u1@b.example"}
	for _, tn := range []remind.Tenant{a, b} {
		if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: "u1", Email: email[tn.ID], CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	const na, nb = 130, 21
	var ids []string
	for i := 0; i < na+nb; i++ {
		tn := a
		if i%2 == 1 && i < 2*nb {
			tn = b
		}
		ids = append(ids, mustCreate(t, s, reminder(tn, t0, "u1")).ID)
	}
	lease := store.Lease{Owner: "i1", Until: t0.Add(30 * time.Second)}
	ds, err := s.FireDue(ctx, t0, 500, lease, planAll(t0))
	if err != nil {
		t.Fatal(err)
	}
	// An inbox and an email delivery a reminder, each to its own tenant's u1.
	if len(ds) != 2*(na+nb) {
		t.Fatalf("deliveries = %d, want %d", len(ds), 2*(na+nb))
	}
	seen := map[string]bool{}
	for _, d := range ds {
		if seen[d.ID] {
			t.Fatalf("delivery %s returned twice", d.ID)
		}
		seen[d.ID] = true
		if d.State != remind.DeliveryPending || d.Attempts != 1 || !d.NextAttemptAt.Equal(lease.Until) || d.Recipient != "u1" {
			t.Fatalf("delivery %+v", d)
		}
		if d.Channel == remind.ChannelEmail && d.Target != email[d.TenantID] {
			t.Fatalf("email delivery of tenant %s went to %q, want %q", d.TenantID, d.Target, email[d.TenantID])
		}
	}
	for _, tn := range []remind.Tenant{a, b} {
		for _, id := range ids {
			got, err := s.GetReminder(ctx, tn.ID, id)
			if err != nil {
				continue // the other tenant's
			}
			if got.Status != remind.StatusDone || got.NextFireAt != nil || got.FiredCount != 1 {
				t.Fatalf("after fire: %+v", got)
			}
		}
	}
	if again, err := s.FireDue(ctx, t0, 500, lease, planAll(t0)); err != nil || len(again) != 0 {
		t.Fatalf("fired twice: %d %v", len(again), err)
	}
	fin := t0.Add(time.Second)
	results := make([]store.Result, len(ds))
	for i, d := range ds {
		d.State, d.UpdatedAt, d.FinishedAt = remind.DeliveryDelivered, fin, &fin
		if i == 7 {
			d.Attempts = 2 // a stale copy: fenced off
		}
		results[i] = store.Result{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: fin, Outcome: "delivered"}}
	}
	if err := s.FinishDeliveries(ctx, results); err != nil {
		t.Fatal(err)
	}
	all := make([]string, len(ds))
	for i, d := range ds {
		all[i] = d.ID
	}
	pending, err := s.PendingOf(ctx, all)
	if err != nil || len(pending) != 1 || pending[ds[7].ID] != 1 {
		t.Fatalf("pending after finishing = %v %v, want only %s", pending, err, ds[7].ID)
	}
	list, err := s.ListDeliveries(ctx, ds[0].TenantID, ds[0].ReminderID)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListDeliveries = %d %v", len(list), err)
	}
	for _, d := range list {
		if len(d.Attempts) != 1 {
			t.Fatalf("delivery %s attempts %+v, want one", d.ID, d.Attempts)
		}
	}
}

func testFireDueConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	const n = 60
	for i := 0; i < n; i++ {
		mustCreate(t, s, reminder(tn, t0, "u"))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ds, err := s.FireDue(ctx, t0, 7, store.Lease{Until: t0.Add(time.Minute)}, planAll(t0))
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					seen[d.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("deliveries = %d, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Fatalf("delivery %s returned %d times", id, c)
		}
	}
}

func testLease(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	mustCreate(t, s, reminder(tn, t0, "u1"))
	lease := t0.Add(30 * time.Second)
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Until: lease}, planAll(t0))
	if err != nil || len(ds) != 1 {
		t.Fatalf("fire: %d %v", len(ds), err)
	}
	if got, _ := s.LeaseDeliveries(ctx, t0.Add(10*time.Second), 10, store.Lease{Until: t0.Add(time.Minute)}); len(got) != 0 {
		t.Fatalf("leased while the fire lease holds: %d", len(got))
	}
	next, ok, _ := s.NextDeliveryAt(ctx)
	if !ok || !next.Equal(lease) {
		t.Fatalf("NextDeliveryAt = %v %v, want %v", next, ok, lease)
	}
	// The lease runs out (the firing process died mid-attempt): another takes it.
	now := lease.Add(time.Second)
	got, err := s.LeaseDeliveries(ctx, now, 10, store.Lease{Until: now.Add(30 * time.Second)})
	if err != nil || len(got) != 1 || got[0].ID != ds[0].ID || got[0].Attempts != 2 {
		t.Fatalf("lease after expiry: %+v %v", got, err)
	}
	d := got[0]
	d.State, d.NextAttemptAt, d.UpdatedAt, d.LastError = remind.DeliveryPending, now.Add(time.Minute), now, "boom"
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: 2, At: now, Outcome: "retry", Error: "boom"}}}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.LeaseDeliveries(ctx, now.Add(2*time.Minute), 10, store.Lease{Until: now.Add(3 * time.Minute)})
	if len(got) != 1 || got[0].Attempts != 3 {
		t.Fatalf("retry lease: %+v", got)
	}
	d = got[0]
	fin := now.Add(2 * time.Minute)
	d.State, d.UpdatedAt, d.FinishedAt, d.LastError = remind.DeliveryDelivered, fin, &fin, ""
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: 3, At: fin, Outcome: "delivered", StatusCode: 200}}}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.NextDeliveryAt(ctx); ok {
		t.Fatal("a delivered delivery is still pending")
	}
	list, _ := s.ListDeliveries(ctx, tn.ID, d.ReminderID)
	if len(list) != 1 || list[0].State != remind.DeliveryDelivered || len(list[0].Attempts) != 2 || list[0].Attempts[1].N != 3 || list[0].Attempts[1].StatusCode != 200 {
		t.Fatalf("history: %+v", list)
	}
	pend, _ := s.PendingOf(ctx, []string{d.ID})
	if _, ok := pend[d.ID]; ok {
		t.Fatal("PendingOf reports a delivered delivery")
	}
}

func testCancel(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	r := mustCreate(t, s, reminder(tn, t0, "u1"))
	ds, _ := s.FireDue(ctx, t0, 10, store.Lease{Until: t0.Add(time.Second)}, planAll(t0))
	if len(ds) != 1 {
		t.Fatalf("fire: %d", len(ds))
	}
	if pend, _ := s.PendingOf(ctx, []string{ds[0].ID}); pend[ds[0].ID] != ds[0].Attempts {
		t.Fatal("fresh delivery not pending")
	}
	if _, err := s.CancelReminder(ctx, tn.ID, r.ID, t0); err != nil {
		t.Fatal(err)
	}
	if pend, _ := s.PendingOf(ctx, []string{ds[0].ID}); pend[ds[0].ID] != 0 {
		t.Fatal("delivery still pending after cancel")
	}
	if got, _ := s.LeaseDeliveries(ctx, t0.Add(time.Hour), 10, store.Lease{Until: t0.Add(2 * time.Hour)}); len(got) != 0 {
		t.Fatal("a cancelled delivery was leased")
	}
	// A finish that races the cancel keeps the cancelled state.
	d := ds[0]
	d.State = remind.DeliveryDelivered
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: 1, At: t0, Outcome: "delivered"}}}); err != nil {
		t.Fatal(err)
	}
	list, _ := s.ListDeliveries(ctx, tn.ID, r.ID)
	if list[0].State != remind.DeliveryCancelled {
		t.Fatalf("state = %s, want cancelled", list[0].State)
	}
}

func testRecipients(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	rc := remind.Recipient{TenantID: a.ID, UID: "u1", Name: "Li", Email: "li@example.com", Phone: "+8613800000000", Muted: true, CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.PutRecipient(ctx, rc); err != nil {
		t.Fatal(err)
	}
	rc.Name, rc.CreatedAt, rc.UpdatedAt = "Li Lei", t0.Add(time.Hour), t0.Add(time.Hour)
	got, err := s.PutRecipient(ctx, rc)
	if err != nil || got.Name != "Li Lei" || !got.Muted || !got.CreatedAt.Equal(t0) {
		t.Fatalf("upsert = %+v %v", got, err)
	}
	_, err = s.GetRecipient(ctx, b.ID, "u1")
	wantNotFound(t, err, "other tenant's recipient")
	if err := s.DeleteRecipient(ctx, a.ID, "u1"); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetRecipient(ctx, a.ID, "u1")
	wantNotFound(t, err, "deleted recipient")
}

// Contacts round-trip (robots with their sealed secrets, notify URLs),
// are replaced by a PUT without them, and reach the planner of a firing.
func testRecipientContacts(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	c := remind.Contacts{
		DingTalk: &remind.Robot{Webhook: "https://oapi.dingtalk.com/robot/send?access_token=t", SealedSecret: "v1:sealed"},
		Feishu:   &remind.Robot{Webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/h"},
		WeCom:    &remind.Robot{Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
		Notify:   []string{"ntfy://ntfy.sh/topic", "gotify://g.example.com/tok"},
	}
	rc := remind.Recipient{TenantID: tn.ID, UID: "team-chat", Contacts: c, CreatedAt: t0, UpdatedAt: t0}
	got, err := s.PutRecipient(ctx, rc)
	if err != nil || !reflect.DeepEqual(got.Contacts, c) {
		t.Fatalf("put = %+v %v", got.Contacts, err)
	}
	if got, err = s.GetRecipient(ctx, tn.ID, "team-chat"); err != nil || !reflect.DeepEqual(got.Contacts, c) {
		t.Fatalf("get = %+v %v", got.Contacts, err)
	}
	r := mustCreate(t, s, reminder(tn, t0, "team-chat"))
	var planned remind.Contacts
	if _, err := s.FireDue(ctx, t0, 100, store.Lease{Until: t0.Add(time.Minute)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		planned = recips["team-chat"].Contacts
		return planAll(t0)(r, recips, hooks)
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(planned, c) {
		t.Fatalf("planner saw contacts %+v", planned)
	}
	ds, _ := s.ListDeliveries(ctx, tn.ID, r.ID)
	chans := map[string]int{}
	for _, d := range ds {
		chans[d.Channel]++
	}
	if chans[remind.ChannelDingTalk] != 1 || chans[remind.ChannelFeishu] != 1 || chans[remind.ChannelWeCom] != 1 || chans[remind.ChannelNotify] != 2 {
		t.Fatalf("deliveries by channel %v", chans)
	}
	rc.Contacts = remind.Contacts{}
	if got, err = s.PutRecipient(ctx, rc); err != nil || !got.Contacts.IsZero() {
		t.Fatalf("cleared = %+v %v", got.Contacts, err)
	}
}

func testWebhooks(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	w := remind.Webhook{ID: remind.NewID(t0), TenantID: a.ID, URL: "https://h.example/", Secret: "whsec_abc", CreatedAt: t0}
	if err := s.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	wantNotFound(t, s.DisableWebhook(ctx, b.ID, w.ID), "other tenant's disable")
	if err := s.DisableWebhook(ctx, a.ID, w.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetWebhook(ctx, a.ID, w.ID)
	if err != nil || !got.Disabled || got.Secret != "whsec_abc" {
		t.Fatalf("GetWebhook = %+v %v", got, err)
	}
	if l, _ := s.ListWebhooks(ctx, b.ID); len(l) != 0 {
		t.Fatal("other tenant lists the webhook")
	}
	wantNotFound(t, s.DeleteWebhook(ctx, b.ID, w.ID), "other tenant's delete")
	if err := s.DeleteWebhook(ctx, a.ID, w.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.ListWebhooks(ctx, a.ID); len(l) != 0 {
		t.Fatal("deleted webhook listed")
	}
}

func testInbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	it := remind.InboxItem{ID: remind.NewID(t0), TenantID: tn.ID, UID: "u1", ReminderID: "r1", Title: "t", Occurrence: t0, CreatedAt: t0, UpdatedAt: t0}
	if ok, err := s.AddInboxItem(ctx, it); !ok || err != nil {
		t.Fatalf("add: %v %v", ok, err)
	}
	if ok, err := s.AddInboxItem(ctx, it); ok || err != nil {
		t.Fatalf("add twice: %v %v", ok, err)
	}
	got, err := s.SetInboxStatus(ctx, tn.ID, "u1", it.ID, remind.InboxConfirmed, t0.Add(time.Minute))
	if err != nil || got.Status != remind.InboxConfirmed {
		t.Fatalf("set status: %+v %v", got, err)
	}
	_, err = s.SetInboxStatus(ctx, tn.ID, "u2", it.ID, remind.InboxRead, t0)
	wantNotFound(t, err, "another recipient's item")
	list, err := s.ListInbox(ctx, tn.ID, "u1", store.ListQuery{})
	if err != nil || len(list) != 1 || list[0].Status != remind.InboxConfirmed {
		t.Fatalf("list: %+v %v", list, err)
	}
	st, err := s.InboxStatusByReminder(ctx, tn.ID, "r1")
	if err != nil || st["u1"] != remind.InboxConfirmed {
		t.Fatalf("status by reminder: %v %v", st, err)
	}
}

// testOverview: counts by status leave deleted reminders and other tenants
// out; the next list holds active reminders only, soonest first.
func testOverview(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	var ids []string
	for _, h := range []int{5, 1, 3, 2, 4} {
		ids = append(ids, mustCreate(t, s, reminder(a, t0.Add(time.Duration(h)*time.Hour))).ID)
	}
	mustCreate(t, s, reminder(b, t0.Add(time.Minute)))                 // another tenant's, due first
	if _, err := s.CancelReminder(ctx, a.ID, ids[1], t0); err != nil { // due at +1h
		t.Fatal(err)
	}
	if err := s.DeleteReminder(ctx, a.ID, ids[4], t0); err != nil { // due at +4h
		t.Fatal(err)
	}
	ov, err := s.ReminderOverview(ctx, a.ID, 2)
	if err != nil {
		t.Fatalf("ReminderOverview: %v", err)
	}
	if ov.Counts[remind.StatusActive] != 3 || ov.Counts[remind.StatusCancelled] != 1 || len(ov.Counts) != 2 {
		t.Fatalf("counts %v, want 3 active and 1 cancelled", ov.Counts)
	}
	if len(ov.Next) != 2 || ov.Next[0].ID != ids[3] || ov.Next[1].ID != ids[2] {
		var got []string
		for _, r := range ov.Next {
			got = append(got, r.ID)
		}
		t.Fatalf("next %v, want [%s %s] (due +2h, +3h)", got, ids[3], ids[2])
	}
	if ov, err := s.ReminderOverview(ctx, "nobody", 5); err != nil || len(ov.Counts) != 0 || len(ov.Next) != 0 {
		t.Fatalf("unknown tenant: %v %v", ov, err)
	}
}

// testFinishMany records 250 outcomes in one call, more than a driver's
// statement chunk, twice over (so reused statements are reused), and
// checks every one landed: delivered ones finished, a retry still pending.
func testFinishMany(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	const n = 250
	for range n {
		mustCreate(t, s, reminder(tn, t0, "u1"))
	}
	var ds []remind.Delivery
	for len(ds) < n {
		got, err := s.FireDue(ctx, t0, 100, store.Lease{Until: t0.Add(time.Minute)}, planAll(t0))
		if err != nil || len(got) == 0 {
			t.Fatalf("fire: %d %v", len(got), err)
		}
		ds = append(ds, got...)
	}
	fin := t0.Add(time.Second)
	for round, part := range [][]remind.Delivery{ds[:n/2], ds[n/2:]} {
		var rs []store.Result
		for i, d := range part {
			d.UpdatedAt = fin
			a := remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: fin, Outcome: "delivered", StatusCode: 200}
			if round == 1 && i == 7 {
				d.State, d.NextAttemptAt, d.LastError = remind.DeliveryPending, fin.Add(time.Hour), "boom"
				a.Outcome, a.StatusCode, a.Error = "retry", 500, "boom"
			} else {
				d.State, d.FinishedAt = remind.DeliveryDelivered, &fin
			}
			rs = append(rs, store.Result{Delivery: d, Attempt: a})
		}
		if round == 0 {
			// An outcome twice in one batch (recorded again after a
			// failed write) is written once; a stale one for the same
			// delivery (an older attempt) changes nothing.
			stale := rs[3]
			stale.Delivery.Attempts--
			stale.Delivery.State, stale.Delivery.FinishedAt = remind.DeliveryFailed, nil
			rs = append(rs, rs[0], stale)
		}
		if err := s.FinishDeliveries(ctx, rs); err != nil {
			t.Fatalf("FinishDeliveries of %d: %v", len(rs), err)
		}
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	pend, err := s.PendingOf(ctx, ids)
	if _, ok := pend[ds[n/2+7].ID]; err != nil || len(pend) != 1 || !ok {
		t.Fatalf("pending after finishing: %d (%v), want only the retried one", len(pend), err)
	}
	for _, d := range []remind.Delivery{ds[0], ds[3], ds[n/2-1], ds[n-1]} {
		list, err := s.ListDeliveries(ctx, tn.ID, d.ReminderID)
		if err != nil || len(list) != 1 || list[0].State != remind.DeliveryDelivered || len(list[0].Attempts) != 1 || list[0].Attempts[0].StatusCode != 200 {
			t.Fatalf("history of %s: %+v %v", d.ID, list, err)
		}
	}
}

// testChanges: Changes moves after each reminder update, cancel and delete
// (they may cancel pending deliveries) and not after creates, firings or
// outcomes, which cannot.
func testChanges(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	count := func() uint64 {
		t.Helper()
		n, err := s.Changes(ctx)
		if err != nil {
			t.Fatalf("Changes: %v", err)
		}
		return n
	}
	base := count()
	var rs []remind.Reminder
	for range 4 {
		rs = append(rs, mustCreate(t, s, reminder(tn, t0.Add(time.Hour), "u1")))
	}
	fired := reminder(tn, t0, "u1")
	mustCreate(t, s, fired)
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Until: t0.Add(time.Minute)}, planAll(t0))
	if err != nil || len(ds) != 1 {
		t.Fatalf("fire: %d %v", len(ds), err)
	}
	d := ds[0]
	d.State, d.UpdatedAt, d.FinishedAt = remind.DeliveryDelivered, t0, &t0
	if err := s.FinishDeliveries(ctx, []store.Result{{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: 1, At: t0, Outcome: "delivered"}}}); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != base {
		t.Fatalf("creates, a firing and an outcome moved Changes from %d to %d", base, got)
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"modify", func() error {
			_, err := s.ModifyReminder(ctx, tn.ID, rs[0].ID, t0, "", func(r *remind.Reminder) error { r.Title = "y"; return nil })
			return err
		}},
		{"cancel", func() error { _, err := s.CancelReminder(ctx, tn.ID, rs[1].ID, t0); return err }},
		{"delete", func() error { return s.DeleteReminder(ctx, tn.ID, rs[2].ID, t0) }},
		{"drop recipient", func() error {
			_, err := s.ModifyReminder(ctx, tn.ID, rs[3].ID, t0, "", func(r *remind.Reminder) error { r.RemoveRecipient("u1"); return nil })
			return err
		}},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := count(); got != base+uint64(i+1) {
			t.Fatalf("after %s Changes is %d, want %d", st.name, got, base+uint64(i+1))
		}
	}
}

// testDropRecipient: one recipient leaves (ModifyReminder removing it) a
// reminder whose firing is already fanned out and due: its pending delivery
// is cancelled, the others' stay pending, the recipients and meta are
// written, and the reminder's schedule is not touched. A deleted or another
// tenant's reminder is not found.
func testDropRecipient(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, other := tenant(t, s, "a"), tenant(t, s, "b")
	r := mustCreate(t, s, reminder(tn, t0, "u1", "u2"))
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Until: t0.Add(time.Minute)}, planAll(t0))
	if err != nil || len(ds) != 2 {
		t.Fatalf("fire: %d %v", len(ds), err)
	}
	before, err := s.GetReminder(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	leave := func(tenantID, uid string) error {
		_, err := s.ModifyReminder(ctx, tenantID, r.ID, t0.Add(time.Second), "", func(r *remind.Reminder) error {
			r.RemoveRecipient(uid)
			r.Meta["left"] = uid
			r.UpdatedAt = t0.Add(time.Second)
			return nil
		})
		return err
	}
	if err := leave(tn.ID, "u1"); err != nil {
		t.Fatalf("leave: %v", err)
	}
	got, err := s.GetReminder(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Recipients) != 1 || got.Recipients[0] != "u2" || got.Meta["left"] != "u1" || got.Status != before.Status ||
		(got.NextFireAt == nil) != (before.NextFireAt == nil) || got.FiredCount != before.FiredCount {
		t.Fatalf("after leaving: %+v", got)
	}
	pend, err := s.PendingOf(ctx, []string{ds[0].ID, ds[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if _, ok := pend[d.ID]; ok != (d.Recipient != "u1") {
			t.Fatalf("delivery to %s pending=%v", d.Recipient, ok)
		}
	}
	if err := leave(other.ID, "u2"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("another tenant's reminder: %v, want ErrNotFound", err)
	}
	if err := s.DeleteReminder(ctx, tn.ID, r.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := leave(tn.ID, "u2"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("deleted reminder: %v, want ErrNotFound", err)
	}
}

// testFailedDeliveries: the tenant's failed deliveries since a time, the
// latest first, limited; delivered ones, older ones and other tenants' are
// left out.
func testFailedDeliveries(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn, other := tenant(t, s, "a"), tenant(t, s, "b")
	mustCreate(t, s, reminder(tn, t0, "u1", "u2", "u3"))
	mustCreate(t, s, reminder(other, t0, "x"))
	ds, err := s.FireDue(ctx, t0, 10, store.Lease{Until: t0.Add(time.Second)}, planAll(t0))
	if err != nil || len(ds) != 4 {
		t.Fatalf("fire: %d %v", len(ds), err)
	}
	var results []store.Result
	for i, d := range ds {
		fin := t0.Add(time.Duration(i+1) * time.Minute)
		d.State, d.UpdatedAt, d.FinishedAt, d.LastError = remind.DeliveryFailed, fin, &fin, "webhook answered 410"
		if d.Recipient == "u2" {
			d.State, d.LastError = remind.DeliveryDelivered, ""
		}
		if d.Recipient == "u3" {
			d.UpdatedAt = t0.Add(-time.Hour) // failed before the window
			fin = d.UpdatedAt
		}
		results = append(results, store.Result{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: 1, At: fin, Outcome: string(d.State)}})
	}
	if err := s.FinishDeliveries(ctx, results); err != nil {
		t.Fatal(err)
	}
	got, err := s.FailedDeliveries(ctx, tn.ID, t0, 10)
	if err != nil || len(got) != 1 || got[0].Recipient != "u1" || got[0].State != remind.DeliveryFailed || got[0].LastError != "webhook answered 410" {
		t.Fatalf("FailedDeliveries = %+v %v", got, err)
	}
	all, err := s.FailedDeliveries(ctx, tn.ID, t0.Add(-2*time.Hour), 10)
	if err != nil || len(all) != 2 || all[0].Recipient != "u1" || all[1].Recipient != "u3" {
		t.Fatalf("FailedDeliveries over a wider window = %+v %v", all, err)
	}
	if one, _ := s.FailedDeliveries(ctx, tn.ID, time.Time{}, 1); len(one) != 1 {
		t.Fatalf("limit 1 gave %d", len(one))
	}
	if none, err := s.FailedDeliveries(ctx, "nobody", time.Time{}, 10); err != nil || len(none) != 0 {
		t.Fatalf("unknown tenant: %d %v", len(none), err)
	}
}

// testModifyRecipientConcurrent: changes to one recipient made at once
// (browsers turned on from two devices, a profile saved meanwhile) all
// land, whether or not the recipient existed; a failing change writes
// nothing; another tenant's recipient of the same uid is untouched.
func testModifyRecipientConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: b.ID, UID: "amy", Name: "B's amy", CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n+1)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.ModifyRecipient(ctx, a.ID, "amy", t0, func(rc *remind.Recipient) error {
				rc.Contacts.WebPush = append(rc.Contacts.WebPush, fmt.Sprintf(`{"endpoint":"https://push.example/%d"}`, i))
				return nil
			})
		})
	}
	wg.Go(func() {
		_, errs[n] = s.ModifyRecipient(ctx, a.ID, "amy", t0, func(rc *remind.Recipient) error {
			rc.Name, rc.Profile.TZ = "Amy", "Asia/Shanghai"
			return nil
		})
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rc, err := s.GetRecipient(ctx, a.ID, "amy")
	if err != nil || len(rc.Contacts.WebPush) != n || rc.Name != "Amy" || rc.Profile.TZ != "Asia/Shanghai" {
		t.Fatalf("after %d concurrent changes: %+v, %v", n+1, rc, err)
	}
	if _, err := s.ModifyRecipient(ctx, a.ID, "amy", t0, func(rc *remind.Recipient) error {
		rc.Name = "lost"
		return remind.Invalid("name", "refused")
	}); err == nil {
		t.Fatal("a failing change succeeded")
	}
	if rc, _ := s.GetRecipient(ctx, a.ID, "amy"); rc.Name != "Amy" {
		t.Fatalf("a failing change wrote %q", rc.Name)
	}
	if rc, _ := s.GetRecipient(ctx, b.ID, "amy"); rc.Name != "B's amy" || len(rc.Contacts.WebPush) != 0 {
		t.Fatalf("another tenant's amy: %+v", rc)
	}
}
