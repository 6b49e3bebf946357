package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/dustin/go-humanize"
)

// defaultMemoryLimit is the Go heap's soft limit unless --memory-limit or
// GOMEMLIMIT says otherwise. RaaS keeps the pending set in the store and
// bounds what it holds in memory (the scheduler's MaxHeld, the queues), so
// its live heap stays near 100 MB even while a herd of a million is sent;
// left to GOGC alone the heap grows to twice that between collections, and
// a herd's resident size reached 376-429 MB for about 100 MB live. SQLite's
// page caches (16 MB for the writer, 4 MB a reader) are outside the Go heap
// and this limit. 192MiB keeps the million herd's resident peak near 284 MB
// now that it is read from the store as fast as it is sent.
const defaultMemoryLimit = "192MiB"

// memoryLimitFlag adds --memory-limit to fs.
func memoryLimitFlag(fs *flagSet) *string {
	return fs.String("memory-limit", defaultMemoryLimit, "soft limit of the Go heap (the runtime collects harder near it; sizes like 256MiB or 1GB; 0: none; GOMEMLIMIT in the environment wins)")
}

// applyMemoryLimit sets the runtime's soft memory limit from the flag's
// value, unless GOMEMLIMIT is set (the runtime has read it already).
func applyMemoryLimit(v string) error {
	if os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	if v == "" || v == "0" {
		return nil
	}
	n, err := humanize.ParseBytes(v)
	if err != nil || n == 0 || n > 1<<62 {
		return fmt.Errorf("--memory-limit %q: want a size such as 256MiB or 2GB", v)
	}
	debug.SetMemoryLimit(int64(n))
	return nil
}
