//go:build race

package model_test

// raceEnabled: under -race the model test runs fewer sequences (see runModel).
const raceEnabled = true
