package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestMigrateTwice(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		var out, errb bytes.Buffer
		if code := runMigrate(context.Background(), []string{"--data", dir}, &out, &errb); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i+1, code, errb.String())
		}
		if !strings.Contains(out.String(), "up to date") {
			t.Fatalf("output %q", out.String())
		}
	}
}
