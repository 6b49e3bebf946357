package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// SnoozeInboxItem snoozes an item and plans its return, in one
// transaction (SQLite's one writer orders two snoozes of one item).
func (s *Store) SnoozeInboxItem(ctx context.Context, tenantID, uid, itemID string, at time.Time, plan store.SnoozePlanner) (remind.InboxItem, []remind.Delivery, error) {
	var it remind.InboxItem
	var planned []remind.Delivery
	paused := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		it, err = scanInbox(tx.QueryRowContext(ctx, `SELECT `+inboxCols+` FROM inbox WHERE tenant_id = ? AND uid = ? AND id = ?`, tenantID, uid, itemID))
		if errors.Is(err, sql.ErrNoRows) {
			return remind.NotFound("inbox item")
		}
		if err != nil {
			return err
		}
		if !it.Status.Snoozable() {
			return &remind.Error{Code: remind.CodeConflict, Message: "the item is " + it.Status.String() + " already"}
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE tenant_id = ? AND reminder_id = ? AND occurrence_ms = ? AND recipient = ? ORDER BY created_ms, id`,
			tenantID, it.ReminderID, ms(it.Occurrence), uid)
		if err != nil {
			return err
		}
		var orig []remind.Delivery
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return err
			}
			orig = append(orig, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
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
			if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries (`+deliveryCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
				d.ID, d.TenantID, d.ReminderID, ms(d.Occurrence), ms(d.DueAt), d.Recipient, d.Channel, d.Target, string(d.State), d.Attempts,
				ms(d.NextAttemptAt), boolInt(d.Late), d.Payload, d.LastError, ms(d.CreatedAt), ms(d.UpdatedAt), nullMS(d.FinishedAt), d.Step, d.About); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox SET status = ?, updated_ms = ? WHERE id = ?`, int(remind.InboxSnoozed), ms(at), itemID); err != nil {
			return err
		}
		// "Later" pauses the recipient's re-notifications of this
		// occurrence; an escalation about them still comes at its time.
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
			WHERE reminder_id = ? AND occurrence_ms = ? AND state = 'pending' AND step LIKE 'repeat-%' AND tenant_id = ? AND recipient = ?`,
			ms(at), ms(at), it.ReminderID, ms(it.Occurrence), tenantID, uid)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			paused = true
		}
		it.Status, it.UpdatedAt = remind.InboxSnoozed, fromMS(ms(at))
		return nil
	})
	if err != nil {
		return remind.InboxItem{}, nil, fmt.Errorf("sqlite: snooze inbox item: %w", err)
	}
	if paused {
		s.changes.Add(1) // a dispatcher holding a repeat must ask again
	}
	return it, planned, nil
}

func linkVersion(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, tenantID, uid string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT version FROM recipient_links WHERE tenant_id = ? AND uid = ?`, tenantID, uid).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// LinkVersion returns the version of a recipient's personal links.
func (s *Store) LinkVersion(ctx context.Context, tenantID, uid string) (int, error) {
	v, err := linkVersion(ctx, s.r, tenantID, uid)
	if err != nil {
		return 0, fmt.Errorf("sqlite: link version: %w", err)
	}
	return v, nil
}

// RevokeLinks bumps the version of a recipient's personal links.
func (s *Store) RevokeLinks(ctx context.Context, tenantID, uid string, at time.Time) (int, error) {
	var v int
	err := s.w.QueryRowContext(ctx, `INSERT INTO recipient_links (tenant_id, uid, version, updated_ms) VALUES (?, ?, 1, ?)
		ON CONFLICT (tenant_id, uid) DO UPDATE SET version = recipient_links.version + 1, updated_ms = excluded.updated_ms
		RETURNING version`, tenantID, uid, ms(at)).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlite: revoke links: %w", err)
	}
	return v, nil
}

// linkVersionsOfTenants reads the link versions of the given uids, one
// query a tenant (FireDue sets them on the recipient records it plans with,
// adding a bare record for a uid that has none but a version).
func linkVersionsOfTenants(ctx context.Context, tx *sql.Tx, uids map[string][]string) (map[string]map[string]int, error) {
	out := make(map[string]map[string]int, len(uids))
	for tenantID, us := range uids {
		if len(us) == 0 {
			continue
		}
		rows, err := tx.QueryContext(ctx, `SELECT uid, version FROM recipient_links WHERE tenant_id = ? AND uid IN (SELECT value FROM json_each(?))`,
			tenantID, encodeJSON(distinct(us)))
		if err != nil {
			return nil, err
		}
		m := map[string]int{}
		out[tenantID] = m
		for rows.Next() {
			var uid string
			var v int
			if err := rows.Scan(&uid, &v); err != nil {
				rows.Close()
				return nil, err
			}
			m[uid] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
