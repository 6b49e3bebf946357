package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CountRequest adds one request to key's count in the window starting at
// window and returns the count so far, so that every instance sharing the
// database sees the same count. Windows older than a minute are removed now
// and then by the caller that opens a new window.
func (s *Store) CountRequest(ctx context.Context, key string, window time.Time) (int64, error) {
	var n int64
	err := s.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) },
		`INSERT INTO rate_windows (key, window_ms, n) VALUES ($1, $2, 1)
		 ON CONFLICT (key, window_ms) DO UPDATE SET n = rate_windows.n + 1 RETURNING n`, key, ms(window))
	if err != nil {
		return 0, fmt.Errorf("postgres: count request: %w", err)
	}
	if n == 1 {
		if _, err := s.exec(ctx, `DELETE FROM rate_windows WHERE key = $1 AND window_ms < $2`, key, ms(window.Add(-time.Minute))); err != nil {
			return n, fmt.Errorf("postgres: prune rate windows: %w", err)
		}
	}
	return n, nil
}
