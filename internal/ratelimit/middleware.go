package ratelimit

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// Config is what the middleware needs.
type Config struct {
	// Tenant is the budget of each authenticated tenant; nil means unlimited.
	Tenant Allower
	// Anon is the budget of each client address for traffic that is not
	// authenticated; nil means unlimited.
	Anon Allower
	// Client returns the address a request comes from (see Proxies.Client).
	Client func(*http.Request) string
	// Exempt says which requests are never limited (health checks, metrics).
	Exempt func(*http.Request) bool
	// Deferred says which requests carry a credential to a route that
	// authenticates it: their handler charges the budget (Tenant or
	// Unauthenticated) once it knows whose request it is. Every other
	// request is charged to its client address before the handler runs.
	Deferred func(*http.Request) bool
	// OnLimited, when not nil, is called for each refusal.
	OnLimited func()
}

// gate is one request's charge: taken at most once.
type gate struct {
	cfg    *Config
	client string

	mu      sync.Mutex
	settled bool
	wait    time.Duration // the refusal's wait, when refused
}

type gateKey struct{}

// charge takes one request from key's budget in a, once per request.
func (g *gate) charge(ctx context.Context, a Allower, key string) (bool, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.settled {
		return true, 0
	}
	g.settled = true
	if a == nil {
		return true, 0
	}
	ok, wait := a.Allow(ctx, key)
	if !ok {
		g.wait = wait
		if g.cfg.OnLimited != nil {
			g.cfg.OnLimited()
		}
	}
	return ok, wait
}

func (g *gate) anon(ctx context.Context) (bool, time.Duration) {
	return g.charge(ctx, g.cfg.Anon, "a:"+g.client)
}

// Tenant charges the request to the budget of the tenant it authenticated
// as; call it right after authentication succeeds. It returns a
// remind.CodeRateLimited error when the budget is spent (the middleware
// adds Retry-After to the 429), and nil for a request already charged or
// served without the middleware.
func Tenant(ctx context.Context, tenantID string) error {
	g, _ := ctx.Value(gateKey{}).(*gate)
	if g == nil {
		return nil
	}
	if ok, wait := g.charge(ctx, g.cfg.Tenant, "t:"+tenantID); !ok {
		return limited(wait)
	}
	return nil
}

// Unauthenticated charges the request to its client address's budget;
// call it when authentication fails, before answering. Like Tenant it
// returns a remind.CodeRateLimited error when that budget is spent.
func Unauthenticated(ctx context.Context) error {
	g, _ := ctx.Value(gateKey{}).(*gate)
	if g == nil {
		return nil
	}
	if ok, wait := g.anon(ctx); !ok {
		return limited(wait)
	}
	return nil
}

func seconds(wait time.Duration) int {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return secs
}

func limited(wait time.Duration) error {
	return &remind.Error{Code: remind.CodeRateLimited, Message: "too many requests; retry after " + strconv.Itoa(seconds(wait)) + " s"}
}

// retryWriter adds Retry-After to a 429 the handler writes after a refusal.
type retryWriter struct {
	http.ResponseWriter
	g *gate
}

func (w *retryWriter) WriteHeader(code int) {
	if code == http.StatusTooManyRequests {
		w.g.mu.Lock()
		wait := w.g.wait
		w.g.mu.Unlock()
		if wait > 0 && w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", strconv.Itoa(seconds(wait)))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *retryWriter) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

func (w *retryWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *retryWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Middleware limits requests as cfg says. Anonymous requests over their
// address's budget get 429 with a Retry-After in whole seconds (at least
// 1) and the v1 JSON error shape before the handler runs. A deferred
// request its handler never charged (a route that did not authenticate
// after all) is charged to its address afterwards.
func Middleware(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cfg.Exempt != nil && cfg.Exempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		g := &gate{cfg: &cfg, client: r.RemoteAddr}
		if cfg.Client != nil {
			g.client = cfg.Client(r)
		}
		ctx := context.WithValue(r.Context(), gateKey{}, g)
		if cfg.Deferred == nil || !cfg.Deferred(r) {
			if ok, wait := g.anon(ctx); !ok {
				refuse(w, wait)
				return
			}
		}
		next.ServeHTTP(&retryWriter{ResponseWriter: w, g: g}, r.WithContext(ctx))
		g.anon(context.WithoutCancel(ctx))
	})
}

func refuse(w http.ResponseWriter, wait time.Duration) {
	secs := strconv.Itoa(seconds(wait))
	w.Header().Set("Retry-After", secs)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"too many requests from this address; retry after ` + secs + ` s"}}` + "\n"))
}

// Charge settles a request's budget after authenticating it: the tenant's
// when authErr is nil, else the client address's. It returns authErr, or
// the rate-limit error when the budget charged is spent (a refused
// credential over its address's budget is answered 429, not 401).
func Charge(ctx context.Context, tenantID string, authErr error) error {
	if authErr != nil {
		if err := Unauthenticated(ctx); err != nil {
			return err
		}
		return authErr
	}
	return Tenant(ctx, tenantID)
}
