package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// TokenPrefix starts every API token's secret, so one can be told from a token id.
const TokenPrefix = "raas_"

// touchEvery is how often at most a token's last-used time is written.
const touchEvery = time.Minute

// HashToken returns the stored form of an API token or session id.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateToken makes a new API token for the tenant named name, creating the
// tenant when it does not exist. The token is returned once; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, name string) (string, remind.Tenant, error) {
	if name == "" {
		name = "default"
	}
	if err := remind.CheckText("tenant", name, 100); err != nil {
		return "", remind.Tenant{}, err
	}
	t, err := s.EnsureTenant(ctx, name)
	if err != nil {
		return "", t, err
	}
	secret, _, err := s.IssueToken(ctx, t)
	return secret, t, err
}

// IssueToken makes a new API token for t and returns its secret (shown
// this once; only its hash is kept) and its record.
func (s *Service) IssueToken(ctx context.Context, t remind.Tenant) (string, remind.APIToken, error) {
	secret := TokenPrefix + remind.NewToken(24)
	k := remind.APIToken{ID: remind.NewID(s.now()), TenantID: t.ID, Hash: HashToken(secret), CreatedAt: s.now()}
	if err := s.store.CreateToken(ctx, k); err != nil {
		return "", k, fmt.Errorf("service: create token: %w", err)
	}
	return secret, k, nil
}

// ListTokens returns t's API tokens (ids and times; never secrets).
func (s *Service) ListTokens(ctx context.Context, t remind.Tenant) ([]remind.APIToken, error) {
	ks, err := s.store.ListTokens(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("service: list tokens: %w", err)
	}
	return ks, nil
}

// AllTokens returns every tenant's API tokens, for the operator.
func (s *Service) AllTokens(ctx context.Context) ([]remind.APIToken, error) {
	ks, err := s.store.ListAllTokens(ctx)
	if err != nil {
		return nil, fmt.Errorf("service: list tokens: %w", err)
	}
	return ks, nil
}

// RevokeToken deletes t's token id: it stops authenticating at once, and
// the dashboard sessions opened with it end.
func (s *Service) RevokeToken(ctx context.Context, t remind.Tenant, id string) error {
	if !remind.IsID(id) {
		return remind.NotFound("token")
	}
	if err := s.store.RevokeToken(ctx, t.ID, id); err != nil {
		if errors.Is(err, remind.ErrNotFound) {
			return remind.NotFound("token")
		}
		return fmt.Errorf("service: revoke token: %w", err)
	}
	s.touched.Delete(id)
	return nil
}

// RevokeAnyToken revokes, for the operator, the token given by its secret
// or its id, whichever tenant owns it, and returns what it revoked.
func (s *Service) RevokeAnyToken(ctx context.Context, tokenOrID string) (remind.APIToken, error) {
	var k remind.APIToken
	if strings.HasPrefix(tokenOrID, TokenPrefix) {
		found, _, err := s.store.TokenByHash(ctx, HashToken(tokenOrID))
		if err != nil {
			if errors.Is(err, remind.ErrNotFound) {
				return k, remind.NotFound("token")
			}
			return k, fmt.Errorf("service: find token: %w", err)
		}
		k = found
	} else {
		all, err := s.AllTokens(ctx)
		if err != nil {
			return k, err
		}
		for _, c := range all {
			if c.ID == tokenOrID {
				k = c
			}
		}
		if k.ID == "" {
			return k, remind.NotFound("token")
		}
	}
	return k, s.RevokeToken(ctx, remind.Tenant{ID: k.TenantID}, k.ID)
}

// Authenticate returns the tenant owning an API token, recording the
// token's use at most once a minute: this process remembers when it last
// wrote each token's time, and the store's write is conditional, so
// several instances do not rewrite it either.
func (s *Service) Authenticate(ctx context.Context, token string) (remind.Tenant, error) {
	k, t, err := s.authenticate(ctx, token)
	if err != nil {
		return t, err
	}
	s.touch(ctx, k.ID)
	return t, nil
}

func (s *Service) authenticate(ctx context.Context, token string) (remind.APIToken, remind.Tenant, error) {
	if token == "" {
		return remind.APIToken{}, remind.Tenant{}, &remind.Error{Code: remind.CodeUnauthorized, Message: "missing API token"}
	}
	k, t, err := s.store.TokenByHash(ctx, HashToken(token))
	if errors.Is(err, remind.ErrNotFound) {
		return k, t, &remind.Error{Code: remind.CodeUnauthorized, Message: "unknown API token"}
	}
	return k, t, err
}

func (s *Service) touch(ctx context.Context, id string) {
	now := s.now()
	if last, ok := s.touched.Load(id); ok && now.Sub(last.(time.Time)) < touchEvery {
		return
	}
	// A failed write is retried on the token's next use: the time is a
	// hint for the operator, not worth failing a request over.
	// Another instance's write less than touchEvery ago (times are kept in
	// milliseconds) makes this one a no-op.
	if err := s.store.TouchToken(ctx, id, now, now.Add(-touchEvery+time.Millisecond)); err == nil {
		s.touched.Store(id, now)
	}
}

// ---- dashboard sessions

// SignIn opens a dashboard session with an API token and returns the
// session's id (for the cookie; only its hash is kept) and the tenant.
func (s *Service) SignIn(ctx context.Context, token string) (string, remind.Tenant, error) {
	k, t, err := s.authenticate(ctx, token)
	if err != nil {
		return "", t, err
	}
	s.touch(ctx, k.ID)
	id := remind.NewToken(32)
	now := s.now()
	if err := s.store.CreateSession(ctx, remind.Session{Hash: HashToken(id), TokenID: k.ID, TenantID: t.ID, CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}); err != nil {
		return "", t, fmt.Errorf("service: sign in: %w", err)
	}
	return id, t, nil
}

// Session returns the tenant of a live dashboard session: one not expired,
// not signed out, whose token is not revoked.
func (s *Service) Session(ctx context.Context, sessionID string) (remind.Tenant, error) {
	if sessionID == "" {
		return remind.Tenant{}, &remind.Error{Code: remind.CodeUnauthorized, Message: "not signed in"}
	}
	ss, t, err := s.store.SessionByHash(ctx, HashToken(sessionID), s.now())
	if errors.Is(err, remind.ErrNotFound) {
		return t, &remind.Error{Code: remind.CodeUnauthorized, Message: "not signed in"}
	}
	if err != nil {
		return t, fmt.Errorf("service: session: %w", err)
	}
	s.touch(ctx, ss.TokenID)
	return t, nil
}

// SignOut ends a dashboard session.
func (s *Service) SignOut(ctx context.Context, sessionID string) error {
	if err := s.store.DeleteSession(ctx, HashToken(sessionID)); err != nil {
		return fmt.Errorf("service: sign out: %w", err)
	}
	return nil
}
