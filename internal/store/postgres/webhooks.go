package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/raasdev/raas/internal/remind"
)

const webhookCols = `id, tenant_id, url, secret, disabled, created_ms`

func scanWebhook(row pgx.Row) (remind.Webhook, error) {
	var w remind.Webhook
	var created int64
	err := row.Scan(&w.ID, &w.TenantID, &w.URL, &w.Secret, &w.Disabled, &created)
	w.CreatedAt = fromMS(created)
	return w, err
}

// CreateWebhook inserts a tenant webhook.
func (s *Store) CreateWebhook(ctx context.Context, w remind.Webhook) error {
	if _, err := s.exec(ctx, `INSERT INTO webhooks (`+webhookCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		w.ID, w.TenantID, w.URL, w.Secret, w.Disabled, ms(w.CreatedAt)); err != nil {
		return fmt.Errorf("postgres: create webhook: %w", err)
	}
	return nil
}

// ListWebhooks returns a tenant's webhooks.
func (s *Store) ListWebhooks(ctx context.Context, tenantID string) ([]remind.Webhook, error) {
	var out []remind.Webhook
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		w, err := scanWebhook(rows)
		out = append(out, w)
		return err
	}, `SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = $1 ORDER BY id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("postgres: list webhooks: %w", err)
	}
	return out, nil
}

// GetWebhook returns one webhook.
func (s *Store) GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error) {
	var w remind.Webhook
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		w, err = scanWebhook(row)
		return err
	}, `SELECT `+webhookCols+` FROM webhooks WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return remind.Webhook{}, notFound(err, "webhook")
	}
	return w, nil
}

// DeleteWebhook removes a webhook.
func (s *Store) DeleteWebhook(ctx context.Context, tenantID, id string) error {
	tag, err := s.exec(ctx, `DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return fmt.Errorf("postgres: delete webhook: %w", err)
	}
	return mustAffect(tag, "webhook")
}

// DisableWebhook stops deliveries to a webhook.
func (s *Store) DisableWebhook(ctx context.Context, tenantID, id string) error {
	tag, err := s.exec(ctx, `UPDATE webhooks SET disabled = TRUE WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return fmt.Errorf("postgres: disable webhook: %w", err)
	}
	return mustAffect(tag, "webhook")
}
