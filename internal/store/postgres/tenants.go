package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/raasdev/raas/internal/remind"
)

const tenantCols = `id, name, display_name, avatar_url, tz, date_hour, created_ms`

func scanTenant(row pgx.Row) (remind.Tenant, error) {
	var t remind.Tenant
	var created int64
	err := row.Scan(&t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &created)
	t.CreatedAt = fromMS(created)
	return t, err
}

func (s *Store) tenantWhere(ctx context.Context, what, sql string, arg any) (remind.Tenant, error) {
	var t remind.Tenant
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		t, err = scanTenant(row)
		return err
	}, sql, arg)
	if err != nil {
		return remind.Tenant{}, notFound(err, what)
	}
	return t, nil
}

// CreateTenant inserts a tenant; a taken name is a conflict.
func (s *Store) CreateTenant(ctx context.Context, t remind.Tenant) error {
	_, err := s.exec(ctx, `INSERT INTO tenants (`+tenantCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.ID, t.Name, t.DisplayName, t.AvatarURL, t.TZ, t.DateHour, ms(t.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("postgres: tenant %q: %w", t.Name, &remind.Error{Code: remind.CodeConflict, Message: "tenant name taken"})
	}
	if err != nil {
		return fmt.Errorf("postgres: create tenant: %w", err)
	}
	return nil
}

// GetTenant returns a tenant by id.
func (s *Store) GetTenant(ctx context.Context, id string) (remind.Tenant, error) {
	return s.tenantWhere(ctx, "tenant", `SELECT `+tenantCols+` FROM tenants WHERE id = $1`, id)
}

// TenantByName returns a tenant by name.
func (s *Store) TenantByName(ctx context.Context, name string) (remind.Tenant, error) {
	return s.tenantWhere(ctx, "tenant", `SELECT `+tenantCols+` FROM tenants WHERE name = $1`, name)
}

// UpdateTenant replaces a tenant's settings.
func (s *Store) UpdateTenant(ctx context.Context, t remind.Tenant) error {
	tag, err := s.exec(ctx, `UPDATE tenants SET display_name = $1, avatar_url = $2, tz = $3, date_hour = $4 WHERE id = $5`,
		t.DisplayName, t.AvatarURL, t.TZ, t.DateHour, t.ID)
	if err != nil {
		return fmt.Errorf("postgres: update tenant: %w", err)
	}
	return mustAffect(tag, "tenant")
}
