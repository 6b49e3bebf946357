package e2e

import (
	"encoding/json"
	"syscall"
	"testing"
	"time"
)

// TestCrashLosesNothing kills a real `raas serve` with SIGKILL while
// reminders are falling due, keeps it down while more fall due, restarts it,
// and checks at a webhook sink that every reminder was delivered; those that
// fell due while it was down are marked late. Duplicates (the same delivery
// id twice) are reported: only attempts in flight at the kill may repeat.
// The lease (60 s) outlasts the test's wait: what the killed process held
// arrives only because the restarted one takes it over at once (the serve
// lock proves the old one gone), not because a lease ran out.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	data := t.TempDir()
	addr := freeAddr(t)
	args := []string{"--data", data, "--allow-private-targets", "--lease", "60s", "--late-after", "300ms", "--rate-limit", "0"}
	p := startProc(t, addr, args...)
	token := runRaas(t, "token", "create", "--data", data, "--tenant", "crash") // works while the server runs
	s := newSink(t, nil)
	if status, out := do(t, "POST", p.URL+"/v1/webhooks", token, map[string]any{"url": s.URL}); status != 201 {
		t.Fatalf("webhook: %d %v", status, out)
	}
	const n = 300
	start := time.Now().Add(500 * time.Millisecond)
	ids := map[string]time.Time{}
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * 10 * time.Millisecond) // 0.5 s .. 3.5 s from now
		status, out := do(t, "POST", p.URL+"/v1/reminders", token, map[string]any{"title": "r", "time": due.UnixMilli()})
		if status != 201 {
			t.Fatalf("create: %d %v", status, out)
		}
		ids[out["id"].(string)] = due
	}
	// Kill in the middle of the window, stay down past its end.
	time.Sleep(time.Until(start.Add(1200 * time.Millisecond)))
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	killedAt := time.Now()
	before := len(s.Calls())
	time.Sleep(time.Until(start.Add(4 * time.Second)))
	restartAt := time.Now()
	startProc(t, addr, args...)

	deadline := time.Now().Add(20 * time.Second)
	got := map[string]int{}        // reminder id → deliveries seen
	byDelivery := map[string]int{} // delivery id → calls
	lateAfterRestart := 0
	for time.Now().Before(deadline) {
		got, byDelivery, lateAfterRestart = map[string]int{}, map[string]int{}, 0
		for _, c := range s.Calls() {
			var ev struct {
				Data struct {
					ID   string `json:"id"`
					Late bool   `json:"late"`
				} `json:"data"`
			}
			if err := json.Unmarshal(c.Body, &ev); err != nil {
				t.Fatal(err)
			}
			got[ev.Data.ID]++
			byDelivery[c.Header.Get("webhook-id")]++
			if c.At.After(restartAt) && ev.Data.Late {
				lateAfterRestart++
			}
		}
		if len(got) == n {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	lost := 0
	for id := range ids {
		if got[id] == 0 {
			lost++
		}
	}
	dups := 0
	for _, c := range byDelivery {
		dups += c - 1
	}
	t.Logf("reminders %d, delivered before kill %d, lost %d, duplicate deliveries %d, late after restart %d, down for %v",
		n, before, lost, dups, lateAfterRestart, restartAt.Sub(killedAt).Round(time.Millisecond))
	if lost != 0 {
		t.Fatalf("%d reminders lost", lost)
	}
	if before == 0 || before == n {
		t.Fatalf("the kill did not land mid-window: %d of %d delivered before it", before, n)
	}
	if lateAfterRestart == 0 {
		t.Fatal("reminders that fell due while the server was down were not marked late")
	}
	// Only attempts in flight at the kill can repeat; there are at most a few workers' worth.
	if dups > 64 {
		t.Fatalf("%d duplicates: more than the attempts that can be in flight", dups)
	}
}
