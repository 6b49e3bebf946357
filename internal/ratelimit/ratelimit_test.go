package ratelimit

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(2, 3, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("over burst: ok=%v wait=%v, want refused for 500ms", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refill after 500ms at 2/s did not give a token")
	}
	now = now.Add(time.Hour)
	l.Allow("c")
	if _, ok := l.buckets["b"]; ok {
		t.Fatal("full idle bucket not swept")
	}
}

func TestMiddleware(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(0.5, 1, func() time.Time { return now })
	limited := 0
	h := Middleware(l, func(r *http.Request) bool { return r.URL.Path == "/healthz" }, func() { limited++ },
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	get := func(path, auth string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := get("/v1/x", "Bearer one"); w.Code != 204 {
		t.Fatalf("first: %d", w.Code)
	}
	w := get("/v1/x", "Bearer one")
	if w.Code != 429 || w.Header().Get("Retry-After") != "2" {
		t.Fatalf("second: %d Retry-After %q, want 429 and 2", w.Code, w.Header().Get("Retry-After"))
	}
	if limited != 1 {
		t.Fatalf("onLimited called %d times", limited)
	}
	if w := get("/v1/x", "Token two"); w.Code != 204 {
		t.Fatalf("other token: %d", w.Code)
	}
	if w := get("/v1/x?accessToken=three", ""); w.Code != 204 {
		t.Fatalf("query token: %d", w.Code)
	}
	for i := 0; i < 5; i++ {
		if w := get("/healthz", "Bearer one"); w.Code != 204 {
			t.Fatalf("exempt path limited: %d", w.Code)
		}
	}
	if k := Key(httptest.NewRequest("GET", "/?accessToken=secret", nil)); k == "" || k == "t:secret" {
		t.Fatalf("key %q", k)
	}
}

type memCounter struct {
	mu sync.Mutex
	n  map[string]int64
}

func (m *memCounter) CountRequest(_ context.Context, key string, w time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := key + "@" + w.String()
	m.n[k]++
	return m.n[k], nil
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
		if ok, _ := l.Allow("t:x"); ok {
			allowed++
		}
	}
	if allowed != 10 {
		t.Fatalf("allowed %d of 20 across two instances, want the burst of 10", allowed)
	}
	ok, wait := a.Allow("t:x")
	if ok || wait <= 0 || wait > 2*time.Second {
		t.Fatalf("over the limit: %v %v", ok, wait)
	}
	now = now.Add(2 * time.Second) // the next window (burst/rate = 2 s)
	if ok, _ := b.Allow("t:x"); !ok {
		t.Fatal("a new window is still limited")
	}
}
