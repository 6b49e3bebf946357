package timeparse

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// TestTry prints what Parse makes of $TP_TEXT (lines) at $TP_NOW; a tool for
// writing cases, silent otherwise.
func TestTry(t *testing.T) {
	texts := os.Getenv("TP_TEXT")
	if texts == "" {
		t.Skip("TP_TEXT not set")
	}
	now := time.Date(2026, 11, 22, 14, 40, 0, 0, time.FixedZone("", 8*3600))
	if n := os.Getenv("TP_NOW"); n != "" {
		now, _ = time.Parse(time.RFC3339, n)
	}
	for _, text := range strings.Split(texts, "\n") {
		if text == "" {
			continue
		}
		s, err := Parse(text, DefaultOptions(now))
		b, _ := json.Marshal(s)
		t.Logf("%-30s %v %s", text, err, b)
	}
}
