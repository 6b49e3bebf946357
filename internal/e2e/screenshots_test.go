package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/raasdev/raas/internal/app"
)

// TestPagesOnPhoneAndDesktop opens every page people see — the front door,
// the dashboard's pages and a subscribe page, live and cancelled — in
// Chromium at phone (390×844) and desktop (1280×900) size, checks that no
// page scrolls sideways, and takes a full-page screenshot of each. They go
// to $RAAS_SCREENSHOTS when set (docs/screenshots holds a committed set:
// RAAS_SCREENSHOTS=$PWD/docs/screenshots go test -run TestPagesOnPhone ./internal/e2e),
// else to a temporary directory.
func TestPagesOnPhoneAndDesktop(t *testing.T) {
	a := startApp(t, func(c *app.Config) { c.Ops.RateLimit = 0 }) // a browser loads pages and assets faster than the address budget allows
	dir := os.Getenv("RAAS_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	// A tenant with a name, reminders of each kind, one whose deliveries fail.
	must := func(code int, body map[string]any, want int, what string) map[string]any {
		t.Helper()
		if code != want {
			t.Fatalf("%s: %d %v", what, code, body)
		}
		return body
	}
	api := a.URL + "/v1/"
	must2 := func(method, path string, in any, want int, what string) map[string]any {
		t.Helper()
		code, body := do(t, method, api+path, a.Token, in)
		return must(code, body, want, what)
	}
	must2("PATCH", "tenant", map[string]any{"display_name": "读书会 Book club"}, 200, "tenant")
	must2("PUT", "recipients/alice", map[string]any{"name": "Alice", "email": "alice@example.com"}, 200, "alice")
	must2("PUT", "recipients/bob", map[string]any{"name": "Bob", "webhook_url": "http://127.0.0.1:9/hook"}, 200, "bob")
	must2("POST", "webhooks", map[string]any{"url": "https://hooks.example.com/raas/a-rather-long-path/that-does-not-fit-on-a-phone"}, 201, "webhook")
	weekly := must2("POST", "reminders", map[string]any{"title": "读书会 Reading circle", "rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=21;BYMINUTE=0",
		"tz": "Asia/Shanghai", "recipients": []string{"alice", "bob"}, "desc": "Chapter 3 of 《三体》; bring questions."}, 201, "weekly")["id"].(string)
	must2("POST", "reminders", map[string]any{"title": "站会 Stand-up", "rrule": "FREQ=DAILY;BYHOUR=8;BYMINUTE=30;X-WORKDAY=CN", "tz": "Asia/Shanghai", "recipients": []string{"alice"}}, 201, "workday")
	must2("POST", "reminders", map[string]any{"title": "初一 Lunar first", "rrule": "RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0", "tz": "Asia/Shanghai"}, 201, "lunar")
	failing := must2("POST", "reminders", map[string]any{"title": "Send the minutes", "time": time.Now().Add(time.Second).UnixMilli(),
		"recipients": []string{"alice", "bob"}, "channels": []string{"email", "webhook"}}, 201, "failing")["id"].(string)
	// Wait until the e-mail delivery (no SMTP here) has failed.
	waitFor(t, 20*time.Second, "the e-mail delivery failed", func() (bool, any) {
		code, body := do(t, "GET", api+"reminders/"+failing+"/deliveries", a.Token, nil)
		return code == 200 && strings.Contains(fmt.Sprint(body), "failed"), body
	})
	code, w1 := wecron(t, "POST", a.URL+"/reminds/api/", a.Token, map[string]any{"title": "周五羽毛球 Badminton", "desc": "每周五晚上7点 羽毛球"})
	must(code, w1, 200, "wecron")
	subscribe, _ := decodeQR(t, w1["participate_qrcode"].(string))
	code, w2 := wecron(t, "POST", a.URL+"/reminds/api/", a.Token, map[string]any{"title": "Cancelled picnic", "desc": "明天中午12点 野餐"})
	must(code, w2, 200, "wecron 2")
	cancelled, _ := decodeQR(t, w2["participate_qrcode"].(string))
	must2("POST", "reminders/"+w2["id"].(string)+"/cancel", nil, 200, "cancel")

	pages := []struct{ name, path, wait string }{
		{"home", "/", "#front"},
		{"login", "/dashboard/login", "#token"},
		{"overview", "/dashboard", "#attention"},
		{"reminders", "/dashboard/reminders", "#reminders"},
		{"reminder", "/dashboard/reminders/" + weekly, "#schedule"},
		{"failing", "/dashboard/reminders/" + failing, "#deliveries"},
		{"edit", "/dashboard/reminders/" + weekly + "/edit", "#text"},
		{"tokens", "/dashboard/tokens", "#tokens"},
		{"new", "/dashboard/reminders/new", "#text"},
		{"webhooks", "/dashboard/webhooks", "#webhooks"},
		{"recipients", "/dashboard/recipients?uid=bob", "#name"},
		{"subscribe", strings.TrimPrefix(subscribe, a.URL), "#schedule"},
		{"cancelled", strings.TrimPrefix(cancelled, a.URL), "#heading"},
	}
	ctx := browserFor(t, 3*time.Minute, chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh,en"))
	type viewport struct {
		w, h   int64
		mobile bool
	}
	viewports := []viewport{{390, 844, true}, {1280, 900, false}}
	size := func(vp viewport) {
		t.Helper()
		opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
		if vp.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h, opts...)); err != nil {
			t.Fatal(err)
		}
	}
	// The sign-in page while signed out, then signed in for the rest.
	for i := range viewports {
		size(viewports[i])
		shoot(ctx, t, a.URL, pages[1].name, pages[1].path, pages[1].wait, viewports[i].w, dir)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("token"), a.Token), chromedp.Click(chromedp.ID("signin")), chromedp.WaitVisible(chromedp.ID("tenant"))); err != nil {
		t.Fatal(err)
	}
	for _, vp := range viewports {
		size(vp)
		for _, p := range pages {
			if p.name != "login" {
				shoot(ctx, t, a.URL, p.name, p.path, p.wait, vp.w, dir)
			}
		}
	}

	// The new-reminder form says, as one types, how the text is read.
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/dashboard/reminders/new"), chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "every friday 3pm badminton")); err != nil {
		t.Fatal(err)
	}
	var live string
	waitFor(t, 30*time.Second, "the live preview", func() (bool, any) {
		var err error
		live, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("live-preview")))
		return err == nil && strings.Contains(live, "15:00"), live
	})
	if !strings.Contains(live, "每周五 15:00") {
		t.Fatalf("live preview shows %q", live)
	}
}

// shoot opens a page, checks that it does not scroll sideways (naming the
// elements that stick out when it does) and writes its screenshot.
func shoot(ctx context.Context, t *testing.T, base, name, path, wait string, width int64, dir string) {
	t.Helper()
	// Each page is opened from a blank one: a navigation straight from the
	// subscribe page, whose service worker claims the tab as it activates,
	// now and then never reported its load.
	nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := chromedp.Do(nctx, chromedp.Navigate("about:blank"), chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(wait)))
	cancel()
	if err != nil {
		t.Fatalf("%s at %d px: %v", name, width, err)
	}
	over, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var d=document.documentElement;if(d.scrollWidth<=window.innerWidth)return "";`+
		`var o=[];document.querySelectorAll("body *").forEach(function(e){var r=e.getBoundingClientRect();if(r.right>window.innerWidth+1&&o.length<5)o.push(e.tagName+(e.id?"#"+e.id:"")+"."+e.className+" "+Math.round(r.right))});`+
		`return d.scrollWidth+" > "+window.innerWidth+": "+o.join(", ")})()`))
	if err != nil {
		t.Fatal(err)
	}
	if over != "" {
		t.Errorf("%s at %d px scrolls sideways: %s", name, width, over)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
