// Package sqlite is the embedded default Store: one SQLite file in WAL mode,
// through the pure-Go modernc.org/sqlite driver so the binary stays static.
// Writes go through one connection (SQLite has one writer anyway), reads
// through a small pool.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
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

	stmtMu               sync.Mutex
	finishUpd, finishIns *sql.Stmt // see finishStmts

	// creates feeds commitCreates (see CreateReminder), started by the first
	// create; closing stops it.
	creates *batch.Runner[createReq, createRes] // see CreateReminder
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the SQLite database at path. Call Migrate
// before use.
func Open(path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)", "foreign_keys(ON)", "temp_store(MEMORY)", "cache_size(-16000)"} {
		q.Add("_pragma", p)
	}
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn+"&mode=ro")
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
	for _, st := range []*sql.Stmt{s.finishUpd, s.finishIns} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	s.stmtMu.Unlock()
	return errors.Join(append(errs, s.r.Close(), s.w.Close())...)
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

// ---- tenants and tokens

const tenantCols = `id, name, display_name, avatar_url, tz, date_hour, created_ms`

func scanTenant(row interface{ Scan(...any) error }) (remind.Tenant, error) {
	var t remind.Tenant
	var created int64
	err := row.Scan(&t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &created)
	t.CreatedAt = fromMS(created)
	return t, err
}

// CreateTenant inserts a tenant; a taken name is a conflict.
func (s *Store) CreateTenant(ctx context.Context, t remind.Tenant) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO tenants (`+tenantCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Name, t.DisplayName, t.AvatarURL, t.TZ, t.DateHour, ms(t.CreatedAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("sqlite: tenant %q: %w", t.Name, &remind.Error{Code: remind.CodeConflict, Message: "tenant name taken"})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create tenant: %w", err)
	}
	return nil
}

// GetTenant returns a tenant by id.
func (s *Store) GetTenant(ctx context.Context, id string) (remind.Tenant, error) {
	t, err := scanTenant(s.r.QueryRowContext(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id))
	if err != nil {
		return t, notFound(err, "tenant")
	}
	return t, nil
}

// TenantByName returns a tenant by name.
func (s *Store) TenantByName(ctx context.Context, name string) (remind.Tenant, error) {
	t, err := scanTenant(s.r.QueryRowContext(ctx, `SELECT `+tenantCols+` FROM tenants WHERE name = ?`, name))
	if err != nil {
		return t, notFound(err, "tenant")
	}
	return t, nil
}

// UpdateTenant replaces a tenant's settings.
func (s *Store) UpdateTenant(ctx context.Context, t remind.Tenant) error {
	res, err := s.w.ExecContext(ctx, `UPDATE tenants SET display_name = ?, avatar_url = ?, tz = ?, date_hour = ? WHERE id = ?`,
		t.DisplayName, t.AvatarURL, t.TZ, t.DateHour, t.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update tenant: %w", err)
	}
	return mustAffect(res, "tenant")
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %w", remind.NotFound(what))
	}
	return nil
}

// ---- reminders

// reminderCols are the columns a new reminder is inserted with;
// reminderRead adds the claim columns every read scans (scanReminder).
const reminderCols = `id, tenant_id, title, "desc", at_ms, rrule, tz, start_ms, defer_min, external_url, recipients, channels, status, next_fire_ms, fired_count, source, meta, created_ms, updated_ms`

const reminderRead = reminderCols + `, claimed`

func scanReminder(row interface{ Scan(...any) error }) (remind.Reminder, error) {
	var r remind.Reminder
	var at, next sql.NullInt64
	var claimed *string
	var start, created, updated int64
	var recips, chans, meta, status string
	err := row.Scan(&r.ID, &r.TenantID, &r.Title, &r.Desc, &at, &r.RRule, &r.TZ, &start, &r.DeferMin, &r.ExternalURL,
		&recips, &chans, &status, &next, &r.FiredCount, &r.Source, &meta, &created, &updated, &claimed)
	if err != nil {
		return r, err
	}
	if r.Claimed, err = store.DecodeClaimed(claimed); err != nil {
		return r, err
	}
	r.Time, r.NextFireAt = ptrMS(at), ptrMS(next)
	r.Start, r.CreatedAt, r.UpdatedAt = fromMS(start), fromMS(created), fromMS(updated)
	r.Status = remind.Status(status)
	if err := decodeJSON(recips, &r.Recipients); err != nil {
		return r, err
	}
	if err := decodeJSON(chans, &r.Channels); err != nil {
		return r, err
	}
	return r, decodeJSON(meta, &r.Meta)
}

func decodeJSON(s string, v any) error {
	if s == "" || s == "null" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

func encodeJSON(v any) string {
	b, _ := json.Marshal(v) // slices and maps of strings: cannot fail
	return string(b)
}

// CreateReminder inserts r (see store.Store). Concurrent creates are
// committed together: they queue for one goroutine (store/batch) that runs
// as many as are waiting in one transaction, each under its own savepoint, so one
// create's error rolls back only its own writes. A commit wrote every
// page a create touched to the WAL, and creates arriving together touch
// the same pages: committing them once was a quarter of the create
// path's CPU.
func (s *Store) CreateReminder(ctx context.Context, r remind.Reminder, idem *store.Idempotency) (remind.Reminder, bool, error) {
	if err := ctx.Err(); err != nil {
		return remind.Reminder{}, false, err
	}
	res, err := s.creates.Do(createReq{r: r, idem: idem})
	if err != nil {
		return remind.Reminder{}, false, fmt.Errorf("sqlite: create reminder: %w", err)
	}
	if res.err != nil {
		return remind.Reminder{}, false, fmt.Errorf("sqlite: create reminder: %w", res.err)
	}
	return res.stored, res.replayed, nil
}

// maxCreateBatch bounds the creates committed together.
const maxCreateBatch = 256

type createReq struct {
	r    remind.Reminder
	idem *store.Idempotency
}

type createRes struct {
	stored   remind.Reminder
	replayed bool
	err      error
}

// runCreates commits reqs in one transaction, each create under its own
// savepoint, and returns their results in order.
func (s *Store) runCreates(reqs []createReq) []createRes {
	res := make([]createRes, len(reqs))
	ctx := context.Background() // callers wait for their answer whatever their context does
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if len(reqs) == 1 {
			res[0] = createIn(ctx, tx, reqs[0].r, reqs[0].idem)
			return res[0].err
		}
		for i, req := range reqs {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT c`); err != nil {
				return err
			}
			res[i] = createIn(ctx, tx, req.r, req.idem)
			if res[i].err != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO c`); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE c`); err != nil {
				return err
			}
		}
		return nil
	})
	for i := range reqs {
		if err != nil && res[i].err == nil {
			res[i] = createRes{err: err}
		}
	}
	return res
}

