package model_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/scheduler"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/pgtest"
	"github.com/raasdev/raas/internal/store/postgres"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

var (
	sequences = flag.Int("model.sequences", 0, "random operation sequences per store (0: 300, or 40 under -race)")
	steps     = flag.Int("model.steps", 30, "operations per sequence")
	seedFlag  = flag.Uint64("model.seed", 0, "run only the sequence with this seed (printed by a failure)")
)

// TestModelSQLite and TestModelPostgres run seeded random sequences of
// operations (create one-off and recurring reminders, change the title, the
// time and the recipients, cancel, delete, leave, crash the sender, move the
// clock) through the service against a store, with a simulated scheduler
// and dispatcher that follow the real ones' protocol step by step (claim
// ahead with FireDue, hold copies in memory, check PendingOf or the change
// count before sending, fence by attempt count, lease again after a crash).
// A reference model says what is owed; the oracle:
//   - every (occurrence, recipient) the model says fell due is delivered at
//     least once, with the title the reminder had when it fell due;
//   - nothing is sent for a reminder cancelled or deleted, or to a
//     recipient who left, before the send;
//   - nothing is sent that the model never owed (a moved time fires at the
//     new time only; a recipient added late gets only later firings);
//   - copies of one delivery share its id;
//   - a cancelled reminder stays cancelled.
func TestModelSQLite(t *testing.T) {
	runModel(t, sqlitetest.Open(t))
}

func TestModelPostgres(t *testing.T) {
	pgtest.BaseURL(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	runModel(t, s)
}

func runModel(t *testing.T, s store.Store) {
	n := *sequences
	if n == 0 {
		// The race detector makes a sequence about twelve times slower
		// and finds its races in the first few: under -race the test
		// runs 40, and CI runs the 300 without it (.ci/run).
		n = 300
		if raceEnabled {
			n = 40
		}
	}
	if testing.Short() {
		n = min(n, 30)
	}
	base := time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC)
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	if *seedFlag != 0 {
		seeds = []uint64{*seedFlag}
	}
	for _, seed := range seeds {
		sim := newSim(t, s, seed, base)
		if err := sim.run(*steps); err != nil {
			t.Fatalf("seed %d (rerun with -model.seed=%d -run %s): %v\n%s", seed, seed, t.Name(), err, strings.Join(sim.trace, "\n"))
		}
		base = sim.now.Add(time.Hour) // the next sequence starts later, on a fresh tenant
	}
}

// ---- the reference model

type titleAt struct {
	at    time.Time
	title string
}

type modelReminder struct {
	id         string
	titles     []titleAt // every title, with when it was set
	recipients []string
	oneOff     bool
	at         time.Time // one-off: when it fires
	start      time.Time // recurring: FREQ=MINUTELY;INTERVAL=every;COUNT=count from start
	every      int
	count      int
	cancelled  bool
	deleted    bool
	lastSeen   time.Time // occurrences up to here have been accounted for
}

func (m *modelReminder) title() string { return m.titles[len(m.titles)-1].title }

// titleBefore returns the title as of just before t, and the one set at t
// exactly (a write at the very instant of a firing may or may not make it).
func (m *modelReminder) titleBefore(t time.Time) (before, at string) {
	for _, ta := range m.titles {
		if ta.at.Before(t) {
			before = ta.title
		}
		if !ta.at.After(t) {
			at = ta.title
		}
	}
	return before, at
}

// occurrences returns the firings in (from, to].
func (m *modelReminder) occurrences(from, to time.Time) []time.Time {
	var out []time.Time
	if m.oneOff {
		if m.at.After(from) && !m.at.After(to) {
			out = append(out, m.at)
		}
		return out
	}
	for i := range m.count {
		o := m.start.Add(time.Duration(i*m.every) * time.Minute)
		if o.After(from) && !o.After(to) {
			out = append(out, o)
		}
	}
	return out
}

type owedKey struct {
	reminder string
	occ      int64 // ms
	uid      string
}

type owed struct {
	titleBefore, titleAt string
	void                 bool // cancelled, deleted or left before it was sent
	sent                 int
}

// ---- the simulation

type heldCopy struct {
	d     remind.Delivery
	stamp uint64
}

