package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// NextDeliveryAt returns when the next pending delivery is due or its lease ends.
func (s *Store) NextDeliveryAt(ctx context.Context) (time.Time, bool, error) {
	var v sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT MIN(next_attempt_ms) FROM deliveries WHERE state = 'pending'`).Scan(&v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sqlite: next delivery: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(v.Int64), true, nil
}

// LeaseDeliveries claims pending deliveries whose time has come.
func (s *Store) LeaseDeliveries(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]remind.Delivery, error) {
	var out []remind.Delivery
	err := s.lease(ctx, now, limit, lease, deliveryCols, func(rows *sql.Rows) error {
		d, err := scanDelivery(rows)
		out = append(out, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: lease deliveries: %w", err)
	}
	return out, nil
}

// LeaseDue implements store.Store: LeaseDeliveries' transaction, returning
// ids and attempt counts only.
func (s *Store) LeaseDue(ctx context.Context, now time.Time, limit int, lease store.Lease) ([]store.Leased, error) {
	var out []store.Leased
	err := s.lease(ctx, now, limit, lease, "id, attempts", func(rows *sql.Rows) error {
		var l store.Leased
		err := rows.Scan(&l.ID, &l.Attempts)
		out = append(out, l)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: lease due: %w", err)
	}
	return out, nil
}

// lease is the transaction of LeaseDeliveries and LeaseDue: it leases up
// to limit pending deliveries whose time has come and hands each returned
// row (the columns of returning) to scan. Rows are picked by rowid, which
// the pending index holds: no search of the id index a row.
func (s *Store) lease(ctx context.Context, now time.Time, limit int, lease store.Lease, returning string, scan func(*sql.Rows) error) error {
	st, err := s.prepared(ctx, `UPDATE deliveries SET next_attempt_ms = ?, attempts = attempts + 1, updated_ms = ?, owner = NULLIF(?, '')
			WHERE rowid IN (SELECT rowid FROM deliveries WHERE state = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT ?)
			RETURNING `+returning)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.StmtContext(ctx, st).QueryContext(ctx, ms(lease.Until), ms(now), lease.Owner, ms(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// DeliveriesOf implements store.Store, on a reader (the ids go in as one
// JSON array).
func (s *Store) DeliveriesOf(ctx context.Context, ids []string) ([]remind.Delivery, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE id IN (SELECT value FROM json_each(?))`, encodeJSON(ids))
	if err != nil {
		return nil, fmt.Errorf("sqlite: deliveries of: %w", err)
	}
	defer rows.Close()
	out := make([]remind.Delivery, 0, len(ids))
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: deliveries of: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: deliveries of: %w", err)
	}
	return out, nil
}

// aheadKey is a SQLite cursor key: the rowid, zero-padded so that keys
// sort as their rowids do.
func aheadKey(rowid int64) string { return fmt.Sprintf("%020d", rowid) }

// aheadRowid reads a cursor key: 0 (before every row) when empty.
func aheadRowid(key string) int64 {
	n, _ := strconv.ParseInt(key, 10, 64)
	return n
}

// aheadWhere selects what FireDue leased to ?owner ahead of its time for
// ?for ms (store.HeldAhead) among pending rows; the pending index orders
// them by their lease's end, then rowid.
const aheadWhere = `state = 'pending' AND owner = ? AND next_attempt_ms - due_ms = ?`

// ReadAhead implements store.Store, on a reader. The cursor is the pending
// index's order, (next_attempt_ms, rowid): the rest of the cursor's
// millisecond is read by rowid, then the milliseconds after it, each query
// a seek into the index, so a million leased for one instant are read a
// thousand at a time without walking what was read before.
func (s *Store) ReadAhead(ctx context.Context, owner string, leasedFor time.Duration, now time.Time, after store.Cursor, limit int) ([]remind.Delivery, store.Cursor, error) {
	out, cur, err := s.readAhead(ctx, owner, leasedFor, ms(now)+leasedFor.Milliseconds(), after, limit)
	if err != nil {
		return nil, after, fmt.Errorf("sqlite: read ahead: %w", err)
	}
	return out, cur, nil
}

