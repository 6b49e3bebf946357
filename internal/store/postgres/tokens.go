package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/raasdev/raas/internal/remind"
)

const tokenCols = `k.id, k.tenant_id, k.hash, k.created_ms, k.last_used_ms`

func scanToken(row pgx.Row, extra ...any) (remind.APIToken, error) {
	var k remind.APIToken
	var created int64
	var used *int64
	err := row.Scan(append([]any{&k.ID, &k.TenantID, &k.Hash, &created, &used}, extra...)...)
	k.CreatedAt = fromMS(created)
	if used != nil {
		k.LastUsedAt = fromMS(*used)
	}
	return k, err
}

// CreateToken records an API token by its id and hash.
func (s *Store) CreateToken(ctx context.Context, k remind.APIToken) error {
	if _, err := s.exec(ctx, `INSERT INTO tokens (id, hash, tenant_id, created_ms) VALUES ($1, $2, $3, $4)`,
		k.ID, k.Hash, k.TenantID, ms(k.CreatedAt)); err != nil {
		return fmt.Errorf("postgres: create token: %w", err)
	}
	return nil
}

// TokenByHash returns the token with a hash and its tenant.
func (s *Store) TokenByHash(ctx context.Context, hash string) (remind.APIToken, remind.Tenant, error) {
	var k remind.APIToken
	var t remind.Tenant
	var created int64
	err := s.queryRow(ctx, func(row pgx.Row) error {
		var err error
		k, err = scanToken(row, &t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &created)
		return err
	}, `SELECT `+tokenCols+`, t.id, t.name, t.display_name, t.avatar_url, t.tz, t.date_hour, t.created_ms
		FROM tokens k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = $1`, hash)
	if err != nil {
		return remind.APIToken{}, remind.Tenant{}, notFound(err, "token")
	}
	t.CreatedAt = fromMS(created)
	return k, t, nil
}

// ListTokens returns a tenant's tokens in id order.
func (s *Store) ListTokens(ctx context.Context, tenantID string) ([]remind.APIToken, error) {
	return s.listTokens(ctx, `SELECT `+tokenCols+` FROM tokens k WHERE k.tenant_id = $1 ORDER BY k.id`, tenantID)
}

// ListAllTokens returns every tenant's tokens in id order.
func (s *Store) ListAllTokens(ctx context.Context) ([]remind.APIToken, error) {
	return s.listTokens(ctx, `SELECT `+tokenCols+` FROM tokens k ORDER BY k.id`)
}

func (s *Store) listTokens(ctx context.Context, q string, args ...any) ([]remind.APIToken, error) {
	out := []remind.APIToken{}
	err := s.queryRows(ctx, func(rows pgx.Rows) error {
		k, err := scanToken(rows)
		out = append(out, k)
		return err
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken deletes a tenant's token and the dashboard sessions opened with it.
func (s *Store) RevokeToken(ctx context.Context, tenantID, id string) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM tokens WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		if err != nil {
			return err
		}
		if err := mustAffect(tag, "token"); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM dashboard_sessions WHERE token_id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: revoke token: %w", err)
	}
	return nil
}

// TouchToken records a token's use unless one at or after notBefore is recorded.
func (s *Store) TouchToken(ctx context.Context, id string, at, notBefore time.Time) error {
	if _, err := s.exec(ctx, `UPDATE tokens SET last_used_ms = $1 WHERE id = $2 AND (last_used_ms IS NULL OR last_used_ms < $3)`,
		ms(at), id, ms(notBefore)); err != nil {
		return fmt.Errorf("postgres: touch token: %w", err)
	}
	return nil
}

// CreateSession records a dashboard session and drops its token's expired ones.
func (s *Store) CreateSession(ctx context.Context, ss remind.Session) error {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM dashboard_sessions WHERE token_id = $1 AND expires_ms <= $2`, ss.TokenID, ms(ss.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO dashboard_sessions (hash, token_id, tenant_id, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)`,
			ss.Hash, ss.TokenID, ss.TenantID, ms(ss.CreatedAt), ms(ss.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: create session: %w", err)
	}
	return nil
}

// SessionByHash returns a live session whose token still exists, and its tenant.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (remind.Session, remind.Tenant, error) {
	var ss remind.Session
	var t remind.Tenant
	var sc, se, tc int64
	err := s.queryRow(ctx, func(row pgx.Row) error {
		return row.Scan(&ss.Hash, &ss.TokenID, &ss.TenantID, &sc, &se, &t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &tc)
	}, `SELECT s.hash, s.token_id, s.tenant_id, s.created_ms, s.expires_ms,
		t.id, t.name, t.display_name, t.avatar_url, t.tz, t.date_hour, t.created_ms
		FROM dashboard_sessions s JOIN tokens k ON k.id = s.token_id AND k.tenant_id = s.tenant_id
		JOIN tenants t ON t.id = s.tenant_id WHERE s.hash = $1 AND s.expires_ms > $2`, hash, ms(now))
	if err != nil {
		return remind.Session{}, remind.Tenant{}, notFound(err, "session")
	}
	ss.CreatedAt, ss.ExpiresAt, t.CreatedAt = fromMS(sc), fromMS(se), fromMS(tc)
	return ss, t, nil
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.exec(ctx, `DELETE FROM dashboard_sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("postgres: delete session: %w", err)
	}
	return nil
}
