package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// reminderCols are the columns a new reminder is inserted with;
// reminderRead adds the claim columns every read scans (scanReminder).
const reminderCols = `id, tenant_id, title, "desc", at_ms, rrule, tz, start_ms, defer_min, external_url, recipients, channels, status, next_fire_ms, fired_count, source, meta, created_ms, updated_ms, urgent, ack`

const reminderRead = reminderCols + `, claimed`

func scanReminder(row pgx.Row) (remind.Reminder, error) {
	var r remind.Reminder
	var at, next *int64
	var claimed, ack *string
	var start, created, updated int64
	var recips, chans, meta []byte
	var status string
	err := row.Scan(&r.ID, &r.TenantID, &r.Title, &r.Desc, &at, &r.RRule, &r.TZ, &start, &r.DeferMin, &r.ExternalURL,
		&recips, &chans, &status, &next, &r.FiredCount, &r.Source, &meta, &created, &updated, &r.Urgent, &ack, &claimed)
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
	r.Status = remind.Status(status)
	if err := decodeJSON(recips, &r.Recipients); err != nil {
		return r, err
	}
	if err := decodeJSON(chans, &r.Channels); err != nil {
		return r, err
	}
	return r, decodeJSON(meta, &r.Meta)
}

func decodeJSON(b []byte, v any) error {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, v)
}

// encodeJSON returns v as JSON text, which pgx sends to a jsonb column as is.
func encodeJSON(v any) string {
	b, _ := json.Marshal(v) // slices and maps of strings: cannot fail
	return string(b)
}

// CreateReminder inserts a reminder, honouring an idempotency key. Two
// requests racing with one key serialise on the key's row: the second sees
// the first's reminder (or its conflict) once the first commits.
func (s *Store) CreateReminder(ctx context.Context, r remind.Reminder, idem *store.Idempotency) (remind.Reminder, bool, error) {
	if idem == nil {
		// Creates without a key, arriving together, are inserted by one
		// multi-row statement (one round trip and one commit for all);
		// those with a key take part in the key's row locks and go alone.
		if err := ctx.Err(); err != nil {
			return remind.Reminder{}, false, err
		}
		res, err := s.creates.Do(r)
		if err != nil {
			return remind.Reminder{}, false, fmt.Errorf("postgres: create reminder: %w", err)
		}
		if res != nil {
			return remind.Reminder{}, false, res // from createOne, already wrapped
		}
		return r, false, nil
	}
	return s.createOne(ctx, r, idem)
}

// maxCreateBatch bounds the creates inserted together (20 parameters a row,
// under PostgreSQL's 65,535).
const maxCreateBatch = 256

