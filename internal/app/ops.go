package app

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/metrics"
	"github.com/raasdev/raas/internal/ratelimit"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/scheduler"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/web/dashboard"
)

// OpsConfig configures the operator-facing parts: metrics, rate limits,
// the OpenAPI document and its reference page.
type OpsConfig struct {
	Metrics        bool              // serve Prometheus metrics at /metrics
	RateLimit      float64           // requests a second per authenticated tenant; 0 turns every limit off
	RateBurst      int               // requests a tenant may send at once before the rate applies
	AnonRateLimit  float64           // requests a second per client address for unauthenticated traffic; 0 leaves it unlimited
	AnonRateBurst  int               // requests an address may send at once before AnonRateLimit applies
	TrustedProxies ratelimit.Proxies // reverse proxies whose X-Forwarded-For names the client
	Docs           bool              // serve /openapi.json and /docs
	Version        string            // reported in raas_build_info
}

// DefaultOps returns the generous defaults `raas serve` starts with.
func DefaultOps() OpsConfig {
	return OpsConfig{Metrics: true, RateLimit: 50, RateBurst: 100, AnonRateLimit: 5, AnonRateBurst: 20, Docs: true, Version: "dev"}
}

// PendingCounter may be implemented by a store driver to feed the pending
// gauges cheaply (from its indexes); without it, SQLite files are counted
// through a read-only handle and other stores report no gauges.
type PendingCounter interface {
	CountPending(ctx context.Context) (reminders, retrying, deliveries int64, err error)
}

// opsState is what ops.go keeps on the App.
type opsState struct {
	metrics *metrics.Metrics
	tenants ratelimit.Allower // per-tenant budget; nil when limits are off
	anon    ratelimit.Allower // per-address budget; nil when unlimited
	counter ratelimit.Counter // the shared counts, when kept in the store (pruned by a janitor)
	janitor chan struct{}     // closed when the janitor has stopped
	countDB *sql.DB
}

// initOps builds the metrics (on a registry of this app's own) and returns
// st wrapped so every store call is timed.
func (a *App) initOps(st store.Store) store.Store {
	cfg := a.Config.Ops
	if cfg.RateLimit > 0 {
		budget := func(rate float64, burst int) ratelimit.Allower {
			if c, ok := st.(ratelimit.Counter); ok {
				// Several instances may share this database: count in it, so the limit holds across them.
				a.ops.counter = c
				return ratelimit.NewShared(c, rate, burst, a.now, a.Log)
			}
			return ratelimit.New(rate, burst, a.now)
		}
		a.ops.tenants = budget(cfg.RateLimit, cfg.RateBurst)
		if cfg.AnonRateLimit > 0 {
			a.ops.anon = budget(cfg.AnonRateLimit, cfg.AnonRateBurst)
		}
	}
	if !cfg.Metrics {
		return st
	}
	a.ops.metrics = metrics.New(a.firePolicy(), a.pendingCounter(st), cfg.Version)
	return a.ops.metrics.TimeStore(st)
}

func (a *App) pendingCounter(st store.Store) metrics.CountFunc {
	if pc, ok := st.(PendingCounter); ok {
		return func(ctx context.Context) (metrics.Counts, error) {
			r, q, d, err := pc.CountPending(ctx)
			return metrics.Counts{PendingReminders: r, RetryQueue: q, PendingDelivery: d}, err
		}
	}
	if a.Config.DB != "" && !strings.HasPrefix(a.Config.DB, "sqlite:") {
		return nil
	}
	path := strings.TrimPrefix(a.Config.DB, "sqlite:")
	if path == "" {
		path = filepath.Join(a.Config.DataDir, "raas.db")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		a.Log.Warn("metrics: no pending gauges", "err", err)
		return nil
	}
	db.SetMaxOpenConns(1)
	a.ops.countDB = db
	return metrics.SQLiteCounter(db)
}

// schedulerObserver returns the metrics as the scheduler's observer, or a
// nil interface when metrics are off.
func (a *App) schedulerObserver() scheduler.Observer {
	if a.ops.metrics == nil {
		return nil
	}
	return a.ops.metrics
}

// deliverObserver returns the metrics as the dispatcher's observer, or a
// nil interface when metrics are off.
func (a *App) deliverObserver() deliver.Observer {
	if a.ops.metrics == nil {
		return nil
	}
	return a.ops.metrics
}

