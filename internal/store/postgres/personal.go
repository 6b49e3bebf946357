package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// SnoozeInboxItem snoozes an item and plans its return in one
// transaction; the item's row is held (FOR UPDATE), so of two snoozes of
// one item the second sees it snoozed.
func (s *Store) SnoozeInboxItem(ctx context.Context, tenantID, uid, itemID string, at time.Time, plan store.SnoozePlanner) (remind.InboxItem, []remind.Delivery, error) {
	var it remind.InboxItem
	var planned []remind.Delivery
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		it, err = scanInbox(tx.QueryRow(ctx, `SELECT `+inboxCols+` FROM inbox WHERE tenant_id = $1 AND uid = $2 AND id = $3 FOR UPDATE`, tenantID, uid, itemID))
		if errors.Is(err, pgx.ErrNoRows) {
			return remind.NotFound("inbox item")
		}
		if err != nil {
			return err
		}
		if !it.Status.Snoozable() {
			return &remind.Error{Code: remind.CodeConflict, Message: "the item is " + it.Status.String() + " already"}
		}
		var orig []remind.Delivery
		if err := queryRows(ctx, tx, func(rows pgx.Rows) error {
			d, err := scanDelivery(rows)
			orig = append(orig, d)
			return err
		}, `SELECT `+deliveryCols+` FROM deliveries WHERE tenant_id = $1 AND reminder_id = $2 AND occurrence_ms = $3 AND recipient = $4 ORDER BY created_ms, id`,
			tenantID, it.ReminderID, ms(it.Occurrence), uid); err != nil {
			return err
		}
		version, err := linkVersion(ctx, tx, tenantID, uid)
		if err != nil {
			return err
		}
		if planned, err = plan(it, orig, version); err != nil {
			return err
		}
		for _, d := range planned {
			if d.TenantID != tenantID || d.Recipient != uid {
				return fmt.Errorf("snooze planned a delivery to another recipient")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO deliveries (`+deliveryCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) ON CONFLICT (id) DO NOTHING`,
				d.ID, d.TenantID, d.ReminderID, ms(d.Occurrence), ms(d.DueAt), d.Recipient, d.Channel, d.Target, string(d.State), d.Attempts,
				ms(d.NextAttemptAt), d.Late, d.Payload, d.LastError, ms(d.CreatedAt), ms(d.UpdatedAt), nullMS(d.FinishedAt), d.Step, d.About); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE inbox SET status = $1, updated_ms = $2 WHERE id = $3`, int(remind.InboxSnoozed), ms(at), itemID); err != nil {
			return err
		}
		// "Later" pauses the recipient's re-notifications of this
		// occurrence; an escalation about them still comes at its time.
		tag, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = $1, finished_ms = $1
			WHERE id IN (SELECT id FROM deliveries WHERE reminder_id = $2 AND occurrence_ms = $3 AND state = 'pending' AND step LIKE 'repeat-%'
				AND tenant_id = $4 AND recipient = $5 ORDER BY id FOR UPDATE)`,
			ms(at), it.ReminderID, ms(it.Occurrence), tenantID, uid)
		if err != nil {
			return err
		}
		if tag.RowsAffected() > 0 {
			if err := bumpChanges(ctx, tx); err != nil {
				return err
			}
		}
		it.Status, it.UpdatedAt = remind.InboxSnoozed, fromMS(ms(at))
		return nil
	})
	if err != nil {
		return remind.InboxItem{}, nil, fmt.Errorf("postgres: snooze inbox item: %w", err)
	}
	return it, planned, nil
}

func linkVersion(ctx context.Context, q querier, tenantID, uid string) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT version FROM recipient_links WHERE tenant_id = $1 AND uid = $2`, tenantID, uid).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// LinkVersion returns the version of a recipient's personal links.
func (s *Store) LinkVersion(ctx context.Context, tenantID, uid string) (int, error) {
	v, err := linkVersion(ctx, s.pool, tenantID, uid)
	if err != nil {
		return 0, fmt.Errorf("postgres: link version: %w", err)
	}
	return v, nil
}

// RevokeLinks bumps the version of a recipient's personal links.
func (s *Store) RevokeLinks(ctx context.Context, tenantID, uid string, at time.Time) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `INSERT INTO recipient_links (tenant_id, uid, version, updated_ms) VALUES ($1, $2, 1, $3)
		ON CONFLICT (tenant_id, uid) DO UPDATE SET version = recipient_links.version + 1, updated_ms = excluded.updated_ms
		RETURNING version`, tenantID, uid, ms(at)).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("postgres: revoke links: %w", err)
	}
	return v, nil
}