// insertReminders inserts rs with one statement; when it fails (a
// duplicate id, say) each is inserted alone, so the failure is its own.
func (s *Store) insertReminders(rs []remind.Reminder) []error {
	ctx := context.Background() // callers wait for their answer whatever their context does
	errs := make([]error, len(rs))
	if len(rs) > 1 {
		var sb strings.Builder
		args := make([]any, 0, reminderArgCount*len(rs))
		sb.WriteString(`INSERT INTO reminders (` + reminderCols + `) VALUES `)
		for i, r := range rs {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(")
			for j := 1; j <= reminderArgCount; j++ {
				if j > 1 {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "$%d", reminderArgCount*i+j)
			}
			sb.WriteString(")")
			args = append(args, reminderArgs(r)...)
		}
		if _, err := s.exec(ctx, sb.String(), args...); err == nil {
			return errs
		}
	}
	for i, r := range rs {
		_, _, errs[i] = s.createOne(ctx, r, nil)
	}
	return errs
}

// reminderArgCount is how many values reminderArgs returns.
const reminderArgCount = 21

func reminderArgs(r remind.Reminder) []any {
	return []any{r.ID, r.TenantID, r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL,
		encodeJSON(r.Recipients), encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, r.Source,
		encodeJSON(r.Meta), ms(r.CreatedAt), ms(r.UpdatedAt), r.Urgent, store.EncodeAck(r.Ack)}
}

// createOne is one create in its own transaction.
func (s *Store) createOne(ctx context.Context, r remind.Reminder, idem *store.Idempotency) (remind.Reminder, bool, error) {
	var replayed bool
	var stored remind.Reminder
	err := s.tx(ctx, func(tx pgx.Tx) error {
		replayed, stored = false, remind.Reminder{}
		if idem != nil {
			done, err := claimIdempotency(ctx, tx, r, idem, &stored)
			if err != nil || done {
				replayed = done
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO reminders (`+reminderCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
			reminderArgs(r)...)
		stored = r
		return err
	})
	if err != nil {
		return remind.Reminder{}, false, fmt.Errorf("postgres: create reminder: %w", err)
	}
	return stored, replayed, nil
}

// claimIdempotency ties idem's key to r. It returns true, with *stored set,
// when the key replays an earlier create; a conflict when the key was used
// with another body.
func claimIdempotency(ctx context.Context, tx pgx.Tx, r remind.Reminder, idem *store.Idempotency, stored *remind.Reminder) (bool, error) {
	for try := 0; ; try++ {
		var hash, rid string
		var created int64
		err := tx.QueryRow(ctx, `SELECT body_hash, reminder_id, created_ms FROM idempotency WHERE tenant_id = $1 AND key = $2 FOR UPDATE`,
			r.TenantID, idem.Key).Scan(&hash, &rid, &created)
		switch {
		case err == nil && created >= ms(idem.Since):
			if hash != idem.BodyHash {
				return false, &remind.Error{Code: remind.CodeConflict, Field: "Idempotency-Key", Message: "this key was used with another request body"}
			}
			got, err := scanReminder(tx.QueryRow(ctx, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = $1 AND id = $2`, r.TenantID, rid))
			if err != nil {
				return false, notFound(err, "reminder")
			}
			*stored = got
			return true, nil
		case err == nil: // expired: the key is free again
			_, err := tx.Exec(ctx, `UPDATE idempotency SET body_hash = $1, reminder_id = $2, created_ms = $3 WHERE tenant_id = $4 AND key = $5`,
				idem.BodyHash, r.ID, ms(r.CreatedAt), r.TenantID, idem.Key)
			return false, err
		case !errors.Is(err, pgx.ErrNoRows):
			return false, err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency (tenant_id, key, body_hash, reminder_id, created_ms) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tenant_id, key) DO NOTHING`, r.TenantID, idem.Key, idem.BodyHash, r.ID, ms(r.CreatedAt))
		if err != nil {
			return false, err
		}
		if tag.RowsAffected() == 1 {
			return false, nil
		}
		if try == 3 {
			return false, errors.New("idempotency key: lost the race repeatedly")
		}
		// Another transaction inserted the key and committed: read it.
	}
}

// GetReminder returns a reminder of a tenant.
func (s *Store) GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error) {
	var r remind.Reminder
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		r, err = scanReminder(row)
		return err
	}, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = $1 AND id = $2 AND deleted_ms IS NULL`, tenantID, id)
	if err != nil {
		return remind.Reminder{}, notFound(err, "reminder")
	}
	return r, nil
}

// ListReminders pages through a tenant's reminders in id (creation) order.
func (s *Store) ListReminders(ctx context.Context, tenantID string, q store.ListQuery) ([]remind.Reminder, error) {
	query := `SELECT ` + reminderRead + ` FROM reminders WHERE tenant_id = $1 AND deleted_ms IS NULL AND id > $2`
	args := []any{tenantID, q.After}
	if q.Status != "" {
		query += ` AND status = $4`
		args = append(args, store.PageLimit(q.Limit), string(q.Status))
	} else {
		args = append(args, store.PageLimit(q.Limit))
	}
	query += ` ORDER BY id LIMIT $3`
	var out []remind.Reminder
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		r, err := scanReminder(rows)
		out = append(out, r)
		return err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list reminders: %w", err)
	}
	return out, nil
}

// ReminderOverview counts a tenant's reminders by status and lists the next
// to fire.
func (s *Store) ReminderOverview(ctx context.Context, tenantID string, next int) (store.Overview, error) {
	ov := store.Overview{Counts: map[remind.Status]int{}}
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return err
		}
		ov.Counts[remind.Status(st)] = n
		return nil
	}, `SELECT status, COUNT(*) FROM reminders WHERE tenant_id = $1 AND deleted_ms IS NULL GROUP BY status`, tenantID)
	if err != nil {
		return ov, fmt.Errorf("postgres: overview: %w", err)
	}
	err = s.queryRows(ctx, func(rows pgx.Rows) error {
		r, err := scanReminder(rows)
		ov.Next = append(ov.Next, r)
		return err
	}, `SELECT `+reminderRead+` FROM reminders
		WHERE tenant_id = $1 AND status = 'active' AND next_fire_ms IS NOT NULL AND deleted_ms IS NULL
		ORDER BY next_fire_ms, id LIMIT $2`, tenantID, next)
	if err != nil {
		return ov, fmt.Errorf("postgres: overview: %w", err)
	}
	return ov, nil
}

// ModifyReminder changes one reminder in one transaction holding its row
// (SELECT … FOR UPDATE), so concurrent writes to it, from this instance or
// another, are applied one after another (see store.Store.ModifyReminder).
func (s *Store) ModifyReminder(ctx context.Context, tenantID, id string, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (remind.Reminder, error) {
	var out remind.Reminder
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = modifyReminder(ctx, tx, tenantID, id, at, ifMatch, fn); err != nil {
			return err
		}
		return bumpChanges(ctx, tx)
	})
	if err != nil {
		return remind.Reminder{}, wrapErr("modify reminder", err)
	}
	return out, nil
}

