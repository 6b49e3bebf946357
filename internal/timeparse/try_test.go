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

// TestTryCases checks the cases in $TP_CASES (a .jsonl file in the format of
// testdata) and lists the ones that fail; a tool for writing cases.
func TestTryCases(t *testing.T) {
	path := os.Getenv("TP_CASES")
	if path == "" {
		t.Skip("TP_CASES not set")
	}
	cases := loadCases(t, path)
	fail := 0
	for _, c := range cases {
		s, err := parseCase(c)
		if e := checkCase(c, s, err); e != nil {
			fail++
			b, _ := json.Marshal(s)
			t.Logf("FAIL %s %q: %v\n\tgot %s", c.ID, c.Text, e, b)
		}
	}
	t.Logf("%d/%d fail", fail, len(cases))
}
