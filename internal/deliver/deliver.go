// Package deliver sends deliveries on their channels: at least once, with a
// stable id, retried with exponential backoff and jitter until a deadline,
// then recorded as failed. Deliveries reach it two ways: straight from the
// scheduler, already leased, and from the store when their retry time comes,
// when a dead process's heartbeat stopped (or a restarted SQLite server
// took over) and they were handed back, or when a lease runs out. Every
// loop's clock is Config.Clock, and a loop whose store calls fail backs off.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/backoff"
	"github.com/raasdev/raas/internal/clock"
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
	LeaseDue(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]store.Leased, error)
	DeliveriesOf(ctx context.Context, ids []string) ([]remind.Delivery, error)
	ReadAhead(ctx context.Context, owner string, leasedFor time.Duration, now time.Time, after store.Cursor, limit int) ([]remind.Delivery, store.Cursor, error)
	NextAhead(ctx context.Context, owner string, leasedFor time.Duration, after store.Cursor) (time.Time, bool, error)
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
	// Owner is this instance's id (see store.Store.Heartbeat), recorded on
	// the deliveries it leases.
	Owner string
	// Clock is the time source for sends, retries, leases and every wait
	// (nil: the real one).
	Clock clockwork.Clock
	// Backoff paces the store loops while the store fails (zero:
	// backoff.Default); Reporter hears their counts of consecutive failures
	// (may be nil).
	Backoff  backoff.Policy
	Reporter backoff.Reporter
}

// resultsDepth is how many outcomes may wait for the store's writer before
// a sender waits. It is deeper than a herd held in memory (Config.MaxHeld
// of the scheduler, 100,000 by default), so a herd is sent at the pace of
// its channel, not of the store's writer: PostgreSQL records about 40,000
// outcomes a second on two cores, and with a queue of 65,536 the last
// third of a herd of 100,000 went out at that pace (1.8–2.4 s against
// 0.5 s). An outcome in the queue is the delivery without its payload, so
// the queue holds less than the herd it came from did; a crash loses
// nothing, as those deliveries are still leased and go out again.
const resultsDepth = 1 << 18

// readAheadSlack is how many outcomes may wait for the writer before the
// next read of deliveries leased ahead waits for a batch to be written
// (see readAhead): a herd in the store is pulled into memory no faster
// than its outcomes leave it.
const readAheadSlack = 1 << 14

// Loop names label the dispatcher's store loops' failures (metrics, readiness).
const (
	PollLoop    = "dispatcher_poll"    // leasing due deliveries from the store
	ResultsLoop = "dispatcher_results" // recording outcomes
)

// Dispatcher sends deliveries. Create it with New, then Start it.
type Dispatcher struct {
	store   Store
	senders map[string]Sender
	obs     Observer
	log     *slog.Logger
	clock   clockwork.Clock
	cfg     Config

	pollFails, resultFails *backoff.Streak

	queue   chan remind.Delivery // due, waiting for the pending check
	sendq   chan remind.Delivery // checked, waiting for a sender
	results chan *store.Result   // pointers: the buffer is resultsDepth deep, a Result half a kilobyte
	wake    chan struct{}
	written chan struct{} // a batch of outcomes was written (see readAhead)
	held    *holdQueue    // deliveries submitted before their time

	mu       sync.Mutex
	inflight map[string]claim // queued or being sent by this process
	polling  time.Time        // when the poll means to look at the store next; zero while it is looking
	ahead    aheadState       // deliveries leased to this process ahead of their time, waiting in the store
	// reading is set while readAhead reads the store: a hold ending
	// meanwhile is kept (in kept) until the read's claims are made, as its
	// snapshot may show that delivery still pending (see readAhead).
	reading bool
	kept    []remind.Delivery

	// leaseMu orders this process's own re-leases (poll) with its outcome
	// writes, so an outcome is never written under a lease the poll has
	// just replaced: either the poll renews first and the write uses the
	// new lease, or the write lands first and there is nothing to lease.
	leaseMu sync.Mutex

	life     sync.Mutex // guards cancel and stopped: Start and Stop are idempotent
	cancel   context.CancelFunc
	stopped  bool
	stopOnce sync.Once
	workers  sync.WaitGroup
	loops    sync.WaitGroup
}

