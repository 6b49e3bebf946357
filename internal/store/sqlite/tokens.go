package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

const tokenCols = `k.id, k.tenant_id, k.hash, k.created_ms, k.last_used_ms`

func scanToken(row interface{ Scan(...any) error }, extra ...any) (remind.APIToken, error) {
	var k remind.APIToken
	var created int64
	var used sql.NullInt64
	err := row.Scan(append([]any{&k.ID, &k.TenantID, &k.Hash, &created, &used}, extra...)...)
	k.CreatedAt = fromMS(created)
	if used.Valid {
		k.LastUsedAt = fromMS(used.Int64)
	}
	return k, err
}

// CreateToken records an API token by its id and hash.
func (s *Store) CreateToken(ctx context.Context, k remind.APIToken) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO tokens (id, hash, tenant_id, created_ms) VALUES (?, ?, ?, ?)`,
		k.ID, k.Hash, k.TenantID, ms(k.CreatedAt)); err != nil {
		return fmt.Errorf("sqlite: create token: %w", err)
	}
	return nil
}

// TokenByHash returns the token with a hash and its tenant.
func (s *Store) TokenByHash(ctx context.Context, hash string) (remind.APIToken, remind.Tenant, error) {
	var t remind.Tenant
	var created int64
	k, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenCols+`, t.id, t.name, t.display_name, t.avatar_url, t.tz, t.date_hour, t.created_ms
		FROM tokens k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = ?`, hash),
		&t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &created)
	if err != nil {
		return remind.APIToken{}, remind.Tenant{}, notFound(err, "token")
	}
	t.CreatedAt = fromMS(created)
	return k, t, nil
}

// ListTokens returns a tenant's tokens in id order.
func (s *Store) ListTokens(ctx context.Context, tenantID string) ([]remind.APIToken, error) {
	return s.listTokens(ctx, `SELECT `+tokenCols+` FROM tokens k WHERE k.tenant_id = ? ORDER BY k.id`, tenantID)
}

// ListAllTokens returns every tenant's tokens in id order.
func (s *Store) ListAllTokens(ctx context.Context) ([]remind.APIToken, error) {
	return s.listTokens(ctx, `SELECT `+tokenCols+` FROM tokens k ORDER BY k.id`)
}

func (s *Store) listTokens(ctx context.Context, q string, args ...any) ([]remind.APIToken, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list tokens: %w", err)
	}
	defer rows.Close()
	out := []remind.APIToken{}
	for rows.Next() {
		k, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list tokens: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeToken deletes a tenant's token and the dashboard sessions opened with it.
func (s *Store) RevokeToken(ctx context.Context, tenantID, id string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE tenant_id = ? AND id = ?`, tenantID, id)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "token"); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE token_id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
	}
	return nil
}

// TouchToken records a token's use unless one at or after notBefore is recorded.
func (s *Store) TouchToken(ctx context.Context, id string, at, notBefore time.Time) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE tokens SET last_used_ms = ? WHERE id = ? AND (last_used_ms IS NULL OR last_used_ms < ?)`,
		ms(at), id, ms(notBefore)); err != nil {
		return fmt.Errorf("sqlite: touch token: %w", err)
	}
	return nil
}

// CreateSession records a dashboard session and drops its token's expired ones.
func (s *Store) CreateSession(ctx context.Context, ss remind.Session) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE token_id = ? AND expires_ms <= ?`, ss.TokenID, ms(ss.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO dashboard_sessions (hash, token_id, tenant_id, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)`,
			ss.Hash, ss.TokenID, ss.TenantID, ms(ss.CreatedAt), ms(ss.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	return nil
}

// SessionByHash returns a live session whose token still exists, and its tenant.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (remind.Session, remind.Tenant, error) {
	var ss remind.Session
	var t remind.Tenant
	var sc, se, tc int64
	err := s.r.QueryRowContext(ctx, `SELECT s.hash, s.token_id, s.tenant_id, s.created_ms, s.expires_ms,
		t.id, t.name, t.display_name, t.avatar_url, t.tz, t.date_hour, t.created_ms
		FROM dashboard_sessions s JOIN tokens k ON k.id = s.token_id AND k.tenant_id = s.tenant_id
		JOIN tenants t ON t.id = s.tenant_id WHERE s.hash = ? AND s.expires_ms > ?`, hash, ms(now)).
		Scan(&ss.Hash, &ss.TokenID, &ss.TenantID, &sc, &se, &t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &tc)
	if err != nil {
		return remind.Session{}, remind.Tenant{}, notFound(err, "session")
	}
	ss.CreatedAt, ss.ExpiresAt, t.CreatedAt = fromMS(sc), fromMS(se), fromMS(tc)
	return ss, t, nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
	}
	return nil
}
