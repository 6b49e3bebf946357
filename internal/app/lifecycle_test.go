package app

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestReadyzFollowsStartAndStop: /readyz answers 503 before Start, 200
// while serving and 503 after Stop, while other goroutines keep asking (the
// race detector checks the ready flag), and Stop may be called twice.
func TestReadyzFollowsStartAndStop(t *testing.T) {
	cfg := Defaults()
	cfg.Ops.Metrics, cfg.Ops.RateLimit = false, 0
	a := testApp(t, cfg)
	h := a.Handler()
	readyz := func() int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		return w.Code
	}
	if code := readyz(); code != http.StatusServiceUnavailable {
		t.Fatalf("readyz before Start: %d, want 503", code)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					readyz()
				}
			}
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(context.Background(), ln); err != nil {
		t.Fatal(err)
	}
	if code := readyz(); code != http.StatusOK {
		t.Errorf("readyz while serving: %d, want 200", code)
	}
	if err := a.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if code := readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("readyz after Stop: %d, want 503", code)
	}
	if err := a.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}