// NextAhead implements store.Store: the first delivery in ReadAhead's
// order, due or not.
func (s *Store) NextAhead(ctx context.Context, owner string, leasedFor time.Duration, after store.Cursor) (time.Time, bool, error) {
	ds, _, err := s.readAhead(ctx, owner, leasedFor, math.MaxInt64, after, 1)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sqlite: next ahead: %w", err)
	}
	if len(ds) == 0 {
		return time.Time{}, false, nil
	}
	return ds[0].DueAt, true, nil
}

// readAhead reads up to limit deliveries leased ahead after the cursor
// whose lease ends by lastMS, in the cursor's order (see ReadAhead).
func (s *Store) readAhead(ctx context.Context, owner string, leasedFor time.Duration, lastMS int64, after store.Cursor, limit int) ([]remind.Delivery, store.Cursor, error) {
	lf := leasedFor.Milliseconds()
	at, rowid := ms(after.Until), aheadRowid(after.Key)
	cur := after
	out := make([]remind.Delivery, 0, min(limit, 1024))
	var seq, next int64
	scan := prefixed{dest: []any{&seq, &next}, lead: 2}
	read := func(query string, args ...any) error {
		rows, err := s.r.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		scan.rows = rows
		for rows.Next() {
			d, err := scanDelivery(&scan)
			if err != nil {
				return err
			}
			out = append(out, d)
			cur = store.Cursor{Until: fromMS(next), Key: aheadKey(seq)}
		}
		return rows.Err()
	}
	if at <= lastMS {
		if err := read(`SELECT rowid, next_attempt_ms, `+deliveryCols+` FROM deliveries
			WHERE next_attempt_ms = ? AND rowid > ? AND `+aheadWhere+` ORDER BY rowid LIMIT ?`, at, rowid, owner, lf, limit); err != nil {
			return nil, after, err
		}
	}
	if n := len(out); n < limit && at < lastMS {
		if err := read(`SELECT rowid, next_attempt_ms, `+deliveryCols+` FROM deliveries
			WHERE next_attempt_ms > ? AND next_attempt_ms <= ? AND `+aheadWhere+` ORDER BY next_attempt_ms, rowid LIMIT ?`, at, lastMS, owner, lf, limit-n); err != nil {
			return nil, after, err
		}
	}
	return out, cur, nil
}

// prefixed scans its first lead destinations (set up in dest) from the
// leading columns, then the rest as asked, reusing one slice for every row.
type prefixed struct {
	rows *sql.Rows
	dest []any
	lead int
}

func (p *prefixed) Scan(dest ...any) error {
	p.dest = append(p.dest[:p.lead], dest...)
	return p.rows.Scan(p.dest...)
}

