package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestApplyMemoryLimit(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	t.Setenv("GOMEMLIMIT", "")
	for _, tc := range []struct {
		in   string
		want int64 // -1: refused
	}{
		{"256MiB", 256 << 20},
		{"1GB", 1_000_000_000},
		{"300 MB", 300_000_000},
		{"0", math.MaxInt64}, // none: the runtime's own default
		{"", math.MaxInt64},
		{"lots", -1},
		{"-5MiB", -1},
	} {
		debug.SetMemoryLimit(math.MaxInt64)
		err := applyMemoryLimit(tc.in)
		if tc.want < 0 {
			if err == nil {
				t.Errorf("applyMemoryLimit(%q) accepted", tc.in)
			}
			continue
		}
		if got := debug.SetMemoryLimit(-1); err != nil || got != tc.want {
			t.Errorf("applyMemoryLimit(%q) = %v, limit %d, want %d", tc.in, err, got, tc.want)
		}
	}
	// GOMEMLIMIT in the environment wins: the flag does nothing.
	t.Setenv("GOMEMLIMIT", "100MiB")
	debug.SetMemoryLimit(math.MaxInt64)
	if err := applyMemoryLimit("256MiB"); err != nil || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Fatal("--memory-limit overrode GOMEMLIMIT")
	}
}
