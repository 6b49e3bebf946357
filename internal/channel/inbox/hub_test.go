package inbox

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// memBroadcaster is an in-process Broadcaster with the store's contract:
// a message reaches every subscription whose context is not done.
type memBroadcaster struct {
	mu         sync.Mutex
	subs       []memSub
	subscribed chan struct{} // a value each Subscribe (made by newMemBroadcaster)
}

func newMemBroadcaster() *memBroadcaster { return &memBroadcaster{subscribed: make(chan struct{}, 64)} }

type memSub struct {
	ctx context.Context
	fn  func([]byte)
}

func (b *memBroadcaster) Broadcast(ctx context.Context, topic string, payload []byte) error {
	b.mu.Lock()
	subs := append([]memSub(nil), b.subs...)
	b.mu.Unlock()
	for _, s := range subs {
		if s.ctx.Err() == nil {
			s.fn(payload)
		}
	}
	return nil
}

func (b *memBroadcaster) Subscribe(ctx context.Context, topic string, fn func([]byte)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs = append(b.subs, memSub{ctx, fn})
	select {
	case b.subscribed <- struct{}{}:
	default: // enough wake-ups queued: the waiter re-counts
	}
	return nil
}

func (b *memBroadcaster) subscriptions() []memSub {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]memSub(nil), b.subs...)
}

// waitSubscribed waits until n subscriptions exist (Start subscribes on a
// goroutine of its own).
func (b *memBroadcaster) waitSubscribed(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for len(b.subscriptions()) < n {
		select {
		case <-b.subscribed:
		case <-deadline:
			t.Fatalf("%d subscriptions, want %d", len(b.subscriptions()), n)
		}
	}
}

// TestHubStartStop: an item published on one instance reaches a follower on
// another once its hub has started; Stop ends the subscription before it
// returns, is idempotent, and is harmless before Start.
func TestHubStartStop(t *testing.T) {
	bc := newMemBroadcaster()
	log := slog.New(slog.DiscardHandler)
	here, there := NewHub(bc, log), NewHub(bc, log)
	there.Stop() // before Start: nothing to stop

	ctx := context.Background()
	here.Start(ctx)
	here.Start(ctx) // a second Start is a no-op
	bc.waitSubscribed(t, 1)
	items, unfollow := here.Follow("t1", "alice")
	defer unfollow()

	there.Publish(ctx, remind.InboxItem{ID: "i1", TenantID: "t1", UID: "alice"})
	select {
	case it := <-items:
		if it.ID != "i1" {
			t.Fatalf("got item %q, want i1", it.ID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the item published on the other instance never arrived")
	}

	here.Stop()
	for _, s := range bc.subscriptions() {
		if s.ctx.Err() == nil {
			t.Fatal("Stop returned with the hub still subscribed")
		}
	}
	here.Stop()
	if n := len(bc.subscriptions()); n != 1 {
		t.Fatalf("%d subscriptions after Start twice, want 1", n)
	}
	there.Publish(ctx, remind.InboxItem{ID: "i2", TenantID: "t1", UID: "alice"})
	select {
	case it := <-items:
		t.Fatalf("item %q reached a stopped hub", it.ID)
	default:
	}
}
