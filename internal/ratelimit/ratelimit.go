// Package ratelimit holds RaaS's request budgets: one per authenticated
// tenant, and a smaller one per client address for everything that is not
// (or not yet) authenticated. The HTTP middleware charges a request's
// budget once: before the handler for anonymous traffic, or from the
// handler once it has authenticated the request (Tenant) or failed to
// (Unauthenticated). A credential is therefore never a bucket key: a fresh
// random token per request buys nothing but the sender's address budget.
package ratelimit

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Allower decides whether one more request for a key is allowed, and if
// not, how long to wait. Limiter (one process) and Shared (several
// processes on one database) implement it.
type Allower interface {
	Allow(ctx context.Context, key string) (bool, time.Duration)
}

// Limiter holds one token bucket (golang.org/x/time/rate) per key. The
// zero value is not usable; create it with New.
type Limiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a limiter refilling r tokens a second up to burst; now is
// the clock (time.Now in production).
func New(r float64, burst int, now func() time.Time) *Limiter {
	if burst < 1 {
		burst = 1
	}
	return &Limiter{limit: rate.Limit(r), burst: burst, now: now, buckets: map[string]*bucket{}}
}

// Allow takes one token from key's bucket. When the bucket is empty it
// returns false and how long until a token is back.
func (l *Limiter) Allow(_ context.Context, key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	l.mu.Unlock()
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops buckets that are full again, at most once a minute, so keys
// seen once do not stay in memory. A bucket refills completely within
// burst/rate of its last use.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	if l.limit <= 0 {
		return // a bucket that never refills is never full again: keep it
	}
	full := time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.seen) >= full {
			delete(l.buckets, k)
		}
	}
}

// Len returns the number of buckets held (for tests and metrics).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
