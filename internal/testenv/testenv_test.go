package testenv

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records how Missing stopped it.
type recorder struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, format
}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped, r.msg = true, format
}

func TestMissing(t *testing.T) {
	for _, tc := range []struct {
		ci         string
		wantFailed bool
	}{{"true", true}, {"", false}, {"false", false}} {
		t.Setenv("CI", tc.ci)
		r := &recorder{TB: t}
		Missing(r, "chromium", "apt-get install chromium")
		if r.failed != tc.wantFailed || r.skipped == tc.wantFailed {
			t.Errorf("CI=%q: failed %v skipped %v, want failed %v", tc.ci, r.failed, r.skipped, tc.wantFailed)
		}
		if !strings.Contains(r.msg, "missing") {
			t.Errorf("CI=%q: message %q does not say what is missing", tc.ci, r.msg)
		}
	}
}
