package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedFileIsCurrent fails when store.Store changed and
// internal/metrics/timedstore_gen.go was not regenerated: a new store
// method would otherwise pass through the metrics wrapper untimed.
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../timedstore_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/metrics/timedstore_gen.go is not what store.Store generates: run `go generate ./internal/metrics`")
	}
	if !bytes.Contains(want, []byte("func (s *timedStore) FireDue(")) {
		t.Fatal("the generated wrapper has no FireDue: the generator lost the interface's methods")
	}
}
