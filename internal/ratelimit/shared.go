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
	// PruneRequests removes the counts of windows that started before
	// before, returning how many it removed.
	PruneRequests(ctx context.Context, before time.Time) (int64, error)
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

// Window returns the length of the limiter's counting windows.
func (s *Shared) Window() time.Duration { return s.window }

// Allow counts one request for key and says whether it is within the limit,
// and if not, how long until the window ends.
func (s *Shared) Allow(ctx context.Context, key string) (bool, time.Duration) {
	now := s.now()
	start := now.Truncate(s.window)
	cctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	n, err := s.c.CountRequest(cctx, key, start)
	if err != nil {
		if ctx.Err() == nil { // not merely a client that went away
			s.log.Warn("rate limit: shared count failed; letting the request through", "err", err)
		}
		return true, 0
	}
	if n <= s.burst {
		return true, 0
	}
	return false, start.Add(s.window).Sub(now)
}

// Janitor removes, every interval, the counts of windows that ended more
// than keep ago, until ctx is done; it returns then. Keys seen once (a
// client address, a tenant that went quiet) would otherwise stay forever.
func Janitor(ctx context.Context, c Counter, interval, keep time.Duration, now func() time.Time, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		n, err := c.PruneRequests(pctx, now().Add(-keep))
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("rate limit: pruning old windows failed", "err", err)
		case n > 0:
			log.Debug("rate limit: pruned old windows", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
