package app

import (
	"sync"

	"github.com/raasdev/raas/internal/backoff"
)

// notReadyAfter is how many consecutive store failures of one background
// loop make /readyz answer 503: with the loops' back-off, about a second
// of a store that keeps failing, while a single failed call does not.
const notReadyAfter = 3

// health collects the background loops' counts of consecutive store
// failures (backoff.Reporter) for readiness, and passes them on to the
// metrics when there are any.
type health struct {
	next backoff.Reporter // nil without metrics

	mu    sync.Mutex
	loops map[string]int
}

func newHealth(next backoff.Reporter) *health {
	return &health{next: next, loops: map[string]int{}}
}

// LoopFailures implements backoff.Reporter.
func (h *health) LoopFailures(loop string, n int) {
	h.mu.Lock()
	h.loops[loop] = n
	h.mu.Unlock()
	if h.next != nil {
		h.next.LoopFailures(loop, n)
	}
}

// failing returns a loop that has failed at least notReadyAfter times in a
// row, with its count; n is 0 when none has.
func (h *health) failing() (loop string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for l, c := range h.loops {
		if c >= notReadyAfter && c > n {
			loop, n = l, c
		}
	}
	return loop, n
}
