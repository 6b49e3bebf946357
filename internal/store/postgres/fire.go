package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// NextFireAt returns the earliest next firing of an active reminder.
func (s *Store) NextFireAt(ctx context.Context) (time.Time, bool, error) {
	return s.minMS(ctx, "next fire", `SELECT MIN(next_fire_ms) FROM reminders WHERE status = 'active' AND next_fire_ms IS NOT NULL`)
}

// NextDeliveryAt returns when the next pending delivery is due or its lease ends.
func (s *Store) NextDeliveryAt(ctx context.Context) (time.Time, bool, error) {
	return s.minMS(ctx, "next delivery", `SELECT MIN(next_attempt_ms) FROM deliveries WHERE state = 'pending'`)
}

func (s *Store) minMS(ctx context.Context, what, sql string) (time.Time, bool, error) {
	var v *int64
	if err := s.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&v) }, sql); err != nil {
		return time.Time{}, false, fmt.Errorf("postgres: %s: %w", what, err)
	}
	if v == nil {
		return time.Time{}, false, nil
	}
	return fromMS(*v), true, nil
}

const deliveryCols = `id, tenant_id, reminder_id, occurrence_ms, due_ms, recipient, channel, target, state, attempts, next_attempt_ms, late, payload, last_error, created_ms, updated_ms, finished_ms`

func scanDelivery(row pgx.Row) (remind.Delivery, error) {
	var d remind.Delivery
	var occ, due, next, created, updated int64
	var state string
	var fin *int64
	err := row.Scan(&d.ID, &d.TenantID, &d.ReminderID, &occ, &due, &d.Recipient, &d.Channel, &d.Target, &state, &d.Attempts,
		&next, &d.Late, &d.Payload, &d.LastError, &created, &updated, &fin)
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
				if d.State == remind.DeliveryPending {
					d.NextAttemptAt, d.Attempts = lease.Until, 1
				}
				ds.add(d)
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
				SELECT *, NULLIF($18, '') FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
					$9::text[], $10::int[], $11::bigint[], $12::bool[], $13::bytea[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[])
				ON CONFLICT (id) DO UPDATE SET occurrence_ms = excluded.occurrence_ms, due_ms = excluded.due_ms, target = excluded.target,
					state = excluded.state, attempts = d.attempts + 1, next_attempt_ms = excluded.next_attempt_ms, late = excluded.late,
					payload = excluded.payload, last_error = excluded.last_error, updated_ms = excluded.updated_ms, finished_ms = excluded.finished_ms,
					owner = excluded.owner
				WHERE d.state = 'cancelled'
				RETURNING id, attempts`, append(ds.args(), lease.Owner)...)
			if err != nil {
				return err
			}
		}
		for _, d := range planned {
			if n, ok := written[d.ID]; ok && d.State == remind.DeliveryPending {
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
		for _, u := range r.Recipients {
			if k := (key{r.TenantID, u}); !seen[k] {
				seen[k] = true
				tenantOf, uids = append(tenantOf, r.TenantID), append(uids, u)
			}
		}
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = ANY($1) ORDER BY id`, tenants)
	if len(uids) > 0 {
		b.Queue(`SELECT r.tenant_id, r.uid, r.name, r.email, r.phone, r.wechat_openid, r.webhook_url, r.webhook_secret, r.muted, r.created_ms, r.updated_ms, r.webpush, r.contacts
			FROM unnest($1::text[], $2::text[]) AS k(tenant_id, uid)
			JOIN recipients r ON r.tenant_id = k.tenant_id AND r.uid = k.uid`, tenantOf, uids)
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
}

func (c *deliveryColumns) add(d remind.Delivery) {
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
}

func (c *deliveryColumns) args() []any {
	return []any{c.id, c.tenant, c.reminder, c.occ, c.due, c.recipient, c.channel, c.target, c.state, c.attempts, c.next,
		c.late, c.payload, c.lastError, c.created, c.updated, c.finished}
}

// LeaseDeliveries claims pending deliveries whose time has come. SKIP LOCKED
// lets instances lease side by side: each takes rows the others have not.
func (s *Store) LeaseDeliveries(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]remind.Delivery, error) {
	var out []remind.Delivery
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		d, err := scanDelivery(rows)
		out = append(out, d)
		return err
	}, `WITH claimed AS (
			SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_ms <= $3
			ORDER BY next_attempt_ms LIMIT $4 FOR UPDATE SKIP LOCKED
		)
		UPDATE deliveries AS d SET next_attempt_ms = $1, attempts = d.attempts + 1, updated_ms = $2, owner = NULLIF($5, '')
		FROM claimed WHERE d.id = claimed.id
		RETURNING `+prefixed("d.", deliveryCols), ms(lease.Until), ms(now), ms(now), limit, lease.Owner)
	if err != nil {
		return nil, fmt.Errorf("postgres: lease deliveries: %w", err)
	}
	return out, nil
}

