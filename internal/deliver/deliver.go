// Package deliver sends deliveries on their channels: at least once, with a
// stable id, retried with exponential backoff and jitter until a deadline,
// then recorded as failed. Deliveries reach it two ways: straight from the
// scheduler, already leased, and from the store when their retry time comes
// or a lease (of a process that died) runs out.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// Sender sends one delivery on one channel. It returns the channel's status
// code where it has one (HTTP status), and an error when the delivery was
// not accepted; wrap the error with Permanent or Gone when retrying is useless.
type Sender interface {
	Send(ctx context.Context, d remind.Delivery) (status int, err error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, d remind.Delivery) (int, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, d remind.Delivery) (int, error) { return f(ctx, d) }

// Store is what the dispatcher needs of the store.
type Store interface {
	NextDeliveryAt(ctx context.Context) (time.Time, bool, error)
	LeaseDeliveries(ctx context.Context, now time.Time, limit int, leaseUntil time.Time) ([]remind.Delivery, error)
	PendingOf(ctx context.Context, ids []string) (map[string]int, error)
	FinishDeliveries(ctx context.Context, results []store.Result) error
}

// Observer hears of every attempt (for metrics); may be nil.
type Observer interface {
	Attempted(d remind.Delivery, outcome string, took time.Duration)
}

// Config tunes the dispatcher.
type Config struct {
	Workers     int           // concurrent sends (default 64)
	Lease       time.Duration // lease on deliveries taken from the store (default 30s)
	SendTimeout time.Duration // per attempt (default 10s); keep it below Lease
	RetryFor    time.Duration // give up this long after the delivery fell due (default 24h)
	BaseBackoff time.Duration // first retry delay (default 1s), doubled each time
	MaxBackoff  time.Duration // longest retry delay (default 1h)
	MaxSleep    time.Duration // longest wait without looking at the store (default 30s)
	LateAfter   time.Duration // a delivery sent this long after its time says "late": true (0: never marked here)
	// Changes, when set, returns the store's count of committed changes
	// that can take a delivery out of pending by other means than this
	// dispatcher's own outcome writes (reminder updates, cancels, deletes:
	// store.Store.Changes), and false when it cannot be trusted or read. A
	// delivery leased with no change since is sent without asking the store
	// whether it is still pending, the check that otherwise dominated a
	// herd's profile. nil: every delivery is checked.
	Changes func(ctx context.Context) (uint64, bool)
}

// Dispatcher sends deliveries. Create it with New, then Start it.
type Dispatcher struct {
	store   Store
	senders map[string]Sender
	obs     Observer
	log     *slog.Logger
	now     func() time.Time
	cfg     Config

	queue   chan remind.Delivery // due, waiting for the pending check
	sendq   chan remind.Delivery // checked, waiting for a sender
	results chan store.Result
	wake    chan struct{}
	held    *holdQueue // deliveries submitted before their time

	mu       sync.Mutex
	inflight map[string]claim // queued or being sent by this process

	cancel  context.CancelFunc
	workers sync.WaitGroup
	loops   sync.WaitGroup
}

// New returns a dispatcher sending each channel through senders[channel].
func New(s Store, senders map[string]Sender, obs Observer, log *slog.Logger, now func() time.Time, cfg Config) *Dispatcher {
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 30 * time.Second
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 10 * time.Second
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = 24 * time.Hour
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.MaxSleep <= 0 {
		cfg.MaxSleep = 30 * time.Second
	}
	return &Dispatcher{
		store: s, senders: senders, obs: obs, log: log, now: now, cfg: cfg,
		queue:    make(chan remind.Delivery, 8192),
		sendq:    make(chan remind.Delivery, 1024),
		results:  make(chan store.Result, 1<<16),
		held:     newHoldQueue(),
		wake:     make(chan struct{}, 1),
		inflight: map[string]claim{},
	}
}

// Start runs the workers, the result writer and the store poller.
func (d *Dispatcher) Start(ctx context.Context) {
	ctx, d.cancel = context.WithCancel(ctx)
	sendCtx := context.WithoutCancel(ctx) // in-flight sends finish on Stop
	for i := 0; i < d.cfg.Workers; i++ {
		d.workers.Add(1)
		go func() {
			defer d.workers.Done()
			d.work(ctx, sendCtx)
		}()
	}
	for i := 0; i < 4; i++ { // as many as the SQLite driver's read connections
		d.workers.Add(1)
		go func() {
			defer d.workers.Done()
			d.check(ctx, sendCtx)
		}()
	}
	d.loops.Add(3)
	go func() {
		defer d.loops.Done()
		d.release(ctx)
	}()
	go func() {
		defer d.loops.Done()
		d.writeResults(sendCtx)
	}()
	go func() {
		defer d.loops.Done()
		d.poll(ctx)
	}()
}

// Stop stops taking work, lets in-flight sends finish and records their
// outcomes. Queued deliveries not yet sent stay leased in the store and are
// taken up again when the lease runs out.
func (d *Dispatcher) Stop() {
	if d.cancel == nil {
		return
	}
	d.cancel()
	d.workers.Wait()
	close(d.results)
	d.loops.Wait()
}

// Stamp returns the store's change count (Config.Changes) plus one, to be
// taken before the transaction that leases deliveries and handed to Submit
// with them; 0, which never matches, when there is none.
func (d *Dispatcher) Stamp(ctx context.Context) uint64 {
	if d.cfg.Changes == nil {
		return 0
	}
	n, ok := d.cfg.Changes(ctx)
	if !ok {
		return 0
	}
	return n + 1
}

// Submit queues deliveries leased to this process; those not yet due are
// held until their time. stamp is Stamp's value from before they were
// leased. It blocks while the queue is full, which slows the scheduler
// down instead of growing memory.
func (d *Dispatcher) Submit(ctx context.Context, ds []remind.Delivery, stamp uint64) {
	now := d.now()
	for _, dl := range ds {
		if !d.claim(dl, stamp) {
			continue
		}
		if dl.DueAt.After(now) {
			d.held.push(dl)
			continue
		}
		select {
		case d.queue <- dl:
		case <-ctx.Done():
			return
		}
	}
}

// Held returns how many deliveries wait in memory for their time, and the
// earliest one's time: the scheduler stops claiming ahead while too many do.
func (d *Dispatcher) Held() (n int, next time.Time) {
	next, _ = d.held.next()
	return d.held.len(), next
}

// Wake makes the poller look at the store now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// claim is this process's hold on one delivery: the lease's attempt count
// (its fencing token: a lease taken later counts more) and the Stamp taken
// before the lease.
type claim struct {
	attempts int
	stamp    uint64
}

// claim records dl as held by this process, unless a copy leased as late
// or later is held already. A copy leased later (the delivery was planned
// again after a write, or taken over) supersedes the one held: that one is
// dropped when it comes up (current).
func (d *Dispatcher) claim(dl remind.Delivery, stamp uint64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.inflight[dl.ID]; ok && c.attempts >= dl.Attempts {
		return false
	}
	d.inflight[dl.ID] = claim{attempts: dl.Attempts, stamp: stamp}
	return true
}

// current reports whether dl is the copy this process holds.
func (d *Dispatcher) current(dl remind.Delivery) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.inflight[dl.ID]
	return ok && c.attempts == dl.Attempts
}