// Metrics returns the app's metrics, nil when they are off.
func (a *App) Metrics() *metrics.Metrics { return a.ops.metrics }

// registerOps adds /metrics, /openapi.json and /docs.
func (a *App) registerOps() {
	if a.ops.metrics != nil {
		a.Mux.Handle("GET /metrics", a.ops.metrics.Handler())
	}
	if a.Config.Ops.Docs {
		api.RegisterOpenAPI(a.Mux)
	}
}

// opsHandler wraps the mux with the rate limit and the HTTP metrics; the
// metrics wrap the mux directly since the mux records the route pattern on
// the request it is given.
func (a *App) opsHandler(mux *http.ServeMux) http.Handler {
	var h http.Handler = mux
	if a.ops.metrics != nil {
		h = a.ops.metrics.Middleware(h)
	}
	if a.ops.tenants != nil {
		var onLimited func()
		if a.ops.metrics != nil {
			onLimited = a.ops.metrics.RateLimited
		}
		h = ratelimit.Middleware(ratelimit.Config{
			Tenant: a.ops.tenants, Anon: a.ops.anon, Client: a.Config.Ops.TrustedProxies.Client,
			Exempt: exemptFromLimit, Deferred: authenticatesLater, OnLimited: onLimited,
		}, h)
	}
	return h
}

// authenticatesLater says whether a request carries a credential to a
// route that authenticates it, so that its handler charges the tenant's
// budget (or, when the credential is refused, the address's) once it
// knows which. Everything else is charged to the client address up front:
// public pages, posters, QR codes, /openapi/token, /dashboard/login.
func authenticatesLater(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/v1/"):
		return r.Header.Get("Authorization") != ""
	case p == "/reminds/api" || strings.HasPrefix(p, "/reminds/api/") && !strings.Contains(p, "/share_post"):
		return r.Header.Get("Authorization") != ""
	case strings.HasPrefix(p, "/openapi/workbench/"):
		return r.URL.Query().Get("accessToken") != ""
	case p == "/wechat/callback": // signed: the handler checks the signature, then charges WeChat's budget
		return r.URL.Query().Get("signature") != ""
	case p == "/dashboard" || strings.HasPrefix(p, "/dashboard/") && p != "/dashboard/login" && !strings.HasPrefix(p, "/dashboard/assets/"):
		_, err := r.Cookie(dashboard.CookieName)
		return err == nil
	}
	return false
}

// startJanitor removes old shared rate-limit counts while the app runs.
func (a *App) startJanitor(ctx context.Context) {
	if a.ops.counter == nil {
		return
	}
	a.ops.janitor = make(chan struct{})
	// A window lasts burst/rate; counts are kept for ten minutes or two
	// windows, whichever is longer, and older ones removed every minute.
	keep := 10 * time.Minute
	for _, l := range []ratelimit.Allower{a.ops.tenants, a.ops.anon} {
		if sh, ok := l.(*ratelimit.Shared); ok && 2*sh.Window() > keep {
			keep = 2 * sh.Window()
		}
	}
	go func() {
		defer close(a.ops.janitor)
		ratelimit.Janitor(ctx, a.ops.counter, time.Minute, keep, a.now, a.Log)
	}()
}

// waitJanitor returns once the janitor (stopped by cancelling the app's
// context) has finished with the store.
func (a *App) waitJanitor() {
	if a.ops.janitor != nil {
		<-a.ops.janitor
	}
}

// exemptFromLimit leaves health checks and scrapes alone: they carry no
// tenant's token and must work while a tenant is being limited. The pages'
// static assets (embedded files, cached by browsers) are exempt too: a
// person opening a few pages fetches more of them than the address budget's
// burst, and a page whose style sheet answered 429 is a broken page.
func exemptFromLimit(r *http.Request) bool {
	switch p := r.URL.Path; {
	case p == "/healthz", p == "/readyz", p == "/metrics":
		return true
	case strings.HasPrefix(p, "/dashboard/assets/"), strings.HasPrefix(p, "/s-assets/"):
		return r.Method == http.MethodGet || r.Method == http.MethodHead
	}
	return false
}

// stopOps releases what initOps opened; called after the store is closed.
func (a *App) stopOps() {
	if a.ops.countDB != nil {
		_ = a.ops.countDB.Close()
	}
}

func (a *App) firePolicy() remind.FirePolicy {
	return remind.FirePolicy{LateAfter: a.Config.LateAfter, MissedAfter: a.Config.MissedAfter}
}