type sim struct {
	t         *testing.T
	s         store.Store
	svc       *service.Service
	rng       *rand.Rand
	now       time.Time
	lookahead time.Duration
	lease     time.Duration
	tenant    remind.Tenant
	rems      []*modelReminder
	owed      map[owedKey]*owed
	held      map[string]heldCopy // the dispatcher's memory: one copy per delivery id
	sentIDs   map[owedKey]string  // delivery id each (occurrence, recipient) was sent under
	trace     []string
}

type nopWaker struct{}

func (nopWaker) Notify(context.Context, time.Time) {}

func newSim(t *testing.T, s store.Store, seed uint64, start time.Time) *sim {
	sm := &sim{t: t, s: s, rng: rand.New(rand.NewPCG(seed, seed*7919)), now: start, lease: 30 * time.Second,
		owed: map[owedKey]*owed{}, held: map[string]heldCopy{}, sentIDs: map[owedKey]string{}}
	sm.lookahead = []time.Duration{0, 10 * time.Second, 90 * time.Second}[sm.rng.IntN(3)]
	sm.svc = service.New(s, nopWaker{}, func() time.Time { return sm.now }, service.Config{PastTolerance: time.Millisecond})
	_, tn, err := sm.svc.CreateToken(context.Background(), fmt.Sprintf("model-%d-%d", seed, start.UnixMilli()))
	if err != nil {
		t.Fatal(err)
	}
	sm.tenant = tn
	return sm
}

func (sm *sim) logf(format string, args ...any) {
	sm.trace = append(sm.trace, fmt.Sprintf("%s +%s ", sm.now.Format("15:04:05.000"), sm.lookahead)+fmt.Sprintf(format, args...))
}

var uids = []string{"u1", "u2", "u3", "u4"}

func (sm *sim) randRecipients() []string {
	var out []string
	for _, u := range uids {
		if sm.rng.IntN(2) == 0 {
			out = append(out, u)
		}
	}
	return out
}

func (sm *sim) pick() *modelReminder {
	var live []*modelReminder
	for _, m := range sm.rems {
		if !m.deleted {
			live = append(live, m)
		}
	}
	if len(live) == 0 {
		return nil
	}
	return live[sm.rng.IntN(len(live))]
}

// expected reports whether err is an answer a client may get for a valid
// request in this state (the reminder is cancelled, done or gone); anything
// else fails the run.
func expected(err error) bool {
	return errors.Is(err, remind.ErrConflict) || errors.Is(err, remind.ErrInvalid) || errors.Is(err, remind.ErrNotFound)
}

func (sm *sim) run(n int) error {
	ctx := context.Background()
	for range n {
		// Time passes, and the scheduler and the dispatcher do their work.
		if err := sm.advance(time.Duration(sm.rng.IntN(15_000)) * time.Millisecond); err != nil {
			return err
		}
		sm.now = sm.now.Add(2 * time.Millisecond) // writes never share an instant with a firing
		if err := sm.op(ctx); err != nil {
			return err
		}
		if err := sm.checkStatuses(ctx); err != nil {
			return err
		}
	}
	// Drain: until nothing is due, held or pending (every occurrence, lease
	// and re-send has happened).
	for range 1000 {
		_, firing, err := sm.s.NextFireAt(ctx)
		if err != nil {
			return err
		}
		_, sending, err := sm.s.NextDeliveryAt(ctx)
		if err != nil {
			return err
		}
		if !firing && !sending && len(sm.held) == 0 {
			return sm.checkOwed()
		}
		if err := sm.advance(5 * time.Second); err != nil {
			return err
		}
	}
	return errors.New("still firing or sending after 5000 s of draining")
}

