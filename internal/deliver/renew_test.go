package deliver

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/raasdev/raas/internal/remind"
)

// TestOwnLeaseRunningOutIsRenewedNotResent: a delivery whose lease runs out
// while this process still holds it — its send is slow, or its outcome
// cannot be written yet — is leased again by this process's own poll. That
// renews the hold: the delivery is sent once, and its outcome is written
// under the new lease, so the store records it. (Before, the poll's copy
// was sent a second time once the first send had finished, and the first
// outcome, written under the old lease, was fenced off.)
func TestOwnLeaseRunningOutIsRenewedNotResent(t *testing.T) {
	cases := []struct {
		name  string
		setup func(r *rig, block chan struct{})
		heal  func(r *rig, block chan struct{})
	}{
		{"slow send", func(r *rig, block chan struct{}) { r.snd.block = block }, func(r *rig, block chan struct{}) { close(block) }},
		{"outcome not written", func(r *rig, block chan struct{}) { r.st.set(func(s *memStore) { s.finishFail = true }) },
			func(r *rig, block chan struct{}) { r.st.set(func(s *memStore) { s.finishFail = false }) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runDispatcher(t, Config{Lease: time.Second, MaxSleep: time.Second}, nil, func(r *rig) {
				block := make(chan struct{})
				tc.setup(r, block)
				d := leased("x", t0)
				d.NextAttemptAt = t0.Add(time.Second) // the lease
				r.submit(0, d)
				r.advance(5*time.Second, 100*time.Millisecond) // the lease runs out, the poll leases it again
				if got := r.st.get("x"); got.Attempts < 2 {
					t.Fatalf("the poll did not lease the delivery again (attempts %d)", got.Attempts)
				}
				tc.heal(r, block)
				r.advance(20*time.Second, 100*time.Millisecond)
				if n := len(r.snd.sends("x")); n != 1 {
					t.Fatalf("sent %d times (at %v), want once; store %+v", n, r.snd.sends("x"), r.st.get("x"))
				}
				if got := r.st.get("x"); got.State != remind.DeliveryDelivered {
					t.Fatalf("recorded %+v, want delivered under the renewed lease", got)
				}
			})
		})
	}
}

// TestStartAndStopAreIdempotent: Start twice starts one set of loops, Stop
// twice does not close the outcome channel twice, and Start after Stop does
// nothing.
func TestStartAndStopAreIdempotent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(t0)
		d := New(newMemStore(), nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Clock: clk, Workers: 2})
		d.Start(context.Background())
		d.Start(context.Background())
		synctest.Wait()
		d.Stop()
		d.Stop()
		d.Start(context.Background())
		synctest.Wait() // nothing left running: synctest.Test would not return otherwise
	})
}
