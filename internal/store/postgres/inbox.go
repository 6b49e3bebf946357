package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

const inboxCols = `id, tenant_id, uid, reminder_id, title, "desc", external_url, occurrence_ms, status, created_ms, updated_ms, snoozed_from`

func scanInbox(row pgx.Row) (remind.InboxItem, error) {
	var it remind.InboxItem
	var occ, created, updated int64
	var st int
	err := row.Scan(&it.ID, &it.TenantID, &it.UID, &it.ReminderID, &it.Title, &it.Desc, &it.ExternalURL, &occ, &st, &created, &updated, &it.SnoozedFrom)
	it.Occurrence, it.CreatedAt, it.UpdatedAt, it.Status = fromMS(occ), fromMS(created), fromMS(updated), remind.InboxStatus(st)
	return it, err
}

// AddInboxItem inserts an inbox item unless its id exists.
func (s *Store) AddInboxItem(ctx context.Context, it remind.InboxItem) (bool, error) {
	tag, err := s.exec(ctx, `INSERT INTO inbox (`+inboxCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
		it.ID, it.TenantID, it.UID, it.ReminderID, it.Title, it.Desc, it.ExternalURL, ms(it.Occurrence), int(it.Status), ms(it.CreatedAt), ms(it.UpdatedAt), it.SnoozedFrom)
	if err != nil {
		return false, fmt.Errorf("postgres: add inbox item: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ListInbox pages through a recipient's inbox in id (delivery) order.
func (s *Store) ListInbox(ctx context.Context, tenantID, uid string, q store.ListQuery) ([]remind.InboxItem, error) {
	var out []remind.InboxItem
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		it, err := scanInbox(rows)
		out = append(out, it)
		return err
	}, `SELECT `+inboxCols+` FROM inbox WHERE tenant_id = $1 AND uid = $2 AND id > $3 ORDER BY id LIMIT $4`,
		tenantID, uid, q.After, store.PageLimit(q.Limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: list inbox: %w", err)
	}
	return out, nil
}

// SetInboxStatus records what a recipient did with an item; a confirm or
// reject ends the recipient's acknowledgement chain of the item's
// occurrence in the same transaction: their own pending follow-ups and the
// escalations about them (not those they get about others) are cancelled (locked in id order, as in
// cancelPending) and the change counted, so no instance sends a copy it holds.
func (s *Store) SetInboxStatus(ctx context.Context, tenantID, uid, itemID string, st remind.InboxStatus, at time.Time) (remind.InboxItem, error) {
	var it remind.InboxItem
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		it, err = scanInbox(tx.QueryRow(ctx, `UPDATE inbox SET status = $1, updated_ms = $2 WHERE tenant_id = $3 AND uid = $4 AND id = $5 RETURNING `+inboxCols,
			int(st), ms(at), tenantID, uid, itemID))
		if err != nil {
			return notFound(err, "inbox item")
		}
		if st != remind.InboxConfirmed && st != remind.InboxRejected {
			return nil
		}
		tag, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'cancelled', updated_ms = $1, finished_ms = $1
			WHERE id IN (SELECT id FROM deliveries WHERE reminder_id = $2 AND occurrence_ms = $3 AND state = 'pending' AND step <> ''
				AND tenant_id = $4 AND (recipient = $5 AND about = '' OR about = $5) ORDER BY id FOR UPDATE)`,
			ms(at), it.ReminderID, ms(it.Occurrence), tenantID, uid)
		if err != nil {
			return fmt.Errorf("postgres: stop follow-ups: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		return bumpChanges(ctx, tx)
	})
	if err != nil {
		return remind.InboxItem{}, err
	}
	return it, nil
}

// AckStates returns every inbox item of a reminder as an acknowledgement
// state, by occurrence and uid.
func (s *Store) AckStates(ctx context.Context, tenantID, reminderID string) ([]remind.AckState, error) {
	var out []remind.AckState
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		var a remind.AckState
		var occ int64
		var st int
		err := rows.Scan(&occ, &a.UID, &st, &a.ItemID)
		a.Occurrence, a.Status = fromMS(occ), remind.InboxStatus(st)
		out = append(out, a)
		return err
	}, `SELECT occurrence_ms, uid, status, id FROM inbox WHERE tenant_id = $1 AND reminder_id = $2 ORDER BY occurrence_ms, uid, created_ms, id`, tenantID, reminderID)
	if err != nil {
		return nil, fmt.Errorf("postgres: ack states: %w", err)
	}
	return out, nil
}

// InboxStatusByReminder returns each recipient's latest inbox status for a reminder.
func (s *Store) InboxStatusByReminder(ctx context.Context, tenantID, reminderID string) (map[string]remind.InboxStatus, error) {
	out := map[string]remind.InboxStatus{}
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		var uid string
		var st int
		err := rows.Scan(&uid, &st)
		out[uid] = remind.InboxStatus(st)
		return err
	}, `SELECT uid, status FROM inbox WHERE tenant_id = $1 AND reminder_id = $2 ORDER BY occurrence_ms, created_ms, id`, tenantID, reminderID)
	if err != nil {
		return nil, fmt.Errorf("postgres: inbox status: %w", err)
	}
	return out, nil
}