// createIn is one create inside tx.
func createIn(ctx context.Context, tx *sql.Tx, r remind.Reminder, idem *store.Idempotency) createRes {
	var replayed bool
	var stored remind.Reminder
	err := func() error {
		if idem != nil {
			var hash, rid string
			var created int64
			err := tx.QueryRowContext(ctx, `SELECT body_hash, reminder_id, created_ms FROM idempotency WHERE tenant_id = ? AND key = ?`,
				r.TenantID, idem.Key).Scan(&hash, &rid, &created)
			switch {
			case err == nil && created >= ms(idem.Since):
				if hash != idem.BodyHash {
					return &remind.Error{Code: remind.CodeConflict, Field: "Idempotency-Key", Message: "this key was used with another request body"}
				}
				got, err := scanReminder(tx.QueryRowContext(ctx, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = ? AND id = ?`, r.TenantID, rid))
				if err != nil {
					return notFound(err, "reminder")
				}
				stored, replayed = got, true
				return nil
			case err == nil:
				if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE tenant_id = ? AND key = ?`, r.TenantID, idem.Key); err != nil {
					return err
				}
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency (tenant_id, key, body_hash, reminder_id, created_ms) VALUES (?, ?, ?, ?, ?)`,
				r.TenantID, idem.Key, idem.BodyHash, r.ID, ms(r.CreatedAt)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO reminders (`+reminderCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.TenantID, r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL,
			encodeJSON(r.Recipients), encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, r.Source,
			encodeJSON(r.Meta), ms(r.CreatedAt), ms(r.UpdatedAt))
		stored = r
		return err
	}()
	return createRes{stored: stored, replayed: replayed, err: err}
}

// GetReminder returns a reminder of a tenant.
func (s *Store) GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error) {
	r, err := scanReminder(s.r.QueryRowContext(ctx, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = ? AND id = ? AND deleted_ms IS NULL`, tenantID, id))
	if err != nil {
		return r, notFound(err, "reminder")
	}
	return r, nil
}

// ListReminders pages through a tenant's reminders in id (creation) order.
func (s *Store) ListReminders(ctx context.Context, tenantID string, q store.ListQuery) ([]remind.Reminder, error) {
	query := `SELECT ` + reminderRead + ` FROM reminders WHERE tenant_id = ? AND deleted_ms IS NULL AND id > ?`
	args := []any{tenantID, q.After}
	if q.Status != "" {
		query += ` AND status = ?`
		args = append(args, string(q.Status))
	}
	query += ` ORDER BY id LIMIT ?`
	args = append(args, store.PageLimit(q.Limit))
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list reminders: %w", err)
	}
	defer rows.Close()
	var out []remind.Reminder
	for rows.Next() {
		r, err := scanReminder(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list reminders: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReminderOverview counts a tenant's reminders by status and lists the next
// to fire.
func (s *Store) ReminderOverview(ctx context.Context, tenantID string, next int) (store.Overview, error) {
	ov := store.Overview{Counts: map[remind.Status]int{}}
	rows, err := s.r.QueryContext(ctx, `SELECT status, COUNT(*) FROM reminders WHERE tenant_id = ? AND deleted_ms IS NULL GROUP BY status`, tenantID)
	if err != nil {
		return ov, fmt.Errorf("sqlite: overview: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return ov, fmt.Errorf("sqlite: overview: %w", err)
		}
		ov.Counts[remind.Status(st)] = n
	}
	if err := rows.Err(); err != nil {
		return ov, fmt.Errorf("sqlite: overview: %w", err)
	}
	rows.Close()
	rows, err = s.r.QueryContext(ctx, `SELECT `+reminderRead+` FROM reminders
		WHERE tenant_id = ? AND status = 'active' AND next_fire_ms IS NOT NULL AND deleted_ms IS NULL
		ORDER BY next_fire_ms, id LIMIT ?`, tenantID, next)
	if err != nil {
		return ov, fmt.Errorf("sqlite: overview: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReminder(rows)
		if err != nil {
			return ov, fmt.Errorf("sqlite: overview: %w", err)
		}
		ov.Next = append(ov.Next, r)
	}
	if err := rows.Err(); err != nil {
		return ov, fmt.Errorf("sqlite: overview: %w", err)
	}
	return ov, nil
}

// ModifyReminder changes one reminder in one transaction on the writer (see
// store.Store.ModifyReminder): SQLite's single writer orders it after every
// other write.
func (s *Store) ModifyReminder(ctx context.Context, tenantID, id string, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (remind.Reminder, error) {
	defer s.changes.Add(1)
	var out remind.Reminder
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = modifyReminder(ctx, tx, tenantID, id, at, ifMatch, fn)
		return err
	})
	if err != nil {
		return remind.Reminder{}, wrapErr("modify reminder", err)
	}
	return out, nil
}

// modifyReminder is ModifyReminder inside tx, for the writes (subscription
// changes) that change a reminder along with other rows.
func modifyReminder(ctx context.Context, tx *sql.Tx, tenantID, id string, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (remind.Reminder, error) {
	r, err := scanReminder(tx.QueryRowContext(ctx, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = ? AND id = ? AND deleted_ms IS NULL`, tenantID, id))
	if err != nil {
		return r, notFound(err, "reminder")
	}
	if ifMatch != "" && ifMatch != "*" && ifMatch != r.ETag() {
		return remind.Reminder{}, &remind.Error{Code: remind.CodePrecondition, Field: "If-Match", Message: "the reminder changed since that version: read it again"}
	}
	before := slices.Clone(r.Recipients)
	unclaimed := r.Unclaim(at)
	if err := fn(&r); err != nil {
		return remind.Reminder{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reminders SET title = ?, "desc" = ?, at_ms = ?, rrule = ?, tz = ?, start_ms = ?, defer_min = ?,
		external_url = ?, recipients = ?, channels = ?, status = ?, next_fire_ms = ?, fired_count = ?, meta = ?, updated_ms = ?,
		claimed = ? WHERE id = ?`,
		r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL, encodeJSON(r.Recipients),
		encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, encodeJSON(r.Meta), ms(r.UpdatedAt),
		store.EncodeClaimed(r.Claimed), r.ID); err != nil {
		return r, err
	}
	if unclaimed {
		// The deliveries of the firings taken back: planned again, with
		// the same ids, when the scheduler claims them anew.
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
			WHERE reminder_id = ? AND state = 'pending' AND due_ms > ?`, ms(at), ms(at), r.ID, ms(at)); err != nil {
			return r, err
		}
	}
	for _, uid := range remind.Removed(before, r.Recipients) {
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
			WHERE reminder_id = ? AND recipient = ? AND state = 'pending'`, ms(at), ms(at), r.ID, uid); err != nil {
			return r, err
		}
	}
	return r, nil
}

// CancelReminder cancels a reminder and what it has pending.
func (s *Store) CancelReminder(ctx context.Context, tenantID, id string, at time.Time) (remind.Reminder, error) {
	defer s.changes.Add(1)
	var r remind.Reminder
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reminders SET status = 'cancelled', next_fire_ms = NULL, updated_ms = ?
			WHERE tenant_id = ? AND id = ? AND deleted_ms IS NULL`, ms(at), tenantID, id)
		if err != nil {
			return fmt.Errorf("sqlite: cancel reminder: %w", err)
		}
		if err := mustAffect(res, "reminder"); err != nil {
			return err
		}
		if err := cancelPending(ctx, tx, id, at); err != nil {
			return err
		}
		r, err = scanReminder(tx.QueryRowContext(ctx, `SELECT `+reminderRead+` FROM reminders WHERE id = ?`, id))
		return err
	})
	return r, err
}

