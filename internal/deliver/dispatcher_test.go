package deliver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// The tests run the dispatcher in a synctest bubble on a fake clock: after
// synctest.Wait all its goroutines are blocked, so what it did is settled,
// and time moves only when the test advances the clock.

var t0 = time.Date(2026, 11, 22, 6, 40, 0, 0, time.UTC)

var errDown = errors.New("store down")

// memStore keeps deliveries in memory the way the drivers do.
type memStore struct {
	mu         sync.Mutex
	ds         map[string]*remind.Delivery
	leaseFail  bool
	finishFail bool
	leases     int               // LeaseDeliveries calls
	finishes   int               // FinishDeliveries calls, failed ones included
	recorded   int               // results recorded
	pendingOf  int               // PendingOf calls
	owners     map[string]string // who holds each delivery written leased ahead (putAhead)
	gate       chan struct{}     // when set, FinishDeliveries waits for it to close
	order      []string          // the ids in owners, in cursor order once sorted
	sorted     bool
}

func newMemStore() *memStore { return &memStore{ds: map[string]*remind.Delivery{}} }

func (s *memStore) put(d remind.Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ds[d.ID] = &d
}

// putAhead writes d as FireDue writes a delivery leased to owner ahead of
// its time for lf (store.HeldAhead).
func (s *memStore) putAhead(d remind.Delivery, owner string, lf time.Duration) {
	d.State, d.Attempts, d.NextAttemptAt = remind.DeliveryPending, 1, d.DueAt.Add(lf)
	s.put(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owners == nil {
		s.owners = map[string]string{}
	}
	s.owners[d.ID] = owner
	s.sorted = false
}

// ahead calls yield, in cursor order, with the deliveries leased to owner
// ahead of their time for lf after `after`, until it returns false.
func (s *memStore) ahead(owner string, lf time.Duration, after store.Cursor, yield func(remind.Delivery) bool) {
	pos := func(id string) store.Cursor { return store.Cursor{Until: s.ds[id].NextAttemptAt, Key: id} }
	if !s.sorted {
		s.order = s.order[:0]
		for id := range s.owners {
			s.order = append(s.order, id)
		}
		slices.SortFunc(s.order, func(a, b string) int {
			if pa, pb := pos(a), pos(b); pa.Before(pb) {
				return -1
			} else if pb.Before(pa) {
				return 1
			}
			return 0
		})
		s.sorted = true
	}
	i, _ := slices.BinarySearchFunc(s.order, after, func(id string, c store.Cursor) int {
		if !c.Before(pos(id)) {
			return -1
		}
		return 1
	})
	for _, id := range s.order[i:] {
		d := s.ds[id]
		if s.owners[id] == owner && d.State == remind.DeliveryPending && d.NextAttemptAt.Sub(d.DueAt) == lf && !yield(*d) {
			return
		}
	}
}

func (s *memStore) ReadAhead(_ context.Context, owner string, lf time.Duration, now time.Time, after store.Cursor, limit int) ([]remind.Delivery, store.Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []remind.Delivery
	s.ahead(owner, lf, after, func(d remind.Delivery) bool {
		if d.DueAt.After(now) || len(out) == limit {
			return false
		}
		out = append(out, d)
		after = store.Cursor{Until: d.NextAttemptAt, Key: d.ID}
		return true
	})
	return out, after, nil
}

func (s *memStore) NextAhead(_ context.Context, owner string, lf time.Duration, after store.Cursor) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next time.Time
	s.ahead(owner, lf, after, func(d remind.Delivery) bool {
		next = d.DueAt
		return false
	})
	return next, !next.IsZero(), nil
}

func (s *memStore) get(id string) remind.Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.ds[id]
}

func (s *memStore) set(f func(s *memStore)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *memStore) NextDeliveryAt(context.Context) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leaseFail {
		return time.Time{}, false, errDown
	}
	var next time.Time
	for _, d := range s.ds {
		if d.State == remind.DeliveryPending && (next.IsZero() || d.NextAttemptAt.Before(next)) {
			next = d.NextAttemptAt
		}
	}
	return next, !next.IsZero(), nil
}

