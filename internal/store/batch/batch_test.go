package batch

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// TestRunsTogetherAndInOrder: requests waiting together run as one batch,
// each gets its own result, and Close runs what is queued before stopping.
func TestRunsTogetherAndInOrder(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	gate := make(chan struct{})
	r := New(8, func(reqs []int) []int {
		<-gate
		mu.Lock()
		sizes = append(sizes, len(reqs))
		mu.Unlock()
		out := make([]int, len(reqs))
		for i, v := range reqs {
			out[i] = v * 10
		}
		return out
	})
	const n = 20
	got := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := r.Do(i)
			if err != nil {
				t.Errorf("Do(%d): %v", i, err)
			}
			got[i] = v
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them queue behind the first batch
	close(gate)
	wg.Wait()
	for i, v := range got {
		if v != i*10 {
			t.Fatalf("Do(%d) = %d, want %d", i, v, i*10)
		}
	}
	total, biggest := 0, 0
	for _, s := range sizes {
		total += s
		biggest = max(biggest, s)
	}
	if total != n || biggest < 2 || biggest > 8 {
		t.Fatalf("batch sizes %v: want %d in all, some batched, none over 8", sizes, n)
	}
	r.Close()
	r.Close()
	if _, err := r.Do(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Do after Close: %v", err)
	}
}

// TestCloseUnstarted: closing a runner that never ran does not block.
func TestCloseUnstarted(t *testing.T) {
	r := New(4, func(reqs []int) []int { return reqs })
	r.Close()
	if _, err := r.Do(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Do after Close: %v", err)
	}
}
