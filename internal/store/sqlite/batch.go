package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// CreateReminders stores a batch in one transaction (see store.Store): the
// idempotency keys are looked up and recorded, and the reminders inserted,
// by statements prepared once for the batch.
func (s *Store) CreateReminders(ctx context.Context, tenantID string, items []store.BatchItem, batch *store.Idempotency) ([]store.BatchResult, bool, error) {
	res := make([]store.BatchResult, len(items))
	var replayed bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		clear(res)
		replayed = false
		if batch != nil {
			var err error
			if replayed, err = claimBatchKey(ctx, tx, tenantID, batch); err != nil {
				return err
			}
		}
		look, err := tx.PrepareContext(ctx, `SELECT body_hash, reminder_id, created_ms FROM idempotency WHERE tenant_id = ? AND key = ?`)
		if err != nil {
			return err
		}
		defer look.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT INTO reminders (`+reminderCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		var keep *sql.Stmt // records item keys; prepared at the first
		defer func() {
			if keep != nil {
				keep.Close()
			}
		}()
		for i, it := range items {
			r := it.Reminder
			if r.TenantID != tenantID {
				return fmt.Errorf("item %d belongs to tenant %q, not %q", i, r.TenantID, tenantID)
			}
			if it.Idem != nil {
				var hash, rid string
				var created int64
				err := look.QueryRowContext(ctx, tenantID, it.Idem.Key).Scan(&hash, &rid, &created)
				switch {
				case err == nil && created >= ms(it.Idem.Since):
					if hash != it.Idem.BodyHash {
						res[i].Err = keyConflict()
						continue
					}
					got, err := scanReminder(tx.QueryRowContext(ctx, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = ? AND id = ?`, tenantID, rid))
					if err != nil {
						return notFound(err, "reminder")
					}
					res[i] = store.BatchResult{Reminder: got, Replayed: true}
					continue
				case err == nil: // expired: the key is free again
					if it.Err == nil {
						if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE tenant_id = ? AND key = ?`, tenantID, it.Idem.Key); err != nil {
							return err
						}
					}
				case !errors.Is(err, sql.ErrNoRows):
					return err
				}
				if it.Err == nil {
					if keep == nil {
						if keep, err = tx.PrepareContext(ctx, `INSERT INTO idempotency (tenant_id, key, body_hash, reminder_id, created_ms) VALUES (?, ?, ?, ?, ?)`); err != nil {
							return err
						}
					}
					if _, err := keep.ExecContext(ctx, tenantID, it.Idem.Key, it.Idem.BodyHash, r.ID, ms(r.CreatedAt)); err != nil {
						return err
					}
				}
			}
			if it.Err != nil {
				res[i].Err = it.Err
				continue
			}
			if _, err := ins.ExecContext(ctx, r.ID, r.TenantID, r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL,
				encodeJSON(r.Recipients), encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, r.Source,
				encodeJSON(r.Meta), ms(r.CreatedAt), ms(r.UpdatedAt), boolInt(r.Urgent), store.EncodeAck(r.Ack)); err != nil {
				return err
			}
			res[i].Reminder = r
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: create reminders: %w", err)
	}
	return res, replayed, nil
}

// claimBatchKey records a batch's key, or reports that it replays an
// earlier batch (an error when that one's body differed).
func claimBatchKey(ctx context.Context, tx *sql.Tx, tenantID string, batch *store.Idempotency) (bool, error) {
	key := store.BatchKeyPrefix + batch.Key
	var hash string
	var created int64
	err := tx.QueryRowContext(ctx, `SELECT body_hash, created_ms FROM idempotency WHERE tenant_id = ? AND key = ?`, tenantID, key).Scan(&hash, &created)
	switch {
	case err == nil && created >= ms(batch.Since):
		if hash != batch.BodyHash {
			return false, keyConflict()
		}
		return true, nil
	case err == nil:
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE tenant_id = ? AND key = ?`, tenantID, key); err != nil {
			return false, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO idempotency (tenant_id, key, body_hash, reminder_id, created_ms) VALUES (?, ?, ?, '', ?)`,
		tenantID, key, batch.BodyHash, ms(batch.Now))
	return false, err
}

func keyConflict() error {
	return &remind.Error{Code: remind.CodeConflict, Field: "Idempotency-Key", Message: "this key was used with another request body"}
}
