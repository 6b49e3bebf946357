// Package app wires RaaS together: store, scheduler, dispatcher, channels,
// service and HTTP handlers, started and stopped in order. cmd/raas and the
// end-to-end tests both build the service through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/channel/inbox"
	"github.com/raasdev/raas/internal/channel/webhook"
	"github.com/raasdev/raas/internal/daily"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/heartbeat"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/scheduler"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/postgres"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/web"
)

// Config is everything an operator can set.
type Config struct {
	Addr                string
	DataDir             string
	DB                  string // database URL; empty means SQLite under DataDir
	PublicURL           string
	AllowPrivateTargets bool
	// SecretKey seals recipients' robot secrets (base64 of 32 bytes);
	// empty: a key kept in the data directory with SQLite, none with
	// PostgreSQL (robot secrets cannot be stored then).
	SecretKey       string
	LateAfter       time.Duration
	MissedAfter     time.Duration
	RetryFor        time.Duration
	Lease           time.Duration
	Lookahead       time.Duration
	SpillAhead      time.Duration // see scheduler.Config.SpillAhead
	WebhookTimeout  time.Duration
	Workers         int
	ShutdownTimeout time.Duration
	// InstanceTimeout is how long an instance sharing the database may go
	// without a heartbeat before the others take over what it holds
	// (PostgreSQL; default 3 s, beating every third of it).
	InstanceTimeout time.Duration
	// Clock is the time of every loop, lease, heartbeat and timestamp
	// (nil: the real clock); tests set a clockwork.FakeClock and drive it.
	Clock clockwork.Clock

	WeCron     WeCronConfig     // wecron.go: WeCron API, subscribe pages, email, WeChat
	WebPush    WebPushConfig    // webpush.go: Web Push for subscribers
	TeamRemind TeamRemindConfig // teamremind.go: team-remind open API, SMS
	Ops        OpsConfig        // ops.go: metrics, rate limits, OpenAPI, docs
}

// Defaults returns the configuration `raas serve` starts with.
func Defaults() Config {
	return Config{
		Addr: "127.0.0.1:8080", DataDir: "./raas-data", LateAfter: time.Minute, MissedAfter: 24 * time.Hour,
		RetryFor: 24 * time.Hour, Lease: 30 * time.Second, Lookahead: 10 * time.Second, SpillAhead: time.Minute, WebhookTimeout: 10 * time.Second, Workers: 64,
		ShutdownTimeout: 20 * time.Second, InstanceTimeout: 3 * time.Second, Ops: DefaultOps(),
	}
}

// OpenStore opens and migrates the store the configuration names.
func OpenStore(ctx context.Context, cfg Config) (store.Store, error) {
	if cfg.DB != "" && !strings.HasPrefix(cfg.DB, "sqlite:") {
		return openOther(ctx, cfg.DB)
	}
	path := strings.TrimPrefix(cfg.DB, "sqlite:")
	if path == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("app: data dir: %w", err)
		}
		path = filepath.Join(cfg.DataDir, "raas.db")
	}
	s, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openOther opens a non-SQLite database URL.