// Heartbeat renews instance's row and hands back what instances past their
// time held, in one transaction.
func (s *Store) Heartbeat(ctx context.Context, instance string, now, until time.Time) (int, error) {
	var released int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO instances (id, heartbeat_ms, until_ms) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, until_ms = excluded.until_ms`, instance, ms(now), ms(until)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET next_attempt_ms = MAX(due_ms, ?), owner = NULL, updated_ms = ?
			WHERE state = 'pending' AND owner IN (SELECT id FROM instances WHERE until_ms <= ?)`, ms(now), ms(now), ms(now))
		if err != nil {
			return err
		}
		released, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM instances WHERE until_ms <= ?`, ms(now))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: heartbeat: %w", err)
	}
	return int(released), nil
}

// ReleaseLeases hands back every pending delivery held by any instance;
// `raas serve` calls it once it holds the serve lock, which proves that
// whoever held them is gone.
func (s *Store) ReleaseLeases(ctx context.Context, now time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE deliveries SET next_attempt_ms = MAX(due_ms, ?), owner = NULL, updated_ms = ?
		WHERE state = 'pending' AND owner IS NOT NULL`, ms(now), ms(now))
	if err != nil {
		return 0, fmt.Errorf("sqlite: release leases: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// PendingOf returns which ids are still pending. The ids go in as one JSON
// array parameter, so the statement text is the same for every batch and
// no 500-parameter statement is compiled per call.
func (s *Store) PendingOf(ctx context.Context, ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT d.id, d.attempts FROM json_each(?) j JOIN deliveries d ON d.id = j.value WHERE d.state = 'pending'`, encodeJSON(ids))
	if err != nil {
		return nil, fmt.Errorf("sqlite: pending of: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("sqlite: pending of: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: pending of: %w", err)
	}
	return out, nil
}

// finishChunk is the rows per outcome statement: 10 parameters a row, well
// under SQLite's limit.
const finishChunk = 100

// finishSQL returns the outcome statements for n rows: the update of the
// deliveries, which keeps the attempt that ends one in its row
// (store.Result.Final; migration 0018), and the insert of n attempts
// that do not.
func finishSQL(n int) (update, insert string) {
	urows := strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?),", n)
	arows := strings.Repeat("(?, ?, ?, ?, ?, ?, ?),", n)
	return `WITH v(id, state, attempts, next_ms, last_error, updated_ms, finished_ms, final_at_ms, final_us, final_code) AS (VALUES ` + urows[:len(urows)-1] + `)
				UPDATE deliveries SET state = v.state, attempts = v.attempts, next_attempt_ms = v.next_ms, last_error = v.last_error,
				updated_ms = v.updated_ms, finished_ms = v.finished_ms, owner = NULL,
				final_at_ms = v.final_at_ms, final_us = v.final_us, final_code = v.final_code
				FROM v WHERE deliveries.id = v.id AND deliveries.state = 'pending' AND deliveries.attempts = v.attempts`,
		`INSERT INTO attempts (delivery_id, n, at_ms, duration_us, outcome, status_code, error) VALUES ` + arows[:len(arows)-1] + `
				ON CONFLICT (delivery_id, n) DO UPDATE SET at_ms = excluded.at_ms, duration_us = excluded.duration_us, outcome = excluded.outcome,
				status_code = excluded.status_code, error = excluded.error`
}

// FinishDeliveries records the outcome of attempts, in one transaction,
// with multi-row statements (a herd's outcomes arrive by the thousand and a
// statement per row dominated the fire path's profile). The attempt that
// ends a delivery is written in its row (store.Result.Final); the others, retried,
// each in an attempts row.
func (s *Store) FinishDeliveries(ctx context.Context, results []store.Result) error {
	if len(results) == 0 {
		return nil
	}
	var retried []store.Result
	for _, r := range results {
		if !r.Final() {
			retried = append(retried, r)
		}
	}
	// Statements for every chunk size are prepared before the transaction
	// (the writer pool's one connection is the transaction's until it
	// ends) and kept: parsing them was a seventh of a herd's outcome
	// writes, and a batch's last chunk is seldom full.
	type pair struct{ upd, ins *sql.Stmt }
	stmts := map[int]pair{}
	prepare := func(n int) error {
		if _, ok := stmts[n]; ok {
			return nil
		}
		updSQL, insSQL := finishSQL(n)
		upd, err := s.prepared(ctx, updSQL)
		if err != nil {
			return err
		}
		ins, err := s.prepared(ctx, insSQL)
		if err != nil {
			return err
		}
		stmts[n] = pair{upd, ins}
		return nil
	}
	for _, rs := range [][]store.Result{results, retried} {
		for start := 0; start < len(rs); start += finishChunk {
			if err := prepare(min(finishChunk, len(rs)-start)); err != nil {
				return fmt.Errorf("sqlite: finish deliveries: %w", err)
			}
		}
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(results); start += finishChunk {
			part := results[start:min(start+finishChunk, len(results))]
			args := make([]any, 0, 10*len(part))
			for _, r := range part {
				d, a := r.Delivery, r.Attempt
				var at any
				if r.Final() {
					at = ms(a.At)
				}
				args = append(args, d.ID, string(d.State), d.Attempts, ms(d.NextAttemptAt), d.LastError, ms(d.UpdatedAt), nullMS(d.FinishedAt),
					at, a.Duration.Microseconds(), a.StatusCode)
			}
			res, err := tx.StmtContext(ctx, stmts[len(part)].upd).ExecContext(ctx, args...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || int(n) < len(part) {
				// Some outcome did not finish its row: a stale copy's (fenced
				// off by a newer lease) or one recorded twice. A stale
				// attempt still happened, so it gets an attempts row.
				stale, err := notInRow(ctx, tx, part)
				if err != nil {
					return err
				}
				retried = append(retried, stale...)
			}
		}
		for start := 0; start < len(retried); start += finishChunk {
			part := retried[start:min(start+finishChunk, len(retried))]
			args := make([]any, 0, 7*len(part))
			for _, r := range part {
				a := r.Attempt
				args = append(args, r.Delivery.ID, a.N, ms(a.At), a.Duration.Microseconds(), a.Outcome, a.StatusCode, a.Error)
			}
			var err error
			if st, ok := stmts[len(part)]; ok {
				_, err = tx.StmtContext(ctx, st.ins).ExecContext(ctx, args...)
			} else { // stale outcomes found in the transaction, which holds the one connection a prepare would wait for
				_, ins := finishSQL(len(part))
				_, err = tx.ExecContext(ctx, ins, args...)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: finish deliveries: %w", err)
	}
	return nil
}

// notInRow returns the final attempts of part (store.Result.Final) that their
// delivery's row does not hold.
func notInRow(ctx context.Context, tx *sql.Tx, part []store.Result) ([]store.Result, error) {
	var ids []any
	for _, r := range part {
		if r.Final() {
			ids = append(ids, r.Delivery.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, attempts, final_at_ms FROM deliveries WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type held struct {
		n  int
		at sql.NullInt64
	}
	in := map[string]held{}
	for rows.Next() {
		var id string
		var h held
		if err := rows.Scan(&id, &h.n, &h.at); err != nil {
			return nil, err
		}
		in[id] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []store.Result
	for _, r := range part {
		if h, ok := in[r.Delivery.ID]; ok && r.Final() && (h.n != r.Attempt.N || !h.at.Valid || h.at.Int64 != ms(r.Attempt.At)) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ListDeliveries returns a reminder's deliveries with attempts: those in
// the attempts table, then the one that ended the delivery, kept in its row.
func (s *Store) ListDeliveries(ctx context.Context, tenantID, reminderID string) ([]store.DeliveryWithAttempts, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+`, final_at_ms, final_us, final_code
		FROM deliveries WHERE tenant_id = ? AND reminder_id = ? ORDER BY due_ms, id`, tenantID, reminderID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries: %w", err)
	}
	var out []store.DeliveryWithAttempts
	var finals []*remind.Attempt
	idx := map[string]int{}
	for rows.Next() {
		var at sql.NullInt64
		var us int64
		var code int
		d, err := scanDelivery(store.ScanMore{Row: rows, More: []any{&at, &us, &code}})
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: list deliveries: %w", err)
		}
		var fin *remind.Attempt
		if at.Valid {
			a := store.FinalAttempt(d, fromMS(at.Int64), time.Duration(us)*time.Microsecond, code)
			fin = &a
		}
		idx[d.ID] = len(out)
		out = append(out, store.DeliveryWithAttempts{Delivery: d})
		finals = append(finals, fin)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries: %w", err)
	}
	arows, err := s.r.QueryContext(ctx, `SELECT a.delivery_id, a.n, a.at_ms, a.duration_us, a.outcome, a.status_code, a.error
		FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.tenant_id = ? AND d.reminder_id = ? ORDER BY a.delivery_id, a.n`, tenantID, reminderID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list attempts: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var a remind.Attempt
		var at, dur int64
		if err := arows.Scan(&a.DeliveryID, &a.N, &at, &dur, &a.Outcome, &a.StatusCode, &a.Error); err != nil {
			return nil, fmt.Errorf("sqlite: list attempts: %w", err)
		}
		a.At, a.Duration = fromMS(at), time.Duration(dur)*time.Microsecond
		if i, ok := idx[a.DeliveryID]; ok {
			out[i].Attempts = append(out[i].Attempts, a)
		}
	}
	if err := arows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list attempts: %w", err)
	}
	for i, fin := range finals {
		out[i].Attempts = store.WithFinal(out[i].Attempts, fin)
	}
	return out, nil
}

// FailedDeliveries implements store.Store.
func (s *Store) FailedDeliveries(ctx context.Context, tenantID string, since time.Time, limit int) ([]remind.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM deliveries
		WHERE tenant_id = ? AND state IN ('failed', 'missed') AND updated_ms >= ? ORDER BY updated_ms DESC, id LIMIT ?`,
		tenantID, ms(since), store.PageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: failed deliveries: %w", err)
	}
	defer rows.Close()
	var out []remind.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: failed deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
