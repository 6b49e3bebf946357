package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
)

const webhookCols = `id, tenant_id, url, secret, disabled, created_ms`

func scanWebhook(row interface{ Scan(...any) error }) (remind.Webhook, error) {
	var w remind.Webhook
	var disabled int
	var created int64
	err := row.Scan(&w.ID, &w.TenantID, &w.URL, &w.Secret, &disabled, &created)
	w.Disabled, w.CreatedAt = disabled != 0, fromMS(created)
	return w, err
}

// CreateWebhook inserts a tenant webhook.
func (s *Store) CreateWebhook(ctx context.Context, w remind.Webhook) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO webhooks (`+webhookCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		w.ID, w.TenantID, w.URL, w.Secret, boolInt(w.Disabled), ms(w.CreatedAt)); err != nil {
		return fmt.Errorf("sqlite: create webhook: %w", err)
	}
	return nil
}

// ListWebhooks returns a tenant's webhooks.
func (s *Store) ListWebhooks(ctx context.Context, tenantID string) ([]remind.Webhook, error) {
	return listWebhooks(ctx, s.r, tenantID)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func listWebhooks(ctx context.Context, q querier, tenantID string) ([]remind.Webhook, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = ? ORDER BY id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list webhooks: %w", err)
	}
	defer rows.Close()
	var out []remind.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list webhooks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// GetWebhook returns one webhook.
func (s *Store) GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error) {
	w, err := scanWebhook(s.r.QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return w, notFound(err, "webhook")
	}
	return w, nil
}

// DeleteWebhook removes a webhook.
func (s *Store) DeleteWebhook(ctx context.Context, tenantID, id string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM webhooks WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete webhook: %w", err)
	}
	return mustAffect(res, "webhook")
}

// DisableWebhook stops deliveries to a webhook.
func (s *Store) DisableWebhook(ctx context.Context, tenantID, id string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE webhooks SET disabled = 1 WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return fmt.Errorf("sqlite: disable webhook: %w", err)
	}
	return mustAffect(res, "webhook")
}
