// Package scheduler fires reminders at their moment. The store's index of
// next firings is the queue: the scheduler sleeps until the earliest one,
// is woken early by writes that bring a firing forward, claims what is due in
// batches, and hands the deliveries to the dispatcher. Nothing about the
// pending set is held in memory, so millions can wait. Time comes from
// Config.Clock; while the store fails the loop backs off.
package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/backoff"
	"github.com/raasdev/raas/internal/clock"
	"github.com/raasdev/raas/internal/nextfire"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// Store is what the scheduler needs of the store.
type Store interface {
	NextFireAt(ctx context.Context) (time.Time, bool, error)
	CountDue(ctx context.Context, until time.Time, limit int) (int, error)
	FireDue(ctx context.Context, now time.Time, limit int, lease store.Lease, plan store.FirePlanner) ([]remind.Delivery, error)
}

// Dispatcher takes deliveries the scheduler created, leased to this process.
// Stamp is read before the transaction that creates them and handed back
// with them to Submit (see deliver.Dispatcher.Stamp).
//
// Expect says deliveries due from `at` were written to the store
// (claimed ahead while MaxHeld are held: Config.SpillAhead), unleased when
// leasedFor is 0, else leased to this instance from their due time for
// leasedFor (Config.HoldAhead); the dispatcher looks at the store by then.
type Dispatcher interface {
	Held() (n int, next time.Time)
	Stamp(ctx context.Context) uint64
	Submit(ctx context.Context, ds []remind.Delivery, stamp uint64)
	Expect(at time.Time, leasedFor time.Duration)
}

// Observer hears of every firing (for metrics); may be nil.
type Observer interface {
	Fired(r remind.Reminder, fireAt, now time.Time)
}

// Config tunes the scheduler.
type Config struct {
	Batch    int           // reminders claimed per transaction (default 500)
	Lease    time.Duration // how long new deliveries are leased to this process (default 30s)
	MaxSleep time.Duration // longest sleep without looking at the store (default 30s); covers writes by other processes without a broadcast
	// Lookahead claims firings this long before they are due, so that a
	// herd of them is fanned out and written before its instant and the
	// dispatcher sends each at its time from memory (default 0: at the time).
	Lookahead time.Duration
	// MaxHeld bounds claiming ahead: while the dispatcher holds this many
	// deliveries not yet due, only what is due now is claimed, so a herd
	// of millions is not fanned out into memory at once (default 100,000).
	MaxHeld int
	// SpillAhead is how far ahead a herd is claimed: when at least
	// MaxHeld firings fall due within it, they are claimed that early,
	// the first MaxHeld into memory and the rest planned and written to
	// the store unleased at their time (store.Lease.Ahead), where the
	// dispatcher's poll leases them when they fall due. A herd larger than
	// MaxHeld is then fanned out before its instant instead of after it,
	// with memory bounded. Within SpillAhead of the next firing the loop
	// asks the store once a second (herdCheck) whether a herd is coming
	// (default 0: no herd is claimed earlier than Lookahead, and only what
	// is due now is claimed while MaxHeld are held).
	SpillAhead time.Duration
	// HoldAhead leases what a herd writes to the store ahead of its time
	// to this instance from each delivery's due time, for SpillAhead +
	// Lease (store.Lease.AheadFor), instead of writing it unleased: the
	// dispatcher then reads it when it falls due and sends it without a
	// second lease, which halves what the store's writer does for each
	// delivery of a herd. Set it where this instance is the store's only
	// user (SQLite); where several share it, leaving it unset lets any of
	// them lease the herd.
	HoldAhead bool
	Policy    remind.FirePolicy
	// Owner is this instance's id (see store.Store.Heartbeat), recorded on
	// the deliveries it claims so that they are taken over as soon as it
	// is found dead rather than when their lease runs out.
	Owner string
	// Clock is the time source for claiming and sleeping (nil: the real one).
	Clock clockwork.Clock
	// Backoff paces retries while the store fails (zero: backoff.Default);
	// Reporter hears the count of consecutive failures (may be nil).
	Backoff  backoff.Policy
	Reporter backoff.Reporter
}

// LoopName labels the scheduler loop's failures (metrics, readiness).
const LoopName = "scheduler"

// Scheduler fires due reminders. Create it with New, then Start it.
type Scheduler struct {
	store    Store
	dispatch Dispatcher
	obs      Observer
	log      *slog.Logger
	clock    clockwork.Clock
	cfg      Config
	fails    *backoff.Streak

	mu      sync.Mutex
	planned time.Time // when the loop means to wake next; zero while it is working
	wake    chan struct{}
	life    sync.Mutex // guards cancel, done and stopped: Start and Stop are idempotent
	cancel  context.CancelFunc
	done    chan struct{}
	stopped bool
}

