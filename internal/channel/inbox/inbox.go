// Package inbox is the in-app channel: a delivery becomes an item in the
// recipient's inbox, and every client following that inbox (Server-Sent
// Events) hears of it at once, on whichever instance it is connected to.
package inbox

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// Store is what the inbox channel needs of the store.
type Store interface {
	AddInboxItem(ctx context.Context, it remind.InboxItem) (bool, error)
}

// Broadcaster carries items between instances sharing one database; see
// store.Broadcaster. Nil for a single instance.
type Broadcaster interface {
	Broadcast(ctx context.Context, topic string, payload []byte) error
	Subscribe(ctx context.Context, topic string, fn func(payload []byte)) error
}

const topic = "raas_inbox"

// Hub fans new inbox items out to the clients following an inbox.
type Hub struct {
	bc  Broadcaster
	log *slog.Logger

	mu   sync.Mutex
	subs map[string]map[chan remind.InboxItem]struct{} // tenant/uid → subscribers

	run     sync.Mutex
	started bool
	stop    context.CancelFunc // ends the listening goroutine
	done    chan struct{}      // closed when it has ended
}

// NewHub returns a hub; with a non-nil Broadcaster, call Start so items
// published on other instances reach this one's clients.
func NewHub(bc Broadcaster, log *slog.Logger) *Hub {
	return &Hub{bc: bc, log: log, subs: map[string]map[chan remind.InboxItem]struct{}{}}
}

// Start listens for items published by other instances until ctx is done
// or Stop is called. Without a Broadcaster, or once started, it does
// nothing.
func (h *Hub) Start(ctx context.Context) error {
	h.run.Lock()
	defer h.run.Unlock()
	if h.bc == nil || h.started {
		return nil
	}
	h.started = true
	ctx, h.stop = context.WithCancel(ctx)
	h.done = make(chan struct{})
	go func() {
		defer close(h.done)
		err := h.bc.Subscribe(ctx, topic, func(p []byte) {
			var it remind.InboxItem
			if err := json.Unmarshal(p, &it); err == nil {
				h.local(it)
			}
		})
		if err != nil && ctx.Err() == nil {
			h.log.Error("inbox: subscribe", "err", err)
		}
	}()
	return nil
}

// Stop ends the listening Start began and waits for its goroutine; items
// broadcast afterwards no longer reach this hub's followers. It may be
// called more than once, and before Start.
func (h *Hub) Stop() {
	h.run.Lock()
	defer h.run.Unlock()
	if h.stop == nil {
		return
	}
	h.stop()
	<-h.done
}

func key(tenantID, uid string) string { return tenantID + "/" + uid }

// Follow returns a channel of new items for one inbox and a function that
// stops following. Slow readers miss items rather than block the sender;
// the inbox list has them all.
func (h *Hub) Follow(tenantID, uid string) (<-chan remind.InboxItem, func()) {
	ch := make(chan remind.InboxItem, 64)
	k := key(tenantID, uid)
	h.mu.Lock()
	if h.subs[k] == nil {
		h.subs[k] = map[chan remind.InboxItem]struct{}{}
	}
	h.subs[k][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[k], ch)
		if len(h.subs[k]) == 0 {
			delete(h.subs, k)
		}
		h.mu.Unlock()
	}
}

// Publish announces a new item to its followers everywhere.
func (h *Hub) Publish(ctx context.Context, it remind.InboxItem) {
	if h.bc != nil {
		b, _ := json.Marshal(it)
		if err := h.bc.Broadcast(ctx, topic, b); err == nil {
			return // comes back to this instance through the subscription
		}
	}
	h.local(it)
}

func (h *Hub) local(it remind.InboxItem) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[key(it.TenantID, it.UID)] {
		select {
		case ch <- it:
		default:
		}
	}
}

// Sender puts deliveries into inboxes.
type Sender struct {
	store Store
	hub   *Hub
	now   func() time.Time
}

// NewSender returns the inbox channel's sender.
func NewSender(s Store, hub *Hub, now func() time.Time) *Sender {
	return &Sender{store: s, hub: hub, now: now}
}

// Send adds the item (once, whatever the retries) and announces it.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	ev, err := remind.DecodeEvent(d.Payload)
	if err != nil {
		return 0, err
	}
	now := s.now()
	it := remind.InboxItem{
		ID: d.ID, TenantID: d.TenantID, UID: d.Recipient, ReminderID: d.ReminderID,
		Title: ev.Data.Title, Desc: ev.Data.Desc, ExternalURL: ev.Data.ExternalURL,
		Occurrence: d.Occurrence, Status: remind.InboxUnread, SnoozedFrom: ev.Data.SnoozedFrom, CreatedAt: now, UpdatedAt: now,
	}
	added, err := s.store.AddInboxItem(ctx, it)
	if err != nil {
		return 0, err
	}
	if added {
		s.hub.Publish(ctx, it)
	}
	return 0, nil
}
