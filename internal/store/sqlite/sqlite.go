// Package sqlite is the embedded default Store: one SQLite file in WAL mode,
// through the pure-Go modernc.org/sqlite driver so the binary stays static.
// Writes go through one connection (SQLite has one writer anyway), reads
// through a small pool.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/batch"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrLocked means another process serves from the same database file.
var ErrLocked = errors.New("database is served by another process")

// Store is the SQLite Store.
type Store struct {
	w    *sql.DB // the single writer connection
	r    *sql.DB // readers
	path string

	// changes counts committed transactions that may have taken a
	// delivery out of pending by other means than recording its outcome:
	// reminder updates, cancels and deletes (see Changes).
	changes atomic.Uint64

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // see prepared

	// creates feeds commitCreates (see CreateReminder), started by the first
	// create; closing stops it.
	creates *batch.Runner[createReq, createRes] // see CreateReminder
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the SQLite database at path. Call Migrate
// before use.
func Open(path string) (*Store, error) {
	// The writer keeps a 16 MB page cache; each reader 4 MB: a commit
	// empties the other connections' caches (WAL), so while a herd is
	// written a reader's cache holds little more than the indexes' upper
	// pages, and four large ones only added to the resident size.
	dsn := func(cacheKB int) string {
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)", "foreign_keys(ON)", "temp_store(MEMORY)", fmt.Sprintf("cache_size(-%d)", cacheKB)} {
			q.Add("_pragma", p)
		}
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn(16000)+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(4000)+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s := &Store{w: w, r: r, path: path}
	s.creates = batch.New(maxCreateBatch, s.runCreates)
	return s, nil
}

// Migrate applies the embedded migrations not yet applied, each in its own
// transaction.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_ms INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", version, err)
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)`, version, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", version, err)
		}
	}
	return nil
}

// Changes counts committed transactions that may have taken a delivery out
// of pending other than by recording its outcome (reminder updates, cancels,
// deletes); it is bumped after each commits. A dispatcher that is the
// database's only user (see LockServe) reads it before leasing deliveries
// and again before sending them: when it has not moved, nothing can have
// cancelled them and the store need not be asked (PendingOf).
// The count lives in this process's memory, so it is only meaningful
// while the process holds the serve lock; it never fails.
func (s *Store) Changes(context.Context) (uint64, error) { return s.changes.Load(), nil }

// Ping checks both pools.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return s.r.PingContext(ctx)
}

// Close closes both pools.
func (s *Store) Close() error {
	s.creates.Close() // runs what is queued
	s.stmtMu.Lock()
	var errs []error
	for _, st := range s.stmts {
		errs = append(errs, st.Close())
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	return errors.Join(append(errs, s.r.Close(), s.w.Close())...)
}

// prepared returns query prepared on the writer, the first time it is
// asked for. The multi-row statements of the fire path (FireDue,
// FinishDeliveries) are long and parsing them again for every chunk was a
// large share of a herd's writes. Call it before the transaction that uses
// the statement (through tx.StmtContext): the writer pool's one connection
// is the transaction's until it ends.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.w.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func ptrMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %w", remind.NotFound(what))
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
