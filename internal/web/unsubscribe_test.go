package web_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/email"
	"github.com/raasdev/raas/internal/channel/email/emailtest"
	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/channel/webpush/webpushtest"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/web"
)

// fetch sends method to u with a form body (when form != nil) and header
// pairs, and returns the status and the page.
func fetch(t *testing.T, method, u string, form url.Values, hdr ...string) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
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

var formRE = regexp.MustCompile(`<form method="post" action="([^"]+)">`)

// TestEmailUnsubscribeNeedsAPost subscribes an address through a real SMTP
// server: the confirmation mail carries List-Unsubscribe and
// List-Unsubscribe-Post (RFC 8058); GETting the link, as mail scanners do,
// shows a page with one button and changes nothing; a cross-origin browser
// POST is refused; the page's POST, or a mail client's one-click POST to
// the header's URL, unsubscribes.
func TestEmailUnsubscribeNeedsAPost(t *testing.T) {
	ctx := context.Background()
	smtpd := emailtest.Start(t)
	mailer, err := email.New(email.Config{Host: smtpd.Host, Port: smtpd.Port, Username: smtpd.Username, Password: smtpd.Password,
		From: "RaaS <noreply@raas.test>", TLS: email.TLSStartTLS, Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: smtpd.RootCAs}})
	if err != nil {
		t.Fatal(err)
	}
	p := newPushSite(t, "", remind.ChannelEmail)
	w := web.New(web.Config{PublicURL: "https://raas.test", Mailer: mailer}, p.st, p.st)
	mux := http.NewServeMux()
	w.Register(mux)
	p.srv.Config.Handler = mux

	for i, addr := range []string{"alice@example.com", "bob@example.com"} {
		if code, page := fetch(t, "POST", p.srv.URL+"/s/"+p.link.Token+"/email", url.Values{"email": {addr}}); code != 200 {
			t.Fatalf("subscribe %s: %d %s", addr, code, page)
		}
		m := smtpd.Wait(t, 10*time.Second, func(m emailtest.Message) bool { return len(m.To) == 1 && m.To[0] == addr })
		lu := m.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(lu, "<https://raas.test/subscribe/unsubscribe/") || !strings.HasSuffix(lu, ">") {
			t.Fatalf("List-Unsubscribe = %q", lu)
		}
		if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Fatalf("List-Unsubscribe-Post = %q", got)
		}
		if !strings.Contains(m.Text, strings.Trim(lu, "<>")) {
			t.Fatalf("the mail's text lacks its unsubscribe link %s:\n%s", lu, m.Text)
		}
		unsub, _ := url.Parse(strings.Trim(lu, "<>"))
		local := p.srv.URL + unsub.Path
		token := strings.TrimPrefix(unsub.Path, "/subscribe/unsubscribe/")
		if _, err := p.st.ConfirmSubscriber(ctx, token, time.Now()); err != nil {
			t.Fatal(err)
		}
		state := func() string {
			sb, err := p.st.SubscriberByToken(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			return sb.State
		}

		// A scanner fetches the link (twice, say): a page with one button.
		for range 2 {
			code, page := fetch(t, "GET", local, nil)
			if code != 200 || !strings.Contains(page, addr) || strings.Count(page, "<button") != 1 || formRE.FindStringSubmatch(page) == nil ||
				formRE.FindStringSubmatch(page)[1] != unsub.Path {
				t.Fatalf("GET %s: %d\n%s", local, code, page)
			}
		}
		if s := state(); s != remind.SubscriberConfirmed {
			t.Fatalf("after GETs the subscriber is %s", s)
		}
		// Another site's form is refused.
		if code, _ := fetch(t, "POST", local, url.Values{"List-Unsubscribe": {"One-Click"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); code != http.StatusForbidden {
			t.Fatalf("cross-origin POST: %d", code)
		}
		if s := state(); s != remind.SubscriberConfirmed {
			t.Fatalf("after a cross-origin POST the subscriber is %s", s)
		}
		// Alice presses the button (same origin); Bob's mail client posts
		// RFC 8058's body to the header's URL, as a server (no Origin).
		hdr := []string{"Sec-Fetch-Site", "same-origin", "Origin", p.srv.URL}
		if i == 1 {
			hdr = nil
		}
		code, page := fetch(t, "POST", local, url.Values{"List-Unsubscribe": {"One-Click"}}, hdr...)
		if code != 200 || !strings.Contains(page, "Unsubscribed") {
			t.Fatalf("POST %s: %d\n%s", local, code, page)
		}
		if s := state(); s != remind.SubscriberUnsubscribed {
			t.Fatalf("after the POST the subscriber is %s", s)
		}
		// The link still answers, saying so, without a button.
		if code, page := fetch(t, "GET", local, nil); code != 200 || !strings.Contains(page, "Unsubscribed") || strings.Contains(page, "<button") {
			t.Fatalf("GET after unsubscribing: %d\n%s", code, page)
		}
	}
	if code, _ := fetch(t, "GET", p.srv.URL+"/subscribe/unsubscribe/"+strings.Repeat("0", 32), nil); code != 404 {
		t.Fatalf("unknown token: %d", code)
	}
}

// TestWebPushPagesShowNoKeys subscribes a browser and opens the pages its
// subscriber's links lead to: none shows the subscription's keys.
func TestWebPushPagesShowNoKeys(t *testing.T) {
	ctx := context.Background()
	keys, _ := webpush.GenerateVAPIDKeys()
	p := newPushSite(t, keys.Public, remind.ChannelWebPush)
	b := webpushtest.Start(t, nil).NewBrowser(t)
	sub := b.Subscription()
	k := sub["keys"].(map[string]string)
	parsed, err := webpush.ParseSubscription([]byte(`{"endpoint":"https://push.example/send/abc","keys":{"p256dh":"`+k["p256dh"]+`","auth":"`+k["auth"]+`"}}`), false)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sb, err := p.st.PutSubscriber(ctx, remind.Subscriber{ID: remind.SubscriberID(p.rem.ID, remind.ChannelWebPush, parsed.Endpoint), TenantID: p.tn.ID,
		ReminderID: p.rem.ID, Channel: remind.ChannelWebPush, Address: parsed.JSON(), State: remind.SubscriberPending, Token: remind.NewToken(16), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	secret := []string{k["p256dh"], k["auth"], "p256dh", `"auth"`}
	for _, step := range []struct{ method, path string }{
		{"GET", "/subscribe/confirm/" + sb.Token},
		{"GET", "/subscribe/unsubscribe/" + sb.Token},
		{"POST", "/subscribe/unsubscribe/" + sb.Token},
		{"GET", "/subscribe/unsubscribe/" + sb.Token},
	} {
		var form url.Values
		if step.method == "POST" {
			form = url.Values{"List-Unsubscribe": {"One-Click"}}
		}
		code, page := fetch(t, step.method, p.srv.URL+step.path, form)
		if code != 200 || !strings.Contains(page, "push.example") {
			t.Fatalf("%s %s: %d\n%s", step.method, step.path, code, page)
		}
		for _, s := range secret {
			if strings.Contains(page, s) {
				t.Errorf("%s %s shows %q:\n%s", step.method, step.path, s, page)
			}
		}
	}
}
