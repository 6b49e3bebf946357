package app

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// TestStartTakesOverWhatThePreviousServerHeld: a SQLite server that
// starts (and so holds the serve lock) sends at once what the previous
// process had leased, although the lease is an hour from running out; the
// fake clock never moves, so nothing but the takeover can send it.
func TestStartTakesOverWhatThePreviousServerHeld(t *testing.T) {
	ctx := context.Background()
	clk := clockwork.NewFakeClock()
	cfg := Defaults()
	cfg.DataDir, cfg.Clock = t.TempDir(), clk
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := clk.Now()
	tn := remind.Tenant{ID: remind.NewID(now), Name: "a", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	at := now.Add(-time.Second)
	r := remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: "t", Time: &at, TZ: tn.TZ, Start: at, Recipients: []string{"u1"},
		Status: remind.StatusActive, NextFireAt: &at, Source: "v1", CreatedAt: now, UpdatedAt: now}
	if _, _, err := st.CreateReminder(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	held, err := st.FireDue(ctx, now, 10, store.Lease{Owner: "the previous process", Until: now.Add(time.Hour)},
		func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
			return store.FirePlan{Deliveries: remind.Plan(r, *r.NextFireAt, recips, hooks, now, remind.FirePolicy{}), Status: remind.StatusDone}
		})
	if err != nil || len(held) != 1 {
		t.Fatalf("FireDue = %d, %v", len(held), err)
	}

	a := New(cfg, st, slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	sent := map[string]int{}
	got := make(chan struct{}, 1)
	a.Senders[held[0].Channel] = deliver.SenderFunc(func(_ context.Context, d remind.Delivery) (int, error) {
		mu.Lock()
		sent[d.ID]++
		mu.Unlock()
		select {
		case got <- struct{}{}:
		default:
		}
		return 200, nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	defer a.Stop(ctx)
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("what the previous process held was not sent after the start")
	}
	mu.Lock()
	defer mu.Unlock()
	if sent[held[0].ID] != 1 {
		t.Fatalf("sent %v, want %s once", sent, held[0].ID)
	}
}
