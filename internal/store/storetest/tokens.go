package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

func token(t *testing.T, s store.Store, tn remind.Tenant, hash string) remind.APIToken {
	t.Helper()
	k := remind.APIToken{ID: remind.NewID(t0), TenantID: tn.ID, Hash: hash, CreatedAt: t0}
	if err := s.CreateToken(context.Background(), k); err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	return k
}

func tokenIDs(ks []remind.APIToken) map[string]remind.APIToken {
	m := map[string]remind.APIToken{}
	for _, k := range ks {
		m[k.ID] = k
	}
	return m
}

// testTokens: tokens are found by hash with their id, listed without
// change, touched at most once per interval, and gone once revoked.
func testTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "acme")
	k1, k2 := token(t, s, tn, "h1"), token(t, s, tn, "h2")
	got, gt, err := s.TokenByHash(ctx, "h2")
	if err != nil || got.ID != k2.ID || got.TenantID != tn.ID || gt.ID != tn.ID || !got.CreatedAt.Equal(t0) || !got.LastUsedAt.IsZero() {
		t.Fatalf("TokenByHash = %+v %+v, %v", got, gt, err)
	}
	list, err := s.ListTokens(ctx, tn.ID)
	if err != nil || len(list) != 2 || list[0].ID > list[1].ID {
		t.Fatalf("ListTokens = %+v, %v; want 2 in id order", list, err)
	}
	if m := tokenIDs(list); m[k1.ID].Hash != "h1" || m[k2.ID].Hash != "h2" {
		t.Fatalf("ListTokens = %+v", list)
	}

	// TouchToken writes only when the recorded use is older than notBefore.
	t1 := t0.Add(time.Minute)
	steps := []struct {
		at, notBefore, want time.Time
	}{
		{t1, t1.Add(-time.Minute), t1},                                          // never used: written
		{t1.Add(30 * time.Second), t1.Add(-30 * time.Second), t1},               // used within the interval: kept
		{t1.Add(2 * time.Minute), t1.Add(time.Minute), t1.Add(2 * time.Minute)}, // older: written
	}
	for i, st := range steps {
		if err := s.TouchToken(ctx, k1.ID, st.at, st.notBefore); err != nil {
			t.Fatal(err)
		}
		got, _, _ := s.TokenByHash(ctx, "h1")
		if !got.LastUsedAt.Equal(st.want) {
			t.Fatalf("step %d: last used %v, want %v", i, got.LastUsedAt, st.want)
		}
	}
	if err := s.TouchToken(ctx, "missing", t1, t1); err != nil {
		t.Fatalf("TouchToken of a missing token: %v", err)
	}

	if err := s.RevokeToken(ctx, tn.ID, k1.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.TokenByHash(ctx, "h1")
	wantNotFound(t, err, "revoked token")
	wantNotFound(t, s.RevokeToken(ctx, tn.ID, k1.ID), "revoking twice")
	if list, _ := s.ListTokens(ctx, tn.ID); len(list) != 1 || list[0].ID != k2.ID {
		t.Fatalf("after revoke: %+v", list)
	}
}

// testTokenIsolation: a tenant can neither list nor revoke another's tokens.
func testTokenIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	ka, kb := token(t, s, a, "ha"), token(t, s, b, "hb")
	for _, tc := range []struct {
		tn   remind.Tenant
		want string
	}{{a, ka.ID}, {b, kb.ID}} {
		list, err := s.ListTokens(ctx, tc.tn.ID)
		if err != nil || len(list) != 1 || list[0].ID != tc.want {
			t.Fatalf("ListTokens(%s) = %+v, %v", tc.tn.Name, list, err)
		}
	}
	wantNotFound(t, s.RevokeToken(ctx, a.ID, kb.ID), "revoking another tenant's token")
	if _, _, err := s.TokenByHash(ctx, "hb"); err != nil {
		t.Fatalf("b's token after a tried to revoke it: %v", err)
	}
	all, err := s.ListAllTokens(ctx)
	if m := tokenIDs(all); err != nil || len(all) != 2 || m[ka.ID].TenantID != a.ID || m[kb.ID].TenantID != b.ID {
		t.Fatalf("ListAllTokens = %+v, %v", all, err)
	}
}

// testSessions: a session is found until it expires, is deleted, or its
// token is revoked.
func testSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	tn := tenant(t, s, "acme")
	k1, k2 := token(t, s, tn, "h1"), token(t, s, tn, "h2")
	open := func(hash string, k remind.APIToken, at time.Time) {
		t.Helper()
		if err := s.CreateSession(ctx, remind.Session{Hash: hash, TokenID: k.ID, TenantID: tn.ID, CreatedAt: at, ExpiresAt: at.Add(time.Hour)}); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	open("s1", k1, t0)
	open("s2", k1, t0)
	open("s3", k2, t0)
	ss, st, err := s.SessionByHash(ctx, "s1", t0.Add(time.Minute))
	if err != nil || ss.TokenID != k1.ID || st.ID != tn.ID || !ss.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("SessionByHash = %+v %+v, %v", ss, st, err)
	}
	_, _, err = s.SessionByHash(ctx, "s1", t0.Add(time.Hour))
	wantNotFound(t, err, "expired session")
	_, _, err = s.SessionByHash(ctx, "nope", t0)
	wantNotFound(t, err, "unknown session")

	if err := s.DeleteSession(ctx, "s2"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SessionByHash(ctx, "s2", t0)
	wantNotFound(t, err, "deleted session")
	if err := s.DeleteSession(ctx, "s2"); err != nil {
		t.Fatalf("deleting a deleted session: %v", err)
	}

	if err := s.RevokeToken(ctx, tn.ID, k1.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.SessionByHash(ctx, "s1", t0)
	wantNotFound(t, err, "session of a revoked token")
	if _, _, err := s.SessionByHash(ctx, "s3", t0); err != nil {
		t.Fatalf("another token's session after a revoke: %v", err)
	}
	// A new session of k2 clears k2's expired ones; it never touches live ones.
	open("s4", k2, t0.Add(2*time.Hour))
	if _, _, err := s.SessionByHash(ctx, "s4", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
}
