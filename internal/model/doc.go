// Package model holds only tests: a model-based test of the promise "fires
// on time, nothing lost" under random sequences of writes, firings, sends,
// crashes and clock jumps, against the real service and store drivers.
package model
