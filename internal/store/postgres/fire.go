package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// NextFireAt returns the earliest next firing of an active reminder.
func (s *Store) NextFireAt(ctx context.Context) (time.Time, bool, error) {
	return s.minMS(ctx, "next fire", `SELECT MIN(next_fire_ms) FROM reminders WHERE status = 'active' AND next_fire_ms IS NOT NULL`)
}

// CountDue counts active reminders due by until, up to limit.
func (s *Store) CountDue(ctx context.Context, until time.Time, limit int) (int, error) {
	var n int
	if err := s.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) }, `SELECT COUNT(*) FROM (SELECT 1 FROM reminders
		WHERE status = 'active' AND next_fire_ms IS NOT NULL AND next_fire_ms <= $1 LIMIT $2) d`, ms(until), limit); err != nil {
		return 0, fmt.Errorf("postgres: count due: %w", err)
	}
	return n, nil
}

// NextDeliveryAt returns when the next pending delivery is due or its lease ends.
func (s *Store) NextDeliveryAt(ctx context.Context) (time.Time, bool, error) {
	return s.minMS(ctx, "next delivery", `SELECT MIN(next_attempt_ms) FROM deliveries WHERE state = 'pending'`)
}

func (s *Store) minMS(ctx context.Context, what, sql string, args ...any) (time.Time, bool, error) {
	var v *int64
	if err := s.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&v) }, sql, args...); err != nil {
		return time.Time{}, false, fmt.Errorf("postgres: %s: %w", what, err)
	}
	if v == nil {
		return time.Time{}, false, nil
	}
	return fromMS(*v), true, nil
}

const deliveryCols = `id, tenant_id, reminder_id, occurrence_ms, due_ms, recipient, channel, target, state, attempts, next_attempt_ms, late, payload, last_error, created_ms, updated_ms, finished_ms, step, about`

func scanDelivery(row pgx.Row) (remind.Delivery, error) {
	var d remind.Delivery
	var occ, due, next, created, updated int64
	var state string
	var fin *int64
	err := row.Scan(&d.ID, &d.TenantID, &d.ReminderID, &occ, &due, &d.Recipient, &d.Channel, &d.Target, &state, &d.Attempts,
		&next, &d.Late, &d.Payload, &d.LastError, &created, &updated, &fin, &d.Step, &d.About)
	d.Occurrence, d.DueAt, d.NextAttemptAt, d.CreatedAt, d.UpdatedAt = fromMS(occ), fromMS(due), fromMS(next), fromMS(created), fromMS(updated)
	d.State, d.FinishedAt = remind.DeliveryState(state), ptrMS(fin)
	return d, err
}

