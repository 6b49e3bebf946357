package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/store/storetest"
)

// open is the suites' opener: a fresh, migrated SQLite file per test.
func open(t *testing.T) store.Store {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "raas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T)     { storetest.Run(t, open) }
func TestSubscriptions(t *testing.T)   { storetest.RunSubscriptions(t, open) }
func TestAppsConformance(t *testing.T) { storetest.RunApps(t, open) }

// TestChangesCountsWhatCanCancel: Changes moves after each update, cancel
// and delete of a reminder (they may cancel pending deliveries) and not
// after creates, which cannot.
func TestChangesCountsWhatCanCancel(t *testing.T) {
	ctx := context.Background()
	s := open(t).(*sqlite.Store)
	tn := remind.Tenant{ID: "t1", Name: "t1", TZ: "UTC", CreatedAt: time.Now()}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	mk := func() remind.Reminder {
		at := time.Now().Add(time.Hour).Truncate(time.Millisecond)
		r := remind.Reminder{ID: remind.NewID(at), TenantID: tn.ID, Title: "x", Time: &at, TZ: "UTC", Start: at,
			Status: remind.StatusActive, NextFireAt: &at, Source: "v1", CreatedAt: at, UpdatedAt: at}
		if _, _, err := s.CreateReminder(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r1, r2, r3 := mk(), mk(), mk()
	if got := s.Changes(); got != 0 {
		t.Fatalf("creates moved Changes to %d", got)
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"update", func() error { r1.Title = "y"; return s.UpdateReminder(ctx, r1) }},
		{"cancel", func() error { _, err := s.CancelReminder(ctx, tn.ID, r2.ID, time.Now()); return err }},
		{"delete", func() error { return s.DeleteReminder(ctx, tn.ID, r3.ID, time.Now()) }},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := s.Changes(); got != uint64(i+1) {
			t.Fatalf("after %s Changes is %d, want %d", st.name, got, i+1)
		}
	}
}

// TestLockServeIsExclusive: a second lock on one file fails with ErrLocked
// until the first is released.
func TestLockServeIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raas.db")
	a, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	release, err := a.LockServe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockServe(); !errors.Is(err, sqlite.ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	release, err = b.LockServe()
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	_ = release()
}
