// Package ratelimit is a per-key token bucket (one bucket per API token or,
// without one, per client address) and the HTTP middleware that answers
// 429 with Retry-After when a bucket is empty.
package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limiter holds one token bucket per key. The zero value is not usable;
// create it with New.
type Limiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter refilling rate tokens a second up to burst; now is
// the clock (time.Now in production).
func New(rate float64, burst int, now func() time.Time) *Limiter {
	if burst < 1 {
		burst = 1
	}
	return &Limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// Allow takes one token from key's bucket. When the bucket is empty it
// returns false and how long until a token is back.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+el*l.rate)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep drops buckets that are full again, at most once a minute, so keys
// seen once do not stay in memory.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// Key returns the bucket key of a request: a hash of its credential (a
// bearer or "Token" Authorization header, or an accessToken/access_token
// query parameter) so raw tokens are never kept, else its client address.
func Key(r *http.Request) string {
	cred := ""
	if h := r.Header.Get("Authorization"); h != "" {
		if i := strings.IndexByte(h, ' '); i > 0 {
			cred = strings.TrimSpace(h[i+1:])
		}
	}
	if cred == "" {
		q := r.URL.Query()
		cred = q.Get("accessToken")
		if cred == "" {
			cred = q.Get("access_token")
		}
	}
	if cred != "" {
		sum := sha256.Sum256([]byte(cred))
		return "t:" + hex.EncodeToString(sum[:12])
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "a:" + host
}

// Allower decides whether one more request for a key is allowed, and if
// not, how long to wait. Limiter (one process) and Shared (several
// processes on one database) implement it.
type Allower interface {
	Allow(key string) (bool, time.Duration)
}

// Middleware refuses requests over the limit with 429, a Retry-After in
// whole seconds (at least 1) and the v1 JSON error shape; exempt says which
// requests are never limited (health checks, metrics). onLimited, when not
// nil, is called for each refusal.
func Middleware(l Allower, exempt func(*http.Request) bool, onLimited func(), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if exempt != nil && exempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		ok, wait := l.Allow(Key(r))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		if onLimited != nil {
			onLimited()
		}
		secs := int(math.Ceil(wait.Seconds()))
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"too many requests for this token; retry after ` + strconv.Itoa(secs) + ` s"}}` + "\n"))
	})
}