// New returns a dispatcher sending each channel through senders[channel].
func New(s Store, senders map[string]Sender, obs Observer, log *slog.Logger, cfg Config) *Dispatcher {
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
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	return &Dispatcher{
		store: s, senders: senders, obs: obs, log: log, clock: cfg.Clock, cfg: cfg,
		pollFails:   backoff.NewStreak(PollLoop, cfg.Backoff, cfg.Reporter),
		resultFails: backoff.NewStreak(ResultsLoop, cfg.Backoff, cfg.Reporter),
		queue:       make(chan remind.Delivery, 8192),
		sendq:       make(chan remind.Delivery, 1024),
		results:     make(chan *store.Result, resultsDepth),
		held:        newHoldQueue(),
		wake:        make(chan struct{}, 1),
		written:     make(chan struct{}, 1),
		inflight:    map[string]claim{},
	}
}

// Start runs the workers, the result writer and the store poller.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.life.Lock()
	defer d.life.Unlock()
	if d.stopped {
		return errors.New("deliver: dispatcher stopped")
	}
	if d.cancel != nil { // started already
		return nil
	}
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
		d.writeResults(ctx, sendCtx)
	}()
	go func() {
		defer d.loops.Done()
		d.poll(ctx)
	}()
	return nil
}

// Stop stops taking work, lets in-flight sends finish and records their
// outcomes. Queued deliveries not yet sent stay in the store, held by
// Config.Owner: handed back when the instance leaves (its last heartbeat)
// or restarts (SQLite), else taken up again when the lease runs out.
func (d *Dispatcher) Stop() {
	d.life.Lock()
	cancel := d.cancel
	d.stopped = true
	d.life.Unlock()
	if cancel == nil {
		return
	}
	d.stopOnce.Do(func() { // a second Stop waits for the first
		cancel()
		d.workers.Wait()
		close(d.results)
		d.loops.Wait()
	})
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
	d.submit(ctx, ds, stamp, false)
}

// submit is Submit; renew says the deliveries come from this process's own
// poll of the store, where a delivery it still holds means its lease ran
// out while it waited (see claim).
func (d *Dispatcher) submit(ctx context.Context, ds []remind.Delivery, stamp uint64, renew bool) {
	claimed := ds[:0:0]
	for _, dl := range ds {
		if d.claim(dl, stamp, renew) {
			claimed = append(claimed, dl)
		}
	}
	d.queueClaimed(ctx, claimed)
}

// queueClaimed holds or queues deliveries this process has just claimed.
func (d *Dispatcher) queueClaimed(ctx context.Context, ds []remind.Delivery) {
	now := d.clock.Now()
	for _, dl := range ds {
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

// Expect says deliveries due from `at` wait in the store (a herd the
// scheduler planned ahead beyond what this dispatcher holds in memory):
// unleased when leasedFor is 0, for whichever poll leases them at their
// time; else leased to this process from their due time for leasedFor
// (store.HeldAhead), for this process to read when they fall due
// (store.Store.ReadAhead). The poll is woken to look again when it meant
// to sleep past `at`.
func (d *Dispatcher) Expect(at time.Time, leasedFor time.Duration) {
	d.mu.Lock()
	if leasedFor > 0 {
		d.ahead.expect(at, leasedFor)
	}
	early := d.polling.IsZero() || at.Before(d.polling)
	d.mu.Unlock()
	if early {
		d.Wake()
	}
}

// aheadState is where this process stands in reading the deliveries the
// scheduler wrote leased to it ahead of their time (Expect).
type aheadState struct {
	at      time.Time     // the earliest of them not yet read is due then; zero: none expected
	lf      time.Duration // their lease from their due time
	from    store.Cursor  // the next read starts after it
	high    store.Cursor  // the furthest the reads have come
	expects uint64        // counts Expects and the cursor's moves back, so that
	resets  uint64        // a read in progress does not undo one made meanwhile
}

// expect notes deliveries leased ahead due from at. Any of them may sit
// before the cursor in the store's order (a delivery planned again after
// a write keeps its place), so the cursor goes back to the first place
// one due at `at` can have.
func (a *aheadState) expect(at time.Time, leasedFor time.Duration) {
	if a.at.IsZero() || at.Before(a.at) {
		a.at = at
	}
	a.lf = leasedFor
	if pos := (store.Cursor{Until: at.Add(leasedFor).Truncate(time.Millisecond)}); pos.Before(a.from) {
		a.from = pos
		a.resets++
	}
	a.expects++
}

// Wake makes the poller look at the store now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// claim is this process's hold on one delivery, from its lease until its
// outcome is written: which copy it holds (that copy's attempt count), the
// latest lease it took of it (the fencing token the store checks: a lease
// taken later counts more), and the Stamp taken before that lease.
type claim struct {
	copy  int
	lease int
	stamp uint64
}

// claim records dl as held by this process, unless a copy leased as late
// or later is held already. A later lease from the scheduler (the delivery
// was planned again after a write: new content) supersedes the copy held,
// which is dropped when it comes up (current). A later lease from this
// process's own poll (renew: the lease ran out while the copy waited to be
// sent or for its outcome to be written) renews the hold instead: the held
// copy is sent or recorded under the new lease, and not sent twice.
func (d *Dispatcher) claim(dl remind.Delivery, stamp uint64, renew bool) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.inflight[dl.ID]
	switch {
	case ok && dl.Attempts <= c.lease:
		return false
	case ok && renew:
		c.lease, c.stamp = dl.Attempts, stamp
		d.inflight[dl.ID] = c
		return false
	}
	d.inflight[dl.ID] = claim{copy: dl.Attempts, lease: dl.Attempts, stamp: stamp}
	return true
}

// current reports whether dl is the copy this process holds.
func (d *Dispatcher) current(dl remind.Delivery) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.inflight[dl.ID]
	return ok && c.copy == dl.Attempts
}

