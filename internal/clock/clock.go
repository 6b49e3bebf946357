// Package clock holds what the loops share about the injected clock
// (github.com/jonboulle/clockwork): the real one in production, a fake one
// that tests move by hand.
package clock

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// Reset stops t, drops a tick it may have left, and sets it to fire after d
// (at once when d <= 0). The drain is kept because a fake clock's timer
// channel is buffered, unlike the real timers of Go 1.23 and later.
func Reset(t clockwork.Timer, d time.Duration) {
	if !t.Stop() {
		select {
		case <-t.Chan():
		default:
		}
	}
	t.Reset(max(d, 0))
}
