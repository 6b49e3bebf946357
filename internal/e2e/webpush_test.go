package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/channel/webpush/webpushtest"
)

// TestWebPushEndToEnd subscribes two browsers (keys made here) to a WeCron
// reminder through its subscribe page's endpoint, fires it, and decrypts
// what the local push services received; the second push service answers
// 410, which unsubscribes that browser.
func TestWebPushEndToEnd(t *testing.T) {
	a := startApp(t, nil)
	keyFile := filepath.Join(a.Config.DataDir, app.VAPIDKeyFile)
	b, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatalf("the SQLite server kept no VAPID keys: %v", err)
	}
	var keys webpush.VAPIDKeys
	if err := json.Unmarshal(b, &keys); err != nil || keys.Check() != nil {
		t.Fatalf("%s: %s", keyFile, b)
	}
	if fi, _ := os.Stat(keyFile); fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s has mode %v", keyFile, fi.Mode())
	}
	_, hdr, key := get(t, a.URL+"/webpush/key")
	if !strings.Contains(string(key), keys.Public) || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("/webpush/key: %s", key)
	}

	code, r := wecron(t, "POST", a.URL+"/reminds/api/", a.Token, map[string]any{"title": "测试推送", "desc": "带上电脑", "time": time.Now().Add(time.Hour).UnixMilli()})
	if code != 200 {
		t.Fatalf("create: %d %v", code, r)
	}
	id := r["id"].(string)
	page, _ := decodeQR(t, r["participate_qrcode"].(string))
	_, _, html := get(t, page)
	if !strings.Contains(string(html), `data-key="`+keys.Public+`"`) {
		t.Fatal("the subscribe page offers no web push")
	}

	ok := webpushtest.Start(t, nil)
	ok.VAPIDPublic = keys.Public
	gone := webpushtest.Start(t, func(int) int { return 410 })
	gone.VAPIDPublic = keys.Public
	b1, b2 := ok.NewBrowser(t), gone.NewBrowser(t)
	for _, br := range []*webpushtest.Browser{b1, b2} {
		if code, body := do(t, "POST", page+"/webpush", "", br.Subscription()); code != 200 || body["subscribed"] != true {
			t.Fatalf("subscribe: %d %v", code, body)
		}
	}
	if code, body := do(t, "POST", page+"/webpush", "", `{"endpoint":"https://push.example/x","keys":{"p256dh":"AAAA","auth":"AAAA"}}`); code != 400 {
		t.Fatalf("bad subscription: %d %v", code, body)
	}
	_, rem := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
	if rs, _ := rem["recipients"].([]any); len(rs) != 2 {
		t.Fatalf("recipients after subscribing: %v", rem["recipients"])
	}

	// Fire in two seconds.
	if code, body := do(t, "PATCH", a.URL+"/v1/reminders/"+id, a.Token, map[string]any{"time": time.Now().Add(2 * time.Second).UnixMilli()}); code != 200 {
		t.Fatalf("PATCH time: %d %v", code, body)
	}
	p := ok.Wait(t, 1, 15*time.Second)
	if p.Err != nil {
		t.Fatalf("push service refused the message: %v", p.Err)
	}
	var m webpush.Message
	if err := json.Unmarshal(p.Plain, &m); err != nil {
		t.Fatalf("decrypted %q: %v", p.Plain, err)
	}
	if m.Title != "测试推送" || !strings.Contains(m.Body, "带上电脑") || len(m.DeliveryID) != 32 || m.ReminderID != id ||
		!strings.HasPrefix(m.URL, a.URL+"/me/") || len(m.Actions) != 2 || !strings.Contains(m.UnsubscribeURL, "/subscribe/unsubscribe/") || p.Header.Get("Topic") != m.DeliveryID {
		t.Fatalf("message %+v, Topic %q", m, p.Header.Get("Topic"))
	}
	if g := gone.Wait(t, 1, 15*time.Second); g.Err != nil || g.Status != 410 {
		t.Fatalf("second push service: %d %v", g.Status, g.Err)
	}

	// The delivery to the gone browser failed for good, and it left the reminder.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, rem = do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
		if rs, _ := rem["recipients"].([]any); len(rs) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("recipients after a 410: %v", rem["recipients"])
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(gone.Pushes()); n != 1 {
		t.Fatalf("the gone subscription was pushed %d times", n)
	}

	// The browser that still has its subscription leaves by endpoint.
	if code, body := do(t, "POST", page+"/webpush/unsubscribe", "", map[string]string{"endpoint": b1.Endpoint}); code != 200 {
		t.Fatalf("unsubscribe: %d %v", code, body)
	}
	_, rem = do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
	if rs, _ := rem["recipients"].([]any); len(rs) != 0 {
		t.Fatalf("recipients after unsubscribing: %v", rs)
	}
}

