package heartbeat

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jonboulle/clockwork"
)

var t0 = time.Date(2026, 11, 22, 6, 40, 0, 0, time.UTC)

type beat struct {
	id         string
	now, until time.Time
}

// beatStore records beats; release is what the next beat hands back.
type beatStore struct {
	mu      sync.Mutex
	beats   []beat
	release int
	fail    bool
}

func (s *beatStore) Heartbeat(_ context.Context, id string, now, until time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.beats = append(s.beats, beat{id, now, until})
	if s.fail {
		return 0, errors.New("down")
	}
	n := s.release
	s.release = 0
	return n, nil
}

func (s *beatStore) get() []beat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]beat(nil), s.beats...)
}

// TestBeatsRenewReleaseAndLeave: the instance beats every Every with its
// time Timeout ahead, wakes the dispatcher when a beat took work over,
// keeps beating (no faster than Every) while the store fails, and says it
// leaves on Stop.
func TestBeatsRenewReleaseAndLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		st := &beatStore{}
		var released []int
		b := New(st, "me", slog.New(slog.NewTextHandler(io.Discard, nil)), Config{
			Timeout: 3 * time.Second, Clock: clk, Released: func(n int) { released = append(released, n) },
		})
		if err := b.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		b.Start(context.Background())
		defer b.Stop()
		synctest.Wait()
		step := func(d time.Duration) {
			for end := clk.Now().Add(d); clk.Now().Before(end); {
				clk.Advance(100 * time.Millisecond)
				synctest.Wait()
			}
		}
		step(3 * time.Second)
		got := st.get()
		if len(got) != 4 {
			t.Fatalf("%d beats in 3 s (with the first), want 4", len(got))
		}
		for i, bt := range got {
			if bt.id != "me" || !bt.now.Equal(t0.Add(time.Duration(i)*time.Second)) || bt.until.Sub(bt.now) != 3*time.Second {
				t.Fatalf("beat %d: %+v", i, bt)
			}
		}
		st.mu.Lock()
		st.release = 7
		st.mu.Unlock()
		step(time.Second)
		if len(released) != 1 || released[0] != 7 {
			t.Fatalf("Released calls %v, want [7]", released)
		}
		st.mu.Lock()
		st.fail = true
		st.mu.Unlock()
		before := len(st.get())
		step(10 * time.Second)
		if n := len(st.get()) - before; n < 10 || n > 20 {
			t.Fatalf("%d beats in 10 s of failures, want about one a second", n)
		}
		if b.Failures() < 10 {
			t.Fatalf("Failures = %d", b.Failures())
		}
		st.mu.Lock()
		st.fail = false
		st.mu.Unlock()
		step(time.Second)
		if b.Failures() != 0 {
			t.Fatal("failures not reset by a good beat")
		}
		b.Stop()
		got = st.get()
		if last := got[len(got)-1]; !last.until.Equal(last.now) {
			t.Fatalf("last beat %+v, want a leave (until = now)", last)
		}
	})
}

// TestStartAndStopAreIdempotent: Start twice beats once a period, Stop
// twice says it leaves once, and Start after Stop fails.
func TestStartAndStopAreIdempotent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		st := &beatStore{}
		b := New(st, "me", slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Timeout: 3 * time.Second, Clock: clk})
		if err := errors.Join(b.Start(context.Background()), b.Start(context.Background())); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		clk.Advance(time.Second)
		synctest.Wait()
		b.Stop()
		b.Stop()
		if err := b.Start(context.Background()); err == nil {
			t.Fatal("Start after Stop did not fail")
		}
		var leaving int
		for _, bt := range st.get() {
			if !bt.until.After(bt.now) {
				leaving++
			}
		}
		if n := len(st.get()); n != 2 || leaving != 1 {
			t.Fatalf("%d beats, %d saying it leaves; want one beat and one leaving", n, leaving)
		}
	})
}
