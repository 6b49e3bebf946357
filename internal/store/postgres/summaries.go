package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// summaryWhere picks the recipients who asked for the agenda or the digest
// (the predicate of the partial index recipients_summaries, word for word,
// so the index serves the query). store.EncodeProfile writes these keys.
const summaryWhere = `(profile LIKE '%"agenda":true%' OR profile LIKE '%"digest":true%')`

// SummaryRecipients returns, across tenants, the recipients who opted in
// to the morning agenda or the daily digest, in (tenant, uid) order after
// the given key, at most limit.
func (s *Store) SummaryRecipients(ctx context.Context, afterTenant, afterUID string, limit int) ([]remind.Recipient, error) {
	var out []remind.Recipient
	err := s.conn(ctx, func(c *pgx.Conn) error {
		return queryRows(ctx, c, func(rows pgx.Rows) error {
			rc, err := scanRecipient(rows)
			out = append(out, rc)
			return err
		}, `SELECT `+recipientCols+` FROM recipients WHERE `+summaryWhere+`
			AND (tenant_id, uid) > ($1, $2) ORDER BY tenant_id, uid LIMIT $3`, afterTenant, afterUID, store.PageLimit(limit))
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: summary recipients: %w", err)
	}
	return out, nil
}

// InboxChanged returns the tenant's inbox items created or acted on in
// [since, until), oldest change first, at most limit.
func (s *Store) InboxChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.InboxItem, error) {
	var out []remind.InboxItem
	err := s.conn(ctx, func(c *pgx.Conn) error {
		return queryRows(ctx, c, func(rows pgx.Rows) error {
			it, err := scanInbox(rows)
			out = append(out, it)
			return err
		}, `SELECT `+inboxCols+` FROM inbox WHERE tenant_id = $1 AND updated_ms >= $2 AND updated_ms < $3
			ORDER BY updated_ms, id LIMIT $4`, tenantID, ms(since), ms(until), store.PageLimit(limit))
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: inbox changed: %w", err)
	}
	return out, nil
}

// SubscribersChanged returns the tenant's subscribers whose state changed
// in [since, until) (confirmed or unsubscribed), oldest change first, at
// most limit.
func (s *Store) SubscribersChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.Subscriber, error) {
	var out []remind.Subscriber
	err := s.conn(ctx, func(c *pgx.Conn) error {
		return queryRows(ctx, c, func(rows pgx.Rows) error {
			sb, err := scanSub(rows)
			out = append(out, sb)
			return err
		}, `SELECT `+subCols+` FROM subscribers WHERE tenant_id = $1 AND updated_ms >= $2 AND updated_ms < $3
			AND state <> 'pending' ORDER BY updated_ms, id LIMIT $4`, tenantID, ms(since), ms(until), store.PageLimit(limit))
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: subscribers changed: %w", err)
	}
	return out, nil
}
