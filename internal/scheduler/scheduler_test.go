package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// The tests run in a synctest bubble and drive a fake clock: after
// synctest.Wait every goroutine of the scheduler is blocked, so what it did
// is settled, and time moves only when the test advances the clock.

var t0 = time.Date(2026, 11, 22, 6, 40, 0, 0, time.UTC)

// dueStore holds due times; FireDue hands out one delivery per time. While
// fail is set every call fails.
type dueStore struct {
	mu      sync.Mutex
	due     []time.Time // sorted
	fail    bool
	calls   int         // FireDue calls, and calls that failed
	horizon []time.Time // the horizon of each FireDue call that claimed something
	leases  []store.Lease
	spilled []time.Time // due times of deliveries written unleased (store.Waits)
}

var errDown = errors.New("store down")

func (s *dueStore) add(ts ...time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.due = append(s.due, ts...)
	sort.Slice(s.due, func(i, j int) bool { return s.due[i].Before(s.due[j]) })
}

func (s *dueStore) setFail(v bool) {
	s.mu.Lock()
	s.fail = v
	s.mu.Unlock()
}

func (s *dueStore) stats() (calls, left int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, len(s.due)
}

func (s *dueStore) NextFireAt(context.Context) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		s.calls++
		return time.Time{}, false, errDown
	}
	if len(s.due) == 0 {
		return time.Time{}, false, nil
	}
	return s.due[0], true, nil
}

func (s *dueStore) CountDue(_ context.Context, until time.Time, limit int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		s.calls++
		return 0, errDown
	}
	n := 0
	for n < len(s.due) && n < limit && !s.due[n].After(until) {
		n++
	}
	return n, nil
}

func (s *dueStore) FireDue(_ context.Context, now time.Time, limit int, lease store.Lease, plan store.FirePlanner) ([]remind.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail {
		return nil, errDown
	}
	var out []remind.Delivery
	claimed := 0
	for len(s.due) > 0 && claimed < limit && !s.due[0].After(now) {
		at := s.due[0]
		// The scheduler plans the firing: one webhook delivery at its time.
		p := plan(remind.Reminder{ID: remind.NewID(at), TenantID: "t", NextFireAt: &at}, nil, []remind.Webhook{{ID: "w", TenantID: "t"}})
		if len(p.Deliveries) != 1 {
			panic(fmt.Sprintf("planned %d deliveries, want the webhook's", len(p.Deliveries)))
		}
		d := p.Deliveries[0]
		if store.Waits(d, lease) {
			s.spilled = append(s.spilled, d.DueAt)
		} else {
			out = append(out, d)
		}
		s.due = s.due[1:]
		claimed++
	}
	if claimed > 0 {
		s.horizon = append(s.horizon, now)
		s.leases = append(s.leases, lease)
	}
	return out, nil
}

// holder counts what it was given (and when, by the clock) and holds what
// is not yet due.
type holder struct {
	clock   clockwork.Clock
	mu      sync.Mutex
	held    []time.Time
	got     []time.Time // clock time of each handed-over delivery
	maxHeld int
	expect  []time.Time     // Expect's arguments
	expFor  []time.Duration // and its leases
	expAt   []time.Time     // clock time of each Expect
}

func (h *holder) Expect(at time.Time, leasedFor time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expect, h.expAt = append(h.expect, at), append(h.expAt, h.clock.Now())
	h.expFor = append(h.expFor, leasedFor)
}

func (h *holder) Stamp(context.Context) uint64 { return 0 }

func (h *holder) Held() (int, time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.clock.Now()
	kept := h.held[:0]
	for _, t := range h.held {
		if t.After(now) {
			kept = append(kept, t)
		}
	}
	h.held = kept
	if len(kept) == 0 {
		return 0, time.Time{}
	}
	return len(kept), kept[0]
}

func (h *holder) Submit(_ context.Context, ds []remind.Delivery, _ uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.clock.Now()
	for _, d := range ds {
		h.got = append(h.got, now)
		if d.DueAt.After(now) {
			h.held = append(h.held, d.DueAt)
		}
	}
	sort.Slice(h.held, func(i, j int) bool { return h.held[i].Before(h.held[j]) })
	h.maxHeld = max(h.maxHeld, len(h.held))
}

func (h *holder) handed() []time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Time(nil), h.got...)
}

// failures records what the scheduler reports.
type failures struct {
	mu   sync.Mutex
	last int
	max  int
}

func (f *failures) LoopFailures(loop string, n int) {
	if loop != LoopName {
		panic(loop)
	}
	f.mu.Lock()
	f.last, f.max = n, max(f.max, n)
	f.mu.Unlock()
}

