package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/pgtest"
	"github.com/raasdev/raas/internal/store/postgres"
	"github.com/raasdev/raas/internal/store/storetest"
)

// open opens a migrated Store on the database at url, closed when t ends.
func open(t testing.TB, url string) *postgres.Store {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	pgtest.BaseURL(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, pgtest.NewDatabase(t))
	})
}

func TestProfiles(t *testing.T) {
	pgtest.BaseURL(t)
	storetest.RunProfiles(t, func(t *testing.T) store.Store {
		return open(t, pgtest.NewDatabase(t))
	})
}

func TestSummaries(t *testing.T) {
	pgtest.BaseURL(t)
	storetest.RunSummaries(t, func(t *testing.T) store.Store {
		return open(t, pgtest.NewDatabase(t))
	})
}

func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		s, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2026, 11, 22, 6, 40, 0, 0, time.UTC)

func seed(t testing.TB, s store.Store, n int) remind.Tenant {
	t.Helper()
	ctx := context.Background()
	tn := remind.Tenant{ID: remind.NewID(t0), Name: "a", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: t0}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRecipient(ctx, remind.Recipient{TenantID: tn.ID, UID: "u1", Email: "u1@example.com", CreatedAt: t0, UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	addDue(t, s, tn, n)
	return tn
}

func addDue(t testing.TB, s store.Store, tn remind.Tenant, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		at := t0
		r := remind.Reminder{ID: remind.NewID(t0), TenantID: tn.ID, Title: "t", Time: &at, TZ: tn.TZ, Start: at,
			Recipients: []string{"u1", "u2"}, Status: remind.StatusActive, NextFireAt: &at, Source: "v1", CreatedAt: t0, UpdatedAt: t0}
		if _, _, err := s.CreateReminder(context.Background(), r, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func planAll(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
	return store.FirePlan{Deliveries: remind.Plan(r, *r.NextFireAt, recips, hooks, t0, remind.FirePolicy{}), Status: remind.StatusDone}
}

// TestTwoInstancesClaimOnce has two Stores on one database (two RaaS
// instances) fire and then lease side by side: no delivery comes back twice.
func TestTwoInstancesClaimOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, b := open(t, url), open(t, url)
	const n = 150
	seed(t, a, n) // 3 deliveries each: u1 inbox + email, u2 inbox
	ctx := context.Background()

	var mu sync.Mutex
	fired, leased := map[string]int{}, map[string]int{}
	var wg sync.WaitGroup
	run := func(s store.Store, step func(s store.Store) ([]remind.Delivery, error), seen map[string]int) {
		defer wg.Done()
		for {
			ds, err := step(s)
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
	}
	fire := func(s store.Store) ([]remind.Delivery, error) {
		return s.FireDue(ctx, t0, 9, store.Lease{Until: t0.Add(time.Minute)}, planAll)
	}
	for _, s := range []store.Store{a, a, b, b} {
		wg.Add(1)
		go run(s, fire, fired)
	}
	wg.Wait()
	check := func(what string, seen map[string]int) {
		t.Helper()
		if len(seen) != 3*n {
			t.Fatalf("%s: %d deliveries, want %d", what, len(seen), 3*n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("%s: delivery %s returned %d times", what, id, c)
			}
		}
	}
	check("FireDue", fired)

	// The fire leases run out (both instances died): the deliveries are
	// leased again, each by one instance only.
	later := t0.Add(2 * time.Minute)
	lease := func(s store.Store) ([]remind.Delivery, error) {
		return s.LeaseDeliveries(ctx, later, 11, store.Lease{Until: later.Add(time.Minute)})
	}
	for _, s := range []store.Store{a, a, b, b} {
		wg.Add(1)
		go run(s, lease, leased)
	}
	wg.Wait()
	check("LeaseDeliveries", leased)
}

func TestBroadcast(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, b := open(t, url), open(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	got := map[string]chan []byte{"a": make(chan []byte, 10), "b": make(chan []byte, 10)}
	if err := a.Subscribe(ctx, "wake", func(p []byte) { got["a"] <- p }); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(ctx, "wake", func(p []byte) { got["b"] <- p }); err != nil {
		t.Fatal(err)
	}
	other := make(chan []byte, 10)
	if err := b.Subscribe(ctx, "other", func(p []byte) { other <- p }); err != nil {
		t.Fatal(err)
	}
	binary := []byte{0, 1, 2, 0xff, 'x'}
	long := []byte(strings.Repeat("é", postgres.MaxBroadcast/2))
	for _, p := range [][]byte{[]byte(`{"reminder":"r1"}`), binary, long} {
		if err := a.Broadcast(ctx, "wake", p); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"a", "b"} { // the sender hears itself too
			select {
			case m := <-got[who]:
				if !bytes.Equal(m, p) {
					t.Fatalf("%s got %q, want %q", who, m, p)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: no message", who)
			}
		}
	}
	select {
	case m := <-other:
		t.Fatalf("message on another topic reached this one: %q", m)
	default:
	}
	if err := a.Broadcast(ctx, "wake", make([]byte, postgres.MaxBroadcast+1)); err == nil {
		t.Fatal("oversized payload broadcast")
	}
	long63 := strings.Repeat("t", 100) // longer than an identifier may be
	hit := make(chan []byte, 1)
	if err := b.Subscribe(ctx, long63, func(p []byte) { hit <- p }); err != nil {
		t.Fatal(err)
	}
	if err := a.Broadcast(ctx, long63, []byte("x")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hit:
	case <-time.After(5 * time.Second):
		t.Fatal("long topic: no message")
	}
}

// TestSubscribeSurvivesDroppedConnection kills the listening connection on
// the server side; the subscription carries on once it reconnects.
func TestSubscribeSurvivesDroppedConnection(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a, b := open(t, url), open(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan []byte, 100)
	if err := b.Subscribe(ctx, "wake", func(p []byte) { got <- p }); err != nil {
		t.Fatal(err)
	}
	admin := open(t, url)
	if err := admin.Broadcast(ctx, "noop", nil); err != nil {
		t.Fatal(err)
	}
	killed, err := postgres.TerminateListeners(ctx, admin)
	if err != nil || killed == 0 {
		t.Fatalf("terminate listener: %d %v", killed, err)
	}
	deadline := time.After(15 * time.Second)
	for i := 0; ; i++ {
		// Messages sent while the connection is down are lost: keep sending.
		if err := a.Broadcast(ctx, "wake", []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
		select {
		case <-got:
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no message after the listening connection was dropped")
		}
	}
}

func TestSubscribeEndsWithContext(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a := open(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan []byte, 10)
	if err := a.Subscribe(ctx, "wake", func(p []byte) { got <- p }); err != nil {
		t.Fatal(err)
	}
	cancel()
	time.Sleep(100 * time.Millisecond)
	if err := a.Broadcast(context.Background(), "wake", []byte("late")); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		t.Fatalf("message after the subscription ended: %q", m)
	case <-time.After(500 * time.Millisecond):
	}
}

// BenchmarkFireDue fires 1000 due reminders per op, each fanning out to 3
// deliveries, in batches of 1000.
func BenchmarkFireDue(b *testing.B) {
	s := open(b, pgtest.NewDatabase(b))
	tn := seed(b, s, 0)
	ctx := context.Background()
	const n = 1000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		addDue(b, s, tn, n)
		b.StartTimer()
		ds, err := s.FireDue(ctx, t0, n, store.Lease{Until: t0.Add(time.Minute)}, planAll)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) != 3*n {
			b.Fatalf("deliveries = %d, want %d", len(ds), 3*n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "µs/reminder")
}

// BenchmarkFinishDeliveries: the outcome writes of a herd (storetest.BenchFinish).
func BenchmarkFinishDeliveries(b *testing.B) {
	storetest.BenchFinish(b, open(b, pgtest.NewDatabase(b)))
}

// TestSubscribeWaitsForDatabase subscribes while the database cannot be
// reached: Subscribe keeps trying until its context ends, then fails.
func TestSubscribeWaitsForDatabase(t *testing.T) {
	a := open(t, pgtest.NewDatabase(t))
	postgres.SetListenDatabase(a, "raas_no_such_database")
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := a.Subscribe(ctx, "wake", func([]byte) {})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) < 600*time.Millisecond {
		t.Fatalf("Subscribe with the database unreachable = %v after %v; want it to wait for its context", err, time.Since(start))
	}
}

// TestCountRequestShared: two instances on one database count one window together.
func TestCountRequestShared(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	a, b := open(t, url), open(t, url)
	w := time.Unix(1_800_000_000, 0)
	for i, s := range []*postgres.Store{a, b, a, b} {
		n, err := s.CountRequest(ctx, "t:k", w)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(i+1) {
			t.Fatalf("count %d = %d", i+1, n)
		}
	}
	if n, _ := a.CountRequest(ctx, "t:k", w.Add(2*time.Second)); n != 1 {
		t.Fatalf("new window starts at %d", n)
	}
	if n, _ := b.CountRequest(ctx, "t:other", w); n != 1 {
		t.Fatalf("another key shares the count: %d", n)
	}
}

// TestPruneRequestsRemovesOldWindows: the janitor's delete removes every
// key's windows that started before the cut, keys never seen again
// included, and leaves later windows counting.
func TestPruneRequestsRemovesOldWindows(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	s := open(t, url)
	cut := time.Unix(1_800_000_000, 0)
	for i := range 50 {
		if _, err := s.CountRequest(ctx, fmt.Sprintf("a:198.51.100.%d", i), cut.Add(-time.Duration(i+1)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CountRequest(ctx, "t:live", cut); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneRequests(ctx, cut)
	if err != nil || n != 50 {
		t.Fatalf("PruneRequests = %d, %v; want the 50 old windows", n, err)
	}
	if n, _ := s.PruneRequests(ctx, cut); n != 0 {
		t.Fatalf("second prune removed %d", n)
	}
	if n, _ := s.CountRequest(ctx, "t:live", cut); n != 2 {
		t.Fatalf("the live window counts %d after the prune, want 2", n)
	}
	if n, _ := s.CountRequest(ctx, "a:198.51.100.0", cut.Add(-time.Second)); n != 1 {
		t.Fatalf("a pruned window counts %d, want a fresh 1", n)
	}
}