func openOther(ctx context.Context, url string) (store.Store, error) {
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, fmt.Errorf("app: unsupported database URL %q (use sqlite:PATH or postgres://…)", redact(url))
	}
	s, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("app: open %s: %w", redact(url), err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func redact(url string) string {
	if i := strings.Index(url, "@"); i > 0 {
		if j := strings.Index(url, "://"); j > 0 && j < i {
			return url[:j+3] + "…" + url[i:]
		}
	}
	return url
}

// App is a running RaaS.
type App struct {
	Config     Config
	Log        *slog.Logger
	Store      store.Store
	Service    *service.Service
	Scheduler  *scheduler.Scheduler
	Dispatcher *deliver.Dispatcher
	Hub        *inbox.Hub
	Mux        *http.ServeMux
	Senders    map[string]deliver.Sender
	smsOff     bool // the SMS sender has no provider: every SMS fails (see configured)

	now      func() time.Time
	clock    clockwork.Clock
	instance string          // this process's id on the deliveries it holds
	beat     *heartbeat.Beat // nil unless several instances may share the store
	daily    *daily.Loop     // the morning agendas and the owners' digests
	health   *health
	pages    *web.Web // the subscribe pages
	waker    *waker
	srv      *http.Server
	ln       net.Listener
	cancel   context.CancelFunc
	ready    atomic.Bool // read by /readyz, written by Start and Stop
	ops      opsState    // ops.go

	sole      soleUser    // the store, when it can be locked to this process (SQLite)
	exclusive atomic.Bool // the lock is held: the store's Changes may be trusted
	unlock    func() error
	stopped   atomic.Bool
}

// soleUser is a store that one serving process must lock for itself, and
// whose change count (store.Store.Changes) is only true while it does
// (sqlite.Store).
type soleUser interface {
	LockServe() (release func() error, err error)
}

// changes is the dispatcher's Config.Changes: the store's count, unless
// the store needs the serve lock and this process does not hold it.
func (a *App) changes(ctx context.Context) (uint64, bool) {
	if a.sole != nil && !a.exclusive.Load() {
		return 0, false
	}
	n, err := a.Store.Changes(ctx)
	return n, err == nil
}

// New builds the service on an open store; nothing runs until Start.
func New(cfg Config, st store.Store, log *slog.Logger) *App {
	clock := cfg.Clock
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	now := clock.Now
	a := &App{Config: cfg, Log: log, Store: st, now: now, clock: clock, instance: remind.NewID(now()), Mux: http.NewServeMux()}
	a.sole, _ = st.(soleUser)
	st = a.initOps(st) // ops.go: metrics time every store call
	a.Store = st
	a.health = newHealth(nil)
	if a.ops.metrics != nil {
		a.health = newHealth(a.ops.metrics)
	}
	var bc inbox.Broadcaster
	if b, ok := st.(inbox.Broadcaster); ok {
		bc = b
	}
	a.Hub = inbox.NewHub(bc, log)
	a.Senders = map[string]deliver.Sender{
		remind.ChannelWebhook: webhook.NewSender(netguard.FastClient(cfg.WebhookTimeout, cfg.AllowPrivateTargets, cfg.Workers), st, now),
		remind.ChannelInbox:   inbox.NewSender(st, a.Hub, now),
	}
	box := a.secretBox() // contacts.go
	a.registerContacts(box)
	var linkKey []byte // signs personal links (personal.go); none without a secret key
	if box != nil {
		linkKey = box.Derive("personal-links")
	}
	a.Dispatcher = deliver.New(st, a.Senders, a.deliverObserver(), log, deliver.Config{
		Workers: cfg.Workers, Lease: cfg.Lease, SendTimeout: cfg.WebhookTimeout, RetryFor: cfg.RetryFor, LateAfter: cfg.LateAfter,
		Changes: a.changes, Owner: a.instance, Clock: clock, Reporter: a.health,
	})
	a.Scheduler = scheduler.New(st, a.Dispatcher, a.schedulerObserver(), log, scheduler.Config{
		Lease: cfg.Lease, Lookahead: cfg.Lookahead, SpillAhead: cfg.SpillAhead, Policy: remind.FirePolicy{LateAfter: cfg.LateAfter, MissedAfter: cfg.MissedAfter,
			Links: service.LinkMaker(linkKey, cfg.PublicURL)},
		Owner: a.instance, Clock: clock, Reporter: a.health, HoldAhead: a.sole != nil,
	})
	if a.sole == nil {
		// Several instances may share this store: each beats, and takes
		// over what a dead one held (see store.Store.Heartbeat).
		a.beat = heartbeat.New(st, a.instance, log, heartbeat.Config{
			Timeout: cfg.InstanceTimeout, Released: func(int) { a.Dispatcher.Wake() }, Clock: clock, Reporter: a.health,
		})
	}
	a.waker = &waker{sched: a.Scheduler, log: log, now: now}
	if b, ok := st.(store.Broadcaster); ok {
		a.waker.bc = b
	}
	svcCfg := service.Config{AllowPrivateTargets: cfg.AllowPrivateTargets, Resolver: net.DefaultResolver, NewSecret: webhook.NewSecret,
		NotifyURL: a.checkNotifyURL, Configured: a.configured, LinkKey: linkKey, PublicURL: cfg.PublicURL, WakeDeliveries: a.Dispatcher.Wake}
	if box != nil {
		svcCfg.Secrets = box
	}
	a.Service = service.New(st, a.waker, now, svcCfg)
	a.daily = daily.New(service.NewSummaries(a.Service, st).Pass, log, daily.Config{Clock: clock, Reporter: a.health})
	api.New(a.Service, a.Hub, log).Register(a.Mux)
	a.registerWeCron()
	a.registerPersonal() // personal.go: after registerWeCron, which makes the pages
	a.registerTeamRemind()
	a.registerOps()
	a.registerDashboard() // dashboard.go
	a.Mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		api.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	a.Mux.HandleFunc("GET /readyz", a.readyz)
	return a
}

// configured reports whether the server can send on channel: it has a
// sender for it (and, for SMS, a provider). It reads Senders when asked,
// so channels registered after the service (e-mail, SMS, …) count too;
// neither is written once New returns.
func (a *App) configured(channel string) bool {
	_, ok := a.Senders[channel]
	return ok && !(channel == remind.ChannelSMS && a.smsOff)
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if !a.ready.Load() {
		api.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		return
	}
	if loop, n := a.health.failing(); n > 0 {
		api.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "store failing", "loop": loop, "failures": n})
		return
	}
	if err := a.Store.Ping(ctx); err != nil {
		api.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
		return
	}
	api.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// Handler returns the HTTP handler with the middleware every request passes.
