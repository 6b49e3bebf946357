package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// BulkCreateReminders inserts many reminders in large transactions, without
// idempotency keys. It exists for loading (benchmarks, imports); the API
// creates one at a time through CreateReminder.
func (s *Store) BulkCreateReminders(ctx context.Context, rs []remind.Reminder) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO reminders (`+reminderCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("sqlite: bulk create: %w", err)
		}
		defer st.Close()
		for _, r := range rs {
			if _, err := st.ExecContext(ctx, r.ID, r.TenantID, r.Title, r.Desc, nullMS(r.Time), r.RRule, r.TZ, ms(r.Start), r.DeferMin, r.ExternalURL,
				encodeJSON(r.Recipients), encodeJSON(r.Channels), string(r.Status), nullMS(r.NextFireAt), r.FiredCount, r.Source,
				encodeJSON(r.Meta), ms(r.CreatedAt), ms(r.UpdatedAt), boolInt(r.Urgent), store.EncodeAck(r.Ack)); err != nil {
				return fmt.Errorf("sqlite: bulk create: %w", err)
			}
		}
		return nil
	})
}