// Heartbeat renews instance's row and, in the same transaction, deletes
// the rows of instances past their time and hands back the pending
// deliveries they held. Two survivors noticing one death at once do not
// both hand it back: the second's DELETE waits for the first's and finds
// nothing. Rows are locked in id order, as FinishDeliveries and
// cancelPending lock them, so a dead-looking but live instance recording
// outcomes cannot deadlock with it.
func (s *Store) Heartbeat(ctx context.Context, instance string, now, until time.Time) (int, error) {
	var released int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		released = 0
		if _, err := tx.Exec(ctx, `INSERT INTO instances (id, heartbeat_ms, until_ms) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, until_ms = excluded.until_ms`, instance, ms(now), ms(until)); err != nil {
			return err
		}
		var dead []string
		if err := queryRows(ctx, tx, func(rows pgx.Rows) error {
			var id string
			err := rows.Scan(&id)
			dead = append(dead, id)
			return err
		}, `DELETE FROM instances WHERE until_ms <= $1 RETURNING id`, ms(now)); err != nil || len(dead) == 0 {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE deliveries AS d SET next_attempt_ms = GREATEST(d.due_ms, $2), owner = NULL, updated_ms = $2
			FROM (SELECT id FROM deliveries WHERE state = 'pending' AND owner = ANY($1) ORDER BY id FOR UPDATE) AS h
			WHERE d.id = h.id`, dead, ms(now))
		released = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: heartbeat: %w", err)
	}
	return released, nil
}

// ReleaseLeases hands back every pending delivery any instance holds. With
// several instances running it would let them all send what one holds:
// only a caller that knows it is alone may call it.
func (s *Store) ReleaseLeases(ctx context.Context, now time.Time) (int, error) {
	var released int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE deliveries AS d SET next_attempt_ms = GREATEST(d.due_ms, $1), owner = NULL, updated_ms = $1
			FROM (SELECT id FROM deliveries WHERE state = 'pending' AND owner IS NOT NULL ORDER BY id FOR UPDATE) AS h
			WHERE d.id = h.id`, ms(now))
		released = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: release leases: %w", err)
	}
	return released, nil
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(p, cols string) string {
	return p + strings.ReplaceAll(cols, ", ", ", "+p)
}

