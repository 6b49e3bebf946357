package deliver

import (
	"container/heap"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// holdQueue keeps deliveries created ahead of their time, earliest first.
type holdQueue struct {
	mu      sync.Mutex
	h       dueHeap
	changed chan struct{} // signalled when a new earliest arrives
}

func newHoldQueue() *holdQueue { return &holdQueue{changed: make(chan struct{}, 1)} }

func (q *holdQueue) push(d remind.Delivery) {
	q.mu.Lock()
	earliest := len(q.h) == 0 || d.DueAt.Before(q.h[0].DueAt)
	heap.Push(&q.h, d)
	q.mu.Unlock()
	if earliest {
		select {
		case q.changed <- struct{}{}:
		default:
		}
	}
}

// popDue removes and returns the earliest delivery due at or before now.
func (q *holdQueue) popDue(now time.Time) (remind.Delivery, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.h) == 0 || q.h[0].DueAt.After(now) {
		return remind.Delivery{}, false
	}
	return heap.Pop(&q.h).(remind.Delivery), true
}

func (q *holdQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.h)
}

func (q *holdQueue) next() (time.Time, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.h) == 0 {
		return time.Time{}, false
	}
	return q.h[0].DueAt, true
}

type dueHeap []remind.Delivery

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].DueAt.Before(h[j].DueAt) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(remind.Delivery)) }
func (h *dueHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	*h = old[:len(old)-1]
	return d
}
