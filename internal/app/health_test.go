package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

// flakyStore fails the background loops' calls while fail is set; Ping
// still answers (a store that connects but cannot work: a full disk, a
// lock held elsewhere).
type flakyStore struct {
	store.Store
	fail atomic.Bool
}

var errFlaky = errors.New("store failing")

func (s *flakyStore) NextFireAt(ctx context.Context) (time.Time, bool, error) {
	if s.fail.Load() {
		return time.Time{}, false, errFlaky
	}
	return s.Store.NextFireAt(ctx)
}

func (s *flakyStore) FireDue(ctx context.Context, now time.Time, limit int, lease store.Lease, plan store.FirePlanner) ([]remind.Delivery, error) {
	if s.fail.Load() {
		return nil, errFlaky
	}
	return s.Store.FireDue(ctx, now, limit, lease, plan)
}

func (s *flakyStore) NextDeliveryAt(ctx context.Context) (time.Time, bool, error) {
	if s.fail.Load() {
		return time.Time{}, false, errFlaky
	}
	return s.Store.NextDeliveryAt(ctx)
}

func (s *flakyStore) LeaseDeliveries(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]remind.Delivery, error) {
	if s.fail.Load() {
		return nil, errFlaky
	}
	return s.Store.LeaseDeliveries(ctx, now, limit, lease)
}

func (s *flakyStore) Heartbeat(ctx context.Context, id string, now, until time.Time) (int, error) {
	if s.fail.Load() {
		return 0, errFlaky
	}
	return s.Store.Heartbeat(ctx, id, now, until)
}

// TestReadinessFollowsTheStoreLoops: /readyz answers 503 while the
// background loops keep failing on the store, with the failures in the
// metrics, and 200 again once the store works. The fake clock is advanced
// until each state shows.
func TestReadinessFollowsTheStoreLoops(t *testing.T) {
	clk := clockwork.NewFakeClock()
	st := &flakyStore{Store: sqlitetest.Open(t)}
	cfg := Defaults()
	cfg.DataDir, cfg.Clock = t.TempDir(), clk
	a := New(cfg, st, slog.New(slog.DiscardHandler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(context.Background(), ln); err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	// waitFor advances the fake clock until /readyz answers code.
	waitFor := func(code int) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			got, body := get("/readyz")
			if got == code {
				return body
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz still %d %s, want %d", got, body, code)
			}
			clk.Advance(50 * time.Millisecond)
			runtimeYield()
		}
	}
	waitFor(http.StatusOK)
	st.fail.Store(true)
	body := waitFor(http.StatusServiceUnavailable)
	if !strings.Contains(body, "store failing") {
		t.Fatalf("/readyz body %s", body)
	}
	if _, m := get("/metrics"); !strings.Contains(m, "raas_loop_consecutive_failures{loop=") {
		t.Fatal("no raas_loop_consecutive_failures in /metrics")
	}
	st.fail.Store(false)
	waitFor(http.StatusOK)
}

// runtimeYield gives the loops woken by an Advance a moment to run; the
// caller polls a condition, so this only paces the polling.
func runtimeYield() { <-time.After(time.Millisecond) }
