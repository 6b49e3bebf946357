package main

import (
	"context"
	"fmt"
	"io"
)

// runParse is replaced by the timeparse work; until then it says so.
func runParse(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "raas parse: not built yet")
	return 1
}