// New returns a scheduler.
func New(s Store, d Dispatcher, obs Observer, log *slog.Logger, cfg Config) *Scheduler {
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.MaxSleep <= 0 {
		cfg.MaxSleep = 30 * time.Second
	}
	if cfg.MaxHeld <= 0 {
		cfg.MaxHeld = 100_000
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	return &Scheduler{store: s, dispatch: d, obs: obs, log: log, clock: cfg.Clock, cfg: cfg, wake: make(chan struct{}, 1),
		fails: backoff.NewStreak(LoopName, cfg.Backoff, cfg.Reporter)}
}

// Notify tells the scheduler a firing at `at` was written; it wakes the loop
// when that is earlier than its planned wake-up. Cheap enough to call on
// every write.
func (s *Scheduler) Notify(at time.Time) {
	s.mu.Lock()
	early := s.planned.IsZero() || at.Before(s.planned)
	s.mu.Unlock()
	if early {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Start runs the loop until Stop.
func (s *Scheduler) Start(ctx context.Context) error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.stopped {
		return errors.New("scheduler: stopped")
	}
	if s.cancel != nil { // started already
		return nil
	}
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		s.loop(ctx)
	}()
	return nil
}

// Stop ends the loop and waits for it; calling it again, or before Start,
// does nothing more. Deliveries already created stay in the store, leased
// to Config.Owner; they are sent by the dispatcher or, once the instance is
// gone, by whoever takes them over (see store.Store.Heartbeat and
// ReleaseLeases).
func (s *Scheduler) Stop() {
	s.life.Lock()
	cancel, done := s.cancel, s.done
	s.stopped = true
	s.life.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Failures returns the loop's count of consecutive store failures.
func (s *Scheduler) Failures() int { return s.fails.Failures() }

func (s *Scheduler) loop(ctx context.Context) {
	timer := s.clock.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.setPlanned(time.Time{})
		err := s.fireDue(ctx)
		if ctx.Err() != nil {
			return
		}
		var wakeAt time.Time
		if err == nil {
			wakeAt, err = s.nextWake(ctx)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			// Back off: a failing store is asked a few times a second at
			// first, then every few seconds, not in a spin. Writes do not
			// cut the wait short (a herd of them would bring the spin back).
			wait, n := s.fails.Fail()
			s.log.Error("scheduler: store failed; backing off", "err", err, "failures", n, "retry_in", wait)
			s.setPlanned(s.clock.Now().Add(wait))
			clock.Reset(timer, wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.Chan():
			}
			continue
		}
		if s.fails.Succeed() {
			s.log.Info("scheduler: store recovered")
		}
		s.setPlanned(wakeAt)
		clock.Reset(timer, wakeAt.Sub(s.clock.Now()))
		select {
		case <-ctx.Done():
			return
		case <-timer.Chan():
		case <-s.wake:
		}
	}
}

// herdCheck is how often, within SpillAhead of the next firing, the loop
// asks the store whether a herd is coming (see Config.SpillAhead).
const herdCheck = time.Second

// nextWake returns when the loop should look at the store next: the next
// firing less the look-ahead (SpillAhead while memory is full; within
// SpillAhead of it, herdCheck from now), or MaxSleep from now.
func (s *Scheduler) nextWake(ctx context.Context) (time.Time, error) {
	now := s.clock.Now()
	wakeAt := now.Add(s.cfg.MaxSleep)
	next, ok, err := s.store.NextFireAt(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return wakeAt, nil
	}
	claimAt := next.Add(-s.cfg.Lookahead)
	if n, held := s.dispatch.Held(); n >= s.cfg.MaxHeld {
		// Claiming into memory is paused: wake when the next is due (or
		// comes within SpillAhead) or when held deliveries start
		// leaving, whichever is first.
		claimAt = next.Add(-s.cfg.SpillAhead)
		if !held.IsZero() && held.Before(claimAt) {
			claimAt = held
		}
		if check := now.Add(herdCheck); s.spills() && check.Before(claimAt) {
			// A herd is under way: what is added to it is planned
			// into the store within herdCheck, not at held's time.
			claimAt = check
		}
	} else if s.spills() {
		check := next.Add(-s.cfg.SpillAhead)
		if !check.After(now) {
			check = now.Add(herdCheck)
		}
		if check.Before(claimAt) {
			claimAt = check
		}
	}
	if claimAt.Before(wakeAt) {
		wakeAt = claimAt
	}
	return wakeAt, nil
}

// spills reports whether herds are claimed ahead of Lookahead.
func (s *Scheduler) spills() bool { return s.cfg.SpillAhead > s.cfg.Lookahead }

// herdComing reports whether at least MaxHeld firings fall due within
// SpillAhead of now.
func (s *Scheduler) herdComing(ctx context.Context, now time.Time) (bool, error) {
	if !s.spills() {
		return false, nil
	}
	n, err := s.store.CountDue(ctx, now.Add(s.cfg.SpillAhead), s.cfg.MaxHeld)
	return n >= s.cfg.MaxHeld, err
}

func (s *Scheduler) setPlanned(t time.Time) {
	s.mu.Lock()
	s.planned = t
	s.mu.Unlock()
}

// fireDue claims and fans out everything due now, batch by batch; it
// returns the first store error.
func (s *Scheduler) fireDue(ctx context.Context) error {
	herd, err := s.herdComing(ctx, s.clock.Now())
	if err != nil {
		return err
	}
	for first := true; ctx.Err() == nil; first = false {
		now := s.clock.Now()
		horizon, lease := s.horizon(now, herd)
		if first {
			// Woken to look: nothing to claim yet is the common case, and
			// a read says so without taking the store's writer.
			next, ok, err := s.store.NextFireAt(ctx)
			if err != nil || !ok || next.After(horizon) {
				return err
			}
		}
		b := firedBatch{after: lease.Ahead}
		stamp := s.dispatch.Stamp(ctx)
		ds, err := s.store.FireDue(ctx, horizon, s.cfg.Batch, lease, s.planner(now, &b))
		if err != nil {
			return err
		}
		// Only firings whose transaction committed count: a batch that
		// rolled back is claimed again and would be counted twice.
		for _, f := range b.fired {
			s.obs.Fired(f.r, f.at, now)
		}
		if len(ds) > 0 {
			s.dispatch.Submit(ctx, ds, stamp)
		}
		if !b.ahead.IsZero() {
			s.dispatch.Expect(b.ahead, lease.AheadFor) // written to the store: see horizon
		}
		next, ok, err := s.store.NextFireAt(ctx)
		if err != nil || !ok || next.After(horizon) {
			return err
		}
	}
	return nil
}

// horizon is how far ahead to claim, and the lease of what is claimed:
// Lookahead (SpillAhead when a herd is coming), leased to this instance
// and held in memory, unless the dispatcher already holds MaxHeld
// deliveries waiting for their time. Then what is due now is leased, and
// what is due within SpillAhead is planned and written to the store
// unleased (store.Lease.Ahead), or leased from its due time with
// HoldAhead (store.Lease.AheadFor).
func (s *Scheduler) horizon(now time.Time, herd bool) (time.Time, store.Lease) {
	if n, _ := s.dispatch.Held(); n >= s.cfg.MaxHeld {
		lease := store.Lease{Owner: s.cfg.Owner, Until: now.Add(s.cfg.Lease)}
		if s.cfg.SpillAhead <= 0 {
			return now, lease
		}
		lease.Ahead = now
		if s.cfg.HoldAhead {
			// As long past its time as a delivery of the same plan held
			// in memory may be leased (Until, from up to SpillAhead
			// ahead): a herd that takes longer than Lease to send is not
			// leased a second time, row by row, as it goes.
			lease.AheadFor = s.cfg.SpillAhead + s.cfg.Lease
		}
		return now.Add(s.cfg.SpillAhead), lease
	}
	h := now.Add(s.cfg.Lookahead)
	if herd {
		h = now.Add(s.cfg.SpillAhead)
	}
	return h, store.Lease{Owner: s.cfg.Owner, Until: h.Add(s.cfg.Lease)}
}

// firing is one reminder the planner fanned out, kept for the observer.
type firing struct {
	r  remind.Reminder
	at time.Time
}

// firedBatch is what the planner notes of one FireDue batch: its firings,
// for the observer (only when there is one: a herd is claimed by the
// million), and the earliest delivery due after `after` (the lease's
// Ahead), written to the store for the dispatcher to take at its time.
type firedBatch struct {
	after time.Time
	fired []firing
	ahead time.Time
}

// planner decides each due reminder's deliveries and next firing, and
// notes each firing in b.
func (s *Scheduler) planner(now time.Time, b *firedBatch) store.FirePlanner {
	return func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		at := *r.NextFireAt
		if s.obs != nil {
			b.fired = append(b.fired, firing{r, at})
		}
		plan, err := PlanFiring(r, recips, hooks, now, s.cfg.Policy)
		if err != nil {
			// A rule that parsed at create but not now (zone data changed): stop it, say why.
			s.log.Error("scheduler: next occurrence", "reminder", r.ID, "err", err)
		}
		if !b.after.IsZero() {
			// Each delivery's own time, not the firing's: one held by the
			// recipient's quiet hours is due later than a firing due now,
			// and is written to the store all the same (store.Waits,
			// store.HeldAhead).
			for _, d := range plan.Deliveries {
				if d.State == remind.DeliveryPending && d.DueAt.After(b.after) && (b.ahead.IsZero() || d.DueAt.Before(b.ahead)) {
					b.ahead = d.DueAt
				}
			}
		}
		return plan
	}
}

// PlanFiring is the scheduler's decision, at now, for one due reminder:
// the deliveries of its firing at r.NextFireAt, its next firing and status,
// and its firings claimed ahead (remind.Reminder.ClaimAfter) when the firing is ahead of
// now. A rule that no longer parses ends the reminder (done) and is
// returned as the error.
func PlanFiring(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook, now time.Time, policy remind.FirePolicy) (store.FirePlan, error) {
	fireAt := *r.NextFireAt
	plan := store.FirePlan{Deliveries: remind.Plan(r, fireAt, recips, hooks, now, policy), Status: remind.StatusDone,
		Claimed: r.ClaimAfter(fireAt, now)}
	next, ok, err := nextfire.After(r, fireAt, now, policy.MissedAfter)
	if err != nil {
		return plan, err
	}
	if ok {
		plan.Next, plan.Status = &next, remind.StatusActive
	}
	return plan, nil
}
