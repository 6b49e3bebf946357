// Package testenv gives every optional dependency of the tests (a
// PostgreSQL server, Chromium, a CJK font) one behaviour: on a developer's
// machine a test that lacks one is skipped with a message saying how to get
// it; under CI=true, which .ci/run exports, it fails, so CI can never pass
// by skipping what it was meant to run.
package testenv

import (
	"os"
	"testing"
)

// CI reports whether the tests run in CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Missing stops t because what it needs is missing: a failure in CI, a skip
// elsewhere. how says how to provide it.
func Missing(t testing.TB, what, how string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is missing, and CI=true: CI must run this test (%s)", what, how)
		return
	}
	t.Skipf("%s is missing: skipped (%s)", what, how)
}
