package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
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

// A robot whose token is no longer valid fails its own deliveries and
// nothing else: the other robot of the same recipient still gets every
// firing, and the dashboard's "needs attention" panel reports the cause
// once (one row, counting both firings), with what to do about it.
func TestInvalidRobotTokenReportedOnce(t *testing.T) {
	a := startApp(t, nil)
	ding := robottest.NewDingTalk("ding-token", "")
	defer ding.Close()
	ding.Answer(300001, 300001) // token is not exist, for both firings
	wec := robottest.NewWeCom("wecom-key")
	defer wec.Close()
	code, rc := do(t, "PUT", a.URL+"/v1/recipients/team-chat", a.Token, map[string]any{"contacts": map[string]any{
		"dingtalk": map[string]any{"webhook": ding.Webhook()},
		"wecom":    map[string]any{"webhook": wec.Webhook()},
	}})
	if code != 200 {
		t.Fatalf("put recipient: %d %v", code, rc)
	}
	var ids []string
	for i := range 2 {
		due := time.Now().Add(300 * time.Millisecond)
		code, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": fmt.Sprintf("站会 %d", i), "time": due.UnixMilli(),
			"recipients": []string{"team-chat"}, "channels": []string{"dingtalk", "wecom"}})
		if code != 201 {
			t.Fatalf("create: %d %v", code, r)
		}
		ids = append(ids, r["id"].(string))
	}
	for _, id := range ids {
		waitFor(t, 10*time.Second, "dingtalk failed and wecom delivered for "+id, func() (bool, any) {
			_, ds := do(t, "GET", a.URL+"/v1/reminders/"+id+"/deliveries", a.Token, nil)
			states := map[string]string{}
			for _, d := range ds["data"].([]any) {
				d := d.(map[string]any)
				states[d["channel"].(string)] = d["state"].(string)
			}
			return states["dingtalk"] == "failed" && states["wecom"] == "delivered", states
		})
	}
	if n := len(wec.Msgs()); n != 2 {
		t.Fatalf("wecom got %d messages, want 2", n)
	}
	if n := len(ding.Msgs()); n != 2 { // permanent: not retried
		t.Fatalf("dingtalk called %d times, want 2", n)
	}
	// The recipient keeps both robots: the failure disabled nothing.
	_, got := do(t, "GET", a.URL+"/v1/recipients/team-chat", a.Token, nil)
	if c, _ := got["contacts"].(map[string]any); c == nil || c["dingtalk"] == nil || c["wecom"] == nil {
		t.Fatalf("contacts after the failure: %v", got)
	}

	page := dashboardPage(t, a, "/dashboard")
	if n := strings.Count(page, `id="cause-robot-token-dingtalk"`); n != 1 {
		t.Fatalf("the cause shows %d times in the needs-attention panel:\n%s", n, page)
	}
	if n := strings.Count(page, `id="cause-`); n != 1 {
		t.Fatalf("%d causes in the panel, want only the robot's:\n%s", n, page)
	}
	for _, want := range []string{"DingTalk robot", "copy the webhook"} {
		if !strings.Contains(page, want) {
			t.Errorf("the panel lacks %q", want)
		}
	}
}

// dashboardPage signs in to the dashboard with the app's token and
// returns the HTML of path.
func dashboardPage(t *testing.T, a *testApp, path string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(a.URL+"/dashboard/login", url.Values{"token": {a.Token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(a.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}
