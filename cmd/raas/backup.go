package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/raasdev/raas/internal/app"
	_ "modernc.org/sqlite" // the "sqlite" driver, as the SQLite store uses
)

// runBackup is `raas backup --to FILE`: VACUUM INTO writes a consistent,
// compacted copy of the SQLite database while the server keeps running
// (readers and the writer are not blocked for long under WAL).
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("backup", stderr)
	cfg := app.Defaults()
	storeFlags(fs, &cfg)
	to := fs.String("to", "", "file to write the copy to (must not exist)")
	if err := fs.parse(args); err != nil {
		return 2
	}
	if *to == "" {
		fmt.Fprintln(stderr, "usage: raas backup --to FILE [--data DIR | --db sqlite:PATH]")
		return 2
	}
	if cfg.DB != "" && !strings.HasPrefix(cfg.DB, "sqlite:") {
		fmt.Fprintln(stderr, "raas backup: only SQLite databases; back PostgreSQL up with pg_dump")
		return 2
	}
	src := strings.TrimPrefix(cfg.DB, "sqlite:")
	if src == "" {
		src = filepath.Join(cfg.DataDir, "raas.db")
	}
	if _, err := os.Stat(src); err != nil {
		fmt.Fprintln(stderr, "raas backup:", err)
		return 1
	}
	if _, err := os.Stat(*to); err == nil {
		fmt.Fprintf(stderr, "raas backup: %s exists; not overwriting it\n", *to)
		return 1
	} else if !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stderr, "raas backup:", err)
		return 1
	}
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		fmt.Fprintln(stderr, "raas backup:", err)
		return 1
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", *to); err != nil {
		fmt.Fprintln(stderr, "raas backup:", err)
		return 1
	}
	var ok string
	check, err := sql.Open("sqlite", "file:"+*to+"?mode=ro")
	if err == nil {
		err = check.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&ok)
		check.Close()
	}
	if err != nil || ok != "ok" {
		fmt.Fprintf(stderr, "raas backup: the copy failed its check: %v %s\n", err, ok)
		return 1
	}
	st, _ := os.Stat(*to)
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", src, *to, st.Size())
	return 0
}