func (sm *sim) op(ctx context.Context) error {
	m := sm.pick()
	switch k := sm.rng.IntN(12); {
	case k <= 2 || m == nil: // create
		recips := sm.randRecipients()
		title := fmt.Sprintf("t%d", sm.rng.IntN(1000))
		mr := &modelReminder{recipients: recips, titles: []titleAt{{sm.now, title}}, lastSeen: sm.now}
		in := service.CreateInput{Title: title, TZ: "UTC", Recipients: recips}
		if sm.rng.IntN(3) == 0 {
			mr.every, mr.count = 1+sm.rng.IntN(2), 2+sm.rng.IntN(3)
			mr.start = sm.now.Truncate(time.Minute).Add(time.Duration(1+sm.rng.IntN(2)) * time.Minute)
			in.RRule, in.Start = fmt.Sprintf("FREQ=MINUTELY;INTERVAL=%d;COUNT=%d", mr.every, mr.count), &mr.start
		} else {
			mr.oneOff, mr.at = true, sm.now.Add(time.Duration(1000+sm.rng.IntN(60_000))*time.Millisecond)
			in.Time = &mr.at
		}
		r, _, err := sm.svc.CreateReminder(ctx, sm.tenant, in)
		if err != nil {
			return fmt.Errorf("create: %w", err)
		}
		mr.id = r.ID
		sm.rems = append(sm.rems, mr)
		sm.logf("create %s %q oneoff=%v at=%s start=%s every=%d count=%d to %v", short(r.ID), title, mr.oneOff,
			mr.at.Format("15:04:05.000"), mr.start.Format("15:04:05"), mr.every, mr.count, recips)
	case k <= 4: // new title
		title := fmt.Sprintf("t%d", sm.rng.IntN(1000))
		_, err := sm.svc.UpdateReminder(ctx, sm.tenant, m.id, service.Patch{Title: &title})
		sm.logf("title %s %q: %v", short(m.id), title, err)
		if err != nil {
			if !expected(err) {
				return fmt.Errorf("update title: %w", err)
			}
			return nil
		}
		m.titles = append(m.titles, titleAt{sm.now, title})
	case k == 5 && m.oneOff: // move the time, earlier or later
		at := sm.now.Add(time.Duration(500+sm.rng.IntN(40_000)) * time.Millisecond)
		_, err := sm.svc.UpdateReminder(ctx, sm.tenant, m.id, service.Patch{Time: &at})
		sm.logf("move %s to %s: %v", short(m.id), at.Format("15:04:05.000"), err)
		if err != nil {
			if !expected(err) {
				return fmt.Errorf("move: %w", err)
			}
			return nil
		}
		m.at = at
	case k <= 6: // add a recipient
		u := uids[sm.rng.IntN(len(uids))]
		next := append(slices.Clone(m.recipients), u)
		if slices.Contains(m.recipients, u) {
			next = m.recipients
		}
		_, err := sm.svc.UpdateReminder(ctx, sm.tenant, m.id, service.Patch{Recipients: &next})
		sm.logf("recipients %s %v: %v", short(m.id), next, err)
		if err != nil {
			if !expected(err) {
				return fmt.Errorf("add recipient: %w", err)
			}
			return nil
		}
		m.recipients = slices.Clone(next)
	case k <= 7: // a member leaves
		u := uids[sm.rng.IntN(len(uids))]
		_, err := sm.svc.LeaveReminder(ctx, sm.tenant, m.id, u, nil)
		sm.logf("leave %s %s: %v", short(m.id), u, err)
		if err != nil {
			return fmt.Errorf("leave: %w", err)
		}
		m.recipients = slices.DeleteFunc(slices.Clone(m.recipients), func(x string) bool { return x == u })
		sm.voidWhere(func(k owedKey) bool { return k.reminder == m.id && k.uid == u })
	case k <= 8: // cancel
		_, err := sm.svc.CancelReminder(ctx, sm.tenant, m.id)
		sm.logf("cancel %s: %v", short(m.id), err)
		if err != nil {
			return fmt.Errorf("cancel: %w", err)
		}
		m.cancelled = true
		sm.voidWhere(func(k owedKey) bool { return k.reminder == m.id })
	case k <= 9: // delete
		err := sm.svc.DeleteReminder(ctx, sm.tenant, m.id)
		sm.logf("delete %s: %v", short(m.id), err)
		if err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		m.deleted = true
		sm.voidWhere(func(k owedKey) bool { return k.reminder == m.id })
	case k <= 10: // the sending process crashes: what it held in memory is gone
		sm.logf("crash: %d held copies lost", len(sm.held))
		clear(sm.held)
	default: // the clock jumps
		d := time.Duration(sm.rng.IntN(120)) * time.Second
		sm.logf("clock jumps %s", d)
		return sm.advance(d)
	}
	return nil
}

func (sm *sim) voidWhere(match func(owedKey) bool) {
	for k, o := range sm.owed {
		if match(k) && o.sent == 0 {
			o.void = true
		}
	}
}

// advance moves the clock by d, stopping at every instant the scheduler or
// the dispatcher has work (a firing to claim, a delivery due, a lease run
// out) to run their round there, and once more at the end.
func (sm *sim) advance(d time.Duration) error {
	end := sm.now.Add(d)
	for range 10_000 {
		next, err := sm.nextEvent()
		if err != nil {
			return err
		}
		if next.After(end) {
			next = end
		}
		if next.After(sm.now) {
			sm.accrue(sm.now, next)
			sm.now = next
		}
		if err := sm.round(); err != nil {
			return err
		}
		if !sm.now.Before(end) {
			return nil
		}
	}
	return errors.New("the clock does not move: the same work is due again and again")
}