// unchanged returns the deliveries of batch leased at the store's current
// change count (none when there is no count), to be filled in with those
// of the others, ask, that the store confirms are still pending.
func (d *Dispatcher) unchanged(ctx context.Context, batch []remind.Delivery) (fresh map[string]bool, ask []string) {
	fresh = make(map[string]bool, len(batch))
	gen := d.Stamp(ctx)
	d.mu.Lock()
	for _, dl := range batch {
		c, ok := d.inflight[dl.ID]
		switch {
		case !ok || c.attempts != dl.Attempts:
			// Superseded by a later copy: neither sent nor asked about.
		case gen != 0 && c.stamp == gen:
			fresh[dl.ID] = true
		default:
			ask = append(ask, dl.ID)
		}
	}
	d.mu.Unlock()
	return fresh, ask
}

// unclaim ends this process's hold on dl, unless a later copy superseded it.
func (d *Dispatcher) unclaim(dl remind.Delivery) {
	d.mu.Lock()
	if c, ok := d.inflight[dl.ID]; ok && c.attempts == dl.Attempts {
		delete(d.inflight, dl.ID)
	}
	d.mu.Unlock()
}

// check takes queued deliveries in batches of up to 512, drops those
// cancelled since they were leased (one store read per batch, not per
// delivery, and none when nothing can have changed: see Config.Changes),
// and hands the rest to the senders.
func (d *Dispatcher) check(ctx, sendCtx context.Context) {
	batch := make([]remind.Delivery, 0, 512)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			return
		case dl := <-d.queue:
			batch = append(batch, dl)
		}
	fill:
		for len(batch) < cap(batch) {
			select {
			case dl := <-d.queue:
				batch = append(batch, dl)
			default:
				break fill
			}
		}
		pending, ask := d.unchanged(sendCtx, batch)
		if len(ask) > 0 {
			still, err := d.store.PendingOf(sendCtx, ask)
			if err != nil {
				// Those not confirmed wait for their lease to run out; the
				// poller takes them again.
				d.log.Error("deliver: check pending", "err", err)
			}
			attempts := make(map[string]int, len(batch))
			for _, dl := range batch {
				attempts[dl.ID] = dl.Attempts
			}
			for id, n := range still {
				// Pending under another attempt count: leased again since
				// (planned anew after a write, or taken over), so this copy
				// is stale and the newer lease's holder sends it.
				if n == attempts[id] {
					pending[id] = true
				}
			}
		}
		for _, dl := range batch {
			if !pending[dl.ID] || !d.current(dl) {
				d.unclaim(dl)
				continue
			}
			select {
			case d.sendq <- dl:
			case <-ctx.Done():
				return
			}
		}
	}
}

