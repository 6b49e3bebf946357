package main

import (
	"context"
	"fmt"
	"io"
)

// runMigrate implements `raas migrate`: it brings the database schema up to
// date and exits. `raas serve` does the same at start; this lets an
// operator migrate before rolling out new instances. Safe to run while
// other instances run or start (PostgreSQL migrations take an advisory lock).
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	st, code := openStoreCmd(ctx, "migrate", args, stderr, nil) // opening migrates
	if st == nil {
		return code
	}
	if err := st.Close(); err != nil {
		fmt.Fprintln(stderr, "raas migrate:", err)
		return 1
	}
	fmt.Fprintln(stdout, "schema up to date")
	return 0
}
