package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

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
