package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// reminderCols are the columns a new reminder is inserted with;
// reminderRead adds the claim columns every read scans (scanReminder).
const reminderCols = `id, tenant_id, title, "desc", at_ms, rrule, tz, start_ms, defer_min, external_url, recipients, channels, status, next_fire_ms, fired_count, source, meta, created_ms, updated_ms, urgent, ack`

const reminderRead = reminderCols + `, claimed`

func scanReminder(row interface{ Scan(...any) error }) (remind.Reminder, error) {
	var r remind.Reminder
	var at, next sql.NullInt64
	var claimed, ack *string
	var start, created, updated int64
	var recips, chans, meta, status string
	var urgent int
	err := row.Scan(&r.ID, &r.TenantID, &r.Title, &r.Desc, &at, &r.RRule, &r.TZ, &start, &r.DeferMin, &r.ExternalURL,
		&recips, &chans, &status, &next, &r.FiredCount, &r.Source, &meta, &created, &updated, &urgent, &ack, &claimed)
	if err != nil {
		return r, err
	}
	if r.Claimed, err = store.DecodeClaimed(claimed); err != nil {
		return r, err
	}
	if r.Ack, err = store.DecodeAck(ack); err != nil {
		return r, err
	}
	r.Time, r.NextFireAt = ptrMS(at), ptrMS(next)
	r.Start, r.CreatedAt, r.UpdatedAt = fromMS(start), fromMS(created), fromMS(updated)
	r.Status, r.Urgent = remind.Status(status), urgent != 0
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
		_, err := tx.ExecContext(ctx, `INSERT INTO reminders (`+reminderCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.TenantID, r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL,
			encodeJSON(r.Recipients), encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, r.Source,
			encodeJSON(r.Meta), ms(r.CreatedAt), ms(r.UpdatedAt), boolInt(r.Urgent), store.EncodeAck(r.Ack))
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
	change, err := store.ApplyChange(&r, at, ifMatch, fn)
	if err != nil {
		return remind.Reminder{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reminders SET title = ?, "desc" = ?, at_ms = ?, rrule = ?, tz = ?, start_ms = ?, defer_min = ?,
		external_url = ?, recipients = ?, channels = ?, status = ?, next_fire_ms = ?, fired_count = ?, meta = ?, updated_ms = ?,
		claimed = ?, urgent = ?, ack = ? WHERE id = ?`,
		r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL, encodeJSON(r.Recipients),
		encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, encodeJSON(r.Meta), ms(r.UpdatedAt),
		store.EncodeClaimed(r.Claimed), boolInt(r.Urgent), store.EncodeAck(r.Ack), r.ID); err != nil {
		return r, err
	}
	if change.Unclaimed {
		// The deliveries of the firings taken back: planned again, with
		// the same ids, when the scheduler claims them anew.
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
			WHERE reminder_id = ? AND state = 'pending' AND (step = '' AND due_ms > ? OR step <> '' AND occurrence_ms IN (SELECT value FROM json_each(?)))`,
			ms(at), ms(at), r.ID, ms(at), encodeJSON(msList(change.UnclaimedOccurrences))); err != nil {
			return r, err
		}
	}
	if change.AckRemoved {
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
			WHERE reminder_id = ? AND state = 'pending' AND step <> ''`, ms(at), ms(at), r.ID); err != nil {
			return r, err
		}
	}
	for _, uid := range change.Removed {
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
			WHERE reminder_id = ? AND (recipient = ? OR about = ?) AND state = 'pending'`, ms(at), ms(at), r.ID, uid, uid); err != nil {
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

// msList returns times as Unix milliseconds.
func msList(ts []time.Time) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = ms(t)
	}
	return out
}