func (s *memStore) LeaseDeliveries(_ context.Context, now time.Time, limit int, lease store.Lease) ([]remind.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leases++
	if s.leaseFail {
		return nil, errDown
	}
	var out []remind.Delivery
	for _, d := range s.ds {
		if d.State == remind.DeliveryPending && !d.NextAttemptAt.After(now) && len(out) < limit {
			d.NextAttemptAt, d.Attempts = lease.Until, d.Attempts+1
			out = append(out, *d)
		}
	}
	return out, nil
}

func (s *memStore) LeaseDue(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]store.Leased, error) {
	ds, err := s.LeaseDeliveries(ctx, now, limit, lease)
	out := make([]store.Leased, len(ds))
	for i, d := range ds {
		out[i] = store.Leased{ID: d.ID, Attempts: d.Attempts}
	}
	return out, err
}

func (s *memStore) DeliveriesOf(_ context.Context, ids []string) ([]remind.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []remind.Delivery
	for _, id := range ids {
		if d, ok := s.ds[id]; ok {
			out = append(out, *d)
		}
	}
	return out, nil
}

func (s *memStore) PendingOf(_ context.Context, ids []string) (map[string]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pendingOf++
	out := map[string]int{}
	for _, id := range ids {
		if d, ok := s.ds[id]; ok && d.State == remind.DeliveryPending {
			out[id] = d.Attempts
		}
	}
	return out, nil
}

func (s *memStore) FinishDeliveries(_ context.Context, rs []store.Result) error {
	s.mu.Lock()
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		<-gate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finishes++
	if s.finishFail {
		return errDown
	}
	for _, r := range rs {
		if d, ok := s.ds[r.Delivery.ID]; ok && d.State == remind.DeliveryPending && d.Attempts == r.Delivery.Attempts {
			*d = r.Delivery
			s.sorted = false // a retry moves in the cursor's order
		}
		s.recorded++
	}
	return nil
}

// sendLog is a Sender recording when (by the clock) each delivery was sent,
// answering with fail's error when set.
type sendLog struct {
	clock clockwork.Clock
	fail  error
	block chan struct{} // when set, sends wait for it to close
	mu    sync.Mutex
	at    map[string][]time.Time
}

func (l *sendLog) Send(ctx context.Context, d remind.Delivery) (int, error) {
	if l.block != nil {
		<-l.block
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.at == nil {
		l.at = map[string][]time.Time{}
	}
	l.at[d.ID] = append(l.at[d.ID], l.clock.Now())
	if l.fail != nil {
		return 500, l.fail
	}
	return 200, nil
}

func (l *sendLog) sends(id string) []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.at[id]...)
}

func (l *sendLog) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, ts := range l.at {
		n += len(ts)
	}
	return n
}

// reporter records the dispatcher's loops' failure counts.
type reporter struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *reporter) LoopFailures(loop string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[loop] = n
}

func (r *reporter) get(loop string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[loop]
}

type rig struct {
	d   *Dispatcher
	st  *memStore
	snd *sendLog
	clk *clockwork.FakeClock
	rep *reporter

	stopOnce sync.Once
}

// stop stops the dispatcher once, whoever asks first.
func (r *rig) stop() { r.stopOnce.Do(r.d.Stop) }

// leased returns a delivery as the scheduler hands it over: pending,
// leased to this process, first attempt counted.
func leased(id string, due time.Time) remind.Delivery {
	return remind.Delivery{ID: id, Channel: remind.ChannelWebhook, DueAt: due, State: remind.DeliveryPending, Attempts: 1, NextAttemptAt: due.Add(time.Minute)}
}

// submit puts ds in the store, leased, and hands them to the dispatcher.
func (r *rig) submit(stamp uint64, ds ...remind.Delivery) {
	for _, d := range ds {
		r.st.put(d)
	}
	r.d.Submit(context.Background(), ds, stamp)
	synctest.Wait()
}

// advance moves the clock by d in steps, letting the dispatcher settle
// after each.
func (r *rig) advance(d, step time.Duration) {
	for end := r.clk.Now().Add(d); r.clk.Now().Before(end); {
		r.clk.Advance(min(step, end.Sub(r.clk.Now())))
		synctest.Wait()
	}
}