func cancelPending(ctx context.Context, tx *sql.Tx, reminderID string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
		WHERE reminder_id = ? AND state = 'pending'`, ms(at), ms(at), reminderID)
	if err != nil {
		return fmt.Errorf("sqlite: cancel deliveries: %w", err)
	}
	return nil
}

// DeleteReminder hides a reminder and cancels what it has pending.
func (s *Store) DeleteReminder(ctx context.Context, tenantID, id string, at time.Time) error {
	defer s.changes.Add(1)
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE reminders SET deleted_ms = ?, next_fire_ms = NULL,
			status = CASE WHEN status = 'active' THEN 'cancelled' ELSE status END, updated_ms = ?
			WHERE tenant_id = ? AND id = ? AND deleted_ms IS NULL`, ms(at), ms(at), tenantID, id)
		if err != nil {
			return fmt.Errorf("sqlite: delete reminder: %w", err)
		}
		if err := mustAffect(res, "reminder"); err != nil {
			return err
		}
		return cancelPending(ctx, tx, id, at)
	})
}

// ---- recipients

const recipientCols = `tenant_id, uid, name, email, phone, wechat_openid, webhook_url, webhook_secret, muted, created_ms, updated_ms, webpush, contacts`

// subscriberRecipientCols are the columns a confirmed subscriber's
// recipient row is written with (no contacts).
const subscriberRecipientCols = `tenant_id, uid, name, email, phone, wechat_openid, webhook_url, webhook_secret, muted, created_ms, updated_ms, webpush`