// nextEvent returns the next instant the scheduler or dispatcher has work.
func (sm *sim) nextEvent() (time.Time, error) {
	ctx := context.Background()
	next := sm.now.Add(time.Hour)
	fire, ok, err := sm.s.NextFireAt(ctx)
	if err != nil {
		return next, err
	}
	if ok && fire.Add(-sm.lookahead).Before(next) {
		next = fire.Add(-sm.lookahead)
	}
	send, ok, err := sm.s.NextDeliveryAt(ctx)
	if err != nil {
		return next, err
	}
	if ok && send.Before(next) {
		next = send
	}
	for _, h := range sm.held {
		if h.d.DueAt.Before(next) {
			next = h.d.DueAt
		}
	}
	return next, nil
}

// accrue records what fell due in (from, to] by the model.
func (sm *sim) accrue(from, to time.Time) {
	for _, m := range sm.rems {
		if m.cancelled || m.deleted {
			continue
		}
		for _, o := range m.occurrences(from, to) {
			before, at := m.titleBefore(o)
			for _, u := range m.recipients {
				k := owedKey{m.id, o.UnixMilli(), u}
				if _, ok := sm.owed[k]; !ok {
					sm.owed[k] = &owed{titleBefore: before, titleAt: at}
				}
			}
		}
	}
}

func (sm *sim) stamp(ctx context.Context) uint64 {
	n, err := sm.s.Changes(ctx)
	if err != nil {
		sm.t.Fatal(err)
	}
	return n + 1
}

// hold keeps d as the dispatcher's claim does: a copy leased later replaces one held.
func (sm *sim) hold(d remind.Delivery, stamp uint64) {
	if h, ok := sm.held[d.ID]; ok && h.d.Attempts >= d.Attempts {
		return
	}
	sm.held[d.ID] = heldCopy{d, stamp}
}

// round is one turn of the scheduler and the dispatcher at sm.now.
func (sm *sim) round() error {
	ctx := context.Background()
	now := sm.now
	for {
		st := sm.stamp(ctx)
		ds, err := sm.s.FireDue(ctx, now.Add(sm.lookahead), 100, store.Lease{Until: now.Add(sm.lookahead + sm.lease)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
			p, err := scheduler.PlanFiring(r, recips, hooks, now, remind.FirePolicy{})
			if err != nil {
				sm.t.Errorf("plan %s: %v", r.ID, err)
			}
			return p
		})
		if err != nil {
			return fmt.Errorf("FireDue: %w", err)
		}
		for _, d := range ds {
			sm.hold(d, st)
		}
		if len(ds) < 100 {
			break
		}
	}
	st := sm.stamp(ctx)
	leased, err := sm.s.LeaseDeliveries(ctx, now, 1000, store.Lease{Until: now.Add(sm.lease)})
	if err != nil {
		return fmt.Errorf("LeaseDeliveries: %w", err)
	}
	for _, d := range leased {
		sm.logf("lease again %s attempts %d", short(d.ID), d.Attempts)
		sm.hold(d, st)
	}
	// Send what is due, as the dispatcher's check and workers do.
	var due []heldCopy
	for _, h := range sm.held {
		if !h.d.DueAt.After(now) {
			due = append(due, h)
		}
	}
	slices.SortFunc(due, func(a, b heldCopy) int { return strings.Compare(a.d.ID, b.d.ID) })
	if len(due) == 0 {
		return nil
	}
	gen := sm.stamp(ctx)
	var ask []string
	for _, h := range due {
		if h.stamp != gen {
			ask = append(ask, h.d.ID)
		}
	}
	pending, err := sm.s.PendingOf(ctx, ask)
	if err != nil {
		return fmt.Errorf("PendingOf: %w", err)
	}
	var results []store.Result
	for _, h := range due {
		delete(sm.held, h.d.ID)
		if h.stamp != gen && pending[h.d.ID] != h.d.Attempts {
			continue // cancelled, or leased again since: not ours to send
		}
		if err := sm.sent(h.d); err != nil {
			return err
		}
		d := h.d
		d.State, d.FinishedAt, d.UpdatedAt = remind.DeliveryDelivered, &now, now
		results = append(results, store.Result{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: d.Attempts, At: now, Outcome: "delivered"}})
	}
	// Sometimes the process dies after sending and before recording: the
	// lease runs out and the deliveries are sent again (at least once).
	if sm.rng.IntN(20) == 0 {
		sm.logf("crash before recording %d outcomes", len(results))
		clear(sm.held)
		return nil
	}
	if err := sm.s.FinishDeliveries(ctx, results); err != nil {
		return fmt.Errorf("FinishDeliveries: %w", err)
	}
	return nil
}

