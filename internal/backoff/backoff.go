// Package backoff paces a loop that keeps retrying a failing store: each
// consecutive failure doubles the wait (with jitter, up to a cap) and a
// success resets it, so an outage costs a handful of calls and log lines a
// second instead of a spin. The count of consecutive failures is reported
// for metrics and readiness.
package backoff

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"
)

// Reporter hears a loop's count of consecutive failures each time it
// changes (metrics, readiness); a loop's name is its label.
type Reporter interface {
	LoopFailures(loop string, n int)
}

// Policy shapes the waits: Base after the first failure, doubled after each
// further one, never more than Max.
type Policy struct {
	Base time.Duration // default 100 ms
	Max  time.Duration // default 5 s
}

// Default is the policy of the store loops: 100 ms doubling to 5 s, so a
// store that recovers is used again within 5 s and a dead one is asked at
// most about once every 2.5–5 s.
var Default = Policy{Base: 100 * time.Millisecond, Max: 5 * time.Second}

// Delay returns the wait after the n-th consecutive failure (n ≥ 1):
// Base·2^(n−1) capped at Max, with "equal jitter" (a uniform draw from its
// upper half) so that instances failing together do not retry together.
func (p Policy) Delay(n int) time.Duration {
	base, maxd := p.Base, p.Max
	if base <= 0 {
		base = Default.Base
	}
	if maxd <= 0 {
		maxd = Default.Max
	}
	d := base
	for i := 1; i < n && d < maxd; i++ {
		d *= 2
	}
	d = min(d, maxd)
	return d/2 + rand.N(d/2+1)
}

// Streak counts one loop's consecutive failures. Fail and Succeed are
// called by the loop's own goroutine; Failures may be read from any.
type Streak struct {
	name   string
	policy Policy
	rep    Reporter
	n      atomic.Int64
}

// NewStreak returns a streak for the loop called name; rep may be nil.
func NewStreak(name string, p Policy, rep Reporter) *Streak {
	return &Streak{name: name, policy: p, rep: rep}
}

// Fail counts a failure and returns how long to wait before trying again
// and the count so far (for the log line: one per failure, so one per
// back-off step).
func (s *Streak) Fail() (wait time.Duration, n int) {
	n = int(s.n.Add(1))
	if s.rep != nil {
		s.rep.LoopFailures(s.name, n)
	}
	return s.policy.Delay(n), n
}

// Succeed ends the streak; it reports whether there was one (the loop
// may log that the store recovered).
func (s *Streak) Succeed() bool {
	if s.n.Swap(0) == 0 {
		return false
	}
	if s.rep != nil {
		s.rep.LoopFailures(s.name, 0)
	}
	return true
}

// Failures returns the current count of consecutive failures.
func (s *Streak) Failures() int { return int(s.n.Load()) }

// Messages are what Repeat logs: when a step fails (once per doubling of
// the count of failures in a row, not per attempt) and when it succeeds
// again after failing.
type Messages struct {
	Failed, Recovered string
}

// Repeat calls step first after `first`, then every `every` on clock until
// ctx is done. A failed step counts in s and is tried again after s's
// back-off, never later than `every`; a failure while ctx is ending stops
// the loop quietly.
func Repeat(ctx context.Context, clock clockwork.Clock, first, every time.Duration, s *Streak, log *slog.Logger, msg Messages, step func(context.Context) error) {
	timer := clock.NewTimer(first)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.Chan():
		}
		wait := every
		if err := step(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			d, n := s.Fail()
			wait = min(d, wait)
			if n&(n-1) == 0 { // 1, 2, 4, 8…: a log line per doubling, not per attempt
				log.Error(msg.Failed, "err", err, "failures", n)
			}
		} else if s.Succeed() {
			log.Info(msg.Recovered)
		}
		timer.Reset(wait)
	}
}
