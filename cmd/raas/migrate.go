package main

import (
	"context"
	"fmt"
	"io"

	"github.com/raasdev/raas/internal/app"
)

// runMigrate implements `raas migrate`: it brings the database schema up to
// date and exits. `raas serve` does the same at start; this lets an
// operator migrate before rolling out new instances. Safe to run while
// other instances run or start (PostgreSQL migrations take an advisory lock).
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("migrate", stderr)
	cfg := app.Defaults()
	storeFlags(fs, &cfg)
	if err := fs.parse(args); err != nil {
		return 2
	}
	st, err := app.OpenStore(ctx, cfg) // opening migrates
	if err != nil {
		fmt.Fprintln(stderr, "raas migrate:", err)
		return 1
	}
	if err := st.Close(); err != nil {
		fmt.Fprintln(stderr, "raas migrate:", err)
		return 1
	}
	fmt.Fprintln(stdout, "schema up to date")
	return 0
}
