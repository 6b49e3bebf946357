package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/robot/robottest"
)

// ntfyFake is a local ntfy server: it records each published message.
func ntfyFake(t *testing.T) (*httptest.Server, chan ntfyMsg) {
	got := make(chan ntfyMsg, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- ntfyMsg{At: time.Now(), Path: r.URL.Path, Body: string(b)}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"m1","event":"message"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

type ntfyMsg struct {
	At         time.Time
	Path, Body string
}

// A reminder to a group chat with a DingTalk robot, a Feishu bot, a WeCom
// robot and an ntfy topic reaches all four at its time, the robots'
// signatures valid as their platforms check them; every delivery ends
// delivered.
func TestReminderReachesRobotsAndNotify(t *testing.T) {
	a := startApp(t, nil)
	ding := robottest.NewDingTalk("ding-token", "SECding0123456789")
	fei := robottest.NewFeishu("feishu-hook", "feishu-secret")
	wec := robottest.NewWeCom("wecom-key")
	for _, f := range []*robottest.Fake{ding, fei, wec} {
		f.Now = time.Now
		defer f.Close()
	}
	ntfy, ntfyGot := ntfyFake(t)
	code, rc := do(t, "PUT", a.URL+"/v1/recipients/team-chat", a.Token, map[string]any{"name": "研发群", "contacts": map[string]any{
		"dingtalk": map[string]any{"webhook": ding.Webhook(), "secret": "SECding0123456789"},
		"feishu":   map[string]any{"webhook": fei.Webhook(), "secret": "feishu-secret"},
		"wecom":    map[string]any{"webhook": wec.Webhook()},
		"notify":   []string{"ntfy://" + strings.TrimPrefix(ntfy.URL, "http://") + "/team?scheme=http"},
	}})
	if code != 200 {
		t.Fatalf("put recipient: %d %v", code, rc)
	}
	due := time.Now().Add(500 * time.Millisecond).Truncate(time.Millisecond)
	code, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{
		"title": "发布评审 Release review", "desc": "带上变更清单", "time": due.UnixMilli(), "tz": "Asia/Shanghai",
		"recipients": []string{"team-chat"}, "external_url": "https://example.com/release/42",
	})
	if code != 201 {
		t.Fatalf("create: %d %v", code, r)
	}
	for _, f := range []struct {
		name string
		fake *robottest.Fake
	}{{"dingtalk", ding}, {"feishu", fei}, {"wecom", wec}} {
		select {
		case m := <-f.fake.Received:
			if !m.SignOK {
				t.Errorf("%s: signature or key refused: %v", f.name, m.Body)
			}
			if m.At.Before(due) {
				t.Errorf("%s: arrived %v early", f.name, due.Sub(m.At))
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: nothing arrived", f.name)
		}
	}
	select {
	case m := <-ntfyGot:
		if m.Path != "/team" || !strings.Contains(m.Body, "带上变更清单") || m.At.Before(due) {
			t.Errorf("ntfy took %+v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ntfy: nothing arrived")
	}
	// Every delivery is recorded delivered (polled: the answer is
	// recorded just after the fake answered).
	waitFor(t, 10*time.Second, "every delivery recorded delivered", func() (bool, any) {
		_, ds := do(t, "GET", a.URL+"/v1/reminders/"+r["id"].(string)+"/deliveries", a.Token, nil)
		states := map[string]string{}
		for _, d := range ds["data"].([]any) {
			d := d.(map[string]any)
			states[d["channel"].(string)] = d["state"].(string)
		}
		ok := len(states) == 5 // inbox too
		for _, ch := range []string{"dingtalk", "feishu", "wecom", "notify", "inbox"} {
			ok = ok && states[ch] == "delivered"
		}
		return ok, states
	})
}

// A robot answering its rate-limit code is tried again after the
// platform's window (DingTalk: throttled for 10 minutes), not at once.
func TestRobotRateLimitRetriedAfterWindow(t *testing.T) {
	a := startApp(t, nil)
	ding := robottest.NewDingTalk("ding-token", "")
	defer ding.Close()
	ding.Answer(130101)
	do(t, "PUT", a.URL+"/v1/recipients/team-chat", a.Token, map[string]any{"contacts": map[string]any{
		"dingtalk": map[string]any{"webhook": ding.Webhook()}}})
	due := time.Now().Add(300 * time.Millisecond)
	_, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "x", "time": due.UnixMilli(),
		"recipients": []string{"team-chat"}, "channels": []string{"dingtalk"}})
	select {
	case <-ding.Received:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing arrived")
	}
	waitFor(t, 10*time.Second, "the rate-limited delivery pending until after the window", func() (bool, any) {
		_, ds := do(t, "GET", a.URL+"/v1/reminders/"+r["id"].(string)+"/deliveries", a.Token, nil)
		var list []any // the robot's delivery (the recipient's inbox item aside)
		for _, x := range ds["data"].([]any) {
			if x.(map[string]any)["channel"] != "inbox" {
				list = append(list, x)
			}
		}
		if len(list) != 1 {
			return false, ds
		}
		d := list[0].(map[string]any)
		next, _ := d["next_attempt_at"].(string)
		lastErr, _ := d["last_error"].(string)
		at, _ := time.Parse(time.RFC3339Nano, next)
		// Until the answer is recorded, the claim's lease is the next attempt.
		return d["state"] == "pending" && at.Sub(due) >= 9*time.Minute && strings.Contains(lastErr, "130101"), ds
	})
	if n := len(ding.Msgs()); n != 1 {
		t.Fatalf("robot called %d times", n)
	}
}
