//go:build race

package web_test

// raceEnabled: the race detector slows drawing posters about tenfold, so
// the tests draw fewer of them under -race.
const raceEnabled = true
