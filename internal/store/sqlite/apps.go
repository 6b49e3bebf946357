package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// This file holds what the team-remind open API keeps beyond the Store
// interface: apps, access tokens, numeric reminder ids and SMS send counts.
// The consumers declare the interfaces (api/teamremind, channel/sms);
// storetest.RunApps is their conformance suite.

// CreateApp records an app by its id and the hash of its secret; a taken
// app id is a conflict.
func (s *Store) CreateApp(ctx context.Context, appID, secretHash, tenantID string, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO apps (app_id, secret_hash, tenant_id, created_ms) VALUES (?, ?, ?, ?)`,
		appID, secretHash, tenantID, ms(at))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("sqlite: app %q: %w", appID, &remind.Error{Code: remind.CodeConflict, Message: "app id taken"})
	}
	if err != nil {
		return fmt.Errorf("sqlite: create app: %w", err)
	}
	return nil
}

// AppByID returns an app's secret hash and tenant; an unknown app is
// remind.ErrNotFound.
func (s *Store) AppByID(ctx context.Context, appID string) (secretHash, tenantID string, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT secret_hash, tenant_id FROM apps WHERE app_id = ?`, appID).Scan(&secretHash, &tenantID)
	if err != nil {
		return "", "", notFound(err, "app")
	}
	return secretHash, tenantID, nil
}

// CreateAccessToken records an access token by its hash, valid until expiresAt.
func (s *Store) CreateAccessToken(ctx context.Context, tokenHash, appID, tenantID string, expiresAt, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO access_tokens (hash, app_id, tenant_id, expires_ms, created_ms) VALUES (?, ?, ?, ?, ?)`,
		tokenHash, appID, tenantID, ms(expiresAt), ms(at))
	if err != nil {
		return fmt.Errorf("sqlite: create access token: %w", err)
	}
	return nil
}

// AccessToken returns the tenant of the access token with this hash and
// when it expires, expired or not (the caller judges); an unknown token is
// remind.ErrNotFound.
func (s *Store) AccessToken(ctx context.Context, tokenHash string) (remind.Tenant, time.Time, error) {
	var exp int64
	var t remind.Tenant
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT t.id, t.name, t.display_name, t.avatar_url, t.tz, t.date_hour, t.created_ms, k.expires_ms
		FROM access_tokens k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = ?`, tokenHash).
		Scan(&t.ID, &t.Name, &t.DisplayName, &t.AvatarURL, &t.TZ, &t.DateHour, &created, &exp)
	if err != nil {
		return remind.Tenant{}, time.Time{}, notFound(err, "access token")
	}
	t.CreatedAt = fromMS(created)
	return t, fromMS(exp), nil
}

// PurgeAccessTokens deletes the tokens that expired before before and
// returns how many.
func (s *Store) PurgeAccessTokens(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM access_tokens WHERE expires_ms < ?`, ms(before))
	if err != nil {
		return 0, fmt.Errorf("sqlite: purge access tokens: %w", err)
	}
	return res.RowsAffected()
}

// TeamRemindNumber returns the numeric id of a reminder, giving it the next
// free number on first use.
func (s *Store) TeamRemindNumber(ctx context.Context, tenantID, reminderID string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO teamremind_ids (tenant_id, reminder_id) VALUES (?, ?) ON CONFLICT (reminder_id) DO NOTHING`,
			tenantID, reminderID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT num FROM teamremind_ids WHERE tenant_id = ? AND reminder_id = ?`, tenantID, reminderID).Scan(&n)
	})
	if err != nil {
		return 0, notFound(err, "team reminder")
	}
	return n, nil
}

// TeamRemindByNumber returns the reminder id of a tenant's numeric id; an
// unknown number is remind.ErrNotFound.
func (s *Store) TeamRemindByNumber(ctx context.Context, tenantID string, num int64) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, `SELECT reminder_id FROM teamremind_ids WHERE tenant_id = ? AND num = ?`, tenantID, num).Scan(&id)
	if err != nil {
		return "", notFound(err, "team reminder")
	}
	return id, nil
}

// TakeSMSQuota records one SMS to phone at at and returns true, unless limit
// sends to phone are recorded within the window before at: then it records
// nothing and returns false. SQLite has one writer, so the count and the
// insert cannot interleave with another caller's.
func (s *Store) TakeSMSQuota(ctx context.Context, phone, deliveryID string, at time.Time, window time.Duration, limit int) (bool, error) {
	ok := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		since := ms(at.Add(-window))
		if _, err := tx.ExecContext(ctx, `DELETE FROM sms_sends WHERE phone = ? AND at_ms <= ?`, phone, since); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_sends WHERE phone = ? AND at_ms > ?`, phone, since).Scan(&n); err != nil {
			return err
		}
		if n >= limit {
			return nil
		}
		ok = true
		_, err := tx.ExecContext(ctx, `INSERT INTO sms_sends (phone, at_ms, delivery_id) VALUES (?, ?, ?)`, phone, ms(at), deliveryID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: sms quota: %w", err)
	}
	return ok, nil
}

// SetAppSMSFallback sets an app's SMS fallback (0: none); an unknown app
// is remind.ErrNotFound.
func (s *Store) SetAppSMSFallback(ctx context.Context, appID string, fallback time.Duration) error {
	res, err := s.w.ExecContext(ctx, `UPDATE apps SET sms_fallback_ms = ? WHERE app_id = ?`, fallback.Milliseconds(), appID)
	if err != nil {
		return fmt.Errorf("sqlite: set app sms fallback: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: set app sms fallback: %w", remind.NotFound("app"))
	}
	return nil
}

// AppSMSFallback returns the SMS fallback of the app that issued the
// access token with this hash; an unknown token is remind.ErrNotFound.
func (s *Store) AppSMSFallback(ctx context.Context, tokenHash string) (time.Duration, error) {
	var v int64
	err := s.r.QueryRowContext(ctx, `SELECT a.sms_fallback_ms FROM access_tokens k JOIN apps a ON a.app_id = k.app_id WHERE k.hash = ?`, tokenHash).Scan(&v)
	if err != nil {
		return 0, notFound(err, "access token")
	}
	return time.Duration(v) * time.Millisecond, nil
}