// PendingOf returns which ids are still pending.
func (s *Store) PendingOf(ctx context.Context, ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		var id string
		var n int
		err := rows.Scan(&id, &n)
		out[id] = n
		return err
	}, `SELECT id, attempts FROM deliveries WHERE state = 'pending' AND id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("postgres: pending of: %w", err)
	}
	return out, nil
}

// FinishDeliveries records the outcome of attempts, in one transaction and
// one round trip (a pipelined batch). The statements run in order, so
// several results for one delivery behave as they do in SQLite.
func (s *Store) FinishDeliveries(ctx context.Context, results []store.Result) error {
	if len(results) == 0 {
		return nil
	}
	// Rows are locked in id order, as cancelPending does, so the two cannot
	// deadlock; the stable sort keeps several results for one id in order.
	sorted := slices.Clone(results)
	slices.SortStableFunc(sorted, func(a, b store.Result) int { return strings.Compare(a.Delivery.ID, b.Delivery.ID) })
	err := s.tx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, r := range sorted {
			d, a := r.Delivery, r.Attempt
			b.Queue(`UPDATE deliveries SET state = $1, attempts = $2, next_attempt_ms = $3, last_error = $4, updated_ms = $5, finished_ms = $6, owner = NULL
				WHERE id = $7 AND state = 'pending' AND attempts = $2`,
				string(d.State), d.Attempts, ms(d.NextAttemptAt), d.LastError, ms(d.UpdatedAt), nullMS(d.FinishedAt), d.ID)
			b.Queue(`INSERT INTO attempts (delivery_id, n, at_ms, duration_us, outcome, status_code, error) VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (delivery_id, n) DO UPDATE SET at_ms = excluded.at_ms, duration_us = excluded.duration_us, outcome = excluded.outcome,
				status_code = excluded.status_code, error = excluded.error`,
				d.ID, a.N, ms(a.At), a.Duration.Microseconds(), a.Outcome, a.StatusCode, a.Error)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("postgres: finish deliveries: %w", err)
	}
	return nil
}

// ListDeliveries returns a reminder's deliveries with attempts.
// FailedDeliveries implements store.Store.
func (s *Store) FailedDeliveries(ctx context.Context, tenantID string, since time.Time, limit int) ([]remind.Delivery, error) {
	var out []remind.Delivery
	err := s.conn(ctx, func(c *pgx.Conn) error {
		return queryRows(ctx, c, func(rows pgx.Rows) error {
			d, err := scanDelivery(rows)
			out = append(out, d)
			return err
		}, `SELECT `+deliveryCols+` FROM deliveries
			WHERE tenant_id = $1 AND state IN ('failed', 'missed') AND updated_ms >= $2 ORDER BY updated_ms DESC, id LIMIT $3`,
			tenantID, ms(since), store.PageLimit(limit))
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: failed deliveries: %w", err)
	}
	return out, nil
}

func (s *Store) ListDeliveries(ctx context.Context, tenantID, reminderID string) ([]store.DeliveryWithAttempts, error) {
	var out []store.DeliveryWithAttempts
	idx := map[string]int{}
	err := s.conn(ctx, func(c *pgx.Conn) error {
		err := queryRows(ctx, c, func(rows pgx.Rows) error {
			d, err := scanDelivery(rows)
			idx[d.ID] = len(out)
			out = append(out, store.DeliveryWithAttempts{Delivery: d})
			return err
		}, `SELECT `+deliveryCols+` FROM deliveries WHERE tenant_id = $1 AND reminder_id = $2 ORDER BY due_ms, id`, tenantID, reminderID)
		if err != nil {
			return err
		}
		return queryRows(ctx, c, func(rows pgx.Rows) error {
			var a remind.Attempt
			var at, dur int64
			if err := rows.Scan(&a.DeliveryID, &a.N, &at, &dur, &a.Outcome, &a.StatusCode, &a.Error); err != nil {
				return err
			}
			a.At, a.Duration = fromMS(at), time.Duration(dur)*time.Microsecond
			if i, ok := idx[a.DeliveryID]; ok {
				out[i].Attempts = append(out[i].Attempts, a)
			}
			return nil
		}, `SELECT a.delivery_id, a.n, a.at_ms, a.duration_us, a.outcome, a.status_code, a.error
			FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.tenant_id = $1 AND d.reminder_id = $2 ORDER BY a.delivery_id, a.n`, tenantID, reminderID)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list deliveries: %w", err)
	}
	return out, nil
}

// ---- inbox

const inboxCols = `id, tenant_id, uid, reminder_id, title, "desc", external_url, occurrence_ms, status, created_ms, updated_ms`

func scanInbox(row pgx.Row) (remind.InboxItem, error) {
	var it remind.InboxItem
	var occ, created, updated int64
	var st int
	err := row.Scan(&it.ID, &it.TenantID, &it.UID, &it.ReminderID, &it.Title, &it.Desc, &it.ExternalURL, &occ, &st, &created, &updated)
	it.Occurrence, it.CreatedAt, it.UpdatedAt, it.Status = fromMS(occ), fromMS(created), fromMS(updated), remind.InboxStatus(st)
	return it, err
}

// AddInboxItem inserts an inbox item unless its id exists.
func (s *Store) AddInboxItem(ctx context.Context, it remind.InboxItem) (bool, error) {
	tag, err := s.exec(ctx, `INSERT INTO inbox (`+inboxCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
		it.ID, it.TenantID, it.UID, it.ReminderID, it.Title, it.Desc, it.ExternalURL, ms(it.Occurrence), int(it.Status), ms(it.CreatedAt), ms(it.UpdatedAt))
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

// SetInboxStatus records what a recipient did with an item.
func (s *Store) SetInboxStatus(ctx context.Context, tenantID, uid, itemID string, st remind.InboxStatus, at time.Time) (remind.InboxItem, error) {
	var it remind.InboxItem
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		it, err = scanInbox(row)
		return err
	}, `UPDATE inbox SET status = $1, updated_ms = $2 WHERE tenant_id = $3 AND uid = $4 AND id = $5 RETURNING `+inboxCols,
		int(st), ms(at), tenantID, uid, itemID)
	if err != nil {
		return remind.InboxItem{}, notFound(err, "inbox item")
	}
	return it, nil
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
	}, `SELECT uid, status FROM inbox WHERE tenant_id = $1 AND reminder_id = $2 ORDER BY occurrence_ms, id`, tenantID, reminderID)
	if err != nil {
		return nil, fmt.Errorf("postgres: inbox status: %w", err)
	}
	return out, nil
}
