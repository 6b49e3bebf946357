package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

func key(k, hash string) *store.Idempotency {
	return &store.Idempotency{Key: k, BodyHash: hash, Since: t0.Add(-24 * time.Hour), Now: t0}
}

// batchItems makes n items of tn; with a batch key, each carries its
// derived key (as the service gives them).
func batchItems(tn remind.Tenant, n int, batch *store.Idempotency) []store.BatchItem {
	items := make([]store.BatchItem, n)
	for i := range items {
		items[i].Reminder = reminder(tn, t0.Add(time.Duration(i+1)*time.Minute))
		if batch != nil {
			items[i].Idem = key(store.BatchItemKey(batch.Key, i), batch.BodyHash)
		}
	}
	return items
}

func countReminders(t *testing.T, s store.Store, tn remind.Tenant) int {
	t.Helper()
	list, err := s.ListReminders(context.Background(), tn.ID, store.ListQuery{Limit: store.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// testBatchPerItem: items that failed validation, or whose key was used
// with another body, are answered with their error and not written; keys
// used with the same body replay; the rest are written, in order.
func testBatchPerItem(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	before, _, err := s.CreateReminder(ctx, reminder(tn, t0.Add(time.Hour)), key("used", "h1"))
	if err != nil {
		t.Fatal(err)
	}
	invalid := remind.Invalid("time", "is in the past")
	items := batchItems(tn, 7, nil)
	items[1].Err = invalid
	items[2].Idem = key("own", "h2")
	items[3].Idem = key("used", "other") // conflict
	items[4].Idem = key("used", "h1")    // replay of the single create
	items[5].Idem = key("own", "h2")     // the same key twice in one batch: the first item's reminder
	items[6].Idem, items[6].Err = key("bad", "h3"), invalid
	res, replayed, err := s.CreateReminders(ctx, tn.ID, items, nil)
	if err != nil || replayed {
		t.Fatalf("CreateReminders: %v, replayed %v", err, replayed)
	}
	if len(res) != len(items) {
		t.Fatalf("%d results for %d items", len(res), len(items))
	}
	for _, i := range []int{0, 2} {
		if res[i].Err != nil || res[i].Replayed || res[i].Reminder.ID != items[i].Reminder.ID {
			t.Errorf("item %d: %+v, want it created", i, res[i])
		}
		got, err := s.GetReminder(ctx, tn.ID, items[i].Reminder.ID)
		if err != nil || got.Title != items[i].Reminder.Title {
			t.Errorf("item %d not stored: %v", i, err)
		}
	}
	if !errors.Is(res[1].Err, remind.ErrInvalid) || !errors.Is(res[6].Err, remind.ErrInvalid) {
		t.Errorf("invalid items: %v, %v", res[1].Err, res[6].Err)
	}
	if !errors.Is(res[3].Err, remind.ErrConflict) {
		t.Errorf("reused key with another body: %v, want conflict", res[3].Err)
	}
	if !res[4].Replayed || res[4].Reminder.ID != before.ID || res[4].Reminder.Title != before.Title {
		t.Errorf("key of the single create: %+v, want its reminder replayed", res[4])
	}
	if !res[5].Replayed || res[5].Reminder.ID != items[2].Reminder.ID {
		t.Errorf("key given twice: %+v, want item 2's reminder", res[5])
	}
	for _, i := range []int{1, 3, 4, 5, 6} {
		if _, err := s.GetReminder(ctx, tn.ID, items[i].Reminder.ID); !errors.Is(err, remind.ErrNotFound) {
			t.Errorf("item %d was written: %v", i, err)
		}
	}
	if n := countReminders(t, s, tn); n != 3 {
		t.Errorf("%d reminders stored, want 3", n)
	}
	// The invalid item's key was not recorded: valid now, it is created.
	items[6].Err = nil
	res, _, err = s.CreateReminders(ctx, tn.ID, items[6:], nil)
	if err != nil || res[0].Err != nil || res[0].Replayed {
		t.Fatalf("key of an item refused before: %+v %v", res, err)
	}
}

// testBatchIdempotency: a batch sent again with its key replays every item;
// with another body it is refused whole; an item valid the first time
// replays even when it would now be refused; an expired key is free.
func testBatchIdempotency(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	bk := key("b1", "body1")
	items := batchItems(tn, 5, bk)
	items[3].Err = remind.Invalid("tz", "unknown")
	first, replayed, err := s.CreateReminders(ctx, tn.ID, items, bk)
	if err != nil || replayed {
		t.Fatalf("first: %v %v", replayed, err)
	}
	again := batchItems(tn, 5, bk) // new ids, as a retried request gets
	again[3].Err = remind.Invalid("tz", "unknown")
	again[0].Err = remind.Invalid("time", "is in the past") // time has passed since
	second, replayed, err := s.CreateReminders(ctx, tn.ID, again, bk)
	if err != nil || !replayed {
		t.Fatalf("replay: %v %v", replayed, err)
	}
	for i := range first {
		if i == 3 {
			if !errors.Is(second[i].Err, remind.ErrInvalid) {
				t.Errorf("item 3 replayed as %+v, want its error", second[i])
			}
			continue
		}
		if second[i].Err != nil || !second[i].Replayed || second[i].Reminder.ID != first[i].Reminder.ID {
			t.Errorf("item %d: %+v, want reminder %s replayed", i, second[i], first[i].Reminder.ID)
		}
	}
	if n := countReminders(t, s, tn); n != 4 {
		t.Fatalf("%d reminders after the replay, want 4", n)
	}
	other := key("b1", "body2")
	if _, _, err := s.CreateReminders(ctx, tn.ID, batchItems(tn, 2, other), other); !errors.Is(err, remind.ErrConflict) {
		t.Fatalf("batch key with another body: %v, want conflict", err)
	}
	if n := countReminders(t, s, tn); n != 4 {
		t.Fatalf("%d reminders after the refused batch, want 4", n)
	}
	// Expired, the key is free again.
	fresh := &store.Idempotency{Key: "b1", BodyHash: "body2", Since: t0.Add(time.Second), Now: t0.Add(25 * time.Hour)}
	items = batchItems(tn, 2, fresh)
	for i := range items {
		items[i].Idem.Since = fresh.Since
	}
	res, replayed, err := s.CreateReminders(ctx, tn.ID, items, fresh)
	if err != nil || replayed || res[0].Replayed || res[0].Reminder.ID != items[0].Reminder.ID {
		t.Fatalf("expired batch key: %+v %v %v", res, replayed, err)
	}
}

// testBatchConcurrent sends one batch, with its key, several times at
// once: one set of reminders is made and every request answers it.
func testBatchConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	bk := key("b", "h")
	const n = 6
	ids := make([][]string, n)
	var wg sync.WaitGroup
	for c := 0; c < n; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _, err := s.CreateReminders(ctx, tn.ID, batchItems(tn, 20, bk), bk)
			if err != nil {
				t.Errorf("request %d: %v", c, err)
				return
			}
			for _, r := range res {
				ids[c] = append(ids[c], r.Reminder.ID)
			}
		}()
	}
	wg.Wait()
	for c := 1; c < n; c++ {
		for i := range ids[c] {
			if ids[c][i] != ids[0][i] {
				t.Fatalf("request %d item %d: %s, request 0: %s", c, i, ids[c][i], ids[0][i])
			}
		}
	}
	if got := countReminders(t, s, tn); got != 20 {
		t.Fatalf("%d reminders, want 20", got)
	}
}