// sent checks one send against the model.
func (sm *sim) sent(d remind.Delivery) error {
	var m *modelReminder
	for _, x := range sm.rems {
		if x.id == d.ReminderID {
			m = x
		}
	}
	if m == nil {
		return fmt.Errorf("sent %s for an unknown reminder", d.ID)
	}
	var ev struct {
		Data struct {
			Title string `json:"title"`
		} `json:"data"`
	}
	if err := json.Unmarshal(d.Payload, &ev); err != nil {
		return fmt.Errorf("payload of %s: %w", d.ID, err)
	}
	k := owedKey{m.id, d.DueAt.UnixMilli(), d.Recipient}
	sm.logf("send %s %s occ %s to %s %q attempts %d", short(d.ID), short(m.id), d.DueAt.Format("15:04:05.000"), d.Recipient, ev.Data.Title, d.Attempts)
	switch {
	case m.cancelled:
		return fmt.Errorf("sent %s of cancelled reminder %s", d.ID, m.id)
	case m.deleted:
		return fmt.Errorf("sent %s of deleted reminder %s", d.ID, m.id)
	case !slices.Contains(m.recipients, d.Recipient):
		return fmt.Errorf("sent %s to %s, who is not a recipient of %s now (%v)", d.ID, d.Recipient, m.id, m.recipients)
	}
	o, ok := sm.owed[k]
	if !ok {
		return fmt.Errorf("sent %s (occurrence %s to %s) that the model never owed", d.ID, d.DueAt.Format(time.RFC3339Nano), d.Recipient)
	}
	if ev.Data.Title != o.titleBefore && ev.Data.Title != o.titleAt {
		return fmt.Errorf("sent %s with title %q; when it fell due the title was %q", d.ID, ev.Data.Title, o.titleBefore)
	}
	if id, ok := sm.sentIDs[k]; ok && id != d.ID {
		return fmt.Errorf("occurrence %s to %s sent under two ids, %s and %s", d.DueAt, d.Recipient, id, d.ID)
	}
	sm.sentIDs[k] = d.ID
	o.sent++
	return nil
}

// checkStatuses: the store agrees with the model on what is cancelled and deleted.
func (sm *sim) checkStatuses(ctx context.Context) error {
	for _, m := range sm.rems {
		r, err := sm.svc.GetReminder(ctx, sm.tenant, m.id)
		switch {
		case m.deleted:
			if !errors.Is(err, remind.ErrNotFound) {
				return fmt.Errorf("deleted %s is readable: %+v %v", m.id, r, err)
			}
		case err != nil:
			return fmt.Errorf("get %s: %w", m.id, err)
		case m.cancelled && (r.Status != remind.StatusCancelled || r.NextFireAt != nil):
			return fmt.Errorf("cancelled %s is %s (next %v)", m.id, r.Status, r.NextFireAt)
		case r.Title != m.title():
			return fmt.Errorf("%s has title %q, want %q", m.id, r.Title, m.title())
		case !slices.Equal(slices.Sorted(slices.Values(r.Recipients)), slices.Sorted(slices.Values(m.recipients))):
			return fmt.Errorf("%s has recipients %v, want %v", m.id, r.Recipients, m.recipients)
		}
	}
	return nil
}

// checkOwed: everything owed and not voided was sent at least once.
func (sm *sim) checkOwed() error {
	var missing []string
	for k, o := range sm.owed {
		if !o.void && o.sent == 0 {
			missing = append(missing, fmt.Sprintf("%s occurrence %s to %s (%q)", short(k.reminder), time.UnixMilli(k.occ).UTC().Format("15:04:05.000"), k.uid, o.titleBefore))
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		return fmt.Errorf("owed and never sent:\n  %s", strings.Join(missing, "\n  "))
	}
	return nil
}

func short(id string) string { return id[max(len(id)-6, 0):] }
