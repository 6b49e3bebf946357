package scheduler

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// dueStore holds due times; FireDue hands out one delivery per time.
type dueStore struct {
	mu  sync.Mutex
	due []time.Time // sorted
}

func (s *dueStore) NextFireAt(context.Context) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.due) == 0 {
		return time.Time{}, false, nil
	}
	return s.due[0], true, nil
}

func (s *dueStore) FireDue(_ context.Context, now time.Time, limit int, _ time.Time, _ store.FirePlanner) ([]remind.Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []remind.Delivery
	for len(s.due) > 0 && len(out) < limit && !s.due[0].After(now) {
		out = append(out, remind.Delivery{ID: remind.NewID(s.due[0]), DueAt: s.due[0]})
		s.due = s.due[1:]
	}
	return out, nil
}

// holder counts what it was given and holds what is not yet due.
type holder struct {
	mu      sync.Mutex
	held    []time.Time
	got     int
	maxHeld int
}

func (h *holder) Stamp(context.Context) uint64 { return 0 }

func (h *holder) Held() (int, time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	kept := h.held[:0]
	for _, t := range h.held {
		if t.After(now) {
			kept = append(kept, t)
		}
	}
	h.held = kept
	if len(kept) == 0 {
		return 0, time.Time{}
	}
	return len(kept), kept[0]
}

func (h *holder) Submit(_ context.Context, ds []remind.Delivery, _ uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, d := range ds {
		h.got++
		if d.DueAt.After(time.Now()) {
			h.held = append(h.held, d.DueAt)
		}
	}
	sort.Slice(h.held, func(i, j int) bool { return h.held[i].Before(h.held[j]) })
	h.maxHeld = max(h.maxHeld, len(h.held))
}

// TestClaimingAheadIsBounded: with MaxHeld deliveries waiting in memory the
// scheduler claims only what is due, so a herd is not fanned out into
// memory whole, and everything is still handed over once due.
func TestClaimingAheadIsBounded(t *testing.T) {
	const n, maxHeld, batch = 200, 40, 10
	at := time.Now().Add(400 * time.Millisecond)
	st := &dueStore{}
	for i := 0; i < n; i++ {
		st.due = append(st.due, at.Add(time.Duration(i)*time.Millisecond))
	}
	h := &holder{}
	s := New(st, h, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, Config{
		Batch: batch, Lookahead: 10 * time.Second, MaxHeld: maxHeld, MaxSleep: time.Second,
	})
	s.Start(context.Background())
	defer s.Stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.mu.Lock()
		got := h.got
		h.mu.Unlock()
		if got == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("handed over %d of %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if h.maxHeld > maxHeld+batch || h.maxHeld < maxHeld {
		t.Fatalf("at most %d held at once, want between %d and %d", h.maxHeld, maxHeld, maxHeld+batch)
	}
}