func runDispatcher(t *testing.T, cfg Config, snd *sendLog, fn func(r *rig)) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		if snd == nil {
			snd = &sendLog{}
		}
		snd.clock = clk
		r := &rig{st: newMemStore(), snd: snd, clk: clk, rep: &reporter{}}
		cfg.Clock, cfg.Reporter = clk, r.rep
		if cfg.Workers == 0 {
			cfg.Workers = 2
		}
		r.d = New(r.st, map[string]Sender{remind.ChannelWebhook: snd}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
		r.d.Start(context.Background())
		synctest.Wait()
		defer r.stop()
		fn(r)
	})
}

// TestSubmittedDeliveriesAreSentAtTheirTime: one due now goes at once,
// those held go each at its instant, and their outcomes are recorded.
func TestSubmittedDeliveriesAreSentAtTheirTime(t *testing.T) {
	runDispatcher(t, Config{}, nil, func(r *rig) {
		r.submit(0, leased("now", t0), leased("soon", t0.Add(1500*time.Millisecond)), leased("later", t0.Add(3*time.Second)))
		if got := r.snd.sends("now"); len(got) != 1 || !got[0].Equal(t0) {
			t.Fatalf("due now: sent at %v", got)
		}
		if n, next := r.d.Held(); n != 2 || !next.Equal(t0.Add(1500*time.Millisecond)) {
			t.Fatalf("Held = %d %v", n, next)
		}
		r.advance(4*time.Second, 10*time.Millisecond)
		for id, due := range map[string]time.Time{"soon": t0.Add(1500 * time.Millisecond), "later": t0.Add(3 * time.Second)} {
			if got := r.snd.sends(id); len(got) != 1 || !got[0].Equal(due) {
				t.Fatalf("%s sent at %v, want once at %v", id, got, due)
			}
			if d := r.st.get(id); d.State != remind.DeliveryDelivered || d.FinishedAt == nil {
				t.Fatalf("%s recorded as %+v", id, d)
			}
		}
	})
}

// TestRetriesBackOffUntilRetryFor: a failing receiver is retried after
// BaseBackoff, doubled each time (±20 % jitter), from the store's retry
// time, until RetryFor after the due time; then the delivery fails.
func TestRetriesBackOffUntilRetryFor(t *testing.T) {
	snd := &sendLog{fail: errors.New("503")}
	runDispatcher(t, Config{BaseBackoff: time.Second, RetryFor: 10 * time.Second}, snd, func(r *rig) {
		r.submit(0, leased("x", t0))
		r.advance(30*time.Second, 10*time.Millisecond)
		at := r.snd.sends("x")
		// 0, ~1, ~3, ~7 s: under RetryFor; the fifth (~15 s) is past it and final.
		if len(at) != 5 {
			t.Fatalf("%d attempts at %v, want 5", len(at), at)
		}
		for i := 1; i < len(at); i++ {
			gap, want := at[i].Sub(at[i-1]), time.Second<<(i-1)
			if gap < want*8/10 || gap > want*12/10+10*time.Millisecond {
				t.Fatalf("attempt %d came %v after the previous, want %v ± 20%%", i+1, gap, want)
			}
		}
		if d := r.st.get("x"); d.State != remind.DeliveryFailed || d.LastError != "503" || d.Attempts != 5 {
			t.Fatalf("after RetryFor: %+v", d)
		}
	})
}

// TestOutcomesAreRecordedInBatches: a herd's outcomes are written in a few
// transactions, not one per delivery.
func TestOutcomesAreRecordedInBatches(t *testing.T) {
	runDispatcher(t, Config{Workers: 8}, nil, func(r *rig) {
		var ds []remind.Delivery
		for i := 0; i < 500; i++ {
			ds = append(ds, leased(remind.NewID(t0), t0))
		}
		r.submit(0, ds...)
		r.advance(time.Second, 100*time.Millisecond)
		var recorded, calls int
		r.st.set(func(s *memStore) { recorded, calls = s.recorded, s.finishes })
		if r.snd.total() != 500 || recorded != 500 {
			t.Fatalf("sent %d, recorded %d, want 500", r.snd.total(), recorded)
		}
		if calls > 50 {
			t.Fatalf("%d outcome writes for 500 deliveries: not batched", calls)
		}
	})
}