// leaseOf returns the attempt count of the latest lease this process holds
// on dl's delivery: what the store's PendingOf and FinishDeliveries compare.
func (d *Dispatcher) leaseOf(dl remind.Delivery) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.inflight[dl.ID]; ok && c.copy == dl.Attempts {
		return c.lease
	}
	return dl.Attempts
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
		case !ok || c.copy != dl.Attempts:
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

// unclaim ends this process's hold on dl, unless a later copy superseded
// it. While readAhead reads, the hold is kept until its claims are made.
func (d *Dispatcher) unclaim(dl remind.Delivery) {
	d.mu.Lock()
	if c, ok := d.inflight[dl.ID]; ok && c.copy == dl.Attempts {
		if d.reading {
			d.kept = append(d.kept, remind.Delivery{ID: dl.ID, Attempts: dl.Attempts})
		} else {
			delete(d.inflight, dl.ID)
		}
	}
	d.mu.Unlock()
}

// setReading marks readAhead's reads as under way, or over: then the holds
// that ended meanwhile end.
func (d *Dispatcher) setReading(on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reading = on
	if on {
		return
	}
	for _, dl := range d.kept {
		if c, ok := d.inflight[dl.ID]; ok && c.copy == dl.Attempts {
			delete(d.inflight, dl.ID)
		}
	}
	d.kept = d.kept[:0]
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
				attempts[dl.ID] = d.leaseOf(dl)
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
				d.send(sendCtx, dl) // held until its outcome is written (writeResults)
			} else {
				d.unclaim(dl)
			}
		}
	}
}

func (d *Dispatcher) send(ctx context.Context, dl remind.Delivery) {
	start := d.clock.Now()
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
	end := d.clock.Now()
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
	// An outcome is written without the payload (store.Result): the
	// results queue, deep enough for a herd's outcomes to wait for the
	// store's writer, need not keep each payload alive meanwhile.
	dl.Payload = nil
	res.Delivery = dl
	d.results <- &res
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

// Failures returns the count of consecutive store failures of the
// dispatcher's loop that has failed longest (lease or outcome writes).
func (d *Dispatcher) Failures() int { return max(d.pollFails.Failures(), d.resultFails.Failures()) }

// writeResults records outcomes in batches: one transaction per few
// milliseconds of results, not one per delivery. While deliveries are
// waiting to be sent (a herd falling due) it defers the write, up to
// maxDefer or maxBatch results, so recording does not take the CPU and the
// store's writer from sending; outcomes not yet written when the process
// dies are sent again (at least once). A failing write is retried with
// back-off until it succeeds (the senders wait meanwhile, as results pile
// up), or, once stop is done, a few times before the batch is given up to
// the leases.
func (d *Dispatcher) writeResults(stop, ctx context.Context) {
	const maxBatch, maxDefer, triesOnStop = 8192, 500 * time.Millisecond, 5
	var batch []store.Result
	var started time.Time
	retry := d.clock.NewTimer(time.Hour)
	defer retry.Stop()
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
		// Each outcome is written under this process's latest lease of its
		// delivery (a renewal may have come since it was sent), and the
		// hold ends once it is written: until then the poll cannot lease
		// the delivery to this process again as a second copy.
		copies := make([]remind.Delivery, len(batch))
		for i := range batch {
			copies[i] = batch[i].Delivery
		}
		defer func() {
			for _, c := range copies {
				d.unclaim(c)
			}
		}()
		write := func() error {
			d.leaseMu.Lock()
			defer d.leaseMu.Unlock()
			for i := range batch {
				n := d.leaseOf(copies[i])
				batch[i].Delivery.Attempts, batch[i].Attempt.N = n, n
			}
			return d.store.FinishDeliveries(ctx, batch)
		}
		for tries := 0; ; {
			err := write()
			if err == nil {
				if d.resultFails.Succeed() {
					d.log.Info("deliver: recording outcomes again")
				}
				break
			}
			wait, n := d.resultFails.Fail()
			if stop.Err() != nil {
				if tries++; tries >= triesOnStop {
					// The leases run out and the deliveries are sent again: at least once.
					d.log.Error("deliver: record outcomes; they will be retried", "n", len(batch), "err", err)
					break
				}
				wait = time.Duration(50<<tries) * time.Millisecond // stopping: a second or so in all, not the full back-off
			}
			d.log.Error("deliver: record outcomes failed; backing off", "n", len(batch), "err", err, "failures", n, "retry_in", wait)
			clock.Reset(retry, wait)
			<-retry.Chan()
		}
		select {
		case d.written <- struct{}{}:
		default:
		}
		if !earliest.IsZero() {
			d.Wake()
		}
		batch = batch[:0]
	}
	timer := d.clock.NewTimer(maxDefer)
	defer timer.Stop()
	for {
		var r *store.Result
		var ok bool
		if len(batch) == 0 {
			r, ok = <-d.results
		} else {
			clock.Reset(timer, maxDefer-d.clock.Since(started))
			select {
			case r, ok = <-d.results:
			case <-timer.Chan():
				flush()
				continue
			}
		}
		if !ok {
			flush()
			return
		}
		if len(batch) == 0 {
			started = d.clock.Now()
		}
		batch = append(batch, *r)
	more:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-d.results:
				if !ok {
					flush()
					return
				}
				batch = append(batch, *r)
			default:
				break more
			}
		}
		busy := len(d.queue) > 0 || len(d.sendq) > 0
		if busy && len(batch) < maxBatch && d.clock.Since(started) < maxDefer {
			continue
		}
		flush()
	}
}

