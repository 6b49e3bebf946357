// Package daily runs the once-a-day summaries (the recipients' morning
// agenda, the owners' digest): it calls a pass every minute on the
// injected clock, and the pass decides who is due at that time
// (service.Summaries). A pass that fails is tried again after a back-off,
// never later than the next minute.
package daily

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/backoff"
	"github.com/raasdev/raas/internal/lifecycle"
)

// LoopName labels the loop's failures (metrics, readiness).
const LoopName = "daily_summaries"

// Pass sends what is due at now.
type Pass func(ctx context.Context, now time.Time) error

// Config tunes the loop.
type Config struct {
	Every    time.Duration   // between passes (default a minute)
	Clock    clockwork.Clock // nil: the real one
	Backoff  backoff.Policy
	Reporter backoff.Reporter
}

// Loop calls a Pass on a schedule. Create it with New, then Start it.
type Loop struct {
	pass  Pass
	log   *slog.Logger
	cfg   Config
	fails *backoff.Streak

	life lifecycle.Loop
}

// New returns a loop calling pass.
func New(pass Pass, log *slog.Logger, cfg Config) *Loop {
	if cfg.Every <= 0 {
		cfg.Every = time.Minute
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	return &Loop{pass: pass, log: log, cfg: cfg, fails: backoff.NewStreak(LoopName, cfg.Backoff, cfg.Reporter)}
}

// Start runs a pass now and then every Every until Stop. Starting again
// does nothing; after Stop it fails.
func (l *Loop) Start(ctx context.Context) error {
	if err := l.life.Start(ctx, l.loop); err != nil {
		return fmt.Errorf("daily: %w", err)
	}
	return nil
}

func (l *Loop) loop(ctx context.Context) {
	backoff.Repeat(ctx, l.cfg.Clock, 0, l.cfg.Every, l.fails, l.log, backoff.Messages{
		Failed:    "daily summaries failed; trying again",
		Recovered: "daily summaries: store recovered",
	}, func(ctx context.Context) error { return l.pass(ctx, l.cfg.Clock.Now()) })
}

// Stop ends the loop, waiting for a pass under way.
func (l *Loop) Stop() {
	l.life.Stop()
}
