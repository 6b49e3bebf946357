package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// errKeyRace means another transaction recorded one of the batch's keys
// between our read and our insert: the batch is run again, and then reads it.
var errKeyRace = errors.New("an idempotency key was recorded meanwhile")

// CreateReminders stores a batch in one transaction (see store.Store): the
// item keys are read with one statement (rows locked, in key order, so two
// batches sharing keys wait for each other instead of deadlocking),
// recorded with one, and the reminders inserted with one multi-row
// statement per 1,000.
func (s *Store) CreateReminders(ctx context.Context, tenantID string, items []store.BatchItem, batch *store.Idempotency) ([]store.BatchResult, bool, error) {
	for i, it := range items {
		if it.Reminder.TenantID != tenantID {
			return nil, false, fmt.Errorf("postgres: create reminders: item %d belongs to tenant %q, not %q", i, it.Reminder.TenantID, tenantID)
		}
	}
	res := make([]store.BatchResult, len(items))
	var replayed bool
	var err error
	for try := 0; try < 4; try++ {
		err = s.tx(ctx, func(tx pgx.Tx) error {
			clear(res)
			var err error
			if replayed, err = claimBatchKey(ctx, tx, tenantID, batch); err != nil {
				return err
			}
			return createBatch(ctx, tx, tenantID, items, res)
		})
		if !errors.Is(err, errKeyRace) {
			break
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("postgres: create reminders: %w", err)
	}
	return res, replayed, nil
}

// claimBatchKey records a batch's key, or reports that it replays an
// earlier batch (an error when that one's body differed). No key: false.
func claimBatchKey(ctx context.Context, tx pgx.Tx, tenantID string, batch *store.Idempotency) (bool, error) {
	if batch == nil {
		return false, nil
	}
	key := store.BatchKeyPrefix + batch.Key
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency (tenant_id, key, body_hash, reminder_id, created_ms) VALUES ($1, $2, $3, '', $4)
		ON CONFLICT (tenant_id, key) DO NOTHING`, tenantID, key, batch.BodyHash, ms(batch.Now))
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 1 {
		return false, nil
	}
	// The key exists (or a concurrent batch with it just committed): wait for its row.
	var hash string
	var created int64
	if err := tx.QueryRow(ctx, `SELECT body_hash, created_ms FROM idempotency WHERE tenant_id = $1 AND key = $2 FOR UPDATE`,
		tenantID, key).Scan(&hash, &created); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return false, errKeyRace // deleted meanwhile: run again
		}
		return false, err
	}
	if created < ms(batch.Since) { // expired: the key is free again
		_, err := tx.Exec(ctx, `UPDATE idempotency SET body_hash = $1, created_ms = $2 WHERE tenant_id = $3 AND key = $4`,
			batch.BodyHash, ms(batch.Now), tenantID, key)
		return false, err
	}
	if hash != batch.BodyHash {
		return false, keyConflict()
	}
	return true, nil
}

type keyRow struct {
	hash, rid string
	created   int64
}

// createBatch answers and writes items inside tx.
func createBatch(ctx context.Context, tx pgx.Tx, tenantID string, items []store.BatchItem, res []store.BatchResult) error {
	// Read every item key at once, locking the rows in key order.
	var keys []string
	for _, it := range items {
		if it.Idem != nil {
			keys = append(keys, it.Idem.Key)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	found := make(map[string]keyRow, len(keys))
	if len(keys) > 0 {
		err := queryRows(ctx, tx, func(rows pgx.Rows) error {
			var k string
			var kr keyRow
			if err := rows.Scan(&k, &kr.hash, &kr.rid, &kr.created); err != nil {
				return err
			}
			found[k] = kr
			return nil
		}, `SELECT key, body_hash, reminder_id, created_ms FROM idempotency WHERE tenant_id = $1 AND key = ANY($2) ORDER BY key FOR UPDATE`, tenantID, keys)
		if err != nil {
			return err
		}
	}
	var (
		replayIDs            []string
		replayAt             []int // the items replayIDs answer
		newKeys, hashes, ids []string
		createdMS            []int64
		expired              []string
		write                []remind.Reminder
		claimed              = map[string]int{} // key → item that recorded it in this batch
	)
	for i, it := range items {
		r := it.Reminder
		if it.Idem != nil {
			k := it.Idem.Key
			if j, ok := claimed[k]; ok { // a key given twice in one batch: the first item's
				if items[j].Idem.BodyHash != it.Idem.BodyHash {
					res[i].Err = keyConflict()
				} else {
					res[i] = store.BatchResult{Reminder: items[j].Reminder, Replayed: true}
				}
				continue
			}
			if kr, ok := found[k]; ok && kr.created >= ms(it.Idem.Since) {
				if kr.hash != it.Idem.BodyHash {
					res[i].Err = keyConflict()
				} else {
					res[i] = store.BatchResult{Reminder: remind.Reminder{ID: kr.rid}, Replayed: true}
					replayIDs, replayAt = append(replayIDs, kr.rid), append(replayAt, i)
				}
				continue
			} else if ok && it.Err == nil {
				expired = append(expired, k)
			}
			if it.Err == nil {
				claimed[k] = i
				newKeys, hashes, ids, createdMS = append(newKeys, k), append(hashes, it.Idem.BodyHash), append(ids, r.ID), append(createdMS, ms(r.CreatedAt))
			}
		}
		if it.Err != nil {
			res[i].Err = it.Err
			continue
		}
		res[i].Reminder = r
		write = append(write, r)
	}
	if len(expired) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM idempotency WHERE tenant_id = $1 AND key = ANY($2)`, tenantID, expired); err != nil {
			return err
		}
	}
	if len(newKeys) > 0 {
		// Inserted in key order, as they were locked: two batches
		// recording the same new keys wait for each other instead of
		// deadlocking.
		sortByKey(newKeys, hashes, ids, createdMS)
		rows, err := tx.Query(ctx, `INSERT INTO idempotency (tenant_id, key, body_hash, reminder_id, created_ms)
			SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])
			ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`, tenantID, newKeys, hashes, ids, createdMS)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n != len(newKeys) {
			return errKeyRace
		}
	}
	for len(write) > 0 {
		n := min(len(write), maxInsertRows)
		if _, err := tx.Exec(ctx, insertSQL(n), insertArgs(write[:n])...); err != nil {
			return err
		}
		write = write[n:]
	}
	if len(replayIDs) > 0 { // the reminders of keys recorded before this batch
		got := make(map[string]remind.Reminder, len(replayIDs))
		err := queryRows(ctx, tx, func(rows pgx.Rows) error {
			r, err := scanReminder(rows)
			got[r.ID] = r
			return err
		}, `SELECT `+reminderRead+` FROM reminders WHERE tenant_id = $1 AND id = ANY($2)`, tenantID, replayIDs)
		if err != nil {
			return err
		}
		for _, i := range replayAt {
			r, ok := got[res[i].Reminder.ID]
			if !ok {
				return notFound(pgx.ErrNoRows, "reminder")
			}
			res[i].Reminder = r
		}
	}
	return nil
}