// poll takes deliveries from the store whose retry time has come, whose
// lease ran out or that a dead instance's heartbeat handed back, sleeping
// until the earliest one or a Wake. While the store fails it backs off.
func (d *Dispatcher) poll(ctx context.Context) {
	timer := d.clock.NewTimer(0)
	defer timer.Stop()
	for {
		d.setPolling(time.Time{})
		wakeAt, err := d.pollOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			wait, n := d.pollFails.Fail()
			d.log.Error("deliver: store failed; backing off", "err", err, "failures", n, "retry_in", wait)
			clock.Reset(timer, wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.Chan():
			}
			continue
		}
		if d.pollFails.Succeed() {
			d.log.Info("deliver: store recovered")
		}
		d.setPolling(wakeAt)
		clock.Reset(timer, max(wakeAt.Sub(d.clock.Now()), 5*time.Millisecond))
		select {
		case <-ctx.Done():
			return
		case <-timer.Chan():
		case <-d.wake:
		}
	}
}

func (d *Dispatcher) setPolling(t time.Time) {
	d.mu.Lock()
	d.polling = t
	d.mu.Unlock()
}

// pollBatch is the deliveries leased a transaction: a herd planned into
// the store ahead of its time (scheduler.Config.SpillAhead) is leased
// here when it falls due, and each transaction's commit is a share of it.
const pollBatch = 1024

