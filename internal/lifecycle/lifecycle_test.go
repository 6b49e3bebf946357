package lifecycle

import (
	"context"
	"errors"
	"testing"
)

func TestStartStop(t *testing.T) {
	var l Loop
	started := make(chan struct{})
	runs := 0
	run := func(ctx context.Context) {
		runs++
		close(started)
		<-ctx.Done()
	}
	if err := l.Start(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	<-started
	if err := l.Start(context.Background(), run); err != nil { // again: nothing
		t.Fatal(err)
	}
	if !l.Stop() {
		t.Fatal("Stop of a running loop reported false")
	}
	if runs != 1 {
		t.Fatalf("ran %d times", runs)
	}
	if l.Stop() {
		t.Fatal("a second Stop reported true")
	}
	if err := l.Start(context.Background(), run); !errors.Is(err, ErrStopped) {
		t.Fatalf("Start after Stop: %v", err)
	}
	var never Loop
	if never.Stop() {
		t.Fatal("Stop of a loop never started reported true")
	}
	if err := never.Start(context.Background(), run); !errors.Is(err, ErrStopped) {
		t.Fatalf("Start after Stop of a never-started loop: %v", err)
	}
}
