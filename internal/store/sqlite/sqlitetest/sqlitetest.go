// Package sqlitetest gives tests a fresh, migrated SQLite store of their
// own, in the test's temporary directory.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/raasdev/raas/internal/store/sqlite"
)

// Open returns a migrated SQLite store in t's temporary directory, closed
// when t ends. It fails t when the store cannot be opened or migrated.
func Open(t testing.TB) *sqlite.Store {
	t.Helper()
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
