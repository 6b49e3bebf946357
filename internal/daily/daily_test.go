package daily

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// The loop runs a pass at once and then every minute of the clock; a
// failing pass is tried again sooner (back-off), never later than the
// next minute; Stop waits for it.
func TestLoopRunsEveryMinuteOnTheClock(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2030, 1, 1, 7, 58, 0, 0, time.UTC))
	calls := make(chan time.Time, 10)
	fail := make(chan bool, 10)
	pass := func(_ context.Context, now time.Time) error {
		calls <- now
		if len(fail) > 0 && <-fail {
			return errors.New("store down")
		}
		return nil
	}
	l := New(pass, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Clock: clock})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	next := func() time.Time {
		t.Helper()
		select {
		case at := <-calls:
			return at
		case <-time.After(10 * time.Second):
			t.Fatal("no pass")
		}
		return time.Time{}
	}
	if at := next(); !at.Equal(time.Date(2030, 1, 1, 7, 58, 0, 0, time.UTC)) {
		t.Fatalf("first pass at %v", at)
	}
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if at := next(); !at.Equal(time.Date(2030, 1, 1, 7, 59, 0, 0, time.UTC)) {
		t.Fatalf("second pass at %v", at)
	}
	// A failing pass is tried again within the back-off, before a minute.
	fail <- true
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	failedAt := next()
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Second) // the first back-off waits at most 5 s
	if at := next(); at.Sub(failedAt) >= time.Minute {
		t.Fatalf("retried %v after the failure", at.Sub(failedAt))
	}
	l.Stop()
	if err := l.Start(context.Background()); err == nil {
		t.Fatal("started after Stop")
	}
}