// FireDue claims due reminders with FOR UPDATE SKIP LOCKED, so concurrent
// callers (in this process or another) split the due reminders between them
// without waiting for each other, and fans them out in one transaction of a
// fixed number of round trips whatever the batch size: claim; load the
// recipients and webhooks of the whole batch; one multi-row insert of the
// deliveries; one multi-row update of the reminders.
func (s *Store) FireDue(ctx context.Context, now time.Time, limit int, lease store.Lease, plan store.FirePlanner) ([]remind.Delivery, error) {
	var out []remind.Delivery
	err := s.tx(ctx, func(tx pgx.Tx) error {
		out = nil
		var due []remind.Reminder
		err := queryRows(ctx, tx, func(rows pgx.Rows) error {
			r, err := scanReminder(rows)
			due = append(due, r)
			return err
		}, `SELECT `+reminderRead+` FROM reminders
			WHERE status = 'active' AND next_fire_ms IS NOT NULL AND next_fire_ms <= $1
			ORDER BY next_fire_ms LIMIT $2 FOR UPDATE SKIP LOCKED`, ms(now), limit)
		if err != nil || len(due) == 0 {
			return err
		}
		recips, hooks, err := loadFanOut(ctx, tx, due)
		if err != nil {
			return err
		}

		var ds deliveryColumns
		var planned []remind.Delivery
		seen := map[string]bool{}
		ids := make([]string, len(due))
		nexts := make([]*int64, len(due))
		statuses := make([]string, len(due))
		claims := make([]*string, len(due))
		for i, r := range due {
			p := plan(r, recips[r.TenantID], hooks[r.TenantID])
			for _, d := range p.Deliveries {
				if seen[d.ID] { // a delivery id twice in one plan is written once
					continue
				}
				seen[d.ID] = true
				owner := lease.Owner
				switch {
				case store.HeldAhead(d, lease):
					// Planned ahead of its time and leased to its owner
					// from then: the owner reads it when it falls due.
					d.NextAttemptAt, d.Attempts = d.DueAt.Add(lease.AheadFor), 1
				case store.Waits(d, lease):
					// A follow-up, or a delivery held by the recipient's
					// quiet hours, waits held by nobody until a
					// dispatcher's poll of the store leases it at its time.
					owner = ""
				case d.State == remind.DeliveryPending:
					d.NextAttemptAt, d.Attempts = lease.Until, 1
				}
				ds.add(d, owner)
				planned = append(planned, d)
			}
			ids[i], nexts[i], statuses[i] = r.ID, nullMS(p.Next), string(p.Status)
			claims[i] = store.EncodeClaimed(p.Claimed)
		}

		// A planned id that exists is made pending again only when it was
		// cancelled (its firing taken back by a write: see ModifyReminder),
		// with one more attempt counted to fence off copies leased before.
		written := make(map[string]int, len(planned))
		if len(planned) > 0 {
			err := queryRows(ctx, tx, func(rows pgx.Rows) error {
				var id string
				var n int
				err := rows.Scan(&id, &n)
				written[id] = n
				return err
			}, `INSERT INTO deliveries AS d (`+deliveryCols+`, owner)
				SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
					$9::text[], $10::int[], $11::bigint[], $12::bool[], $13::bytea[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[],
					$18::text[], $19::text[], $20::text[])
				ON CONFLICT (id) DO UPDATE SET occurrence_ms = excluded.occurrence_ms, due_ms = excluded.due_ms, target = excluded.target,
					state = excluded.state, attempts = d.attempts + 1, next_attempt_ms = excluded.next_attempt_ms, late = excluded.late,
					payload = excluded.payload, last_error = excluded.last_error, updated_ms = excluded.updated_ms, finished_ms = excluded.finished_ms,
					owner = excluded.owner
				WHERE d.state = 'cancelled'
				RETURNING id, attempts`, ds.args()...)
			if err != nil {
				return err
			}
		}
		for _, d := range planned {
			if n, ok := written[d.ID]; ok && d.State == remind.DeliveryPending && !store.Waits(d, lease) {
				d.Attempts = n
				out = append(out, d)
			}
		}

		_, err = tx.Exec(ctx, `UPDATE reminders AS r SET next_fire_ms = u.next, status = u.status, fired_count = r.fired_count + 1, updated_ms = $4,
			claimed = u.claimed
			FROM unnest($1::text[], $2::bigint[], $3::text[], $5::text[]) AS u(id, next, status, claimed) WHERE r.id = u.id`,
			ids, nexts, statuses, ms(now), claims)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: fire due: %w", err)
	}
	return out, nil
}

// loadFanOut returns, by tenant, the recipient records and webhooks the
// planner needs for reminders, in one round trip.
func loadFanOut(ctx context.Context, tx pgx.Tx, due []remind.Reminder) (map[string]map[string]remind.Recipient, map[string][]remind.Webhook, error) {
	type key struct{ tenant, uid string }
	seen := map[key]bool{}
	var tenantOf, uids, tenants []string
	recips := map[string]map[string]remind.Recipient{}
	hooks := map[string][]remind.Webhook{}
	for _, r := range due {
		if _, ok := recips[r.TenantID]; !ok {
			recips[r.TenantID] = map[string]remind.Recipient{}
			hooks[r.TenantID] = nil
			tenants = append(tenants, r.TenantID)
		}
		of := r.PlanUIDs()
		if len(r.Recipients) == 0 { // the owner may be the recipient: remind.FireRecipients
			of = append(slices.Clip(of), remind.OwnerUID)
		}
		for _, u := range of {
			if k := (key{r.TenantID, u}); !seen[k] {
				seen[k] = true
				tenantOf, uids = append(tenantOf, r.TenantID), append(uids, u)
			}
		}
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = ANY($1) ORDER BY id`, tenants)
	if len(uids) > 0 {
		b.Queue(`SELECT r.tenant_id, r.uid, r.name, r.email, r.phone, r.wechat_openid, r.webhook_url, r.webhook_secret, r.muted, r.created_ms, r.updated_ms, r.webpush, r.contacts, r.profile
			FROM unnest($1::text[], $2::text[]) AS k(tenant_id, uid)
			JOIN recipients r ON r.tenant_id = k.tenant_id AND r.uid = k.uid`, tenantOf, uids)
		b.Queue(`SELECT l.tenant_id, l.uid, l.version FROM unnest($1::text[], $2::text[]) AS k(tenant_id, uid)
			JOIN recipient_links l ON l.tenant_id = k.tenant_id AND l.uid = k.uid`, tenantOf, uids) // personal.go
	}
	res := tx.SendBatch(ctx, b)
	defer res.Close()
	if err := readRows(res, func(rows pgx.Rows) error {
		w, err := scanWebhook(rows)
		hooks[w.TenantID] = append(hooks[w.TenantID], w)
		return err
	}); err != nil {
		return nil, nil, err
	}
	if len(uids) > 0 {
		if err := readRows(res, func(rows pgx.Rows) error {
			rc, err := scanRecipient(rows)
			recips[rc.TenantID][rc.UID] = rc
			return err
		}); err != nil {
			return nil, nil, err
		}
		// A uid with a link version and no record gets a bare one
		// carrying the version (Plan treats it as it treats no record).
		if err := readRows(res, func(rows pgx.Rows) error {
			var tenant, uid string
			var v int
			if err := rows.Scan(&tenant, &uid, &v); err != nil {
				return err
			}
			rc, ok := recips[tenant][uid]
			if !ok {
				rc = remind.Recipient{TenantID: tenant, UID: uid}
			}
			rc.LinkVersion = v
			recips[tenant][uid] = rc
			return nil
		}); err != nil {
			return nil, nil, err
		}
	}
	return recips, hooks, res.Close()
}

func readRows(res pgx.BatchResults, each func(pgx.Rows) error) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// deliveryColumns holds deliveries column by column, for one multi-row
// insert through unnest.
type deliveryColumns struct {
	id, tenant, reminder       []string
	occ, due                   []int64
	recipient, channel, target []string
	state                      []string
	attempts                   []int32
	next                       []int64
	late                       []bool
	payload                    [][]byte
	lastError                  []string
	created, updated           []int64
	finished                   []*int64
	step, about                []string
	owner                      []*string // NULL: held by nobody
}

func (c *deliveryColumns) add(d remind.Delivery, owner string) {
	payload := d.Payload
	if payload == nil {
		payload = []byte{}
	}
	c.id, c.tenant, c.reminder = append(c.id, d.ID), append(c.tenant, d.TenantID), append(c.reminder, d.ReminderID)
	c.occ, c.due = append(c.occ, ms(d.Occurrence)), append(c.due, ms(d.DueAt))
	c.recipient, c.channel, c.target = append(c.recipient, d.Recipient), append(c.channel, d.Channel), append(c.target, d.Target)
	c.state, c.attempts, c.next = append(c.state, string(d.State)), append(c.attempts, int32(d.Attempts)), append(c.next, ms(d.NextAttemptAt))
	c.late, c.payload, c.lastError = append(c.late, d.Late), append(c.payload, payload), append(c.lastError, d.LastError)
	c.created, c.updated, c.finished = append(c.created, ms(d.CreatedAt)), append(c.updated, ms(d.UpdatedAt)), append(c.finished, nullMS(d.FinishedAt))
	c.step, c.about = append(c.step, d.Step), append(c.about, d.About)
	var o *string
	if owner != "" {
		o = &owner
	}
	c.owner = append(c.owner, o)
}

func (c *deliveryColumns) args() []any {
	return []any{c.id, c.tenant, c.reminder, c.occ, c.due, c.recipient, c.channel, c.target, c.state, c.attempts, c.next,
		c.late, c.payload, c.lastError, c.created, c.updated, c.finished, c.step, c.about, c.owner}
}