// TestPendingCheckAndItsShortcut: a delivery leased at the store's current
// change count is sent without asking the store; one leased before a
// change is checked, and not sent when it was cancelled meanwhile.
func TestPendingCheckAndItsShortcut(t *testing.T) {
	var changes atomic.Uint64
	cfg := Config{Changes: func(context.Context) (uint64, bool) { return changes.Load(), true }}
	runDispatcher(t, cfg, nil, func(r *rig) {
		r.submit(r.d.Stamp(context.Background()), leased("fresh", t0))
		var asked int
		r.st.set(func(s *memStore) { asked = s.pendingOf })
		if asked != 0 || len(r.snd.sends("fresh")) != 1 {
			t.Fatalf("unchanged store: %d pending checks, sent %d times; want 0 checks, 1 send", asked, len(r.snd.sends("fresh")))
		}
		stamp := r.d.Stamp(context.Background())
		cancelled := leased("cancelled", t0)
		cancelled.State = remind.DeliveryCancelled
		r.st.put(cancelled) // cancelled after the lease: the count moves
		changes.Add(1)
		r.d.Submit(context.Background(), []remind.Delivery{leased("cancelled", t0), leased("kept", t0)}, stamp)
		r.st.put(leased("kept", t0))
		synctest.Wait()
		r.st.set(func(s *memStore) { asked = s.pendingOf })
		if asked == 0 || len(r.snd.sends("cancelled")) != 0 {
			t.Fatalf("after a change: %d pending checks, cancelled sent %d times", asked, len(r.snd.sends("cancelled")))
		}
	})
}

// TestStopLetsInFlightSendsFinish: Stop waits for a send in progress and
// records its outcome before it returns.
func TestStopLetsInFlightSendsFinish(t *testing.T) {
	runDispatcher(t, Config{}, nil, func(r *rig) {
		r.snd.block = make(chan struct{}) // made in the bubble, so a send waiting on it is durably blocked
		r.submit(0, leased("x", t0))
		stopped := make(chan struct{})
		go func() {
			r.stop()
			close(stopped)
		}()
		synctest.Wait()
		select {
		case <-stopped:
			t.Fatal("Stop returned while a send was in flight")
		default:
		}
		close(r.snd.block)
		<-stopped
		if d := r.st.get("x"); d.State != remind.DeliveryDelivered {
			t.Fatalf("outcome of the in-flight send: %+v", d)
		}
	})
}

// TestPollBacksOffWhileTheStoreFails: a failing LeaseDeliveries is retried
// with growing waits up to the cap (the issue saw a retry every 5 ms), the
// failures are reported, and work is taken up within the cap once the
// store recovers.
func TestPollBacksOffWhileTheStoreFails(t *testing.T) {
	runDispatcher(t, Config{}, nil, func(r *rig) {
		r.st.set(func(s *memStore) { s.leaseFail, s.leases = true, 0 })
		r.d.Wake()
		r.advance(time.Minute, 10*time.Millisecond)
		var calls int
		r.st.set(func(s *memStore) { calls = s.leases })
		if calls < 12 || calls > 34 {
			t.Fatalf("LeaseDeliveries called %d times in a minute of failures, want a back-off's worth (12..34)", calls)
		}
		if n := r.rep.get(PollLoop); n < 12 || r.d.Failures() != n {
			t.Fatalf("reported %d consecutive failures, Failures() %d", n, r.d.Failures())
		}
		d := leased("x", t0)
		d.NextAttemptAt = r.clk.Now() // its lease ran out: for the poller
		r.st.put(d)
		r.st.set(func(s *memStore) { s.leaseFail = false })
		r.advance(5*time.Second, 10*time.Millisecond)
		if len(r.snd.sends("x")) != 1 || r.rep.get(PollLoop) != 0 || r.d.Failures() != 0 {
			t.Fatalf("after recovery: sent %d times, failures %d", len(r.snd.sends("x")), r.rep.get(PollLoop))
		}
	})
}

