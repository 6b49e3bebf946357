package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/remind"
)

// TestEditNearFiringFiresOnceWithNewContent: a reminder claimed ahead of its
// time (the scheduler's look-ahead is 10 s) is edited 0.3 s after it was
// made, 3 s before its time. It still fires, once, with the new title, and
// shows done with one firing. (It used to fire nothing: the claimed
// deliveries were cancelled and their re-planned twins dropped.)
func TestEditNearFiringFiresOnceWithNewContent(t *testing.T) {
	a := startApp(t, nil)
	hook := newSink(t, nil)
	if code, out := do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": hook.URL}); code != http.StatusCreated {
		t.Fatalf("webhook: %d %v", code, out)
	}
	due := time.Now().Add(3 * time.Second)
	code, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "old", "time": due.UnixMilli(), "recipients": []string{"ann"}})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, r)
	}
	id := r["id"].(string)
	// The firing is claimed at once: wait until its deliveries exist.
	waitUntil(t, 5*time.Second, "deliveries claimed ahead", func() bool {
		_, out := do(t, "GET", a.URL+"/v1/reminders/"+id+"/deliveries", a.Token, nil)
		d, _ := out["data"].([]any)
		return len(d) > 0
	})
	if code, out := do(t, "PATCH", a.URL+"/v1/reminders/"+id, a.Token, map[string]any{"title": "new"}); code != http.StatusOK {
		t.Fatalf("patch: %d %v", code, out)
	}
	calls := hook.waitCalls(t, 1, 15*time.Second)
	if got := event(t, calls[0])["title"]; got != "new" {
		t.Fatalf("fired with title %v, want the edited one", got)
	}
	// Both deliveries (webhook and ann's inbox) end delivered, once each.
	waitUntil(t, 10*time.Second, "deliveries delivered", func() bool {
		_, out := do(t, "GET", a.URL+"/v1/reminders/"+id+"/deliveries", a.Token, nil)
		d, _ := out["data"].([]any)
		for _, x := range d {
			if x.(map[string]any)["state"] != "delivered" {
				return false
			}
		}
		return len(d) == 2
	})
	if n := len(hook.Calls()); n != 1 {
		t.Fatalf("the webhook was called %d times, want once", n)
	}
	_, got := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
	if got["status"] != "done" || got["fired_count"] != float64(1) || got["title"] != "new" {
		t.Fatalf("after the firing: %v", got)
	}
	_, inbox := do(t, "GET", a.URL+"/v1/inbox/ann", a.Token, nil)
	if items, _ := inbox["data"].([]any); len(items) != 1 || items[0].(map[string]any)["title"] != "new" {
		t.Fatalf("ann's inbox: %v", inbox)
	}
}

// TestIfMatch: PATCH with the ETag of the current version applies; with an
// older one it answers 412 and changes nothing.
func TestIfMatch(t *testing.T) {
	a := startApp(t, nil)
	code, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "v1", "time": time.Now().Add(time.Hour).UnixMilli()})
	if code != http.StatusCreated {
		t.Fatalf("create: %d", code)
	}
	id := r["id"].(string)
	etag := func() string {
		req, _ := http.NewRequest("GET", a.URL+"/v1/reminders/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+a.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("ETag")
	}
	first := etag()
	if first == "" {
		t.Fatal("GET answered no ETag")
	}
	if code, out := do(t, "PATCH", a.URL+"/v1/reminders/"+id, a.Token, map[string]any{"title": "v2"}, "If-Match", first); code != http.StatusOK {
		t.Fatalf("PATCH with the current ETag: %d %v", code, out)
	}
	code, out := do(t, "PATCH", a.URL+"/v1/reminders/"+id, a.Token, map[string]any{"title": "v3"}, "If-Match", first)
	if code != http.StatusPreconditionFailed || out["error"].(map[string]any)["code"] != "precondition_failed" {
		t.Fatalf("PATCH with a stale ETag: %d %v, want 412", code, out)
	}
	if _, got := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil); got["title"] != "v2" {
		t.Fatalf("a refused PATCH changed the reminder: %v", got)
	}
	if etag() == first {
		t.Fatal("the ETag did not change with the reminder")
	}
}

// TestCancelRacingPatchStaysCancelled sends a cancel and a PATCH of the
// same reminder at the same moment, for many reminders: every cancel that
// answered 200 leaves its reminder cancelled, with nothing due.
func TestCancelRacingPatchStaysCancelled(t *testing.T) {
	a := startApp(t, func(c *app.Config) { c.Ops.RateLimit = 0 }) // 200 requests at once
	const n = 100
	at := time.Now().Add(time.Hour).UnixMilli()
	ids := make([]string, n)
	for i := range n {
		_, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "r", "time": at})
		ids[i] = r["id"].(string)
	}
	cancel := make([]int, n)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { cancel[i], _ = do(t, "POST", a.URL+"/v1/reminders/"+id+"/cancel", a.Token, nil) })
		wg.Go(func() { do(t, "PATCH", a.URL+"/v1/reminders/"+id, a.Token, map[string]any{"title": "patched"}) })
	}
	wg.Wait()
	for i, id := range ids {
		if cancel[i] != http.StatusOK {
			t.Fatalf("cancel %d answered %d", i, cancel[i])
		}
		_, got := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
		if got["status"] != "cancelled" || got["next_fire_at"] != nil {
			t.Fatalf("reminder %d after a successful cancel: %v", i, got)
		}
	}
}

// TestMembersLeavingAtOnceAllLeave: two members leave each of many team
// reminders at the same moment (the team-remind delete by a member); both
// leaves land every time.
func TestMembersLeavingAtOnceAllLeave(t *testing.T) {
	a := startApp(t, nil)
	ctx := context.Background()
	tn, err := a.Service.Authenticate(ctx, a.Token)
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	at := time.Now().Add(time.Hour).UnixMilli()
	ids := make([]string, n)
	for i := range n {
		_, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "team", "time": at, "recipients": []string{"m1", "m2", "m3"}})
		ids[i] = r["id"].(string)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for _, id := range ids {
		for _, uid := range []string{"m1", "m2"} {
			wg.Go(func() {
				_, err := a.Service.LeaveReminder(ctx, tn, id, uid, map[string]string{"left_" + uid: "1"})
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, id := range ids {
		got, err := a.Service.GetReminder(ctx, tn, id)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.Recipients) != "[m3]" || got.Meta["left_m1"] != "1" || got.Meta["left_m2"] != "1" {
			t.Fatalf("reminder %d after two members left at once: recipients %v meta %v", i, got.Recipients, got.Meta)
		}
		if got.Status != remind.StatusActive {
			t.Fatalf("reminder %d: %s", i, got.Status)
		}
	}
}

// waitUntil polls cond until it holds or the deadline passes.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	waitFor(t, timeout, what, func() (bool, any) { return cond(), nil })
}

// waitFor polls cond, on a ticker, until it holds or the deadline passes;
// a failure reports what cond last saw.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, any)) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, seen := cond()
		if ok {
			return
		}
		select {
		case <-deadline.C:
			t.Fatalf("%s: not within %s (last seen: %v)", what, timeout, seen)
		case <-tick.C:
		}
	}
}
