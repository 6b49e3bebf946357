package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

// TestAppsAndAccessTokens: an app's secret buys an access token that
// authenticates as the app's tenant until it expires; expired tokens are
// told apart from unknown ones until they are purged.
func TestAppsAndAccessTokens(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	svc := service.New(st, noWake{}, func() time.Time { return now }, service.Config{})
	apps := service.NewApps(svc, st, service.AppsConfig{TokenTTL: time.Hour, KeepExpired: 24 * time.Hour})
	appID, secret, err := apps.CreateApp(ctx, "team")
	if err != nil {
		t.Fatal(err)
	}
	team, err := svc.EnsureTenant(ctx, "team")
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ appID, secret string }{
		{appID, "wrong"}, {appID, ""}, {"app_nosuch", secret}, {"", secret},
	} {
		if _, err := apps.IssueAccessToken(ctx, tc.appID, tc.secret); !errors.Is(err, service.ErrBadApp) {
			t.Errorf("IssueAccessToken(%q, %q) = %v, want ErrBadApp", tc.appID, tc.secret, err)
		}
	}
	tok, err := apps.IssueAccessToken(ctx, appID, secret)
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name    string
		advance time.Duration
		token   string
		want    error // nil: authenticates as team
	}{
		{"no token", 0, "", service.ErrNoAccessToken},
		{"unknown token", 0, remind.NewToken(16), service.ErrBadAccessToken},
		{"fresh token", 0, tok, nil},
		{"just before it expires", time.Hour - time.Millisecond, tok, nil},
		{"when it expires", time.Millisecond, tok, service.ErrAccessTokenExpired},
		{"a day later, still known as expired", 23 * time.Hour, tok, service.ErrAccessTokenExpired},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		tn, err := apps.Authenticate(ctx, s.token)
		switch {
		case s.want == nil && (err != nil || tn.ID != team.ID):
			t.Fatalf("%s: Authenticate = %v, %v; want tenant %s", s.name, tn.ID, err, team.ID)
		case s.want != nil && !errors.Is(err, s.want):
			t.Fatalf("%s: Authenticate = %v, want %v", s.name, err, s.want)
		}
	}
	// Past KeepExpired, the next issue purges the old token: it is now unknown.
	now = now.Add(2 * time.Hour)
	if _, err := apps.IssueAccessToken(ctx, appID, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := apps.Authenticate(ctx, tok); !errors.Is(err, service.ErrBadAccessToken) {
		t.Fatalf("a purged token: Authenticate = %v, want ErrBadAccessToken", err)
	}
}
