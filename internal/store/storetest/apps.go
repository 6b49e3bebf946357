package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// AppStore is store.Store, which declares the apps, access tokens, numeric
// ids and SMS quotas of the team-remind API (the name stays for the suites
// written against it).
type AppStore = store.Store

// RunApps runs the conformance tests of AppStore against stores made by open.
func RunApps(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s AppStore)
	}{
		{"Apps", testApps},
		{"AccessTokens", testAccessTokens},
		{"TeamRemindNumbers", testTeamRemindNumbers},
		{"SMSQuota", testSMSQuota},
		{"SMSQuotaConcurrent", testSMSQuotaConcurrent},
		{"AppSMSFallback", testAppSMSFallback},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			tc.fn(t, s)
		})
	}
}

func testApps(t *testing.T, s AppStore) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	if err := s.CreateApp(ctx, "app1", "hash1", tn.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateApp(ctx, "app1", "hash2", tn.ID, t0); !errors.Is(err, remind.ErrConflict) {
		t.Fatalf("duplicate app id: %v, want conflict", err)
	}
	h, tid, err := s.AppByID(ctx, "app1")
	if err != nil || h != "hash1" || tid != tn.ID {
		t.Fatalf("AppByID = %q %q %v", h, tid, err)
	}
	if _, _, err := s.AppByID(ctx, "nope"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unknown app: %v, want not found", err)
	}
}

func testAccessTokens(t *testing.T, s AppStore) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	if err := s.CreateApp(ctx, "app1", "h", tn.ID, t0); err != nil {
		t.Fatal(err)
	}
	exp := t0.Add(2 * time.Hour)
	if err := s.CreateAccessToken(ctx, "tok1", "app1", tn.ID, exp, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccessToken(ctx, "tok0", "app1", tn.ID, t0.Add(-time.Hour), t0.Add(-3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, gotExp, err := s.AccessToken(ctx, "tok1")
	if err != nil || got.ID != tn.ID || got.Name != "a" || !gotExp.Equal(exp) {
		t.Fatalf("AccessToken = %+v %v %v", got, gotExp, err)
	}
	if _, gotExp, err := s.AccessToken(ctx, "tok0"); err != nil || !gotExp.Before(t0) {
		t.Fatalf("expired token: %v %v (the store reports it; the caller judges)", gotExp, err)
	}
	if _, _, err := s.AccessToken(ctx, "nope"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unknown token: %v, want not found", err)
	}
	n, err := s.PurgeAccessTokens(ctx, t0)
	if err != nil || n != 1 {
		t.Fatalf("PurgeAccessTokens = %d %v, want 1", n, err)
	}
	if _, _, err := s.AccessToken(ctx, "tok0"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("purged token: %v, want not found", err)
	}
	if _, _, err := s.AccessToken(ctx, "tok1"); err != nil {
		t.Fatalf("live token purged: %v", err)
	}
}

func testTeamRemindNumbers(t *testing.T, s AppStore) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	r1, r2 := remind.NewID(t0), remind.NewID(t0)
	n1, err := s.TeamRemindNumber(ctx, a.ID, r1)
	if err != nil || n1 <= 0 {
		t.Fatalf("TeamRemindNumber = %d %v", n1, err)
	}
	again, err := s.TeamRemindNumber(ctx, a.ID, r1)
	if err != nil || again != n1 {
		t.Fatalf("second TeamRemindNumber = %d %v, want %d", again, err, n1)
	}
	n2, err := s.TeamRemindNumber(ctx, a.ID, r2)
	if err != nil || n2 == n1 {
		t.Fatalf("other reminder got %d %v (first %d)", n2, err, n1)
	}
	id, err := s.TeamRemindByNumber(ctx, a.ID, n2)
	if err != nil || id != r2 {
		t.Fatalf("TeamRemindByNumber = %q %v, want %q", id, err, r2)
	}
	if _, err := s.TeamRemindByNumber(ctx, b.ID, n2); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("another tenant's number: %v, want not found", err)
	}
	if _, err := s.TeamRemindByNumber(ctx, a.ID, n2+1000); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unknown number: %v, want not found", err)
	}
}

func testSMSQuota(t *testing.T, s AppStore) {
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		ok, err := s.TakeSMSQuota(ctx, "+8613800000000", "d", t0.Add(time.Duration(i)*time.Minute), time.Hour, 3)
		if err != nil || !ok {
			t.Fatalf("send %d: %v %v", i, ok, err)
		}
	}
	if ok, err := s.TakeSMSQuota(ctx, "+8613800000000", "d", t0.Add(10*time.Minute), time.Hour, 3); err != nil || ok {
		t.Fatalf("fourth send within the hour allowed: %v %v", ok, err)
	}
	if ok, err := s.TakeSMSQuota(ctx, "+8613900000000", "d", t0.Add(10*time.Minute), time.Hour, 3); err != nil || !ok {
		t.Fatalf("another number limited: %v %v", ok, err)
	}
	// An hour after the first send, one place is free again.
	if ok, err := s.TakeSMSQuota(ctx, "+8613800000000", "d", t0.Add(time.Hour), time.Hour, 3); err != nil || !ok {
		t.Fatalf("send after the window: %v %v", ok, err)
	}
	if ok, err := s.TakeSMSQuota(ctx, "+8613800000000", "d", t0.Add(time.Hour+time.Second), time.Hour, 3); err != nil || ok {
		t.Fatalf("window full again, send allowed: %v %v", ok, err)
	}
}

// testSMSQuotaConcurrent has many callers (as several instances would) race
// for the same number: exactly limit of them win.
func testSMSQuotaConcurrent(t *testing.T, s AppStore) {
	ctx := context.Background()
	const callers, limit = 20, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.TakeSMSQuota(ctx, "+8613700000000", "d", t0, time.Hour, limit)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != limit {
		t.Fatalf("%d sends allowed, want %d", won, limit)
	}
}

// testAppSMSFallback: an app's SMS fallback is 0 until set, is read through
// any access token the app issued, and setting it on an unknown app is not
// found.
func testAppSMSFallback(t *testing.T, s AppStore) {
	ctx := context.Background()
	tn := tenant(t, s, "a")
	for _, app := range []string{"app1", "app2"} {
		if err := s.CreateApp(ctx, app, "h", tn.ID, t0); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAccessToken(ctx, "tok-"+app, app, tn.ID, t0.Add(time.Hour), t0); err != nil {
			t.Fatal(err)
		}
	}
	if d, err := s.AppSMSFallback(ctx, "tok-app1"); err != nil || d != 0 {
		t.Fatalf("fallback before set = %v %v", d, err)
	}
	if err := s.SetAppSMSFallback(ctx, "app1", 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	if d, err := s.AppSMSFallback(ctx, "tok-app1"); err != nil || d != 15*time.Minute {
		t.Fatalf("fallback = %v %v", d, err)
	}
	if d, _ := s.AppSMSFallback(ctx, "tok-app2"); d != 0 {
		t.Fatalf("another app's fallback = %v", d)
	}
	if err := s.SetAppSMSFallback(ctx, "nope", time.Minute); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unknown app: %v", err)
	}
	if _, err := s.AppSMSFallback(ctx, "tok-nope"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}