func (f *failures) get() (last, most int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, f.max
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// run starts a scheduler on st with cfg in a synctest bubble on a fake
// clock at t0, and calls fn; the scheduler is stopped after.
func run(t *testing.T, st *dueStore, cfg Config, fn func(s *Scheduler, clk *clockwork.FakeClock, h *holder)) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		h := &holder{clock: clk}
		cfg.Clock = clk
		s := New(st, h, nil, quiet, cfg)
		s.Start(context.Background())
		defer s.Stop()
		synctest.Wait()
		fn(s, clk, h)
	})
}

// advance moves the clock by d in steps, letting the scheduler settle
// after each.
func advance(clk *clockwork.FakeClock, d, step time.Duration) {
	for end := clk.Now().Add(d); clk.Now().Before(end); {
		clk.Advance(min(step, end.Sub(clk.Now())))
		synctest.Wait()
	}
}

// TestClaimingAheadIsBounded: with MaxHeld deliveries waiting in memory the
// scheduler claims only what is due, so a herd is not fanned out into
// memory whole, and everything is still handed over once due.
func TestClaimingAheadIsBounded(t *testing.T) {
	const n, maxHeld, batch = 200, 40, 10
	st := &dueStore{}
	for i := 0; i < n; i++ {
		st.add(t0.Add(400*time.Millisecond + time.Duration(i)*time.Millisecond))
	}
	run(t, st, Config{Batch: batch, Lookahead: 10 * time.Second, MaxHeld: maxHeld, MaxSleep: time.Second}, func(s *Scheduler, clk *clockwork.FakeClock, h *holder) {
		advance(clk, time.Second, time.Millisecond)
		if got := len(h.handed()); got != n {
			t.Fatalf("handed over %d of %d", got, n)
		}
		if h.maxHeld > maxHeld+batch || h.maxHeld < maxHeld {
			t.Fatalf("at most %d held at once, want between %d and %d", h.maxHeld, maxHeld, maxHeld+batch)
		}
	})
}

