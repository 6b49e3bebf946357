//go:build race

package qrtest_test

// The race detector slows the decoder about tenfold and finds nothing in
// it, so under -race the round trip reads fewer codes; .ci/run also runs
// it without -race at full count.
const raceEnabled = true
