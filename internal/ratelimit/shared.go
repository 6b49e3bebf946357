package ratelimit

import (
	"context"
	"log/slog"
	"time"
)

// Counter counts requests per key and window in storage every instance
// shares (PostgreSQL); see postgres.Store.CountRequest.
type Counter interface {
	CountRequest(ctx context.Context, key string, window time.Time) (int64, error)
}

// Shared is a limiter whose counts live in shared storage, so several
// instances behind a load balancer enforce one limit together. It counts
// in fixed windows of burst/rate seconds, each allowing burst requests: the
// same long-run rate and burst as the token bucket, at the cost of one
// upsert per request. When the storage does not answer within a second it
// lets the request through (and logs), rather than fail every request.
type Shared struct {
	c      Counter
	window time.Duration
	burst  int64
	now    func() time.Time
	log    *slog.Logger
}

// NewShared returns a shared limiter of rate requests a second with bursts of burst.
func NewShared(c Counter, rate float64, burst int, now func() time.Time, log *slog.Logger) *Shared {
	if burst < 1 {
		burst = 1
	}
	w := time.Duration(float64(burst) / rate * float64(time.Second))
	if w < 10*time.Millisecond {
		w = 10 * time.Millisecond
	}
	return &Shared{c: c, window: w, burst: int64(burst), now: now, log: log}
}

// Allow counts one request for key and says whether it is within the limit,
// and if not, how long until the window ends.
func (s *Shared) Allow(key string) (bool, time.Duration) {
	now := s.now()
	start := now.Truncate(s.window)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	n, err := s.c.CountRequest(ctx, key, start)
	if err != nil {
		s.log.Warn("rate limit: shared count failed; letting the request through", "err", err)
		return true, 0
	}
	if n <= s.burst {
		return true, 0
	}
	return false, start.Add(s.window).Sub(now)
}
