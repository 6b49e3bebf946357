// Package lifecycle is the one start/stop of the background loops (the
// heartbeat, the daily summaries): Start runs the loop in its goroutine
// once, Stop cancels it and waits for it to end, and a stopped loop never
// starts again. Both are safe to call more than once and at once.
package lifecycle

import (
	"context"
	"errors"
	"sync"
)

// ErrStopped is Start's answer after Stop.
var ErrStopped = errors.New("stopped")

// Loop runs one background loop. The zero value is ready.
type Loop struct {
	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	stopped bool
}

// Start runs run in its own goroutine with a context that Stop cancels.
// Starting again does nothing; after Stop it fails with ErrStopped.
func (l *Loop) Start(ctx context.Context, run func(ctx context.Context)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return ErrStopped
	}
	if l.cancel != nil {
		return nil
	}
	ctx, l.cancel = context.WithCancel(ctx)
	l.done = make(chan struct{})
	go func() {
		defer close(l.done)
		run(ctx)
	}()
	return nil
}

// Stop cancels the loop and waits for it to end. It reports whether it
// stopped a running loop (false when the loop never started, or on a
// second Stop), for a caller with more to do then.
func (l *Loop) Stop() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	running := !l.stopped && l.cancel != nil
	l.stopped = true
	if running {
		l.cancel()
		<-l.done
	}
	return running
}