// sortByKey sorts keys, and the other slices along with it.
func sortByKey(keys, hashes, ids []string, created []int64) {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	k, h, r, c := slices.Clone(keys), slices.Clone(hashes), slices.Clone(ids), slices.Clone(created)
	for to, from := range idx {
		keys[to], hashes[to], ids[to], created[to] = k[from], h[from], r[from], c[from]
	}
}

// maxInsertRows bounds one multi-row insert (19 parameters a row, under
// PostgreSQL's 65,535).
const maxInsertRows = 1000

// insertSQL is a multi-row insert of n reminders.
func insertSQL(n int) string {
	var sb strings.Builder
	sb.Grow(40 + reminderArgCount*7*n)
	sb.WriteString(`INSERT INTO reminders (` + reminderCols + `) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for j := 1; j <= reminderArgCount; j++ {
			if j > 1 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "$%d", reminderArgCount*i+j)
		}
		sb.WriteString(")")
	}
	return sb.String()
}

func insertArgs(rs []remind.Reminder) []any {
	args := make([]any, 0, reminderArgCount*len(rs))
	for _, r := range rs {
		args = append(args, reminderArgs(r)...)
	}
	return args
}

func keyConflict() error {
	return &remind.Error{Code: remind.CodeConflict, Field: "Idempotency-Key", Message: "this key was used with another request body"}
}
