package sqlite

import (
	"context"
	"fmt"
	"time"

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
	rows, err := s.r.QueryContext(ctx, `SELECT `+recipientCols+` FROM recipients WHERE `+summaryWhere+`
		AND (tenant_id > ? OR (tenant_id = ? AND uid > ?)) ORDER BY tenant_id, uid LIMIT ?`,
		afterTenant, afterTenant, afterUID, store.PageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: summary recipients: %w", err)
	}
	defer rows.Close()
	var out []remind.Recipient
	for rows.Next() {
		rc, err := scanRecipient(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: summary recipients: %w", err)
		}
		out = append(out, rc)
	}
	return out, rows.Err()
}

// InboxChanged returns the tenant's inbox items created or acted on in
// [since, until), oldest change first, at most limit.
func (s *Store) InboxChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.InboxItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+inboxCols+` FROM inbox WHERE tenant_id = ? AND updated_ms >= ? AND updated_ms < ?
		ORDER BY updated_ms, id LIMIT ?`, tenantID, ms(since), ms(until), store.PageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: inbox changed: %w", err)
	}
	defer rows.Close()
	var out []remind.InboxItem
	for rows.Next() {
		it, err := scanInbox(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: inbox changed: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// SubscribersChanged returns the tenant's subscribers whose state changed
// in [since, until) (confirmed or unsubscribed), oldest change first, at
// most limit.
func (s *Store) SubscribersChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.Subscriber, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+subCols+` FROM subscribers WHERE tenant_id = ? AND updated_ms >= ? AND updated_ms < ?
		AND state <> 'pending' ORDER BY updated_ms, id LIMIT ?`, tenantID, ms(since), ms(until), store.PageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: subscribers changed: %w", err)
	}
	defer rows.Close()
	var out []remind.Subscriber
	for rows.Next() {
		sb, err := scanSub(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: subscribers changed: %w", err)
		}
		out = append(out, sb)
	}
	return out, rows.Err()
}
