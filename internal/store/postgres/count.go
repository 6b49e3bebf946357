package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// CountPending feeds the metrics gauges: active reminders with a next
// firing, pending deliveries that have failed at least once (the retry
// queue), and all pending deliveries. Each count runs on a partial index.
func (s *Store) CountPending(ctx context.Context) (reminders, retrying, deliveries int64, err error) {
	err = s.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&reminders, &retrying, &deliveries) }, `SELECT
		(SELECT count(*) FROM reminders WHERE status = 'active' AND next_fire_ms IS NOT NULL),
		(SELECT count(*) FROM deliveries WHERE state = 'pending' AND last_error <> ''),
		(SELECT count(*) FROM deliveries WHERE state = 'pending')`)
	if err != nil {
		err = fmt.Errorf("postgres: count pending: %w", err)
	}
	return reminders, retrying, deliveries, err
}
