// Package batch runs requests that arrive together as one batch, on one
// goroutine: the store drivers commit concurrent creates in one
// transaction (group commit) with it.
package batch

import (
	"errors"
	"sync"
)

// ErrClosed is Do's error after Close.
var ErrClosed = errors.New("batch: closed")

type call[Req, Res any] struct {
	req  Req
	done chan Res
}

// Runner hands queued requests to run, as many as are waiting (up to max)
// at a time. Create it with New; it starts its goroutine at the first Do.
type Runner[Req, Res any] struct {
	max int
	run func([]Req) []Res

	mu     sync.RWMutex // held to queue; Close takes it to shut the queue
	closed bool
	start  sync.Once
	queue  chan call[Req, Res]
	done   chan struct{}
	stop   chan struct{}
}

// New returns a Runner calling run with batches of at most max requests;
// run returns one result per request, in order.
func New[Req, Res any](max int, run func([]Req) []Res) *Runner[Req, Res] {
	return &Runner[Req, Res]{max: max, run: run, stop: make(chan struct{})}
}

// Do queues req and waits for its result. Once queued, a request is run
// even if its caller gives up, so Do takes no context.
func (b *Runner[Req, Res]) Do(req Req) (Res, error) {
	c := call[Req, Res]{req: req, done: make(chan Res, 1)}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		var zero Res
		return zero, ErrClosed
	}
	b.start.Do(func() {
		b.queue = make(chan call[Req, Res], b.max)
		b.done = make(chan struct{})
		go b.loop()
	})
	b.queue <- c
	b.mu.RUnlock()
	return <-c.done, nil
}

// Close runs what is queued, then stops; later Do calls fail with
// ErrClosed. Calling it again does nothing.
func (b *Runner[Req, Res]) Close() {
	b.mu.Lock()
	already := b.closed
	b.closed = true
	b.mu.Unlock()
	if already {
		return
	}
	b.start.Do(func() {}) // no loop starts after this
	close(b.stop)
	if b.done != nil {
		<-b.done
	}
}

func (b *Runner[Req, Res]) loop() {
	defer close(b.done)
	calls := make([]call[Req, Res], 0, b.max)
	for {
		calls = calls[:0]
		select {
		case c := <-b.queue:
			calls = append(calls, c)
		case <-b.stop:
			// Close has shut the queue: finish what is in it.
			for {
				select {
				case c := <-b.queue:
					b.runBatch([]call[Req, Res]{c})
				default:
					return
				}
			}
		}
	fill:
		for len(calls) < b.max {
			select {
			case c := <-b.queue:
				calls = append(calls, c)
			default:
				break fill
			}
		}
		b.runBatch(calls)
	}
}

func (b *Runner[Req, Res]) runBatch(calls []call[Req, Res]) {
	reqs := make([]Req, len(calls))
	for i, c := range calls {
		reqs[i] = c.req
	}
	res := b.run(reqs)
	for i, c := range calls {
		c.done <- res[i]
	}
}