func (a *App) Handler() http.Handler {
	return withRequestLog(a.Log, withRecover(a.Log, a.opsHandler(a.Mux)))
}

// Start starts the background components and the HTTP server on cfg.Addr
// (or on ln when given).
func (a *App) Start(ctx context.Context, ln net.Listener) error {
	ctx, a.cancel = context.WithCancel(ctx)
	var err error
	if ln == nil {
		ln, err = net.Listen("tcp", a.Config.Addr)
		if err != nil {
			return fmt.Errorf("app: listen: %w", err)
		}
	}
	a.ln = ln
	if a.sole != nil {
		unlock, err := a.sole.LockServe()
		switch {
		case errors.Is(err, errors.ErrUnsupported):
			a.Log.Warn("no serve lock on this platform: run one raas serve per SQLite file", "err", err)
		case err != nil:
			ln.Close()
			return fmt.Errorf("app: %w", err)
		default:
			a.unlock = unlock
			a.exclusive.Store(true)
			// The lock proves the previous server is gone: what it held
			// is sent now (or at its time), not when its leases run out.
			if n, err := a.Store.ReleaseLeases(ctx, a.now()); err != nil {
				a.Log.Warn("release the previous process's deliveries; they wait for their leases", "err", err)
			} else if n > 0 {
				a.Log.Info("took over the previous process's deliveries", "n", n)
			}
		}
	}
	if a.beat != nil {
		if err := a.beat.Once(ctx); err != nil {
			a.Log.Warn("first heartbeat failed; retrying", "err", err)
		}
	}
	// Background components start in this order and Stop stops them in
	// the reverse one; each Start is idempotent and fails only after Stop.
	a.startJanitor(ctx) // ops.go
	a.waker.start(ctx)
	starts := []func(context.Context) error{a.Hub.Start}
	if a.beat != nil {
		starts = append(starts, a.beat.Start)
	}
	starts = append(starts, a.Dispatcher.Start, a.Scheduler.Start, a.daily.Start)
	for _, start := range starts {
		if err := start(ctx); err != nil {
			return fmt.Errorf("app: start: %w", err)
		}
	}
	a.srv = &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	go func() {
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("http server", "err", err)
		}
	}()
	a.ready.Store(true)
	a.Log.Info("raas serving", "addr", ln.Addr().String())
	return nil
}

// Instance returns this process's instance id (the owner recorded on the
// deliveries it holds).
func (a *App) Instance() string { return a.instance }

// Addr returns the address the server listens on.
func (a *App) Addr() string { return a.ln.Addr().String() }

// Stop shuts down gracefully: stop taking requests, stop firing, let
// in-flight deliveries finish and record them, then close the store.
// Calling it again does nothing.
func (a *App) Stop(ctx context.Context) error {
	if !a.stopped.CompareAndSwap(false, true) {
		return nil
	}
	a.ready.Store(false)
	var errs []error
	if a.srv != nil {
		// SSE streams never end by themselves: cancel the base context after a grace period.
		sctx, cancel := context.WithTimeout(ctx, a.Config.ShutdownTimeout/2)
		if err := a.srv.Shutdown(sctx); err != nil {
			a.srv.Close()
		}
		cancel()
	}
	a.daily.Stop()
	a.Scheduler.Stop()
	a.Dispatcher.Stop()
	if a.beat != nil {
		a.beat.Stop() // after the dispatcher: what it still holds is handed to the others at once
	}
	a.Hub.Stop()
	a.waker.stop()
	if a.cancel != nil {
		a.cancel() // ends the janitor, started first (ops.go)
	}
	a.waitJanitor()
	if err := a.Store.Close(); err != nil {
		errs = append(errs, err)
	}
	if a.unlock != nil {
		a.exclusive.Store(false)
		if err := a.unlock(); err != nil {
			errs = append(errs, err)
		}
	}
	a.stopOps()
	return errors.Join(errs...)
}
