package service_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

// touchCounter counts the last-used writes that reach the store.
type touchCounter struct {
	*sqlite.Store
	n atomic.Int64
}

func (c *touchCounter) TouchToken(ctx context.Context, id string, at, notBefore time.Time) error {
	c.n.Add(1)
	return c.Store.TouchToken(ctx, id, at, notBefore)
}

// TestLastUsedWrittenAtMostOnceAMinute: authenticating many times a minute
// writes the token's last use once; a minute later, once more; sessions
// count as uses of their token.
func TestLastUsedWrittenAtMostOnceAMinute(t *testing.T) {
	ctx := context.Background()
	st := &touchCounter{Store: sqlitetest.Open(t)}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := service.New(st, noWake{}, func() time.Time { return now }, service.Config{})
	secret, tn, err := svc.CreateToken(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		t.Helper()
		ks, err := svc.ListTokens(ctx, tn)
		if err != nil || len(ks) != 1 {
			t.Fatalf("ListTokens = %v, %v", ks, err)
		}
		return ks[0].LastUsedAt
	}
	if !lastUsed().IsZero() {
		t.Fatal("a new token shows a use")
	}
	steps := []struct {
		advance    time.Duration
		uses       int
		wantWrites int64
		wantUsed   time.Duration // since the start
	}{
		{0, 100, 1, 0},
		{59 * time.Second, 50, 1, 0},
		{time.Second, 50, 2, time.Minute},
		{30 * time.Second, 10, 2, time.Minute},
	}
	start := now
	for i, s := range steps {
		now = now.Add(s.advance)
		for range s.uses {
			if _, err := svc.Authenticate(ctx, secret); err != nil {
				t.Fatal(err)
			}
		}
		if got := st.n.Load(); got != s.wantWrites {
			t.Fatalf("step %d: %d writes, want %d", i, got, s.wantWrites)
		}
		if got := lastUsed(); !got.Equal(start.Add(s.wantUsed)) {
			t.Fatalf("step %d: last used %v, want %v", i, got, start.Add(s.wantUsed))
		}
	}
	// A dashboard session is a use of its token too, under the same limit.
	session, _, err := svc.SignIn(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	for range 20 {
		if _, err := svc.Session(ctx, session); err != nil {
			t.Fatal(err)
		}
	}
	if got := st.n.Load(); got != 3 {
		t.Fatalf("after session use: %d writes, want 3", got)
	}
	if _, err := svc.Authenticate(ctx, "raas_nope"); remind.CodeOf(err) != remind.CodeUnauthorized {
		t.Fatalf("unknown token: %v", err)
	}
}
