package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/remind"
)

func fetchPage(t *testing.T, url string, hdr ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSubscribePageSaysWhoWhenAndWhatNext: the page names who invites,
// says the schedule in words in the viewer's language, and what happens
// after subscribing.
func TestSubscribePageSaysWhoWhenAndWhatNext(t *testing.T) {
	keys, _ := webpush.GenerateVAPIDKeys()
	p := newPushSite(t, keys.Public)
	ctx := context.Background()
	p.tn.DisplayName, p.tn.AvatarURL = "读书会 Book club", "https://img.example/a.png"
	if err := p.st.UpdateTenant(ctx, p.tn); err != nil {
		t.Fatal(err)
	}
	page := p.srv.URL + "/s/" + p.link.Token
	code, body := fetchPage(t, page, "Accept-Language", "zh-CN,zh;q=0.9")
	if code != 200 {
		t.Fatalf("page: %d", code)
	}
	for _, want := range []string{"读书会 Book club</strong> 邀请你订阅", `src="https://img.example/a.png"`, `id="schedule">` + time.Now().Add(time.Hour).In(mustLoc(t, remind.DefaultTZ)).Format("2006年1月2日"),
		"订阅后，每次提醒时间一到", `data-zone="Asia/Shanghai"`} {
		if !strings.Contains(body, want) {
			t.Errorf("zh page lacks %q", want)
		}
	}
	_, body = fetchPage(t, page, "Accept-Language", "en-GB,en")
	for _, want := range []string{"invites you to subscribe to", "Once subscribed, you get a message each time it fires"} {
		if !strings.Contains(body, want) {
			t.Errorf("en page lacks %q", want)
		}
	}
	// The test server is plain http on loopback, a secure context: push is offered.
	if strings.Contains(body, `data-blocked`) {
		t.Error("push blocked on loopback")
	}
	// Inside WeChat the push option says why not instead of vanishing.
	_, body = fetchPage(t, page, "User-Agent", "Mozilla/5.0 (iPhone) MicroMessenger/8.0.49")
	if !strings.Contains(body, `data-blocked="1"`) || !strings.Contains(body, "在浏览器打开") || !strings.Contains(body, `id="webpush-subscribe" disabled`) {
		t.Error("inside WeChat the push option does not say why it cannot work")
	}
	// Over plain http on a real host name, likewise.
	req, _ := http.NewRequest("GET", page, nil)
	req.Host = "raas.lan:8080"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Notifications need an https address") {
		t.Error("over http the push option does not say why it cannot work")
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestCancelledAndOverReminders: a cancelled reminder's page answers 410
// saying so, its QR code and calendar are gone; a reminder with nothing
// left to fire says it is over and takes no subscriptions.
func TestCancelledAndOverReminders(t *testing.T) {
	keys, _ := webpush.GenerateVAPIDKeys()
	p := newPushSite(t, keys.Public)
	ctx := context.Background()
	base := p.srv.URL + "/s/" + p.link.Token

	// Over: fire it (done, no next firing).
	now := time.Now()
	if _, err := p.st.ModifyReminder(ctx, p.tn.ID, p.rem.ID, now, "", func(r *remind.Reminder) error {
		r.Status, r.NextFireAt, r.FiredCount = remind.StatusDone, nil, 1
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	code, body := fetchPage(t, base)
	if code != 200 || !strings.Contains(body, `id="over"`) || strings.Contains(body, `id="webpush-subscribe"`) || strings.Contains(body, `id="webcal"`) {
		t.Fatalf("over page: %d\n%s", code, body)
	}
	if code, out := p.post(t, "/s/"+p.link.Token+"/webpush", `{}`); code != http.StatusConflict {
		t.Fatalf("push subscription to an over reminder: %d %v", code, out)
	}

	// Cancelled: 410 everywhere.
	if _, err := p.st.CancelReminder(ctx, p.tn.ID, p.rem.ID, now); err != nil {
		t.Fatal(err)
	}
	code, body = fetchPage(t, base)
	if code != http.StatusGone || !strings.Contains(body, "cancelled this reminder") || !strings.Contains(body, "「开会」") {
		t.Fatalf("cancelled page: %d\n%s", code, body)
	}
	if code, _ := fetchPage(t, base+"/qr.png"); code != http.StatusGone {
		t.Errorf("QR code of a cancelled reminder: %d", code)
	}
	// Its calendar feed stays, saying it is cancelled, so subscribed
	// calendars strike the event.
	if code, body := fetchPage(t, base+"/calendar.ics"); code != 200 || !strings.Contains(body, "STATUS:CANCELLED") {
		t.Errorf("calendar of a cancelled reminder: %d\n%s", code, body)
	}
}

// TestPosterRoute: /s/{token}/poster.png serves the phone and the A5 print
// poster; bad options are 400, and a cancelled reminder's poster is gone.
func TestPosterRoute(t *testing.T) {
	p := newPushSite(t, "")
	base := p.srv.URL + "/s/" + p.link.Token + "/poster.png"
	queries := []string{"", "?size=a5", "?size=a5&lang=en", "?lang=zh"}
	if raceEnabled {
		queries = []string{"", "?lang=en"}
	}
	for _, q := range queries {
		resp, err := http.Get(base + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Errorf("poster%s: %d %s", q, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	for _, q := range []string{"?size=a0", "?lang=fr"} {
		if code, _ := fetchPage(t, base+q); code != http.StatusBadRequest {
			t.Errorf("poster%s: %d", q, code)
		}
	}
	if _, err := p.st.CancelReminder(context.Background(), p.tn.ID, p.rem.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if code, _ := fetchPage(t, base); code != http.StatusGone {
		t.Errorf("cancelled reminder's poster: %d", code)
	}
}

// TestSubscribePageWithoutChannels: with no e-mail, WeChat or push set up,
// the page promises no messages and points to the calendar.
func TestSubscribePageWithoutChannels(t *testing.T) {
	p := newPushSite(t, "")
	code, body := fetchPage(t, p.srv.URL+"/s/"+p.link.Token)
	if code != 200 || !strings.Contains(body, `id="calendar-only"`) || strings.Contains(body, `id="after"`) || !strings.Contains(body, `id="webcal" href="webcal://127.0.0.1:`) && !strings.Contains(body, `id="webcal" href="webcal://raas.test/s/`) {
		t.Fatalf("%d\n%s", code, body)
	}
}