func scanRecipient(row interface{ Scan(...any) error }) (remind.Recipient, error) {
	var rc remind.Recipient
	var muted, webpush int
	var created, updated int64
	var contacts string
	err := row.Scan(&rc.TenantID, &rc.UID, &rc.Name, &rc.Email, &rc.Phone, &rc.WeChatOpenID, &rc.WebhookURL, &rc.WebhookSecret, &muted, &created, &updated, &webpush, &contacts)
	rc.Muted, rc.CreatedAt, rc.UpdatedAt, rc.WebPush = muted != 0, fromMS(created), fromMS(updated), webpush != 0
	if err == nil {
		rc.Contacts, err = store.DecodeContacts(contacts)
	}
	return rc, err
}

// PutRecipient creates or replaces a recipient; CreatedAt of an existing one
// is kept, and so is WebPush (the subscription's; see ConfirmSubscriber).
func (s *Store) PutRecipient(ctx context.Context, rc remind.Recipient) (remind.Recipient, error) {
	var out remind.Recipient
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO recipients (`+recipientCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
			ON CONFLICT (tenant_id, uid) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
			wechat_openid = excluded.wechat_openid, webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret,
			muted = excluded.muted, updated_ms = excluded.updated_ms, contacts = excluded.contacts`,
			rc.TenantID, rc.UID, rc.Name, rc.Email, rc.Phone, rc.WeChatOpenID, rc.WebhookURL, rc.WebhookSecret, boolInt(rc.Muted), ms(rc.CreatedAt), ms(rc.UpdatedAt), store.EncodeContacts(rc.Contacts))
		if err != nil {
			return err
		}
		out, err = scanRecipient(tx.QueryRowContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = ? AND uid = ?`, rc.TenantID, rc.UID))
		return err
	})
	if err != nil {
		return out, fmt.Errorf("sqlite: put recipient: %w", err)
	}
	return out, nil
}

// GetRecipient returns a recipient.
func (s *Store) GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error) {
	rc, err := scanRecipient(s.r.QueryRowContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = ? AND uid = ?`, tenantID, uid))
	if err != nil {
		return rc, notFound(err, "recipient")
	}
	return rc, nil
}