// TestWebPushServiceWorkerRegisters opens a subscribe page in headless
// Chromium: the page's script runs under its CSP, shows the button and
// registers /sw.js for the whole site. (Headless Chromium reaches no real
// push service, so the subscription itself is TestWebPushEndToEnd's.)
func TestWebPushServiceWorkerRegisters(t *testing.T) {
	a := startApp(t, nil)
	code, r := wecron(t, "POST", a.URL+"/reminds/api/", a.Token, map[string]any{"title": "sw", "time": time.Now().Add(time.Hour).UnixMilli()})
	if code != 200 {
		t.Fatalf("create: %d %v", code, r)
	}
	page, _ := decodeQR(t, r["participate_qrcode"].(string))
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("webpush-subscribe"))); err != nil {
		t.Fatalf("the Notify button never showed: %v", err)
	}
	scope, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.serviceWorker.ready.then(r => r.scope + ' ' + (r.active || r.waiting || r.installing).scriptURL)`, chromedp.EvalAwaitPromise))
	if err != nil || scope != a.URL+"/ "+a.URL+"/sw.js" {
		t.Fatalf("service worker %q, %v", scope, err)
	}
}

// TestPersonalPageWebPush: a named recipient turns notifications on in two
// browsers from their personal page; a reminder to them (no channels
// named) is pushed to both, decrypted by the local push services; the
// browser whose push service answers 410 is forgotten, the other stays;
// turning one off from the page removes it. A profile saved meanwhile
// keeps the browsers.
func TestPersonalPageWebPush(t *testing.T) {
	a := startApp(t, nil)
	_, _, key := get(t, a.URL+"/webpush/key")
	var k struct {
		Key string `json:"public_key"`
	}
	if err := json.Unmarshal(key, &k); err != nil || k.Key == "" {
		t.Fatalf("/webpush/key: %s", key)
	}
	if code, out := do(t, "PUT", a.URL+"/v1/recipients/amy", a.Token, map[string]any{"name": "Amy"}); code != 200 {
		t.Fatalf("put amy: %d %v", code, out)
	}
	code, link := do(t, "POST", a.URL+"/v1/recipients/amy/link", a.Token, nil)
	if code != 200 {
		t.Fatalf("link: %d %v", code, link)
	}
	page := link["url"].(string)
	_, _, html := get(t, page)
	if !strings.Contains(string(html), `id="webpush" data-key="`+k.Key+`"`) {
		t.Fatalf("the personal page offers no web push:\n%s", html)
	}
	ok := webpushtest.Start(t, nil)
	ok.VAPIDPublic = k.Key
	gone := webpushtest.Start(t, func(int) int { return 410 })
	gone.VAPIDPublic = k.Key
	b1, b2 := ok.NewBrowser(t), gone.NewBrowser(t)
	for _, br := range []*webpushtest.Browser{b1, b2, b1} { // b1 twice: still one browser
		if code, body := do(t, "POST", page+"/webpush", "", br.Subscription()); code != 200 || body["subscribed"] != true {
			t.Fatalf("turn on: %d %v", code, body)
		}
	}
	if code, _ := do(t, "POST", page+"/webpush", "", `{"endpoint":"https://push.example/x","keys":{"p256dh":"AAAA","auth":"AAAA"}}`); code != 400 {
		t.Fatalf("a bad subscription: %d", code)
	}
	// The profile saved from the page keeps the browsers.
	if resp, err := http.PostForm(page+"/profile", url.Values{"name": {"Amy A."}, "tz": {"Asia/Shanghai"}}); err != nil || resp.StatusCode != 200 {
		t.Fatalf("profile: %v %v", resp, err)
	}
	_, rc := do(t, "GET", a.URL+"/v1/recipients/amy", a.Token, nil)
	if c, _ := rc["contacts"].(map[string]any); c == nil || c["webpush"] != float64(2) || rc["name"] != "Amy A." {
		t.Fatalf("amy after turning on two browsers and saving: %v", rc)
	}

	due := time.Now().Add(time.Second)
	if code, out := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "喝水", "time": due.UnixMilli(), "recipients": []string{"amy"}}); code != 201 {
		t.Fatalf("create: %d %v", code, out)
	}
	p := ok.Wait(t, 1, 15*time.Second)
	var m webpush.Message
	if p.Err != nil || json.Unmarshal(p.Plain, &m) != nil || m.Title != "喝水" || !strings.HasPrefix(m.URL, a.URL+"/me/") || m.UnsubscribeURL != "" {
		t.Fatalf("push: %v %+v", p.Err, m)
	}
	if g := gone.Wait(t, 1, 15*time.Second); g.Err != nil || g.Status != 410 {
		t.Fatalf("second push service: %d %v", g.Status, g.Err)
	}
	waitFor(t, 10*time.Second, "the gone browser forgotten", func() (bool, any) {
		_, rc := do(t, "GET", a.URL+"/v1/recipients/amy", a.Token, nil)
		c, _ := rc["contacts"].(map[string]any)
		return c != nil && c["webpush"] == float64(1), rc
	})
	if code, body := do(t, "POST", page+"/webpush/unsubscribe", "", map[string]string{"endpoint": b1.Endpoint}); code != 200 || body["subscribed"] != false {
		t.Fatalf("turn off: %d %v", code, body)
	}
	_, rc = do(t, "GET", a.URL+"/v1/recipients/amy", a.Token, nil)
	if rc["contacts"] != nil {
		t.Fatalf("amy after turning the last browser off: %v", rc)
	}
}