// TestHerdBeyondMaxHeldSpillsToTheStore: with SpillAhead, a herd of at
// least MaxHeld is claimed and planned up to SpillAhead before its instant,
// whenever it was written: MaxHeld of it in memory, the rest written to the
// store unleased (store.Lease.Ahead) and announced to the dispatcher
// (Expect) for its time; memory stays bounded, nothing is claimed twice, a
// smaller one is claimed Lookahead before its time as before, and a firing
// further ahead than SpillAhead waits.
func TestHerdBeyondMaxHeldSpillsToTheStore(t *testing.T) {
	const lookahead = 10 * time.Second
	for _, tc := range []struct {
		name              string
		n, maxHeld, batch int
		spillAhead, until time.Duration // SpillAhead, and the herd's time from t0
		written           time.Duration // the herd is written over this long from t0, without Notify (0: before start)
	}{
		{"small herd, claimed Lookahead ahead", 30, 40, 10, time.Minute, 30 * time.Second, 0},
		{"herd of five times MaxHeld", 200, 40, 10, time.Minute, 30 * time.Second, 0},
		{"uneven batches", 173, 25, 7, 20 * time.Second, 15 * time.Second, 0},
		{"batch larger than MaxHeld", 120, 5, 50, time.Minute, 40 * time.Second, 0},
		{"herd written within SpillAhead of its time", 150, 30, 10, time.Minute, 50 * time.Second, 20 * time.Second},
		{"herd written before SpillAhead of its time", 150, 30, 10, 20 * time.Second, 50 * time.Second, 20 * time.Second},
	} {
		for _, hold := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, HoldAhead %v", tc.name, hold), func(t *testing.T) {
				st := &dueStore{}
				herd := t0.Add(tc.until)
				if tc.written == 0 {
					for i := 0; i < tc.n; i++ {
						st.add(herd)
					}
				}
				far := herd.Add(tc.spillAhead + time.Hour) // beyond any look-ahead: waits for its own time
				st.add(far)
				cfg := Config{Batch: tc.batch, Lookahead: lookahead, SpillAhead: tc.spillAhead, MaxHeld: tc.maxHeld,
					MaxSleep: time.Minute, Owner: "me", Lease: 30 * time.Second, HoldAhead: hold}
				run(t, st, cfg, func(s *Scheduler, clk *clockwork.FakeClock, h *holder) {
					if tc.written > 0 {
						step := tc.written / time.Duration(tc.n)
						for i := 0; i < tc.n; i++ {
							st.add(herd)
							s.Notify(herd) // as the service does on each create
							advance(clk, step, step)
						}
					}
					advance(clk, herd.Sub(clk.Now())-time.Millisecond, 100*time.Millisecond)
					st.mu.Lock()
					spilled, leases, left := len(st.spilled), append([]store.Lease(nil), st.leases...), len(st.due)
					st.mu.Unlock()
					handed := len(h.handed())
					if handed+spilled != tc.n || left != 1 {
						t.Fatalf("before the herd's time: %d held + %d in the store of %d, %d left unclaimed (want only the far one)", handed, spilled, tc.n, left)
					}
					if h.maxHeld > max(tc.maxHeld+tc.batch, tc.batch) {
						t.Fatalf("held %d at once, MaxHeld %d, batch %d", h.maxHeld, tc.maxHeld, tc.batch)
					}
					if tc.n > tc.maxHeld+tc.batch && spilled == 0 {
						t.Fatal("nothing was written to the store for its time")
					}
					wantFor := time.Duration(0) // HoldAhead: what is written ahead is leased from its time
					if hold {
						wantFor = cfg.SpillAhead + cfg.Lease
					}
					for _, l := range leases {
						if !l.Ahead.IsZero() && (l.Owner != "me" || l.Until.After(l.Ahead.Add(cfg.Lease)) || l.AheadFor != wantFor) {
							t.Fatalf("spilling lease %+v: only what is due now may be leased, what is due later for %v from its time", l, wantFor)
						}
					}
					h.mu.Lock()
					expect, expAt := append([]time.Time(nil), h.expect...), append([]time.Time(nil), h.expAt...)
					for _, f := range h.expFor {
						if f != wantFor {
							t.Fatalf("Expect(_, %v), want %v", f, wantFor)
						}
					}
					h.mu.Unlock()
					if spilled > 0 && len(expect) == 0 {
						t.Fatal("the dispatcher was not told of deliveries waiting in the store")
					}
					for i, at := range expect {
						if !at.Equal(herd) || !expAt[i].Before(herd) {
							t.Fatalf("Expect(%v) at %v, want the herd's time, before it", at, expAt[i])
						}
					}
					// A herd is claimed as soon as it is seen within SpillAhead
					// (at the latest herdCheck after it is whole); a smaller
					// one Lookahead before its time.
					claimFrom := herd.Add(-lookahead)
					if tc.n >= tc.maxHeld {
						claimFrom = herd.Add(-tc.spillAhead)
						if whole := t0.Add(tc.written + herdCheck); whole.After(claimFrom) {
							claimFrom = whole
						}
					}
					got := h.handed()
					if len(got) > 0 && (got[len(got)-1].After(claimFrom.Add(100*time.Millisecond)) || got[0].Before(herd.Add(-tc.spillAhead))) {
						t.Fatalf("claimed from %v to %v, want all by %v and none before %v", got[0], got[len(got)-1], claimFrom, herd.Add(-tc.spillAhead))
					}
					if tc.n < tc.maxHeld && (len(got) == 0 || got[0].Before(claimFrom)) {
						t.Fatalf("a small herd claimed at %v, want Lookahead before its time (%v)", got, claimFrom)
					}
					advance(clk, time.Minute, time.Second)
					if _, left := st.stats(); left != 1 {
						t.Fatalf("%d left after the herd, want the far firing", left)
					}
				})
			})
		}
	}
}

// TestWakeUpLookaheadAndCatchUp walks the loop's ways of waking: firings
// missed while down are claimed at start in batches; a firing claimed
// Lookahead before its time and not earlier; a write's Notify wakes a loop
// that planned to sleep long; without one, MaxSleep bounds the sleep.
func TestWakeUpLookaheadAndCatchUp(t *testing.T) {
	st := &dueStore{}
	for i := 0; i < 25; i++ {
		st.add(t0.Add(-time.Hour + time.Duration(i)*time.Second)) // due while the service was down
	}
	st.add(t0.Add(20 * time.Second))
	cfg := Config{Batch: 10, Lookahead: 5 * time.Second, MaxSleep: time.Minute, Owner: "me", Lease: 30 * time.Second}
	run(t, st, cfg, func(s *Scheduler, clk *clockwork.FakeClock, h *holder) {
		if got := len(h.handed()); got != 25 {
			t.Fatalf("caught up %d of 25 missed firings at start", got)
		}
		if _, left := st.stats(); left != 1 {
			t.Fatalf("%d left, want the future one", left)
		}
		advance(clk, 15*time.Second-time.Millisecond, 100*time.Millisecond)
		if got := len(h.handed()); got != 25 {
			t.Fatal("claimed earlier than Lookahead before its time")
		}
		advance(clk, time.Millisecond, time.Millisecond)
		got := h.handed()
		if len(got) != 26 || !got[25].Equal(t0.Add(15*time.Second)) {
			t.Fatalf("the future firing was claimed at %v, want Lookahead before its time", got[len(got)-1])
		}
		st.mu.Lock()
		lease := st.leases[len(st.leases)-1]
		st.mu.Unlock()
		if lease.Owner != "me" || !lease.Until.Equal(t0.Add(20*time.Second+30*time.Second)) {
			t.Fatalf("lease %+v, want owner me until the horizon plus Lease", lease)
		}

		// Nothing due: the loop sleeps MaxSleep. A write for 2 s from now wakes it.
		at := clk.Now().Add(7 * time.Second) // 2 s after Lookahead
		st.add(at)
		s.Notify(at)
		synctest.Wait()
		advance(clk, 2*time.Second, 100*time.Millisecond)
		if got := h.handed(); len(got) != 27 || !got[26].Equal(at.Add(-5*time.Second)) {
			t.Fatalf("after Notify the firing was claimed at %v, want %v", got[len(got)-1], at.Add(-5*time.Second))
		}

		// A write by another process (no Notify) is seen within MaxSleep.
		other := clk.Now().Add(time.Second)
		st.add(other)
		advance(clk, time.Minute, time.Second)
		if got := h.handed(); len(got) != 28 {
			t.Fatal("a firing written without Notify was not claimed within MaxSleep")
		}
	})
}

