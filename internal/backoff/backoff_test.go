package backoff

import (
	"sync"
	"testing"
	"time"
)

func TestDelayDoublesWithJitterUpToTheCap(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, Max: 5 * time.Second}
	for _, tc := range []struct {
		n        int
		min, max time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{4, 400 * time.Millisecond, 800 * time.Millisecond},
		{6, 1600 * time.Millisecond, 3200 * time.Millisecond},
		{7, 2500 * time.Millisecond, 5 * time.Second},
		{1000, 2500 * time.Millisecond, 5 * time.Second},
	} {
		seen := map[time.Duration]bool{}
		for i := 0; i < 200; i++ {
			d := p.Delay(tc.n)
			if d < tc.min || d > tc.max {
				t.Fatalf("Delay(%d) = %v, want within [%v, %v]", tc.n, d, tc.min, tc.max)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Fatalf("Delay(%d) drew only %d distinct waits in 200: no jitter", tc.n, len(seen))
		}
	}
}

type recorder struct {
	mu  sync.Mutex
	got []int
}

func (r *recorder) LoopFailures(loop string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if loop != "l" {
		panic(loop)
	}
	r.got = append(r.got, n)
}

func TestStreakCountsAndResets(t *testing.T) {
	rec := &recorder{}
	s := NewStreak("l", Default, rec)
	if s.Succeed() {
		t.Fatal("a success without failures ended a streak")
	}
	for i := 1; i <= 3; i++ {
		if _, n := s.Fail(); n != i {
			t.Fatalf("failure %d counted as %d", i, n)
		}
	}
	if s.Failures() != 3 || !s.Succeed() || s.Failures() != 0 {
		t.Fatalf("after 3 failures and a success: %d", s.Failures())
	}
	want := []int{1, 2, 3, 0}
	if len(rec.got) != len(want) {
		t.Fatalf("reported %v, want %v", rec.got, want)
	}
	for i := range want {
		if rec.got[i] != want[i] {
			t.Fatalf("reported %v, want %v", rec.got, want)
		}
	}
}
