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

// LeaseDeliveries claims pending deliveries whose time has come. SKIP LOCKED
// lets instances lease side by side: each takes rows the others have not.
func (s *Store) LeaseDeliveries(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]remind.Delivery, error) {
	var out []remind.Delivery
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		d, err := scanDelivery(rows)
		out = append(out, d)
		return err
	}, leaseSQL(prefixed("d.", deliveryCols)), ms(lease.Until), ms(now), ms(now), limit, lease.Owner)
	if err != nil {
		return nil, fmt.Errorf("postgres: lease deliveries: %w", err)
	}
	return out, nil
}

// leaseSQL is the lease of LeaseDeliveries and LeaseDue, returning the
// given columns.
func leaseSQL(returning string) string {
	return `WITH claimed AS (
			SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_ms <= $3
			ORDER BY next_attempt_ms LIMIT $4 FOR UPDATE SKIP LOCKED
		)
		UPDATE deliveries AS d SET next_attempt_ms = $1, attempts = d.attempts + 1, updated_ms = $2, owner = NULLIF($5, '')
		FROM claimed WHERE d.id = claimed.id
		RETURNING ` + returning
}

// LeaseDue implements store.Store: LeaseDeliveries returning ids and
// attempt counts only.
func (s *Store) LeaseDue(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]store.Leased, error) {
	var out []store.Leased
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		var l store.Leased
		err := rows.Scan(&l.ID, &l.Attempts)
		out = append(out, l)
		return err
	}, leaseSQL("d.id, d.attempts"), ms(lease.Until), ms(now), ms(now), limit, lease.Owner)
	if err != nil {
		return nil, fmt.Errorf("postgres: lease due: %w", err)
	}
	return out, nil
}

