package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
)

// BenchmarkCreateHTTP measures POST /v1/reminders through the real server
// (HTTP, auth, validation, SQLite insert, scheduler wake-up), in parallel.
func BenchmarkCreateHTTP(b *testing.B) {
	a := startAppB(b)
	at := time.Now().Add(24 * time.Hour).UnixMilli()
	body, _ := json.Marshal(map[string]any{"title": "bench", "time": at, "recipients": []string{"u1"}})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8) // 16 clients on 2 cores: the server, not the client, is the limit
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", a.URL+"/v1/reminders", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+a.Token)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 201 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}

// BenchmarkFirePath measures the fire path end to end: one op is one
// reminder claimed by the scheduler, fanned out to a tenant webhook,
// dispatched and recorded, with an in-process sender; all b.N reminders
// fall due together, as in a herd.
func BenchmarkFirePath(b *testing.B) {
	ctx := context.Background()
	cfg := app.Defaults()
	cfg.DataDir, cfg.Addr, cfg.Ops.RateLimit = b.TempDir(), "127.0.0.1:0", 0
	cfg.Lookahead = 0 // measure claiming at the instant, not ahead of it
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	tn := remind.Tenant{ID: remind.NewID(now), Name: "t1", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tn); err != nil {
		b.Fatal(err)
	}
	if err := st.CreateWebhook(ctx, remind.Webhook{ID: remind.NewID(now), TenantID: tn.ID, URL: "https://sink.example/", Secret: "whsec_AAAA", CreatedAt: now}); err != nil {
		b.Fatal(err)
	}
	at := now.Add(2 * time.Second)
	rs := make([]remind.Reminder, b.N)
	for i := range rs {
		rs[i] = remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: fmt.Sprint(i), Time: &at, TZ: remind.DefaultTZ, Start: at,
			Status: remind.StatusActive, NextFireAt: &at, Source: "bench", CreatedAt: now, UpdatedAt: now}
	}
	type bulk interface {
		BulkCreateReminders(context.Context, []remind.Reminder) error
	}
	if err := st.(bulk).BulkCreateReminders(ctx, rs); err != nil {
		b.Fatal(err)
	}
	var got atomic.Int64
	a := app.New(cfg, st, discardLogger())
	a.Senders[remind.ChannelWebhook] = deliver.SenderFunc(func(context.Context, remind.Delivery) (int, error) {
		got.Add(1)
		return 200, nil
	})
	if err := a.Start(ctx, nil); err != nil {
		b.Fatal(err)
	}
	defer a.Stop(context.Background())
	time.Sleep(time.Until(at))
	b.ResetTimer() // from the instant they fall due until the last is sent
	for got.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
}

// startAppB is startApp for benchmarks; before may change the app before it starts.
func startAppB(b *testing.B) *testApp {
	b.Helper()
	cfg := app.Defaults()
	cfg.DataDir = b.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.AllowPrivateTargets = true
	cfg.Ops.RateLimit = 0
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	a := app.New(cfg, st, discardLogger())
	if err := a.Start(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Stop(context.Background()) })
	token, _, err := a.Service.CreateToken(ctx, "t1")
	if err != nil {
		b.Fatal(err)
	}
	return &testApp{App: a, URL: "http://" + a.Addr(), Token: token}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
