package sqlite_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/store/storetest"
)

// open is the suites' opener: a fresh, migrated SQLite file per test.
func open(t *testing.T) store.Store { return sqlitetest.Open(t) }

func TestConformance(t *testing.T)     { storetest.Run(t, open) }
func TestSubscriptions(t *testing.T)   { storetest.RunSubscriptions(t, open) }
func TestAppsConformance(t *testing.T) { storetest.RunApps(t, open) }
func TestProfiles(t *testing.T)        { storetest.RunProfiles(t, open) }
func TestSummaries(t *testing.T)       { storetest.RunSummaries(t, open) }

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

// BenchmarkFinishDeliveries: the outcome writes of a herd (storetest.BenchFinish).
func BenchmarkFinishDeliveries(b *testing.B) { storetest.BenchFinish(b, sqlitetest.Open(b)) }