// modifyReminder is ModifyReminder inside tx, for the writes (subscription
// changes) that change a reminder along with other rows. The caller bumps
// the change count.
func modifyReminder(ctx context.Context, tx pgx.Tx, tenantID, id string, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (remind.Reminder, error) {
	r, err := scanReminder(tx.QueryRow(ctx, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = $1 AND id = $2 AND deleted_ms IS NULL FOR UPDATE`, tenantID, id))
	if err != nil {
		return r, notFound(err, "reminder")
	}
	change, err := store.ApplyChange(&r, at, ifMatch, fn)
	if err != nil {
		return remind.Reminder{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE reminders SET title = $1, "desc" = $2, at_ms = $3, rrule = $4, tz = $5, start_ms = $6, defer_min = $7,
		external_url = $8, recipients = $9, channels = $10, status = $11, next_fire_ms = $12, fired_count = $13, meta = $14, updated_ms = $15,
		claimed = $16, urgent = $18, ack = $19 WHERE id = $17`,
		r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL, encodeJSON(r.Recipients),
		encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, encodeJSON(r.Meta), ms(r.UpdatedAt),
		store.EncodeClaimed(r.Claimed), r.ID, r.Urgent, store.EncodeAck(r.Ack)); err != nil {
		return r, err
	}
	// Deliveries are locked in id order, as in cancelPending.
	if change.Unclaimed {
		// The deliveries of the firings taken back: planned again, with
		// the same ids, when the scheduler claims them anew.
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = $1, finished_ms = $1
			WHERE id IN (SELECT id FROM deliveries WHERE reminder_id = $2 AND state = 'pending'
				AND (step = '' AND due_ms > $1 OR step <> '' AND occurrence_ms = ANY($3)) ORDER BY id FOR UPDATE)`,
			ms(at), r.ID, msList(change.UnclaimedOccurrences)); err != nil {
			return r, err
		}
	}
	if change.AckRemoved {
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = $1, finished_ms = $1
			WHERE id IN (SELECT id FROM deliveries WHERE reminder_id = $2 AND state = 'pending' AND step <> '' ORDER BY id FOR UPDATE)`,
			ms(at), r.ID); err != nil {
			return r, err
		}
	}
	if gone := change.Removed; len(gone) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = $1, finished_ms = $1
			WHERE id IN (SELECT id FROM deliveries WHERE reminder_id = $2 AND (recipient = ANY($3) OR about = ANY($3)) AND state = 'pending' ORDER BY id FOR UPDATE)`,
			ms(at), r.ID, gone); err != nil {
			return r, err
		}
	}
	return r, nil
}

// CancelReminder cancels a reminder and what it has pending.
func (s *Store) CancelReminder(ctx context.Context, tenantID, id string, at time.Time) (remind.Reminder, error) {
	var r remind.Reminder
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		r, err = scanReminder(tx.QueryRow(ctx, `UPDATE reminders SET status = 'cancelled', next_fire_ms = NULL, updated_ms = $1
			WHERE tenant_id = $2 AND id = $3 AND deleted_ms IS NULL RETURNING `+reminderRead, ms(at), tenantID, id))
		if err != nil {
			return notFound(err, "reminder")
		}
		if err := cancelPending(ctx, tx, id, at); err != nil {
			return err
		}
		return bumpChanges(ctx, tx)
	})
	if err != nil {
		return remind.Reminder{}, err
	}
	return r, nil
}

// bumpChanges counts, in tx, a change that may have taken deliveries out of
// pending (see Changes). It is the last lock such a transaction takes.
func bumpChanges(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `UPDATE delivery_changes SET n = n + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("postgres: count change: %w", err)
	}
	return nil
}

// Changes returns the count of committed reminder updates, cancels and
// deletes, across every instance on the database: a dispatcher that reads
// the same value before leasing deliveries and before sending them knows
// none of them can have been cancelled in between.
func (s *Store) Changes(ctx context.Context) (uint64, error) {
	var n int64
	err := s.queryRow(ctx, func(r pgx.Row) error { return r.Scan(&n) }, `SELECT n FROM delivery_changes WHERE id = 1`)
	if err != nil {
		return 0, fmt.Errorf("postgres: changes: %w", err)
	}
	return uint64(n), nil
}

// cancelPending cancels a reminder's pending deliveries. It locks them in id
// order, as FinishDeliveries does, so the two cannot deadlock.
func cancelPending(ctx context.Context, tx pgx.Tx, reminderID string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = $1, finished_ms = $1
		WHERE id IN (SELECT id FROM deliveries WHERE reminder_id = $2 AND state = 'pending' ORDER BY id FOR UPDATE)`, ms(at), reminderID)
	if err != nil {
		return fmt.Errorf("postgres: cancel deliveries: %w", err)
	}
	return nil
}

// DeleteReminder hides a reminder and cancels what it has pending.
func (s *Store) DeleteReminder(ctx context.Context, tenantID, id string, at time.Time) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE reminders SET deleted_ms = $1, next_fire_ms = NULL,
			status = CASE WHEN status = 'active' THEN 'cancelled' ELSE status END, updated_ms = $1
			WHERE tenant_id = $2 AND id = $3 AND deleted_ms IS NULL`, ms(at), tenantID, id)
		if err != nil {
			return fmt.Errorf("postgres: delete reminder: %w", err)
		}
		if err := mustAffect(tag, "reminder"); err != nil {
			return err
		}
		if err := cancelPending(ctx, tx, id, at); err != nil {
			return err
		}
		return bumpChanges(ctx, tx)
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
