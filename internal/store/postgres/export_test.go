package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// TerminateListeners ends, on the server, every connection of this database
// that is listening, as a server restart or a network cut would.
func TerminateListeners(ctx context.Context, s *Store) (int, error) {
	var n int
	err := s.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) },
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		 WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`)
	return n, err
}

// SetListenDatabase points the listening connection at another database.
func SetListenDatabase(s *Store, name string) {
	s.lis.cfg = s.lis.cfg.Copy()
	s.lis.cfg.Database = name
}
