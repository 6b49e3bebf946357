package qrtest_test

import (
	"bytes"
	"image/png"
	"runtime"
	"sync"
	"testing"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/web"
	"github.com/raasdev/raas/internal/web/qrtest"
)

// TestRoundTripSubscribeURLs encodes thousands of subscribe URLs with random
// tokens, as the QR endpoint serves them, and reads each back. One miss
// fails the test, so a change of QR library, size or error correction that
// makes codes hard to read shows here rather than as a rare e2e failure.
func TestRoundTripSubscribeURLs(t *testing.T) {
	n := 3000
	if testing.Short() || raceEnabled {
		n = 300
	}
	bases := []string{"http://127.0.0.1:8080", "https://raas.example.com", "http://[::1]:43817"}
	sizes := []int{400, 420, 360}
	type job struct {
		url  string
		size int
	}
	jobs := make(chan job)
	var mu sync.Mutex
	var failed []string
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				if err := roundTrip(j.url, j.size); err != nil {
					mu.Lock()
					failed = append(failed, j.url+": "+err.Error())
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		jobs <- job{url: bases[i%len(bases)] + "/s/" + remind.NewToken(16), size: sizes[i%len(sizes)]}
	}
	close(jobs)
	wg.Wait()
	for _, f := range failed {
		t.Error(f)
	}
	t.Logf("%d codes, %d not read back", n, len(failed))
}

func roundTrip(url string, size int) error {
	b, err := web.QRPNG(url, size)
	if err != nil {
		return err
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return err
	}
	got, err := qrtest.Decode(img)
	if err != nil {
		return err
	}
	if got != url {
		return &mismatch{got: got}
	}
	return nil
}

type mismatch struct{ got string }

func (m *mismatch) Error() string { return "read back " + m.got }