// TestFailingStoreBacksOff: while FireDue fails the scheduler retries with
// growing waits up to the cap (not in a spin: the failing fake
// store saw 609,049 calls in one second), reports the failures, and claims
// what is due soon after the store recovers.
func TestFailingStoreBacksOff(t *testing.T) {
	st := &dueStore{fail: true}
	st.add(t0)
	rep := &failures{}
	run(t, st, Config{Reporter: rep}, func(s *Scheduler, clk *clockwork.FakeClock, h *holder) {
		advance(clk, time.Minute, 10*time.Millisecond)
		calls, _ := st.stats()
		// 100 ms doubling to 5 s with jitter in the upper half: about 7
		// calls to reach the cap, then one every 2.5–5 s.
		if calls < 12 || calls > 7+60/2.5+2 {
			t.Fatalf("the store was asked %d times in a minute of failures, want a back-off's worth (12..33)", calls)
		}
		if last, _ := rep.get(); last != calls || s.Failures() != calls {
			t.Fatalf("reported %d consecutive failures (Failures %d), want %d", last, s.Failures(), calls)
		}
		st.setFail(false)
		advance(clk, 5*time.Second, 10*time.Millisecond)
		if len(h.handed()) != 1 {
			t.Fatal("not claimed within the back-off cap of the store's recovery")
		}
		if last, _ := rep.get(); last != 0 || s.Failures() != 0 {
			t.Fatalf("failures after recovery = %d", last)
		}
	})
}

// TestStartAndStopAreIdempotent: a second Start does not start a second
// loop (nor lose the first one's cancel), a second Stop returns at once,
// and a Start after Stop does nothing.
func TestStartAndStopAreIdempotent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		st := &dueStore{}
		s := New(st, &holder{clock: clk}, nil, quiet, Config{Clock: clk})
		s.Stop() // before Start: nothing to stop
		s = New(st, &holder{clock: clk}, nil, quiet, Config{Clock: clk})
		s.Start(context.Background())
		s.Start(context.Background())
		synctest.Wait()
		s.Stop()
		s.Stop()
		s.Start(context.Background())
		synctest.Wait() // no loop left running: synctest.Test would not return otherwise
	})
}

// TestPlannerNotesDeliveriesHeldPastTheirFiring: while a herd is planned
// into the store, what the dispatcher is told to expect is the earliest
// delivery due after the lease's Ahead, not the earliest firing: a firing
// due now whose recipient's quiet hours hold it until later is written to
// the store (leased ahead with HoldAhead) all the same, and must be
// announced, or it would wait for its lease to run out.
func TestPlannerNotesDeliveriesHeldPastTheirFiring(t *testing.T) {
	clk := clockwork.NewFakeClockAt(t0)
	s := New(&dueStore{}, &holder{clock: clk}, nil, quiet, Config{Clock: clk, HoldAhead: true})
	r := remind.Reminder{ID: remind.NewID(t0), TenantID: "t", Title: "held", Recipients: []string{"u1"}, NextFireAt: &t0}
	recips := map[string]remind.Recipient{"u1": {TenantID: "t", UID: "u1", Profile: remind.Profile{TZ: "UTC", QuietHours: "06:00-08:00"}}}
	b := firedBatch{after: t0}
	p := s.planner(t0, &b)(r, recips, nil)
	held := t0.Add(80 * time.Minute) // 08:00 UTC
	if len(p.Deliveries) == 0 {
		t.Fatal("nothing planned")
	}
	for _, d := range p.Deliveries {
		if !d.DueAt.Equal(held) {
			t.Fatalf("planned %s due at %v, want held to %v", d.Channel, d.DueAt, held)
		}
	}
	if !b.ahead.Equal(held) {
		t.Fatalf("noted %v to expect, want the held deliveries' %v", b.ahead, held)
	}
}