// TestOutcomeWritesBackOffWhileTheStoreFails: outcomes that cannot be
// recorded are kept and retried with back-off, and recorded once the store
// recovers.
func TestOutcomeWritesBackOffWhileTheStoreFails(t *testing.T) {
	runDispatcher(t, Config{}, nil, func(r *rig) {
		r.st.set(func(s *memStore) { s.finishFail = true })
		r.submit(0, leased("x", t0))
		r.advance(40*time.Second, 10*time.Millisecond) // less than the lease: nobody sends it again meanwhile
		var calls int
		r.st.set(func(s *memStore) { calls = s.finishes })
		if calls < 10 || calls > 7+35/2.5+2 {
			t.Fatalf("FinishDeliveries called %d times in 40 s of failures, want a back-off's worth (10..23)", calls)
		}
		if r.rep.get(ResultsLoop) != calls {
			t.Fatalf("reported %d failures, want %d", r.rep.get(ResultsLoop), calls)
		}
		r.st.set(func(s *memStore) { s.finishFail = false })
		r.advance(5*time.Second, 10*time.Millisecond)
		if d := r.st.get("x"); d.State != remind.DeliveryDelivered || r.rep.get(ResultsLoop) != 0 {
			t.Fatalf("after recovery: %+v, failures %d", d, r.rep.get(ResultsLoop))
		}
		if n := len(r.snd.sends("x")); n != 1 {
			t.Fatalf("sent %d times, want once", n)
		}
	})
}

// TestExpectWakesThePollForDeliveriesInTheStore: deliveries the scheduler
// wrote to the store unleased while the dispatcher's memory was full
// (scheduler.Config.SpillAhead) are leased and sent at their time when
// Expect announces them, though the poll had planned to sleep MaxSleep; an
// Expect later than the poll's plan does not wake it.
func TestExpectWakesThePollForDeliveriesInTheStore(t *testing.T) {
	runDispatcher(t, Config{MaxSleep: time.Hour}, nil, func(r *rig) {
		r.advance(time.Second, 100*time.Millisecond) // the poll found nothing: it sleeps an hour
		at := r.clk.Now().Add(20 * time.Second)
		for _, id := range []string{"a", "b", "c"} {
			r.st.put(remind.Delivery{ID: id, Channel: remind.ChannelWebhook, DueAt: at, State: remind.DeliveryPending, NextAttemptAt: at})
		}
		r.d.Expect(at, 0)
		synctest.Wait()
		r.d.Expect(at.Add(2*time.Hour), 0) // later than the plan: nothing to do
		synctest.Wait()
		r.advance(20*time.Second-time.Millisecond, 100*time.Millisecond)
		if n := r.snd.total(); n != 0 {
			t.Fatalf("%d sent before their time", n)
		}
		r.advance(time.Millisecond, time.Millisecond)
		for _, id := range []string{"a", "b", "c"} {
			if got := r.snd.sends(id); len(got) != 1 || !got[0].Equal(at) {
				t.Fatalf("%s sent at %v, want once at %v", id, got, at)
			}
			if d := r.st.get(id); d.State != remind.DeliveryDelivered || d.Attempts != 1 {
				t.Fatalf("%s recorded as %+v", id, d)
			}
		}
	})
}