// DeliveriesOf implements store.Store.
func (s *Store) DeliveriesOf(ctx context.Context, ids []string) ([]remind.Delivery, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []remind.Delivery
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		d, err := scanDelivery(rows)
		out = append(out, d)
		return err
	}, `SELECT `+deliveryCols+` FROM deliveries WHERE id = ANY($1::text[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("postgres: deliveries of: %w", err)
	}
	return out, nil
}

// aheadWhere selects what FireDue leased to $1 ahead of its time for $2 ms
// (store.HeldAhead) among pending rows. The cursor's key is the id, in
// byte order (COLLATE "C"), as store.Cursor compares keys.
const aheadWhere = `state = 'pending' AND owner = $1 AND next_attempt_ms - due_ms = $2
	AND (next_attempt_ms > $3 OR next_attempt_ms = $3 AND id COLLATE "C" > $4)`

// ReadAhead implements store.Store. The scheduler leases ahead only where
// one instance serves the store (SQLite), so this is plain and correct
// rather than tuned: a PostgreSQL herd is leased by whichever instances
// poll (LeaseDue).
func (s *Store) ReadAhead(ctx context.Context, owner string, leasedFor time.Duration, now time.Time, after store.Cursor, limit int) ([]remind.Delivery, store.Cursor, error) {
	lf := leasedFor.Milliseconds()
	cur := after
	var out []remind.Delivery
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		d, err := scanDelivery(rows)
		out = append(out, d)
		cur = store.Cursor{Until: d.NextAttemptAt, Key: d.ID}
		return err
	}, `SELECT `+deliveryCols+` FROM deliveries WHERE `+aheadWhere+` AND next_attempt_ms <= $5
		ORDER BY next_attempt_ms, id COLLATE "C" LIMIT $6`, owner, lf, ms(after.Until), after.Key, ms(now)+lf, limit)
	if err != nil {
		return nil, after, fmt.Errorf("postgres: read ahead: %w", err)
	}
	return out, cur, nil
}

// NextAhead implements store.Store.
func (s *Store) NextAhead(ctx context.Context, owner string, leasedFor time.Duration, after store.Cursor) (time.Time, bool, error) {
	lf := leasedFor.Milliseconds()
	at, ok, err := s.minMS(ctx, "next ahead", `SELECT MIN(next_attempt_ms) FROM deliveries WHERE `+aheadWhere, owner, lf, ms(after.Until), after.Key)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	return at.Add(-leasedFor), true, nil
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
	// deadlock; the stable sort keeps several results for one id in order,
	// and each goes in a later round (a statement writes a row once).
	// Positions are sorted, not the results (a few hundred bytes each: moving
	// them was a tenth of a herd's outcome writes).
	order := make([]int, len(results))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(results[a].Delivery.ID, results[b].Delivery.ID) })
	sorted := make([]store.Result, len(results))
	for i, j := range order {
		sorted[i] = results[j]
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		for round := range finishRounds(sorted) {
			if err := finishRound(ctx, tx, round); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: finish deliveries: %w", err)
	}
	return nil
}

// finishRounds splits results sorted by delivery id into rounds with each
// id at most once, in order: the first result of every id, then the second...
func finishRounds(sorted []store.Result) func(yield func([]store.Result) bool) {
	return func(yield func([]store.Result) bool) {
		rest := sorted
		for len(rest) > 0 {
			var round, later []store.Result
			for i, r := range rest {
				if i > 0 && r.Delivery.ID == rest[i-1].Delivery.ID {
					later = append(later, r)
					continue
				}
				round = append(round, r)
			}
			if !yield(round) {
				return
			}
			rest = later
		}
	}
}

// finishRound records outcomes of distinct deliveries with one set-based
// statement: a herd's outcomes arrive by the thousand, and a statement a
// row (two with the attempt) was most of the PostgreSQL herd's writes. The
// rows are locked first, in id order: the count of locked rows is a
// one-time filter, so they are all locked before the update starts. (It was
// "d.id IN (SELECT id FROM locked)", which the planner, expecting 10 rows
// of unnest, ran as a nested loop over the locked rows for each row: 1,000
// outcomes took 75 ms, and the time grew with the square of the batch.)
// An attempt that ends its delivery goes in the row (store.Result.Final);
// the others, and a final one that did not finish its row (a stale
// copy's), in attempts rows.
func finishRound(ctx context.Context, tx pgx.Tx, rs []store.Result) error {
	n := len(rs)
	ids, states, errs, outcomes, aerrs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	attempts, ns, codes := make([]int32, n), make([]int32, n), make([]int32, n)
	nexts, updated, ats, durs := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	finished, finals := make([]*int64, n), make([]bool, n)
	for i, r := range rs {
		d, a := r.Delivery, r.Attempt
		ids[i], states[i], attempts[i], nexts[i], errs[i], updated[i] = d.ID, string(d.State), int32(d.Attempts), ms(d.NextAttemptAt), d.LastError, ms(d.UpdatedAt)
		if d.FinishedAt != nil {
			v := ms(*d.FinishedAt)
			finished[i] = &v
		}
		ns[i], ats[i], durs[i], outcomes[i], codes[i], aerrs[i] = int32(a.N), ms(a.At), a.Duration.Microseconds(), a.Outcome, int32(a.StatusCode), a.Error
		finals[i] = r.Final()
	}
	_, err := tx.Exec(ctx, `WITH locked AS MATERIALIZED (SELECT id FROM deliveries WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE),
		u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[],
				$8::int[], $9::bigint[], $10::bigint[], $11::text[], $12::int[], $13::text[], $14::bool[])
			AS u(id, state, attempts, next_ms, last_error, updated_ms, finished_ms, n, at_ms, duration_us, outcome, status_code, error, final)),
		done AS (UPDATE deliveries d SET state = u.state, attempts = u.attempts, next_attempt_ms = u.next_ms, last_error = u.last_error,
				updated_ms = u.updated_ms, finished_ms = u.finished_ms, owner = NULL,
				final_at_ms = CASE WHEN u.final THEN u.at_ms END, final_us = u.duration_us, final_code = u.status_code
			FROM u WHERE (SELECT count(*) FROM locked) > 0 AND d.id = u.id AND d.state = 'pending' AND d.attempts = u.attempts
			RETURNING d.id, u.final)
		INSERT INTO attempts (delivery_id, n, at_ms, duration_us, outcome, status_code, error)
		SELECT u.id, u.n, u.at_ms, u.duration_us, u.outcome, u.status_code, u.error FROM u
		WHERE NOT EXISTS (SELECT 1 FROM done WHERE done.id = u.id AND done.final)
		ON CONFLICT (delivery_id, n) DO UPDATE SET at_ms = excluded.at_ms, duration_us = excluded.duration_us, outcome = excluded.outcome,
			status_code = excluded.status_code, error = excluded.error`,
		ids, states, attempts, nexts, errs, updated, finished, ns, ats, durs, outcomes, codes, aerrs, finals)
	return err
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
	var finals []*remind.Attempt
	idx := map[string]int{}
	err := s.conn(ctx, func(c *pgx.Conn) error {
		err := queryRows(ctx, c, func(rows pgx.Rows) error {
			var at *int64
			var us int64
			var code int32
			d, err := scanDelivery(store.ScanMore{Row: rows, More: []any{&at, &us, &code}})
			var fin *remind.Attempt
			if at != nil {
				a := store.FinalAttempt(d, fromMS(*at), time.Duration(us)*time.Microsecond, int(code))
				fin = &a
			}
			idx[d.ID] = len(out)
			out = append(out, store.DeliveryWithAttempts{Delivery: d})
			finals = append(finals, fin)
			return err
		}, `SELECT `+deliveryCols+`, final_at_ms, final_us, final_code FROM deliveries WHERE tenant_id = $1 AND reminder_id = $2 ORDER BY due_ms, id`, tenantID, reminderID)
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
	for i, fin := range finals {
		out[i].Attempts = store.WithFinal(out[i].Attempts, fin)
	}
	return out, nil
}