// work sends deliveries that passed the check.
func (d *Dispatcher) work(ctx, sendCtx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case dl := <-d.sendq:
			if d.current(dl) { // not superseded by a later copy meanwhile
				d.send(sendCtx, dl)
			}
			d.unclaim(dl)
		}
	}
}

func (d *Dispatcher) send(ctx context.Context, dl remind.Delivery) {
	start := d.now()
	if !dl.Late && d.cfg.LateAfter > 0 && start.Sub(dl.DueAt) > d.cfg.LateAfter {
		dl.Late, dl.Payload = true, remind.MarkLate(dl.Payload)
	}
	res := store.Result{Attempt: remind.Attempt{DeliveryID: dl.ID, N: dl.Attempts, At: start}}
	sender, ok := d.senders[dl.Channel]
	var status int
	var err error
	if !ok {
		err = Permanent(fmt.Errorf("no sender for channel %q is configured", dl.Channel))
	} else {
		sctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
		status, err = safeSend(sctx, sender, dl)
		cancel()
	}
	end := d.now()
	res.Attempt.Duration, res.Attempt.StatusCode = end.Sub(start), status
	dl.UpdatedAt = end
	switch {
	case err == nil:
		dl.State, dl.LastError, dl.FinishedAt = remind.DeliveryDelivered, "", &end
		res.Attempt.Outcome = "delivered"
	case IsPermanent(err) || end.Sub(dl.DueAt) >= d.cfg.RetryFor:
		dl.State, dl.LastError, dl.FinishedAt = remind.DeliveryFailed, err.Error(), &end
		res.Attempt.Outcome, res.Attempt.Error = "failed", err.Error()
	default:
		dl.LastError = err.Error()
		dl.NextAttemptAt = end.Add(d.backoff(dl.Attempts, err))
		res.Attempt.Outcome, res.Attempt.Error = "retry", err.Error()
	}
	if d.obs != nil {
		d.obs.Attempted(dl, res.Attempt.Outcome, res.Attempt.Duration)
	}
	res.Delivery = dl
	d.results <- res
}

func safeSend(ctx context.Context, s Sender, dl remind.Delivery) (status int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sender panicked: %v", p)
		}
	}()
	return s.Send(ctx, dl)
}

