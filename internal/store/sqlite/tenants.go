package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/raasdev/raas/internal/remind"
)

const tenantCols = `id, name, display_name, avatar_url, tz, date_hour, created_ms`

func scanTenant(row interface{ Scan(...any) error }) (remind.Tenant, error) {
	var t remind.Tenant
	var created int64
	err := row.Scan(&t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &created)
	t.CreatedAt = fromMS(created)
	return t, err
}

// CreateTenant inserts a tenant; a taken name is a conflict.
func (s *Store) CreateTenant(ctx context.Context, t remind.Tenant) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO tenants (`+tenantCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Name, t.DisplayName, t.AvatarURL, t.TZ, t.DateHour, ms(t.CreatedAt))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("sqlite: tenant %q: %w", t.Name, &remind.Error{Code: remind.CodeConflict, Message: "tenant name taken"})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create tenant: %w", err)
	}
	return nil
}

// GetTenant returns a tenant by id.
func (s *Store) GetTenant(ctx context.Context, id string) (remind.Tenant, error) {
	t, err := scanTenant(s.r.QueryRowContext(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id))
	if err != nil {
		return t, notFound(err, "tenant")
	}
	return t, nil
}

// TenantByName returns a tenant by name.
func (s *Store) TenantByName(ctx context.Context, name string) (remind.Tenant, error) {
	t, err := scanTenant(s.r.QueryRowContext(ctx, `SELECT `+tenantCols+` FROM tenants WHERE name = ?`, name))
	if err != nil {
		return t, notFound(err, "tenant")
	}
	return t, nil
}

// UpdateTenant replaces a tenant's settings.
func (s *Store) UpdateTenant(ctx context.Context, t remind.Tenant) error {
	res, err := s.w.ExecContext(ctx, `UPDATE tenants SET display_name = ?, avatar_url = ?, tz = ?, date_hour = ? WHERE id = ?`,
		t.DisplayName, t.AvatarURL, t.TZ, t.DateHour, t.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update tenant: %w", err)
	}
	return mustAffect(res, "tenant")
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %w", remind.NotFound(what))
	}
	return nil
}