// pollOnce leases what is due now and returns when to look again.
func (d *Dispatcher) pollOnce(ctx context.Context) (time.Time, error) {
	now := d.clock.Now()
	for ctx.Err() == nil {
		stamp := d.Stamp(ctx)
		// Only the lease's transaction and the claims are ordered with
		// the outcome writes (leaseMu); the rows are read after, so the
		// writer records outcomes meanwhile (a herd written ahead of its
		// time is leased here in thousands).
		d.leaseMu.Lock()
		ls, err := d.store.LeaseDue(ctx, now, pollBatch, store.Lease{Owner: d.cfg.Owner, Until: now.Add(d.cfg.Lease)})
		fresh := make([]store.Leased, 0, len(ls))
		for _, l := range ls {
			if d.claim(remind.Delivery{ID: l.ID, Attempts: l.Attempts}, stamp, true) { // a renewal of a hold is taken here, under leaseMu
				fresh = append(fresh, l)
			}
		}
		d.leaseMu.Unlock()
		if err != nil {
			return time.Time{}, err
		}
		if err := d.queueLeased(ctx, fresh); err != nil {
			return time.Time{}, err
		}
		if len(ls) < pollBatch {
			break
		}
	}
	aheadAt, err := d.readAhead(ctx, now)
	if err != nil {
		return time.Time{}, err
	}
	wakeAt := d.clock.Now().Add(d.cfg.MaxSleep)
	next, ok, err := d.store.NextDeliveryAt(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if ok && next.Before(wakeAt) {
		wakeAt = next
	}
	if !aheadAt.IsZero() && aheadAt.Before(wakeAt) {
		wakeAt = aheadAt
	}
	return wakeAt, nil
}

// readAhead reads the deliveries leased to this process ahead of their
// time that are due by now (Expect), claims and queues them, and returns
// when the next of them falls due (zero: none is expected). Unlike the
// poll's leases it writes nothing: the lease was taken when they were
// written, so a herd planned ahead costs the store's writer only its
// outcomes. A read's snapshot may show a delivery pending whose outcome
// this process records while it reads (one the scheduler handed over in
// memory whose lease happens to end where these do, or one read again
// after the cursor went back): the hold on it is kept until the read's
// claims are made (setReading), so it is not claimed, and sent, again.
// A read that starts before the furthest place the reads have come also
// claims with no stamp, so the check asks the store before each is sent.
func (d *Dispatcher) readAhead(ctx context.Context, now time.Time) (time.Time, error) {
	d.mu.Lock()
	a := d.ahead
	d.mu.Unlock()
	if a.at.IsZero() || a.at.After(now) {
		return a.at, nil
	}
	for ctx.Err() == nil {
		// What is read here arrives as fast as a reader can read it,
		// faster than the store's one writer records outcomes: while
		// more than readAheadSlack outcomes wait for the writer,
		// the next read waits for its next batch, so a herd in the store
		// is not pulled into memory ahead of its outcomes.
		for len(d.results) > readAheadSlack {
			select {
			case <-d.written:
			case <-ctx.Done():
				return time.Time{}, ctx.Err()
			}
		}
		stamp := d.Stamp(ctx)
		if a.from.Before(a.high) {
			stamp = 0
		}
		d.setReading(true)
		ds, cur, err := d.store.ReadAhead(ctx, d.cfg.Owner, a.lf, now, a.from, pollBatch)
		claimed := ds[:0:0]
		for _, dl := range ds {
			if d.claim(dl, stamp, false) {
				claimed = append(claimed, dl)
			}
		}
		d.setReading(false)
		if err != nil {
			return time.Time{}, err
		}
		d.mu.Lock()
		if d.ahead.resets == a.resets {
			d.ahead.from = cur
		}
		if d.ahead.high.Before(cur) {
			d.ahead.high = cur
		}
		d.mu.Unlock()
		a.from = cur
		if a.high.Before(cur) {
			a.high = cur
		}
		d.queueClaimed(ctx, claimed)
		if len(ds) < pollBatch {
			break
		}
	}
	next, ok, err := d.store.NextAhead(ctx, d.cfg.Owner, a.lf, a.from)
	if err != nil {
		return time.Time{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.ahead.expects != a.expects:
		// Expected meanwhile: keep the earlier of the two.
		if ok && next.Before(d.ahead.at) {
			d.ahead.at = next
		}
	case ok:
		d.ahead.at = next
	default:
		d.ahead.at = time.Time{}
	}
	return d.ahead.at, nil
}

// queueLeased reads the deliveries the poll has just leased and claimed,
// and holds or queues them. One that is no longer pending under the
// attempt count just leased (cancelled, or planned again, since) is
// dropped, and so is the claim of one that cannot be read: its lease
// runs out and the poll takes it again.
func (d *Dispatcher) queueLeased(ctx context.Context, fresh []store.Leased) error {
	if len(fresh) == 0 {
		return nil
	}
	ids := make([]string, len(fresh))
	for i, l := range fresh {
		ids[i] = l.ID
	}
	ds, err := d.store.DeliveriesOf(ctx, ids)
	got := make(map[string]remind.Delivery, len(ds))
	for _, dl := range ds {
		got[dl.ID] = dl
	}
	out := make([]remind.Delivery, 0, len(fresh))
	for _, l := range fresh {
		dl, ok := got[l.ID]
		if err != nil || !ok || dl.State != remind.DeliveryPending || dl.Attempts != l.Attempts {
			d.unclaim(remind.Delivery{ID: l.ID, Attempts: l.Attempts})
			continue
		}
		out = append(out, dl)
	}
	d.queueClaimed(ctx, out)
	return err
}

// release moves held deliveries into the queue when their time comes.
func (d *Dispatcher) release(ctx context.Context) {
	timer := d.clock.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := d.clock.Now()
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
			wait = next.Sub(d.clock.Now())
		}
		clock.Reset(timer, wait)
		select {
		case <-ctx.Done():
			return
		case <-timer.Chan():
		case <-d.held.changed:
		}
	}
}
