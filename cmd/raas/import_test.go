package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/app/apptest"
)

// TestRemindImport runs `raas remind import` on the importer's test files
// twice: plain progress lines (stderr is not a terminal), each refused line
// named with its field, and the second run creating nothing.
func TestRemindImport(t *testing.T) {
	a := apptest.Start(t, nil)
	t.Setenv("RAAS_URL", a.URL)
	t.Setenv("RAAS_TOKEN", a.Token(t, "import"))
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, tc := range []struct{ file, created, refused string }{
		{"reminders.csv", `"created":5`, "reminders.csv:8: time: must be an RFC 3339 time"},
		{"reminders.jsonl", `"created":4`, "reminders.jsonl:6: colour: not a known field"},
	} {
		src, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), tc.file)
		if err := os.WriteFile(path, src, 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"remind", "import", path, "--batch", "2", "--json"}, &out, &errb)
		if code != 1 || !strings.Contains(out.String(), tc.created) || !strings.Contains(errb.String(), tc.refused) ||
			!strings.Contains(errb.String(), "imported ") {
			t.Fatalf("%s: exit %d\nstdout %s\nstderr %s", tc.file, code, out.String(), errb.String())
		}
		out.Reset()
		errb.Reset()
		run(context.Background(), []string{"remind", "import", path}, &out, &errb)
		if !strings.Contains(out.String(), " 0 created,") {
			t.Fatalf("%s, second run: %s %s", tc.file, out.String(), errb.String())
		}
	}
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"remind", "import", "notes.txt"}, &bytes.Buffer{}, &errb); code != 2 || !strings.Contains(errb.String(), "--format") {
		t.Fatalf("unknown format: %d %s", code, errb.String())
	}
}
