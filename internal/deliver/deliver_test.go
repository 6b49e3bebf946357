package deliver

import (
	"errors"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

func TestBackoff(t *testing.T) {
	d := New(nil, nil, nil, nil, Config{BaseBackoff: time.Second, MaxBackoff: time.Minute})
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 800 * time.Millisecond, 1200 * time.Millisecond},
		{2, 1600 * time.Millisecond, 2400 * time.Millisecond},
		{5, 12800 * time.Millisecond, 19200 * time.Millisecond},
		{20, 48 * time.Second, 72 * time.Second}, // capped at MaxBackoff, then jittered
	} {
		for i := 0; i < 50; i++ {
			if got := d.backoff(tc.attempt, errors.New("x")); got < tc.min || got > tc.max {
				t.Fatalf("attempt %d: %v outside [%v, %v]", tc.attempt, got, tc.min, tc.max)
			}
		}
	}
	if got := d.backoff(1, RetryAfter(errors.New("429"), 30*time.Second)); got != 30*time.Second {
		t.Fatalf("Retry-After not honoured: %v", got)
	}
}

func TestErrorMarks(t *testing.T) {
	base := errors.New("boom")
	if !IsPermanent(Permanent(base)) || !IsPermanent(Gone(base)) || IsPermanent(base) || !IsGone(Gone(base)) {
		t.Fatal("marks not recognised")
	}
	if !errors.Is(Permanent(base), base) {
		t.Fatal("Permanent hides its cause")
	}
}

func TestHoldQueueReleasesInOrder(t *testing.T) {
	q := newHoldQueue()
	t0 := time.Unix(1000, 0)
	for _, s := range []int{3, 1, 2} {
		q.push(remind.Delivery{ID: string(rune('a' + s)), DueAt: t0.Add(time.Duration(s) * time.Second)})
	}
	if _, ok := q.popDue(t0); ok {
		t.Fatal("released before its time")
	}
	var got string
	for {
		d, ok := q.popDue(t0.Add(5 * time.Second))
		if !ok {
			break
		}
		got += d.ID
	}
	if got != "bcd" {
		t.Fatalf("order %q", got)
	}
}