// backoff returns the delay before attempt n+1: BaseBackoff·2^(n−1), capped,
// with ±20% jitter so retries of one outage do not arrive together; a
// Retry-After from the receiver is honoured when longer.
func (d *Dispatcher) backoff(n int, err error) time.Duration {
	b := d.cfg.BaseBackoff
	for i := 1; i < n && b < d.cfg.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.cfg.MaxBackoff)
	jit := time.Duration(float64(b) * (0.8 + 0.4*rand.Float64()))
	var ra *retryAfterError
	if errors.As(err, &ra) && ra.after > jit {
		return min(ra.after, d.cfg.MaxBackoff)
	}
	return jit
}

// writeResults records outcomes in batches: one transaction per few
// milliseconds of results, not one per delivery. While deliveries are
// waiting to be sent (a herd falling due) it defers the write, up to
// maxDefer or maxBatch results, so recording does not take the CPU and the
// store's writer from sending; outcomes not yet written when the process
// dies are sent again (at least once).
func (d *Dispatcher) writeResults(ctx context.Context) {
	const maxBatch, maxDefer = 8192, 500 * time.Millisecond
	batch := make([]store.Result, 0, maxBatch)
	var started time.Time
	flush := func() {
		if len(batch) == 0 {
			return
		}
		var earliest time.Time
		for _, r := range batch {
			if r.Delivery.State == remind.DeliveryPending && (earliest.IsZero() || r.Delivery.NextAttemptAt.Before(earliest)) {
				earliest = r.Delivery.NextAttemptAt
			}
		}
		for attempt := 0; ; attempt++ {
			err := d.store.FinishDeliveries(ctx, batch)
			if err == nil {
				break
			}
			if attempt == 4 {
				// The leases run out and the deliveries are sent again: at least once.
				d.log.Error("deliver: record outcomes; they will be retried", "n", len(batch), "err", err)
				break
			}
			time.Sleep(time.Duration(50<<attempt) * time.Millisecond)
		}
		if !earliest.IsZero() {
			d.Wake()
		}
		batch = batch[:0]
	}
	timer := time.NewTimer(maxDefer)
	defer timer.Stop()
	for {
		var r store.Result
		var ok bool
		if len(batch) == 0 {
			r, ok = <-d.results
		} else {
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(max(maxDefer-time.Since(started), 0))
			select {
			case r, ok = <-d.results:
			case <-timer.C:
				flush()
				continue
			}
		}
		if !ok {
			flush()
			return
		}
		if len(batch) == 0 {
			started = time.Now()
		}
		batch = append(batch, r)
	more:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-d.results:
				if !ok {
					flush()
					return
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		busy := len(d.queue) > 0 || len(d.sendq) > 0
		if busy && len(batch) < maxBatch && time.Since(started) < maxDefer {
			continue
		}
		flush()
	}
}

// poll takes deliveries from the store whose retry time has come or whose
// lease ran out, sleeping until the earliest one.
func (d *Dispatcher) poll(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := d.now()
		for ctx.Err() == nil {
			stamp := d.Stamp(ctx)
			ds, err := d.store.LeaseDeliveries(ctx, now, 256, now.Add(d.cfg.Lease))
			if err != nil {
				if ctx.Err() == nil {
					d.log.Error("deliver: lease", "err", err)
				}
				break
			}
			d.Submit(ctx, ds, stamp)
			if len(ds) < 256 {
				break
			}
		}
		wakeAt := d.now().Add(d.cfg.MaxSleep)
		if next, ok, err := d.store.NextDeliveryAt(ctx); err == nil && ok && next.Before(wakeAt) {
			wakeAt = next
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(max(time.Until(wakeAt), 5*time.Millisecond))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-d.wake:
		}
	}
}

// release moves held deliveries into the queue when their time comes.
func (d *Dispatcher) release(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := d.now()
		for {
			dl, ok := d.held.popDue(now)
			if !ok {
				break
			}
			select {
			case d.queue <- dl:
			case <-ctx.Done():
				return
			}
		}
		wait := time.Hour
		if next, ok := d.held.next(); ok {
			wait = next.Sub(d.now())
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-d.held.changed:
		}
	}
}