// TestExpectLeasedReadsTheStoreAtTheirTime: deliveries the scheduler wrote
// to the store leased to this instance ahead of their time
// (scheduler.Config.HoldAhead) are read at their time, in batches, and
// each sent once under the lease they were written with (no second
// lease); those held by another instance, or due later, are not; one
// planned again before the cursor after it passed (a write re-planned
// it) is found when Expect announces it; what was sent is not sent again.
func TestExpectLeasedReadsTheStoreAtTheirTime(t *testing.T) {
	const lf, n = 30 * time.Second, 2*pollBatch + 7
	runDispatcher(t, Config{MaxSleep: time.Hour, Owner: "me"}, nil, func(r *rig) {
		r.advance(time.Second, 100*time.Millisecond) // the poll found nothing: it sleeps an hour
		at := r.clk.Now().Add(20 * time.Second)
		later := at.Add(5 * time.Second)
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("h%05d", i)
			r.st.putAhead(remind.Delivery{ID: ids[i], Channel: remind.ChannelWebhook, DueAt: at}, "me", lf)
		}
		r.st.putAhead(remind.Delivery{ID: "other", Channel: remind.ChannelWebhook, DueAt: at}, "another", lf)
		r.st.putAhead(remind.Delivery{ID: "later", Channel: remind.ChannelWebhook, DueAt: later}, "me", lf)
		r.d.Expect(at, lf)
		synctest.Wait()
		r.advance(20*time.Second-time.Millisecond, 100*time.Millisecond)
		if got := r.snd.total(); got != 0 {
			t.Fatalf("%d sent before their time", got)
		}
		r.advance(time.Millisecond, time.Millisecond)
		for _, id := range ids {
			if got := r.snd.sends(id); len(got) != 1 || !got[0].Equal(at) {
				t.Fatalf("%s sent at %v, want once at %v", id, got, at)
			}
			if d := r.st.get(id); d.State != remind.DeliveryDelivered || d.Attempts != 1 {
				t.Fatalf("%s recorded as %+v, want delivered under its first lease", id, d)
			}
		}
		if got := r.snd.sends("other"); len(got) != 0 {
			t.Fatalf("another instance's delivery sent at %v", got)
		}
		// Planned again by a write: it sorts before what was read.
		r.st.putAhead(remind.Delivery{ID: "a-replanned", Channel: remind.ChannelWebhook, DueAt: at}, "me", lf)
		r.d.Expect(at, lf)
		r.advance(time.Millisecond, time.Millisecond)
		if got := r.snd.sends("a-replanned"); len(got) != 1 {
			t.Fatalf("re-planned delivery sent %d times, want once", len(got))
		}
		if got := r.snd.sends("later"); len(got) != 0 {
			t.Fatalf("a delivery due at %v sent at %v", later, got)
		}
		r.advance(later.Sub(r.clk.Now()), 100*time.Millisecond)
		if got := r.snd.sends("later"); len(got) != 1 || !got[0].Equal(later) {
			t.Fatalf("later sent at %v, want once at %v", got, later)
		}
		for _, id := range ids {
			if got := r.snd.sends(id); len(got) != 1 {
				t.Fatalf("%s sent %d times", id, len(got))
			}
		}
	})
}

// TestReadAheadWaitsForTheWriter: deliveries leased ahead are read no
// faster than their outcomes are written. While the writer is held up,
// the reads stop once readAheadSlack outcomes wait (what is read
// then is sent, and its outcome waits in the queue); once the writer
// goes on, every delivery is read, sent once and recorded.
func TestReadAheadWaitsForTheWriter(t *testing.T) {
	const lf, n = 30 * time.Second, 40000
	runDispatcher(t, Config{MaxSleep: time.Hour, Owner: "me", Workers: 8}, nil, func(r *rig) {
		gate := make(chan struct{})
		r.st.set(func(s *memStore) { s.gate = gate })
		at := r.clk.Now().Add(time.Second)
		for i := range n {
			r.st.putAhead(remind.Delivery{ID: fmt.Sprintf("h%06d", i), Channel: remind.ChannelWebhook, DueAt: at}, "me", lf)
		}
		r.d.Expect(at, lf)
		r.advance(time.Second, 100*time.Millisecond)
		// Bounded by the slack, the writer's batch in hand, the
		// check and send queues and one read.
		if sent, bound := r.snd.total(), readAheadSlack+8192+cap(r.d.queue)+cap(r.d.sendq)+2*pollBatch+8; sent == n || sent > bound {
			t.Fatalf("%d of %d read and sent while the writer was held up, want at most %d", sent, n, bound)
		}
		close(gate)
		r.advance(5*time.Second, 100*time.Millisecond)
		if sent := r.snd.total(); sent != n {
			t.Fatalf("%d sent, want %d", sent, n)
		}
		var recorded int
		r.st.set(func(s *memStore) { recorded = s.recorded })
		if recorded != n {
			t.Fatalf("%d outcomes recorded, want %d", recorded, n)
		}
	})
}
