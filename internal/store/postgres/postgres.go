// Package postgres is the Store for PostgreSQL, through pgx, for deployments
// where several RaaS instances share one database. Instances coordinate in the
// database alone: FireDue and LeaseDeliveries claim rows with FOR UPDATE SKIP
// LOCKED, so two instances never take the same work and neither waits for the
// other; migrations run under an advisory lock; and the Store is a
// store.Broadcaster over LISTEN/NOTIFY, so a write on one instance can wake
// another. Times are BIGINT Unix milliseconds, as in the SQLite driver.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/batch"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLockKey is the pg_advisory_xact_lock key Migrate holds, so instances
// starting together apply each migration once ("raas" in ASCII).
const migrateLockKey = 0x72616173

// Store is the PostgreSQL Store.
type Store struct {
	pool    *pgxpool.Pool
	lis     *listener
	creates *batch.Runner[remind.Reminder, error] // see CreateReminder
}

var (
	_ store.Store       = (*Store)(nil)
	_ store.Broadcaster = (*Store)(nil)
)

// errClosed is what a subscription gets once the Store is closed.
var errClosed = errors.New("postgres: store closed")

// Open connects to the database at url (a postgres:// URL or a key=value
// DSN). Besides the server's settings, the URL may carry pgxpool's:
// pool_max_conns (default max(4, number of CPUs)), pool_max_conn_lifetime
// (1h), pool_max_conn_idle_time (30m), pool_health_check_period (1m) and the
// others pgxpool.ParseConfig reads. It checks the connection; call Migrate
// before use.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	// LISTEN holds its connection for good, so it has one of its own rather
	// than a pooled one, as River's listener does; it is made from the same
	// settings.
	s := &Store{pool: pool, lis: newListener(cfg.ConnConfig.Copy())}
	s.creates = batch.New(maxCreateBatch, s.insertReminders)
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return s, nil
}

// Migrate applies the embedded migrations not yet applied, all in one
// transaction under an advisory lock: instances starting at once wait for
// the first, then find nothing left to do.
func (s *Store) Migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	sort.Strings(names)
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLockKey)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)`); err != nil {
			return err
		}
		for _, name := range names {
			version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			// Simple protocol: a migration is several statements.
			if _, err := tx.Exec(ctx, string(body), pgx.QueryExecModeSimpleProtocol); err != nil {
				return fmt.Errorf("%s: %w", version, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_ms) VALUES ($1, $2)`, version, time.Now().UnixMilli()); err != nil {
				return fmt.Errorf("%s: %w", version, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// Ping checks that a connection can be had and answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close runs the queued creates, stops the listener and closes the
// connections, waiting for those in use to be released.
func (s *Store) Close() error {
	s.creates.Close() // runs what is queued
	s.lis.close()
	s.pool.Close()
	return nil
}

// conn runs fn on one pooled connection, for queries that must share it.
func (s *Store) conn(ctx context.Context, fn func(*pgx.Conn) error) error {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	return fn(c.Conn())
}

// tx runs fn in a transaction, committed when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// exec runs one statement on a pooled connection.
func (s *Store) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return s.pool.Exec(ctx, sql, args...)
}

// queryRow runs a one-row query and scans it with scan.
func (s *Store) queryRow(ctx context.Context, scan func(pgx.Row) error, sql string, args ...any) error {
	return scan(s.pool.QueryRow(ctx, sql, args...))
}

// queryRows runs a query and calls each for every row.
func queryRows(ctx context.Context, q querier, each func(pgx.Rows) error, sql string, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) queryRows(ctx context.Context, each func(pgx.Rows) error, sql string, args ...any) error {
	return queryRows(ctx, s.pool, each, sql, args...)
}

// querier is what a pgx.Conn, a pgx.Tx and the pool share.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

func ptrMS(v *int64) *time.Time {
	if v == nil {
		return nil
	}
	t := fromMS(*v)
	return &t
}

func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %w", remind.NotFound(what))
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

func mustAffect(tag pgconn.CommandTag, what string) error {
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %w", remind.NotFound(what))
	}
	return nil
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
