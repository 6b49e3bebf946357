package metrics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

//go:generate go run ./gentimed -o timedstore_gen.go

// timedStore is a store.Store that records every call's duration; its
// methods are generated (timedstore_gen.go) but for Close, below.
type timedStore struct {
	store.Store
	m *Metrics
}

// broadcastStore is a timedStore over a driver that also broadcasts, so
// wrapping keeps the store.Broadcaster the inbox hub looks for.
type broadcastStore struct {
	*timedStore
	store.Broadcaster
}

// TimeStore returns st with every call timed into raas_store_duration_seconds.
// When st is a store.Broadcaster, so is the result.
func (m *Metrics) TimeStore(st store.Store) store.Store {
	t := &timedStore{Store: st, m: m}
	if b, ok := st.(store.Broadcaster); ok {
		return &broadcastStore{timedStore: t, Broadcaster: b}
	}
	return t
}

// Close closes the wrapped store.
func (s *timedStore) Close() error { return s.Store.Close() }

func isNotFound(err error) bool { return errors.Is(err, remind.ErrNotFound) }

// SQLiteCounter counts pending reminders and deliveries in a RaaS SQLite
// file through its partial indexes (reminders_due, deliveries_pending); db
// should be a read-only handle on that file.
func SQLiteCounter(db *sql.DB) CountFunc {
	return func(ctx context.Context) (Counts, error) {
		var c Counts
		err := db.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM reminders WHERE status = 'active' AND next_fire_ms IS NOT NULL),
			(SELECT count(*) FROM deliveries WHERE state = 'pending' AND last_error <> ''),
			(SELECT count(*) FROM deliveries WHERE state = 'pending')`).Scan(&c.PendingReminders, &c.RetryQueue, &c.PendingDelivery)
		if err != nil {
			return c, fmt.Errorf("metrics: count pending: %w", err)
		}
		return c, nil
	}
}
