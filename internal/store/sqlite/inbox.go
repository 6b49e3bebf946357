package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

const inboxCols = `id, tenant_id, uid, reminder_id, title, "desc", external_url, occurrence_ms, status, created_ms, updated_ms, snoozed_from`

func scanInbox(row interface{ Scan(...any) error }) (remind.InboxItem, error) {
	var it remind.InboxItem
	var occ, created, updated int64
	var st int
	err := row.Scan(&it.ID, &it.TenantID, &it.UID, &it.ReminderID, &it.Title, &it.Desc, &it.ExternalURL, &occ, &st, &created, &updated, &it.SnoozedFrom)
	it.Occurrence, it.CreatedAt, it.UpdatedAt, it.Status = fromMS(occ), fromMS(created), fromMS(updated), remind.InboxStatus(st)
	return it, err
}

// AddInboxItem inserts an inbox item unless its id exists.
func (s *Store) AddInboxItem(ctx context.Context, it remind.InboxItem) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO inbox (`+inboxCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		it.ID, it.TenantID, it.UID, it.ReminderID, it.Title, it.Desc, it.ExternalURL, ms(it.Occurrence), int(it.Status), ms(it.CreatedAt), ms(it.UpdatedAt), it.SnoozedFrom)
	if err != nil {
		return false, fmt.Errorf("sqlite: add inbox item: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ListInbox pages through a recipient's inbox in id (delivery) order.
func (s *Store) ListInbox(ctx context.Context, tenantID, uid string, q store.ListQuery) ([]remind.InboxItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+inboxCols+` FROM inbox WHERE tenant_id = ? AND uid = ? AND id > ? ORDER BY id LIMIT ?`,
		tenantID, uid, q.After, store.PageLimit(q.Limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list inbox: %w", err)
	}
	defer rows.Close()
	var out []remind.InboxItem
	for rows.Next() {
		it, err := scanInbox(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list inbox: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// SetInboxStatus records what a recipient did with an item.
func (s *Store) SetInboxStatus(ctx context.Context, tenantID, uid, itemID string, st remind.InboxStatus, at time.Time) (remind.InboxItem, error) {
	var it remind.InboxItem
	var stopped bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stopped = false
		res, err := tx.ExecContext(ctx, `UPDATE inbox SET status = ?, updated_ms = ? WHERE tenant_id = ? AND uid = ? AND id = ?`,
			int(st), ms(at), tenantID, uid, itemID)
		if err != nil {
			return fmt.Errorf("sqlite: set inbox status: %w", err)
		}
		if err := mustAffect(res, "inbox item"); err != nil {
			return err
		}
		it, err = scanInbox(tx.QueryRowContext(ctx, `SELECT `+inboxCols+` FROM inbox WHERE id = ?`, itemID))
		if err != nil || !ends(st) {
			return err
		}
		// A confirm or reject ends the recipient's acknowledgement chain
		// of this occurrence: their own pending follow-ups and the
		// escalations about them (not escalations they get about others).
		res, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = ?, finished_ms = ?
			WHERE reminder_id = ? AND occurrence_ms = ? AND state = 'pending' AND step <> '' AND tenant_id = ? AND (recipient = ? AND about = '' OR about = ?)`,
			ms(at), ms(at), it.ReminderID, ms(it.Occurrence), tenantID, uid, uid)
		if err != nil {
			return fmt.Errorf("sqlite: stop follow-ups: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			stopped = true
		}
		return nil
	})
	if stopped {
		s.changes.Add(1)
	}
	return it, err
}

// ends reports whether st acknowledges an item (ends its follow-ups).
func ends(st remind.InboxStatus) bool {
	return st == remind.InboxConfirmed || st == remind.InboxRejected
}

// AckStates returns every inbox item of a reminder as an acknowledgement
// state, by occurrence and uid.
func (s *Store) AckStates(ctx context.Context, tenantID, reminderID string) ([]remind.AckState, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT occurrence_ms, uid, status, id FROM inbox WHERE tenant_id = ? AND reminder_id = ? ORDER BY occurrence_ms, uid, created_ms, id`, tenantID, reminderID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: ack states: %w", err)
	}
	defer rows.Close()
	var out []remind.AckState
	for rows.Next() {
		var a remind.AckState
		var occ int64
		var st int
		if err := rows.Scan(&occ, &a.UID, &st, &a.ItemID); err != nil {
			return nil, fmt.Errorf("sqlite: ack states: %w", err)
		}
		a.Occurrence, a.Status = fromMS(occ), remind.InboxStatus(st)
		out = append(out, a)
	}
	return out, rows.Err()
}

// InboxStatusByReminder returns each recipient's latest inbox status for a reminder.
func (s *Store) InboxStatusByReminder(ctx context.Context, tenantID, reminderID string) (map[string]remind.InboxStatus, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT uid, status FROM inbox WHERE tenant_id = ? AND reminder_id = ? ORDER BY occurrence_ms, created_ms, id`, tenantID, reminderID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: inbox status: %w", err)
	}
	defer rows.Close()
	out := map[string]remind.InboxStatus{}
	for rows.Next() {
		var uid string
		var st int
		if err := rows.Scan(&uid, &st); err != nil {
			return nil, fmt.Errorf("sqlite: inbox status: %w", err)
		}
		out[uid] = remind.InboxStatus(st)
	}
	return out, rows.Err()
}
