package sqlite

import (
	"context"
	"database/sql"
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

// CountDue counts active reminders due by until, up to limit.
func (s *Store) CountDue(ctx context.Context, until time.Time, limit int) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM reminders
		WHERE status = 'active' AND next_fire_ms IS NOT NULL AND next_fire_ms <= ? LIMIT ?)`, ms(until), limit).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count due: %w", err)
	}
	return n, nil
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

// fireChunk is the rows per multi-row statement of FireDue: 20 parameters
// a delivery row, 5 a reminder row, well under SQLite's 32,766.
const fireChunk = 100

// fireInsertSQL returns the statement writing n planned deliveries. A
// planned id that exists is made pending again only when it was cancelled
// (its firing taken back by a write: see ModifyReminder), with one more
// attempt counted to fence off copies leased before; an id that exists in
// any other state is left alone and not returned. SQLite runs the rows in
// order, so an id twice in one statement is written once, as it was when
// each row was a statement.
func fireInsertSQL(n int) string {
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, '')),"
	rows := strings.Repeat(row, n)
	return `INSERT INTO deliveries (` + deliveryCols + `, owner) VALUES ` + rows[:len(rows)-1] + `
			ON CONFLICT (id) DO UPDATE SET occurrence_ms = excluded.occurrence_ms, due_ms = excluded.due_ms, target = excluded.target,
				state = excluded.state, attempts = deliveries.attempts + 1, next_attempt_ms = excluded.next_attempt_ms, late = excluded.late,
				payload = excluded.payload, last_error = excluded.last_error, updated_ms = excluded.updated_ms, finished_ms = excluded.finished_ms,
				owner = excluded.owner
			WHERE deliveries.state = 'cancelled'
			RETURNING id, attempts`
}

// fireUpdateSQL returns the statement moving n fired reminders on.
func fireUpdateSQL(n int) string {
	rows := strings.Repeat("(?, ?, ?, ?, ?),", n)
	return `WITH v(id, next_ms, status, updated_ms, claimed) AS (VALUES ` + rows[:len(rows)-1] + `)
			UPDATE reminders SET next_fire_ms = v.next_ms, status = v.status, fired_count = fired_count + 1, updated_ms = v.updated_ms,
				claimed = v.claimed FROM v WHERE reminders.id = v.id`
}

// fireWrite is one planned delivery to write.
type fireWrite struct {
	d     remind.Delivery
	wait  bool // not handed back: written unleased (store.Waits), or leased ahead
	ahead bool // leased to the owner from its due time (store.HeldAhead)
}

// FireDue claims due reminders and fans them out into deliveries, in one
// transaction. SQLite has one writer, so claiming needs no row locks.
//
// The work is set-based: a herd of a million falls due at once and a
// statement a row spent most of the fire path's CPU in the driver and the
// VDBE set-up. The claimed batch's recipients are read with one query a
// tenant, its deliveries written and its reminders moved on with multi-row
// statements (fireChunk rows each, prepared once on the writer).
func (s *Store) FireDue(ctx context.Context, now time.Time, limit int, lease store.Lease, plan store.FirePlanner) ([]remind.Delivery, error) {
	insFull, err := s.prepared(ctx, fireInsertSQL(fireChunk))
	if err != nil {
		return nil, fmt.Errorf("sqlite: fire due: %w", err)
	}
	updFull, err := s.prepared(ctx, fireUpdateSQL(fireChunk))
	if err != nil {
		return nil, fmt.Errorf("sqlite: fire due: %w", err)
	}
	var out []remind.Delivery
	err = s.tx(ctx, func(tx *sql.Tx) error {
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
		uidsOf := make([][]string, len(due))
		want := map[string][]string{}   // tenant: recipient uids of the batch
		linked := map[string][]string{} // tenant: uids whose link versions the plans read
		for i, r := range due {
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
			uidsOf[i] = uids
			want[r.TenantID] = append(want[r.TenantID], uids...)
			linked[r.TenantID] = append(linked[r.TenantID], r.Recipients...)
		}
		recips, err := recipientsOfTenants(ctx, tx, want)
		if err != nil {
			return err
		}
		versions, err := linkVersionsOfTenants(ctx, tx, linked) // personal.go
		if err != nil {
			return err
		}
		var writes []fireWrite
		seen := map[string]bool{}
		updArgs := make([]any, 0, 5*len(due))
		for i, r := range due {
			// Each plan sees only its own recipients, as when they were
			// read a reminder at a time.
			rc := make(map[string]remind.Recipient, len(uidsOf[i]))
			for _, u := range uidsOf[i] {
				if v, ok := recips[r.TenantID][u]; ok {
					rc[u] = v
				}
			}
			for _, u := range r.Recipients {
				v, ok := versions[r.TenantID][u]
				if !ok {
					continue
				}
				x, ok := rc[u]
				if !ok {
					x = remind.Recipient{TenantID: r.TenantID, UID: u}
				}
				x.LinkVersion = v
				rc[u] = x
			}
			p := plan(r, rc, hooks[r.TenantID])
			for _, d := range p.Deliveries {
				if seen[d.ID] { // a delivery id twice in one batch is written once
					continue
				}
				seen[d.ID] = true
				w := fireWrite{d: d, wait: store.Waits(d, lease)}
				switch {
				case store.HeldAhead(d, lease):
					w.d.NextAttemptAt, w.d.Attempts, w.ahead = d.DueAt.Add(lease.AheadFor), 1, true
				case d.State == remind.DeliveryPending && !w.wait:
					w.d.NextAttemptAt, w.d.Attempts = lease.Until, 1
				}
				writes = append(writes, w)
			}
			updArgs = append(updArgs, r.ID, nullMS(p.Next), string(p.Status), ms(now), store.EncodeClaimed(p.Claimed))
		}
		attempts := make(map[string]int, len(writes))
		for start := 0; start < len(writes); start += fireChunk {
			part := writes[start:min(start+fireChunk, len(writes))]
			args := make([]any, 0, 20*len(part))
			for _, w := range part {
				d, owner := w.d, lease.Owner
				if w.wait && !w.ahead {
					// A follow-up, or a delivery held by the recipient's
					// quiet hours, waits held by nobody until a
					// dispatcher's poll of the store leases it at its time.
					owner = ""
				}
				args = append(args, d.ID, d.TenantID, d.ReminderID, ms(d.Occurrence), ms(d.DueAt), d.Recipient, d.Channel, d.Target,
					string(d.State), d.Attempts, ms(d.NextAttemptAt), boolInt(d.Late), d.Payload, d.LastError, ms(d.CreatedAt), ms(d.UpdatedAt),
					nullMS(d.FinishedAt), d.Step, d.About, owner)
			}
			var rows *sql.Rows
			if len(part) == fireChunk {
				rows, err = tx.StmtContext(ctx, insFull).QueryContext(ctx, args...)
			} else {
				rows, err = tx.QueryContext(ctx, fireInsertSQL(len(part)), args...)
			}
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				var n int
				if err := rows.Scan(&id, &n); err != nil {
					rows.Close()
					return err
				}
				attempts[id] = n
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for start := 0; start < len(due); start += fireChunk {
			part := updArgs[5*start : 5*min(start+fireChunk, len(due))]
			if len(part) == 5*fireChunk {
				_, err = tx.StmtContext(ctx, updFull).ExecContext(ctx, part...)
			} else {
				_, err = tx.ExecContext(ctx, fireUpdateSQL(len(part)/5), part...)
			}
			if err != nil {
				return err
			}
		}
		for _, w := range writes {
			n, ok := attempts[w.d.ID]
			if !ok {
				continue // exists and was not cancelled: left alone
			}
			if w.d.State == remind.DeliveryPending && !w.wait {
				w.d.Attempts = n
				out = append(out, w.d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: fire due: %w", err)
	}
	return out, nil
}

// recipientsOfTenants reads the recipients with the given uids, one query a
// tenant (the uids go in as one JSON array, so the statement text is the
// same for every batch).
func recipientsOfTenants(ctx context.Context, tx *sql.Tx, uids map[string][]string) (map[string]map[string]remind.Recipient, error) {
	out := make(map[string]map[string]remind.Recipient, len(uids))
	for tenantID, us := range uids {
		m := map[string]remind.Recipient{}
		out[tenantID] = m
		if len(us) == 0 {
			continue
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE tenant_id = ? AND uid IN (SELECT value FROM json_each(?))`,
			tenantID, encodeJSON(distinct(us)))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			rc, err := scanRecipient(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			m[rc.UID] = rc
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// distinct returns the strings of s once each, sorted (s is not changed).
func distinct(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