// testBatchTenantIsolation: keys are the tenant's own, and a batch never
// writes another tenant's reminder.
func testBatchTenantIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	bk := key("same", "h")
	ra, _, err := s.CreateReminders(ctx, a.ID, batchItems(a, 3, bk), bk)
	if err != nil {
		t.Fatal(err)
	}
	itemsB := batchItems(b, 3, bk)
	itemsB[0].Idem = key("same-item", "h")
	rb, replayed, err := s.CreateReminders(ctx, b.ID, itemsB, bk)
	if err != nil || replayed {
		t.Fatalf("tenant b, same batch key: %v %v", replayed, err)
	}
	for i := range rb {
		if rb[i].Replayed || rb[i].Reminder.ID == ra[i].Reminder.ID || rb[i].Reminder.TenantID != b.ID {
			t.Errorf("tenant b item %d: %+v", i, rb[i])
		}
		if _, err := s.GetReminder(ctx, a.ID, rb[i].Reminder.ID); !errors.Is(err, remind.ErrNotFound) {
			t.Errorf("tenant a sees b's reminder: %v", err)
		}
	}
	mixed := batchItems(a, 2, nil)
	mixed[1].Reminder.TenantID = b.ID
	if _, _, err := s.CreateReminders(ctx, a.ID, mixed, nil); err == nil {
		t.Fatal("a batch of tenant a holding tenant b's reminder was accepted")
	}
	if countReminders(t, s, a) != 3 || countReminders(t, s, b) != 3 {
		t.Fatalf("counts after the refused batch: a %d, b %d", countReminders(t, s, a), countReminders(t, s, b))
	}
}

// testBatchLarge writes the largest batch the API takes in one call.
func testBatchLarge(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	items := batchItems(tn, 1000, nil)
	for i := range items {
		if i%2 == 0 {
			items[i].Idem = key(remind.NewToken(8), "h")
		}
	}
	res, _, err := s.CreateReminders(ctx, tn.ID, items, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.Reminder.ID != items[i].Reminder.ID {
			t.Fatalf("item %d: %+v", i, r)
		}
	}
	got, err := s.ListReminders(ctx, tn.ID, store.ListQuery{Limit: store.MaxPage})
	if err != nil || len(got) != 1000 {
		t.Fatalf("%d stored, %v", len(got), err)
	}
}

// testBatchOverlappingKeys sends batches at once that share their item
// keys in different orders (two importers over one file): none fails
// (no deadlock on the keys), and each key creates one reminder that every
// batch answers.
func testBatchOverlappingKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	const n, keys = 8, 200
	got := make([]map[string]string, n) // key → reminder id, per batch
	var wg sync.WaitGroup
	for c := 0; c < n; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items := batchItems(tn, keys, nil)
			names := make([]string, keys)
			for i := range items {
				j := (i*7 + c*13) % keys // another order each batch
				if c%2 == 1 {
					j = keys - 1 - j
				}
				names[i] = fmt.Sprintf("line-%03d", j)
				items[i].Idem = key(names[i], "h-"+names[i])
			}
			res, _, err := s.CreateReminders(ctx, tn.ID, items, nil)
			if err != nil {
				t.Errorf("batch %d: %v", c, err)
				return
			}
			got[c] = map[string]string{}
			for i, r := range res {
				if r.Err != nil {
					t.Errorf("batch %d item %d: %v", c, i, r.Err)
				}
				got[c][names[i]] = r.Reminder.ID
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for c := 1; c < n; c++ {
		for k, id := range got[0] {
			if got[c][k] != id {
				t.Fatalf("key %s: batch %d answered %s, batch 0 %s", k, c, got[c][k], id)
			}
		}
	}
	if m := countReminders(t, s, tn); m != keys {
		t.Fatalf("%d reminders, want %d", m, keys)
	}
}
