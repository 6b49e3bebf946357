package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

var bg = context.Background()

func TestBucket(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(2, 3, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow(bg, "a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow(bg, "a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("over burst: ok=%v wait=%v, want refused for 500ms", ok, wait)
	}
	if ok, _ := l.Allow(bg, "b"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.Allow(bg, "a"); !ok {
		t.Fatal("refill after 500ms at 2/s did not give a token")
	}
	now = now.Add(time.Hour)
	l.Allow(bg, "c")
	if l.Len() != 1 {
		t.Fatalf("%d buckets after an idle hour, want only the one just used", l.Len())
	}
}

// testAuth is a handler that authenticates "Bearer good-<tenant>" the way
// the APIs do (ratelimit.Charge after the check) and serves public paths
// without authenticating.
func testAuth(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/public" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var tenant string
	var authErr error
	if _, err := fmt.Sscanf(r.Header.Get("Authorization"), "Bearer good-%s", &tenant); err != nil {
		authErr = &remind.Error{Code: remind.CodeUnauthorized, Message: "unknown API token"}
	}
	if err := Charge(r.Context(), tenant, authErr); err != nil {
		code := http.StatusUnauthorized
		if remind.CodeOf(err) == remind.CodeRateLimited {
			code = http.StatusTooManyRequests
		}
		w.WriteHeader(code)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type limits struct {
	h       http.Handler
	now     *time.Time
	limited int
}

func newLimits(tenantBurst, anonBurst int, proxies string) *limits {
	l := &limits{now: new(time.Time)}
	*l.now = time.Unix(1000, 0)
	clock := func() time.Time { return *l.now }
	p, err := ParseProxies(proxies)
	if err != nil {
		panic(err)
	}
	l.h = Middleware(Config{
		Tenant: New(1, tenantBurst, clock), Anon: New(1, anonBurst, clock), Client: p.Client,
		Exempt:    func(r *http.Request) bool { return r.URL.Path == "/healthz" },
		Deferred:  func(r *http.Request) bool { return r.URL.Path != "/public" && r.Header.Get("Authorization") != "" },
		OnLimited: func() { l.limited++ },
	}, http.HandlerFunc(testAuth))
	return l
}

func (l *limits) do(path, addr, auth string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	r.RemoteAddr = addr
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	l.h.ServeHTTP(w, r)
	return w
}

// TestRandomCredentialsGetNoFreshBucket is issue 13's probe: 600 requests
// from one address, each with a fresh random bearer token, pass only as
// many times as the address's unauthenticated budget allows; the rest are
// 429 with Retry-After, not 401 and not served.
func TestRandomCredentialsGetNoFreshBucket(t *testing.T) {
	l := newLimits(100, 20, "")
	counts := map[int]int{}
	for range 600 {
		w := l.do("/v1/reminders", "203.0.113.7:4000", fmt.Sprintf("Bearer %016x", rand.Uint64()))
		counts[w.Code]++
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") != "1" {
			t.Fatalf("429 without Retry-After 1: %q", w.Header().Get("Retry-After"))
		}
	}
	if counts[http.StatusUnauthorized] != 20 || counts[http.StatusTooManyRequests] != 580 {
		t.Fatalf("answers %v; want 20 refused credentials (the address budget) and 580 limited", counts)
	}
	if l.limited != 580 {
		t.Fatalf("OnLimited called %d times", l.limited)
	}
	// The same holds on public pages, limited before their handler runs.
	l = newLimits(100, 20, "")
	served := 0
	for range 600 {
		if l.do("/public", "203.0.113.7:4000", fmt.Sprintf("Bearer %016x", rand.Uint64())).Code == http.StatusNoContent {
			served++
		}
	}
	if served != 20 {
		t.Fatalf("public page served %d of 600 with random credentials, want the budget of 20", served)
	}
}

// TestTenantBudgetIsPerTenant: an authenticated tenant spends its own
// budget, not its address's nor another tenant's.
func TestTenantBudgetIsPerTenant(t *testing.T) {
	l := newLimits(30, 5, "")
	for _, tc := range []struct {
		tenant, addr string
		want         int
	}{
		{"a", "192.0.2.1:1", 30},
		{"b", "192.0.2.1:1", 30}, // same address: its own budget
		{"a", "192.0.2.2:1", 0},  // a's budget is spent, whatever the address
	} {
		ok := 0
		for range 40 {
			if l.do("/v1/reminders", tc.addr, "Bearer good-"+tc.tenant).Code == http.StatusNoContent {
				ok++
			}
		}
		if ok != tc.want {
			t.Fatalf("tenant %s from %s: %d of 40 served, want %d", tc.tenant, tc.addr, ok, tc.want)
		}
	}
	// The tenants' traffic did not spend the address's anonymous budget.
	if w := l.do("/public", "192.0.2.1:1", ""); w.Code != http.StatusNoContent {
		t.Fatalf("anonymous request from the tenants' address: %d", w.Code)
	}
	*l.now = l.now.Add(time.Second)
	if w := l.do("/v1/reminders", "192.0.2.1:1", "Bearer good-a"); w.Code != http.StatusNoContent {
		t.Fatalf("a second later (1/s refill): %d", w.Code)
	}
	for range 10 {
		if w := l.do("/healthz", "192.0.2.1:1", "Bearer nope"); w.Code != http.StatusNoContent && w.Code != http.StatusUnauthorized {
			t.Fatalf("exempt path limited: %d", w.Code)
		}
	}
}

// TestForwardedForOnlyFromTrustedProxies: X-Forwarded-For picks the
// bucket only when the peer is a trusted proxy.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	p, err := ParseProxies("10.0.0.0/8, 192.0.2.9, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		peer string
		xff  []string
		want string
	}{
		{"203.0.113.5:1234", nil, "203.0.113.5"},
		{"203.0.113.5:1234", []string{"198.51.100.1"}, "203.0.113.5"},         // untrusted peer: header ignored
		{"10.1.2.3:80", []string{"198.51.100.1"}, "198.51.100.1"},             // trusted proxy
		{"10.1.2.3:80", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1"},    // the client's own claim further left is not believed
		{"10.1.2.3:80", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},   // chain of trusted proxies
		{"10.1.2.3:80", []string{"198.51.100.1", "10.9.9.9"}, "198.51.100.1"}, // several header lines
		{"10.1.2.3:80", []string{"10.7.7.7"}, "10.7.7.7"},                     // all trusted: the leftmost
		{"10.1.2.3:80", []string{"junk, 198.51.100.1"}, "198.51.100.1"},       // unreadable hop stops the walk
		{"10.1.2.3:80", []string{"junk"}, "10.1.2.3"},                         // nothing readable: the proxy
		{"192.0.2.9:80", []string{"2001:db8:1:2:3::9"}, "2001:db8:1:2::/64"},  // IPv6 clients by /64
		{"[::1]:80", []string{"[2001:db8::1]:5555"}, "2001:db8::/64"},         // hop with a port
		{"[::ffff:10.0.0.1]:80", []string{"198.51.100.2"}, "198.51.100.2"},    // v4-mapped peer
		{"192.0.2.10:80", []string{"198.51.100.1"}, "192.0.2.10"},             // next to a trusted single address
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := p.Client(r); got != tc.want {
			t.Errorf("peer %s XFF %q: client %q, want %q", tc.peer, tc.xff, got, tc.want)
		}
	}
	// And through the middleware: spoofed headers from an untrusted peer
	// share one budget; a trusted proxy's clients each have their own.
	l := newLimits(100, 3, "10.0.0.0/8")
	ok := 0
	for i := range 20 {
		if l.do("/public", "203.0.113.5:1", "", "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)).Code == http.StatusNoContent {
			ok++
		}
	}
	if ok != 3 {
		t.Fatalf("spoofed X-Forwarded-For from an untrusted peer: %d of 20 served, want 3", ok)
	}
	for i := range 20 {
		if w := l.do("/public", "10.0.0.1:1", "", "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)); w.Code != http.StatusNoContent {
			t.Fatalf("client %d behind the trusted proxy: %d", i, w.Code)
		}
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Fatal("bad prefix accepted")
	}
}

type memCounter struct {
	mu     sync.Mutex
	n      map[string]int64
	pruned chan time.Time
}

func (m *memCounter) CountRequest(_ context.Context, key string, w time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := key + "@" + w.String()
	m.n[k]++
	return m.n[k], nil
}

func (m *memCounter) PruneRequests(_ context.Context, before time.Time) (int64, error) {
	m.pruned <- before
	return 0, nil
}

// TestSharedAcrossInstances: two limiters on one counter enforce one limit.
func TestSharedAcrossInstances(t *testing.T) {
	c := &memCounter{n: map[string]int64{}}
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	a, b := NewShared(c, 5, 10, clock, slog.Default()), NewShared(c, 5, 10, clock, slog.Default())
	allowed := 0
	for i := 0; i < 20; i++ {
		l := a
		if i%2 == 1 {
			l = b
		}
		if ok, _ := l.Allow(bg, "t:x"); ok {
			allowed++
		}
	}
	if allowed != 10 {
		t.Fatalf("allowed %d of 20 across two instances, want the burst of 10", allowed)
	}
	ok, wait := a.Allow(bg, "t:x")
	if ok || wait <= 0 || wait > 2*time.Second {
		t.Fatalf("over the limit: %v %v", ok, wait)
	}
	now = now.Add(2 * time.Second) // the next window (burst/rate = 2 s)
	if ok, _ := b.Allow(bg, "t:x"); !ok {
		t.Fatal("a new window is still limited")
	}
}

// TestJanitorPrunesUntilStopped: the janitor prunes windows older than
// keep at once and returns when its context ends.
func TestJanitorPrunesUntilStopped(t *testing.T) {
	c := &memCounter{pruned: make(chan time.Time)}
	now := time.Unix(5000, 0)
	ctx, cancel := context.WithCancel(bg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Janitor(ctx, c, time.Hour, 10*time.Minute, func() time.Time { return now }, slog.Default())
	}()
	if before := <-c.pruned; !before.Equal(now.Add(-10 * time.Minute)) {
		t.Fatalf("pruned before %v, want %v", before, now.Add(-10*time.Minute))
	}
	cancel()
	<-done
}

// TestChargeWithoutMiddleware: handlers served without the middleware
// (unit tests, tools) are never limited.
func TestChargeWithoutMiddleware(t *testing.T) {
	authErr := errors.New("bad token")
	if err := Charge(bg, "", authErr); err != authErr {
		t.Fatalf("Charge = %v", err)
	}
	if err := Charge(bg, "t", nil); err != nil {
		t.Fatalf("Charge = %v", err)
	}
}