// DeleteRecipient removes a recipient.
func (s *Store) DeleteRecipient(ctx context.Context, tenantID, uid string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM recipients WHERE tenant_id = ? AND uid = ?`, tenantID, uid)
	if err != nil {
		return fmt.Errorf("sqlite: delete recipient: %w", err)
	}
	return mustAffect(res, "recipient")
}

// ---- webhooks

const webhookCols = `id, tenant_id, url, secret, disabled, created_ms`

func scanWebhook(row interface{ Scan(...any) error }) (remind.Webhook, error) {
	var w remind.Webhook
	var disabled int
	var created int64
	err := row.Scan(&w.ID, &w.TenantID, &w.URL, &w.Secret, &disabled, &created)
	w.Disabled, w.CreatedAt = disabled != 0, fromMS(created)
	return w, err
}

// CreateWebhook inserts a tenant webhook.
func (s *Store) CreateWebhook(ctx context.Context, w remind.Webhook) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO webhooks (`+webhookCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		w.ID, w.TenantID, w.URL, w.Secret, boolInt(w.Disabled), ms(w.CreatedAt)); err != nil {
		return fmt.Errorf("sqlite: create webhook: %w", err)
	}
	return nil
}

// ListWebhooks returns a tenant's webhooks.
func (s *Store) ListWebhooks(ctx context.Context, tenantID string) ([]remind.Webhook, error) {
	return listWebhooks(ctx, s.r, tenantID)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func listWebhooks(ctx context.Context, q querier, tenantID string) ([]remind.Webhook, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = ? ORDER BY id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list webhooks: %w", err)
	}
	defer rows.Close()
	var out []remind.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list webhooks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// GetWebhook returns one webhook.
func (s *Store) GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error) {
	w, err := scanWebhook(s.r.QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return w, notFound(err, "webhook")
	}
	return w, nil
}

// DeleteWebhook removes a webhook.
func (s *Store) DeleteWebhook(ctx context.Context, tenantID, id string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM webhooks WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete webhook: %w", err)
	}
	return mustAffect(res, "webhook")
}

// DisableWebhook stops deliveries to a webhook.
func (s *Store) DisableWebhook(ctx context.Context, tenantID, id string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE webhooks SET disabled = 1 WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return fmt.Errorf("sqlite: disable webhook: %w", err)
	}
	return mustAffect(res, "webhook")
}
