// Package pgtest gives tests a fresh PostgreSQL database of their own, on the
// server named by the RAAS_TEST_POSTGRES environment variable.
//
// Without the variable the tests skip, except in CI (CI=true), where a
// PostgreSQL test that cannot run is a failure, not a skip: CI must not pass
// green having tested nothing.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/raasdev/raas/internal/testenv"
)

// Env is the environment variable holding the server's URL, e.g.
// postgres://postgres@127.0.0.1:5432/raas_test?sslmode=disable. The database
// it names is used only to create and drop the tests' own databases.
const Env = "RAAS_TEST_POSTGRES"

// BaseURL returns the URL in Env. It skips t when Env is unset, or fails it
// when CI is "true".
func BaseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		testenv.Missing(t, "PostgreSQL ("+Env+" unset)", "set "+Env+"=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable; .ci/run does")
	}
	return u
}

// NewDatabase creates an empty database for t and returns its URL; the
// database is dropped when t ends. It fails t when the server in Env cannot
// be reached.
func NewDatabase(t testing.TB) string {
	t.Helper()
	base := BaseURL(t)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s=%q: want a postgres:// URL", Env, base)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "raas_t_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("PostgreSQL at %s=%s unreachable: %v", Env, u.Redacted(), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
