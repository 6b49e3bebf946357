// Package heartbeat keeps an instance's row alive in a store several
// instances share, and hands back (through the store) what dead instances
// held: a delivery claimed ahead by a process that then died is sent by the
// survivors at its time, not when its lease runs out.
package heartbeat

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/backoff"
	"github.com/raasdev/raas/internal/lifecycle"
)

// Store is what a heartbeat needs of the store (store.Store.Heartbeat).
type Store interface {
	Heartbeat(ctx context.Context, instance string, now, until time.Time) (released int, err error)
}

// LoopName labels the heartbeat loop's failures (metrics, readiness).
const LoopName = "heartbeat"

// Config tunes a heartbeat.
type Config struct {
	// Timeout is how long after its last beat an instance counts as dead
	// and what it holds is taken over (default 3 s). Together with Every
	// it bounds how late a delivery held by a dead instance is sent:
	// Timeout + Every after the death, or its due time if later.
	Timeout time.Duration
	Every   time.Duration // how often to beat (default Timeout/3)
	// Released is called when a beat handed back deliveries of dead
	// instances (the dispatcher's Wake, so they are leased now); may be nil.
	Released func(n int)
	Clock    clockwork.Clock // nil: the real one
	Backoff  backoff.Policy  // waits between failed beats, never longer than Every
	Reporter backoff.Reporter
}

// Beat is one instance's heartbeat. Create it with New, beat once with
// Once before the instance leases anything, then Start it.
type Beat struct {
	store Store
	id    string
	log   *slog.Logger
	cfg   Config
	fails *backoff.Streak

	life lifecycle.Loop
}

// New returns the heartbeat of instance id.
func New(s Store, id string, log *slog.Logger, cfg Config) *Beat {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Second
	}
	if cfg.Every <= 0 {
		cfg.Every = cfg.Timeout / 3
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	return &Beat{store: s, id: id, log: log, cfg: cfg, fails: backoff.NewStreak(LoopName, cfg.Backoff, cfg.Reporter)}
}

// Once beats once: the instance is alive for Timeout, and what dead ones
// held is handed back. It returns the store's error.
func (b *Beat) Once(ctx context.Context) error {
	now := b.cfg.Clock.Now()
	n, err := b.store.Heartbeat(ctx, b.id, now, now.Add(b.cfg.Timeout))
	if err != nil {
		return err
	}
	if n > 0 {
		b.log.Info("took over deliveries of dead instances", "n", n)
		if b.cfg.Released != nil {
			b.cfg.Released(n)
		}
	}
	return nil
}

// Failures returns the count of consecutive failed beats.
func (b *Beat) Failures() int { return b.fails.Failures() }

// Start beats every Every until Stop. Starting again does nothing; after
// Stop it fails.
func (b *Beat) Start(ctx context.Context) error {
	if err := b.life.Start(ctx, b.loop); err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

func (b *Beat) loop(ctx context.Context) {
	backoff.Repeat(ctx, b.cfg.Clock, b.cfg.Every, b.cfg.Every, b.fails, b.log, backoff.Messages{
		Failed:    "heartbeat failed: other instances will take over this one's deliveries if it goes on",
		Recovered: "heartbeat: store recovered",
	}, b.Once)
}

// Stop ends the loop and says the instance is leaving: what it still holds
// is handed back at once for the others to send. Call it after the
// dispatcher has stopped.
func (b *Beat) Stop() {
	if !b.life.Stop() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := b.cfg.Clock.Now()
	if _, err := b.store.Heartbeat(ctx, b.id, now, now); err != nil {
		b.log.Warn("heartbeat: leaving", "err", err)
	}
}
