package app

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/scheduler"
	"github.com/raasdev/raas/internal/store"
)

const dueTopic = "raas_due"

// waker tells the schedulers of every instance about a firing a write
// created: this one's directly, the others' through the store's broadcast
// (PostgreSQL NOTIFY) when the firing is sooner than their next look at
// the store would be.
type waker struct {
	sched *scheduler.Scheduler
	bc    store.Broadcaster // nil for a single instance
	log   *slog.Logger
	now   func() time.Time

	mu       sync.Mutex
	sentFor  time.Time // the firing last announced
	sentWhen time.Time // when it was announced

	run      sync.Mutex
	started  bool
	cancel   context.CancelFunc // ends the listening goroutine
	finished chan struct{}      // closed when it has ended
}

// Notify wakes the local scheduler and, for firings due soon, the others.
// Announcements are coalesced: a firing no earlier than one announced in
// the last second is news to nobody (a herd of creates sends one NOTIFY).
// The broadcast keeps ctx's values but not its end: the write it announces
// is done, and a client hanging up now must not keep other instances from
// hearing of it; it is bounded by two seconds instead.
func (w *waker) Notify(ctx context.Context, at time.Time) {
	w.sched.Notify(at)
	if w.bc == nil {
		return
	}
	now := w.now()
	if at.Sub(now) >= 30*time.Second {
		return // the others look at the store within their MaxSleep anyway
	}
	w.mu.Lock()
	if !at.Before(w.sentFor) && now.Sub(w.sentWhen) < time.Second {
		w.mu.Unlock()
		return
	}
	w.sentFor, w.sentWhen = at, now
	w.mu.Unlock()
	{
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := w.bc.Broadcast(ctx, dueTopic, []byte(strconv.FormatInt(at.UnixMilli(), 10))); err != nil {
			w.log.Warn("broadcast wake-up", "err", err)
		}
	}
}

// start listens for other instances' wake-ups until ctx is done or stop is
// called; once started, it does nothing.
func (w *waker) start(ctx context.Context) {
	w.run.Lock()
	defer w.run.Unlock()
	if w.bc == nil || w.started {
		return
	}
	w.started = true
	ctx, w.cancel = context.WithCancel(ctx)
	w.finished = make(chan struct{})
	go func() {
		defer close(w.finished)
		err := w.bc.Subscribe(ctx, dueTopic, func(p []byte) {
			if ms, err := strconv.ParseInt(string(p), 10, 64); err == nil {
				w.sched.Notify(time.UnixMilli(ms))
			}
		})
		if err != nil && ctx.Err() == nil {
			w.log.Error("subscribe to wake-ups", "err", err)
		}
	}()
}

// stop ends the listening and waits for its goroutine; it may be called
// more than once, and before start.
func (w *waker) stop() {
	w.run.Lock()
	defer w.run.Unlock()
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.finished
}
