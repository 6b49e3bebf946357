package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CountRequest adds one request to key's count in the window starting at
// window and returns the count so far, so that every instance sharing the
// database sees the same count. Old windows are removed by PruneRequests
// (ratelimit.Janitor calls it).
func (s *Store) CountRequest(ctx context.Context, key string, window time.Time) (int64, error) {
	var n int64
	err := s.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) },
		`INSERT INTO rate_windows (key, window_ms, n) VALUES ($1, $2, 1)
		 ON CONFLICT (key, window_ms) DO UPDATE SET n = rate_windows.n + 1 RETURNING n`, key, ms(window))
	if err != nil {
		return 0, fmt.Errorf("postgres: count request: %w", err)
	}
	return n, nil
}

// PruneRequests removes the counts of every key's windows that started
// before before, in batches of at most 10,000 rows so no statement holds
// many locks for long.
func (s *Store) PruneRequests(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		tag, err := s.exec(ctx, `DELETE FROM rate_windows WHERE ctid IN (
			SELECT ctid FROM rate_windows WHERE window_ms < $1 LIMIT 10000)`, ms(before))
		if err != nil {
			return total, fmt.Errorf("postgres: prune rate windows: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < 10000 {
			return total, nil
		}
	}
}
