package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/email"
	"github.com/raasdev/raas/internal/channel/email/emailtest"
	"github.com/raasdev/raas/internal/testenv"
	"github.com/raasdev/raas/internal/web/qrtest"
)

// wecron sends a WeCron API request with "Authorization: Token …".
func wecron(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	if token == "" {
		return do(t, method, url, "", body)
	}
	return do(t, method, url, "", body, "Authorization", "Token "+token)
}

func get(t *testing.T, url string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// unsubscribeVia follows an unsubscribe link as a person does: the GET
// shows a page with one button and must not unsubscribe by itself; the
// POST (what the button and RFC 8058 mail clients send) does. It returns
// the final page.
func unsubscribeVia(t *testing.T, link string) string {
	t.Helper()
	code, _, b := get(t, link)
	if code != 200 || !strings.Contains(string(b), `id="unsubscribe"`) || strings.Contains(string(b), "Unsubscribed") {
		t.Fatalf("GET %s: %d, want the page with the button:\n%s", link, code, b)
	}
	resp, err := http.PostForm(link, url.Values{"List-Unsubscribe": {"One-Click"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Unsubscribed") {
		t.Fatalf("POST %s: %d\n%s", link, resp.StatusCode, page)
	}
	return string(page)
}

// decodeQR fetches a PNG and returns the text of the QR code in it and the image size.
func decodeQR(t *testing.T, url string) (string, image.Rectangle) {
	t.Helper()
	code, hdr, b := get(t, url)
	if code != http.StatusOK || hdr.Get("Content-Type") != "image/png" {
		t.Fatalf("GET %s: %d %s", url, code, hdr.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	text, err := qrtest.Decode(img)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return text, img.Bounds()
}

// browser returns a headless Chromium context, skipping (failing in CI)
// when no Chromium is installed.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 60*time.Second)
}

// browserFor is browser with a time limit for everything done in it, and
// more command-line flags.
func browserFor(t *testing.T, limit time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		testenv.Missing(t, "chromium", "apt-get install -y chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	opts = append(opts, extra...)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, limit)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

func linkWith(t *testing.T, text, part string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link with %q in:\n%s", part, text)
	return ""
}

// TestWeCronEndToEnd creates reminders through the WeCron API, reads both
// QR codes, subscribes by e-mail in a real browser, confirms through the
// mail, fires, and unsubscribes through the link in the reminder mail.
func TestWeCronEndToEnd(t *testing.T) {
	smtpd := emailtest.Start(t)
	a := startApp(t, func(c *app.Config) {
		c.WeCron.SMTP = email.Config{Host: smtpd.Host, Port: smtpd.Port, Username: smtpd.Username, Password: smtpd.Password,
			From: "RaaS <noreply@raas.test>", TLS: email.TLSStartTLS, Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: smtpd.RootCAs}}
	})
	api := a.URL + "/reminds/api/"

	// The owner shows the tenant's settings.
	if code, _ := do(t, "PATCH", a.URL+"/v1/tenant", a.Token, map[string]any{"display_name": "awk", "avatar_url": "https://example.com/a.png"}); code != 200 {
		t.Fatalf("PATCH /v1/tenant: %d", code)
	}

	// Errors: 401 without or with a wrong token, 400 for bad params.
	if code, body := wecron(t, "POST", api, "", map[string]any{"desc": "明天下午3点开会"}); code != 401 || body["detail"] == nil {
		t.Fatalf("no token: %d %v", code, body)
	}
	if code, _ := wecron(t, "POST", api, "wrong", map[string]any{"desc": "明天下午3点开会"}); code != 401 {
		t.Fatalf("wrong token: %d", code)
	}
	for _, bad := range []any{`{"time": "soon"}`, `{"time": 1514297534431, "title": "past"}`, `{"desc": "no time here at all"}`, `[1,2]`, `{"title": `, `{"defer": "x", "desc": "明天"}`, `{"external_url": "javascript:alert(1)", "desc": "明天"}`, `{}`} {
		code, body := wecron(t, "POST", api, a.Token, bad)
		if code != 400 || body["detail"] == nil || body["field"] == nil {
			t.Fatalf("POST %s: %d %v, want 400 with detail and field", bad, code, body)
		}
	}

	// desc only: the time is read from it.
	code, r1 := wecron(t, "POST", api, a.Token, map[string]any{"desc": "明天下午3点开会", "external_url": "https://example.com/e/1"})
	if code != 200 {
		t.Fatalf("create from desc: %d %v", code, r1)
	}
	want := []string{"id", "title", "time", "desc", "defer", "external_url", "owner", "participate_qrcode", "post_url"}
	if len(r1) != len(want) {
		t.Fatalf("answer fields %v, want exactly %v", r1, want)
	}
	for _, k := range want {
		if _, ok := r1[k]; !ok {
			t.Fatalf("answer lacks %q: %v", k, r1)
		}
	}
	if id, _ := r1["id"].(string); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Fatalf("id %q", r1["id"])
	}
	if ms := int64(r1["time"].(float64)); ms < time.Now().UnixMilli() {
		t.Fatalf("time %d is not in the future", ms)
	}
	if o := r1["owner"].(map[string]any); o["nickname"] != "awk" || o["headimgurl"] != "https://example.com/a.png" {
		t.Fatalf("owner %v", o)
	}

	// The documented example, its time moved an hour ahead and its defer to half
	// an hour (so it has a firing left to subscribe to; it fires later via PATCH).
	at := time.Now().Add(time.Hour).UnixMilli()
	body := fmt.Sprintf(`{"time":%d,"desc":"我是测试提醒","title":"测试一下","defer": -30,"external_url": "https://www.baidu.com/s?wd=wecron"}`, at)
	code, r2 := wecron(t, "POST", api, a.Token, body)
	if code != 200 || int64(r2["time"].(float64)) != at || r2["defer"].(float64) != -30 || r2["title"] != "测试一下" {
		t.Fatalf("create: %d %v", code, r2)
	}
	id := r2["id"].(string)
	if code, g := wecron(t, "GET", api+id+"/", a.Token, nil); code != 200 || g["id"] != id || g["participate_qrcode"] != r2["participate_qrcode"] {
		t.Fatalf("GET: %d %v", code, g)
	}
	other, _, err := a.Service.CreateToken(context.Background(), "t2")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := wecron(t, "GET", api+id+"/", other, nil); code != 404 {
		t.Fatalf("another tenant's GET: %d", code)
	}

	// Both PNGs hold the subscribe page's URL.
	page, _ := decodeQR(t, r2["participate_qrcode"].(string))
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(a.URL) + `/s/[0-9a-f]{32}$`).MatchString(page) {
		t.Fatalf("QR code holds %q", page)
	}
	fromPoster, size := decodeQR(t, r2["post_url"].(string))
	if fromPoster != page || size.Dx() != 750 || size.Dy() != 1334 {
		t.Fatalf("poster: QR %q (want %q), size %v", fromPoster, page, size)
	}

	// The calendar file is valid iCalendar with an alarm at the defer.
	code, hdr, icsBody := get(t, page+"/calendar.ics")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/calendar") {
		t.Fatalf("ics: %d %s", code, hdr.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(icsBody))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("ics: %v\n%s", err, icsBody)
	}
	if !strings.Contains(string(icsBody), "BEGIN:VALARM") || !strings.Contains(string(icsBody), "TRIGGER:-PT30M") {
		t.Fatalf("ics without the alarm:\n%s", icsBody)
	}

	// Subscribe in a real browser.
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		t.Fatal(err)
	}
	if title, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("title"))); err != nil || title != "测试一下" {
		t.Fatalf("page title %q, %v", title, err)
	}
	if conv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('when').getAttribute('data-converted') || ''`)); err != nil || conv == "" {
		t.Fatalf("the time was not converted to the browser's zone (%q, %v)", conv, err)
	}
	const addr = "fan@example.com"
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("email"), addr), chromedp.Click(chromedp.ID("subscribe-email")),
		chromedp.WaitVisible(chromedp.ID("heading"))); err != nil {
		t.Fatal(err)
	}
	if h, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("heading"))); err != nil || !strings.Contains(h, "Check your inbox") {
		t.Fatalf("after subscribing: %q %v", h, err)
	}
	conf := smtpd.Wait(t, 10*time.Second, func(m emailtest.Message) bool { return strings.Contains(m.Text, "/subscribe/confirm/") })
	if conf.To[0] != addr || !conf.TLS || conf.Header.Get("List-Unsubscribe") == "" {
		t.Fatalf("confirmation mail: to %v tls %v headers %v", conf.To, conf.TLS, conf.Header)
	}
	if code, _, _ := get(t, linkWith(t, conf.Text, "/subscribe/confirm/")); code != 200 {
		t.Fatalf("confirm: %d", code)
	}
	_, rem := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
	recips, _ := rem["recipients"].([]any)
	if len(recips) != 1 || !strings.HasPrefix(recips[0].(string), "sub-") {
		t.Fatalf("recipients after confirming: %v", rem["recipients"])
	}
	uid := recips[0].(string)

	// Fire in two seconds.
	if code, body := do(t, "PATCH", a.URL+"/v1/reminders/"+id, a.Token, map[string]any{"time": time.Now().Add(2 * time.Second).UnixMilli(), "defer": 0}); code != 200 {
		t.Fatalf("PATCH time: %d %v", code, body)
	}
	fired := smtpd.Wait(t, 15*time.Second, func(m emailtest.Message) bool { return strings.Contains(m.Text, "Reminder: 测试一下") })
	if !strings.Contains(fired.Text, "https://www.baidu.com/s?wd=wecron") || !strings.Contains(fired.HTML, `href="https://www.baidu.com/s?wd=wecron"`) {
		t.Fatalf("reminder mail lacks external_url:\n%s\n%s", fired.Text, fired.HTML)
	}
	unsub := linkWith(t, fired.Text, "/subscribe/unsubscribe/")
	if fired.Header.Get("List-Unsubscribe") != "<"+unsub+">" || fired.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe headers: %v", fired.Header)
	}
	unsubscribeVia(t, unsub)
	_, rem = do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
	if rs, _ := rem["recipients"].([]any); len(rs) != 0 {
		t.Fatalf("recipients after unsubscribing: %v", rs)
	}
	if code, _ := do(t, "GET", a.URL+"/v1/recipients/"+uid, a.Token, nil); code != 404 {
		t.Fatalf("subscriber's recipient after unsubscribing: %d", code)
	}

	// A title of <script> shows as text.
	code, r3 := wecron(t, "POST", api, a.Token, map[string]any{"title": "<script>alert(1)</script>", "time": time.Now().Add(time.Hour).UnixMilli()})
	if code != 200 {
		t.Fatalf("create: %d %v", code, r3)
	}
	p3, _ := decodeQR(t, r3["participate_qrcode"].(string))
	if err := chromedp.Do(ctx, chromedp.Navigate(p3), chromedp.WaitVisible(chromedp.ID("title"))); err != nil {
		t.Fatal(err)
	}
	if title, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("title"))); err != nil || title != "<script>alert(1)</script>" {
		t.Fatalf("escaped title shows %q, %v", title, err)
	}

	// DELETE, then the reminder and its page are gone.
	if code, _ := wecron(t, "DELETE", api+id+"/", a.Token, nil); code != 204 {
		t.Fatalf("DELETE: %d", code)
	}
	if code, _ := wecron(t, "GET", api+id+"/", a.Token, nil); code != 404 {
		t.Fatalf("GET after DELETE: %d", code)
	}
	if code, _, _ := get(t, page); code != 404 {
		t.Fatalf("page after DELETE: %d", code)
	}
}
