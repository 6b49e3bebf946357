package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// NextFireAt returns the earliest next firing of an active reminder.
func (s *Store) NextFireAt(ctx context.Context) (time.Time, bool, error) {
	var v sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT MIN(next_fire_ms) FROM reminders WHERE status = 'active' AND next_fire_ms IS NOT NULL`).Scan(&v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sqlite: next fire: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(v.Int64), true, nil
}

const deliveryCols = `id, tenant_id, reminder_id, occurrence_ms, due_ms, recipient, channel, target, state, attempts, next_attempt_ms, late, payload, last_error, created_ms, updated_ms, finished_ms, step, about`

func scanDelivery(row interface{ Scan(...any) error }) (remind.Delivery, error) {
	var d remind.Delivery
	var occ, due, next, created, updated int64
	var late int
	var state string
	var fin sql.NullInt64
	err := row.Scan(&d.ID, &d.TenantID, &d.ReminderID, &occ, &due, &d.Recipient, &d.Channel, &d.Target, &state, &d.Attempts,
		&next, &late, &d.Payload, &d.LastError, &created, &updated, &fin, &d.Step, &d.About)
	d.Occurrence, d.DueAt, d.NextAttemptAt, d.CreatedAt, d.UpdatedAt = fromMS(occ), fromMS(due), fromMS(next), fromMS(created), fromMS(updated)
	d.State, d.Late, d.FinishedAt = remind.DeliveryState(state), late != 0, ptrMS(fin)
	return d, err
}

// FireDue claims due reminders and fans them out into deliveries, in one
// transaction. SQLite has one writer, so claiming needs no row locks.
func (s *Store) FireDue(ctx context.Context, now time.Time, limit int, lease store.Lease, plan store.FirePlanner) ([]remind.Delivery, error) {
	var out []remind.Delivery
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+reminderRead+` FROM reminders
			WHERE status = 'active' AND next_fire_ms IS NOT NULL AND next_fire_ms <= ? ORDER BY next_fire_ms LIMIT ?`, ms(now), limit)
		if err != nil {
			return err
		}
		var due []remind.Reminder
		for rows.Next() {
			r, err := scanReminder(rows)
			if err != nil {
				rows.Close()
				return err
			}
			due = append(due, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(due) == 0 {
			return nil
		}
		hooks := map[string][]remind.Webhook{}
		// A planned id that exists is made pending again only when it was
		// cancelled (its firing taken back by a write: see ModifyReminder),
		// with one more attempt counted to fence off copies leased before.
		ins, err := tx.PrepareContext(ctx, `INSERT INTO deliveries (`+deliveryCols+`, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))
			ON CONFLICT (id) DO UPDATE SET occurrence_ms = excluded.occurrence_ms, due_ms = excluded.due_ms, target = excluded.target,
				state = excluded.state, attempts = deliveries.attempts + 1, next_attempt_ms = excluded.next_attempt_ms, late = excluded.late,
				payload = excluded.payload, last_error = excluded.last_error, updated_ms = excluded.updated_ms, finished_ms = excluded.finished_ms,
				owner = excluded.owner
			WHERE deliveries.state = 'cancelled'
			RETURNING attempts`)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE reminders SET next_fire_ms = ?, status = ?, fired_count = fired_count + 1, updated_ms = ?,
			claimed = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer upd.Close()
		for _, r := range due {
			h, ok := hooks[r.TenantID]
			if !ok {
				if h, err = listWebhooks(ctx, tx, r.TenantID); err != nil {
					return err
				}
				hooks[r.TenantID] = h
			}
			uids := r.PlanUIDs()
			if remind.NeedsOwner(r, h) { // the owner is the recipient: remind.FireRecipients
				uids = append(slices.Clip(uids), remind.OwnerUID)
			}
			recips, err := recipientsOf(ctx, tx, r.TenantID, uids)
			if err != nil {
				return err
			}
			if err := withLinkVersions(ctx, tx, r.TenantID, r.Recipients, recips); err != nil { // personal.go
				return err
			}
			p := plan(r, recips, h)
			seen := make(map[string]bool, len(p.Deliveries))
			for _, d := range p.Deliveries {
				if seen[d.ID] { // a delivery id twice in one plan is written once
					continue
				}
				seen[d.ID] = true
				owner, wait := lease.Owner, store.Waits(d, lease)
				switch {
				case wait:
					// A follow-up, or a delivery held by the recipient's
					// quiet hours, waits held by nobody until a
					// dispatcher's poll of the store leases it at its time.
					owner = ""
				case d.State == remind.DeliveryPending:
					d.NextAttemptAt, d.Attempts = lease.Until, 1
				}
				err := ins.QueryRowContext(ctx, d.ID, d.TenantID, d.ReminderID, ms(d.Occurrence), ms(d.DueAt), d.Recipient, d.Channel, d.Target,
					string(d.State), d.Attempts, ms(d.NextAttemptAt), boolInt(d.Late), d.Payload, d.LastError, ms(d.CreatedAt), ms(d.UpdatedAt),
					nullMS(d.FinishedAt), d.Step, d.About, owner).Scan(&d.Attempts)
				if errors.Is(err, sql.ErrNoRows) {
					continue // exists and was not cancelled: left alone
				}
				if err != nil {
					return err
				}
				if d.State == remind.DeliveryPending && !wait {
					out = append(out, d)
				}
			}
			if _, err := upd.ExecContext(ctx, nullMS(p.Next), string(p.Status), ms(now), store.EncodeClaimed(p.Claimed), r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: fire due: %w", err)
	}
	return out, nil
}

func recipientsOf(ctx context.Context, tx *sql.Tx, tenantID string, uids []string) (map[string]remind.Recipient, error) {
	out := make(map[string]remind.Recipient, len(uids))
	if len(uids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(uids)+1)
	args = append(args, tenantID)
	for _, u := range uids {
		args = append(args, u)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = ? AND uid IN (?`+strings.Repeat(", ?", len(uids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		rc, err := scanRecipient(rows)
		if err != nil {
			return nil, err
		}
		out[rc.UID] = rc
	}
	return out, rows.Err()
}
