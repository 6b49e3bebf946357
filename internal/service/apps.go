package service

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// AppStore is what the app use cases need of the store: apps (an id and
// the hash of its secret, for one tenant) and their expiring access tokens.
type AppStore interface {
	CreateApp(ctx context.Context, appID, secretHash, tenantID string, at time.Time) error
	AppByID(ctx context.Context, appID string) (secretHash, tenantID string, err error)
	CreateAccessToken(ctx context.Context, tokenHash, appID, tenantID string, expiresAt, at time.Time) error
	AccessToken(ctx context.Context, tokenHash string) (remind.Tenant, time.Time, error)
	PurgeAccessTokens(ctx context.Context, before time.Time) (int64, error)
	SetAppSMSFallback(ctx context.Context, appID string, fallback time.Duration) error
	AppSMSFallback(ctx context.Context, tokenHash string) (time.Duration, error)
}

// Errors of the app use cases; the team-remind API answers each with its
// own in-band status.
var (
	ErrBadApp             = errors.New("service: unknown app or wrong secret")
	ErrNoAccessToken      = errors.New("service: no access token")
	ErrBadAccessToken     = errors.New("service: unknown access token")
	ErrAccessTokenExpired = errors.New("service: the access token has expired")
)

// AppsConfig tunes the access tokens.
type AppsConfig struct {
	TokenTTL time.Duration // lifetime of an access token (default 2h)
	// KeepExpired is how long an expired token is kept so that it is told
	// apart from an unknown one (default 24h).
	KeepExpired time.Duration
	Log         *slog.Logger // nil: discard
}

// Apps holds the use cases of apps, the credentials of the team-remind
// open API: making one, trading its secret for an expiring access token,
// and authenticating a request by that token. Only hashes of secrets and
// tokens are stored.
type Apps struct {
	svc *Service
	st  AppStore
	cfg AppsConfig
}

// NewApps returns the app use cases over svc's tenants and st's apps.
func NewApps(svc *Service, st AppStore, cfg AppsConfig) *Apps {
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 2 * time.Hour
	}
	if cfg.KeepExpired <= 0 {
		cfg.KeepExpired = 24 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Apps{svc: svc, st: st, cfg: cfg}
}

// TokenTTL is the lifetime of the access tokens IssueAccessToken makes.
func (a *Apps) TokenTTL() time.Duration { return a.cfg.TokenTTL }

// CreateApp makes an app for the tenant named tenantName ("default" when
// empty; created when new) and returns its id and secret; only the
// secret's hash is kept, so this is the one time it is shown.
func (a *Apps) CreateApp(ctx context.Context, tenantName string) (appID, secret string, err error) {
	if tenantName == "" {
		tenantName = "default"
	}
	t, err := a.svc.EnsureTenant(ctx, tenantName)
	if err != nil {
		return "", "", err
	}
	appID, secret = "app_"+remind.NewToken(8), remind.NewToken(16)
	if err := a.st.CreateApp(ctx, appID, HashToken(secret), t.ID, a.svc.Now()); err != nil {
		return "", "", fmt.Errorf("service: create app: %w", err)
	}
	return appID, secret, nil
}

// IssueAccessToken trades an app's id and secret for a new access token,
// valid for TokenTTL. An unknown app and a wrong secret are both ErrBadApp.
// Tokens expired longer than KeepExpired ago are purged on the way.
func (a *Apps) IssueAccessToken(ctx context.Context, appID, secret string) (string, error) {
	if appID == "" || secret == "" {
		return "", ErrBadApp
	}
	hash, tenantID, err := a.st.AppByID(ctx, appID)
	if errors.Is(err, remind.ErrNotFound) || err == nil && subtle.ConstantTimeCompare([]byte(hash), []byte(HashToken(secret))) != 1 {
		return "", ErrBadApp
	}
	if err != nil {
		return "", fmt.Errorf("service: access token: %w", err)
	}
	now := a.svc.Now()
	tok := remind.NewToken(16)
	if err := a.st.CreateAccessToken(ctx, HashToken(tok), appID, tenantID, now.Add(a.cfg.TokenTTL), now); err != nil {
		return "", fmt.Errorf("service: access token: %w", err)
	}
	if _, err := a.st.PurgeAccessTokens(ctx, now.Add(-a.cfg.KeepExpired)); err != nil {
		a.cfg.Log.WarnContext(ctx, "service: purge expired access tokens", "err", err)
	}
	return tok, nil
}

// Authenticate returns the tenant of an access token: ErrNoAccessToken for
// none, ErrBadAccessToken for one never issued (or long expired),
// ErrAccessTokenExpired for one past its time.
func (a *Apps) Authenticate(ctx context.Context, token string) (remind.Tenant, error) {
	if token == "" {
		return remind.Tenant{}, ErrNoAccessToken
	}
	t, exp, err := a.st.AccessToken(ctx, HashToken(token))
	if errors.Is(err, remind.ErrNotFound) {
		return t, ErrBadAccessToken
	}
	if err != nil {
		return t, fmt.Errorf("service: authenticate access token: %w", err)
	}
	if !a.svc.Now().Before(exp) {
		return t, ErrAccessTokenExpired
	}
	return t, nil
}

// Bounds of an app's SMS fallback (the ack.within of the reminders it makes).
const (
	MinSMSFallback = remind.MinAckWithin
	MaxSMSFallback = remind.MaxAckWithin
)

// SetSMSFallback sets how long after an in-app team reminder made through
// the app fires its members who have not confirmed get it by SMS (0:
// never). Reminders made or updated afterwards ask for it.
func (a *Apps) SetSMSFallback(ctx context.Context, appID string, fallback time.Duration) error {
	if fallback != 0 && (fallback < MinSMSFallback || fallback > MaxSMSFallback) {
		return remind.Invalid("sms-fallback", "must be 0 or between %s and %s", MinSMSFallback, MaxSMSFallback)
	}
	if err := a.st.SetAppSMSFallback(ctx, appID, fallback); err != nil {
		return fmt.Errorf("service: sms fallback: %w", err)
	}
	return nil
}

// SMSFallback returns the SMS fallback of the app whose access token this
// is (see SetSMSFallback).
func (a *Apps) SMSFallback(ctx context.Context, token string) (time.Duration, error) {
	d, err := a.st.AppSMSFallback(ctx, HashToken(token))
	if err != nil {
		return 0, fmt.Errorf("service: sms fallback: %w", err)
	}
	return d, nil
}

// SMSFallbackAck is the acknowledgement policy an in-app team reminder
// gets from an app's SMS fallback: an SMS to each member who has not
// confirmed after fallback; nil for none.
func SMSFallbackAck(fallback time.Duration) *remind.AckPolicy {
	if fallback <= 0 {
		return nil
	}
	return &remind.AckPolicy{Within: fallback, ThenChannels: []string{remind.ChannelSMS}}
}
