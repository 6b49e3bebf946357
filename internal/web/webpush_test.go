package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/channel/webpush/webpushtest"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/web"
)

type pushSite struct {
	st   *sqlite.Store
	srv  *httptest.Server
	tn   remind.Tenant
	rem  remind.Reminder
	link remind.SubscribeLink
}

func newPushSite(t *testing.T, vapidPublic string, channels ...string) *pushSite {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Now()
	p := &pushSite{st: st, tn: remind.Tenant{ID: remind.NewID(now), Name: "t", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}}
	if err := st.CreateTenant(ctx, p.tn); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour)
	p.rem = remind.Reminder{ID: remind.NewID(now), TenantID: p.tn.ID, Title: "开会", Time: &at, TZ: p.tn.TZ, Start: at,
		Channels: channels, Status: remind.StatusActive, NextFireAt: &at, Source: "wecron", CreatedAt: now, UpdatedAt: now}
	if _, _, err := st.CreateReminder(ctx, p.rem, nil); err != nil {
		t.Fatal(err)
	}
	w := web.New(web.Config{PublicURL: "https://raas.test", VAPIDPublicKey: vapidPublic}, st, st)
	mux := http.NewServeMux()
	w.Register(mux)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	var err error
	if p.link, err = w.Link(ctx, p.tn.ID, p.rem.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *pushSite) post(t *testing.T, path, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(p.srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("POST %s: %d, answer not JSON: %v", path, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func errField(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

func TestWebPushSubscribeAndUnsubscribe(t *testing.T) {
	keys, _ := webpush.GenerateVAPIDKeys()
	p := newPushSite(t, keys.Public, remind.ChannelEmail, remind.ChannelWebPush)
	ctx := context.Background()
	path := "/s/" + p.link.Token + "/webpush"

	// The page offers the button, with the key and where to post.
	resp, err := http.Get(p.srv.URL + "/s/" + p.link.Token)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`id="webpush-subscribe"`, `data-key="` + keys.Public + `"`, `data-action="` + path + `"`, `/s-assets/webpush.js`} {
		if !strings.Contains(string(page), want) {
			t.Fatalf("page lacks %s", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}

	// Bad subscriptions: 400 naming the field.
	svc := webpushtest.Start(t, nil)
	b := svc.NewBrowser(t)
	sub := b.Subscription()
	keysOf := sub["keys"].(map[string]string)
	bad := func(mut func(m map[string]any)) string {
		m := map[string]any{"endpoint": "https://push.example/x", "keys": map[string]string{"p256dh": keysOf["p256dh"], "auth": keysOf["auth"]}}
		mut(m)
		j, _ := json.Marshal(m)
		return string(j)
	}
	for _, tc := range []struct{ body, field string }{
		{`not json`, "subscription"},
		{bad(func(m map[string]any) { m["endpoint"] = b.Endpoint }), "endpoint"}, // http: private targets are not allowed here
		{bad(func(m map[string]any) { m["endpoint"] = "ftp://push.example/x" }), "endpoint"},
		// non-public endpoints, in every spelling (docs/operations.md: refused)
		{bad(func(m map[string]any) { m["endpoint"] = "https://127.0.0.1/x" }), "endpoint"},
		{bad(func(m map[string]any) { m["endpoint"] = "https://[::1]/x" }), "endpoint"},
		{bad(func(m map[string]any) { m["endpoint"] = "https://10.0.0.1/x" }), "endpoint"},
		{bad(func(m map[string]any) { m["endpoint"] = "https://169.254.169.254/x" }), "endpoint"},
		{bad(func(m map[string]any) { m["endpoint"] = "https://LOCALHOST./x" }), "endpoint"},
		{bad(func(m map[string]any) { m["endpoint"] = "https://0x7f000001/x" }), "endpoint"},
		{bad(func(m map[string]any) { m["endpoint"] = "https://[2002:7f00:1::]/x" }), "endpoint"},
		{bad(func(m map[string]any) { m["keys"] = map[string]string{"p256dh": "AAAA", "auth": keysOf["auth"]} }), "keys.p256dh"},
		{bad(func(m map[string]any) { m["keys"] = map[string]string{"p256dh": keysOf["p256dh"]} }), "keys.auth"},
	} {
		code, body := p.post(t, path, tc.body)
		if code != http.StatusBadRequest || errField(body) != tc.field {
			t.Fatalf("POST %s: %d %v, want 400 naming %s", tc.body, code, body, tc.field)
		}
	}
	if _, err := p.st.GetSubscriber(ctx, p.tn.ID, remind.SubscriberID(p.rem.ID, remind.ChannelWebPush, "https://127.0.0.1/x")); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("a refused subscription was stored: %v", err)
	}

	// A good one: the subscriber is confirmed at once and is a recipient.
	good := bad(func(map[string]any) {})
	code, body := p.post(t, path, good)
	if code != http.StatusOK || body["subscribed"] != true || !strings.HasPrefix(body["unsubscribe_url"].(string), "https://raas.test/subscribe/unsubscribe/") {
		t.Fatalf("subscribe: %d %v", code, body)
	}
	id := remind.SubscriberID(p.rem.ID, remind.ChannelWebPush, "https://push.example/x")
	sb, err := p.st.GetSubscriber(ctx, p.tn.ID, id)
	if err != nil || sb.State != remind.SubscriberConfirmed || sb.Channel != remind.ChannelWebPush {
		t.Fatalf("subscriber %+v, %v", sb, err)
	}
	if s, err := webpush.ParseSubscription([]byte(sb.Address), false); err != nil || s.Endpoint != "https://push.example/x" {
		t.Fatalf("stored address %q: %v", sb.Address, err)
	}
	if rc, err := p.st.GetRecipient(ctx, p.tn.ID, id); err != nil || !rc.WebPush {
		t.Fatalf("recipient %+v, %v", rc, err)
	}
	// Again: the same subscriber, still one recipient.
	if code, _ := p.post(t, path, good); code != http.StatusOK {
		t.Fatalf("subscribe again: %d", code)
	}
	if r, _ := p.st.GetReminder(ctx, p.tn.ID, p.rem.ID); !slices.Equal(r.Recipients, []string{id}) {
		t.Fatalf("recipients %v", r.Recipients)
	}

	// Unsubscribe by endpoint.
	if code, body := p.post(t, path+"/unsubscribe", `{"endpoint":"https://push.example/other"}`); code != http.StatusNotFound {
		t.Fatalf("unsubscribe unknown endpoint: %d %v", code, body)
	}
	if code, body := p.post(t, path+"/unsubscribe", `{}`); code != http.StatusBadRequest || errField(body) != "endpoint" {
		t.Fatalf("unsubscribe without endpoint: %d %v", code, body)
	}
	if code, body := p.post(t, path+"/unsubscribe", `{"endpoint":"https://push.example/x"}`); code != http.StatusOK || body["unsubscribed"] != true {
		t.Fatalf("unsubscribe: %d %v", code, body)
	}
	if sb, _ := p.st.GetSubscriber(ctx, p.tn.ID, id); sb.State != remind.SubscriberUnsubscribed {
		t.Fatalf("after unsubscribe: %s", sb.State)
	}
	if r, _ := p.st.GetReminder(ctx, p.tn.ID, p.rem.ID); len(r.Recipients) != 0 {
		t.Fatalf("recipients after unsubscribe %v", r.Recipients)
	}

	// Unknown link: 404.
	if code, _ := p.post(t, "/s/"+strings.Repeat("0", 32)+"/webpush", good); code != http.StatusNotFound {
		t.Fatalf("unknown link: %d", code)
	}

	// The service worker is served at the root as JavaScript; the key too.
	resp, err = http.Get(p.srv.URL + "/sw.js")
	if err != nil {
		t.Fatal(err)
	}
	sw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(string(sw), "notificationclick") {
		t.Fatalf("/sw.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, err = http.Get(p.srv.URL + "/webpush/key")
	if err != nil {
		t.Fatal(err)
	}
	var k map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&k)
	resp.Body.Close()
	if k["public_key"] != keys.Public {
		t.Fatalf("/webpush/key: %v", k)
	}
}

func TestWebPushOff(t *testing.T) {
	keys, _ := webpush.GenerateVAPIDKeys()
	sub := `{"endpoint":"https://push.example/x","keys":{"p256dh":"` + keys.Public + `","auth":"AAAAAAAAAAAAAAAAAAAAAA"}}`

	// No VAPID keys: no button, 404 to posts and to the key.
	off := newPushSite(t, "")
	if code, _ := off.post(t, "/s/"+off.link.Token+"/webpush", sub); code != http.StatusNotFound {
		t.Fatalf("subscribe with web push off: %d", code)
	}
	resp, err := http.Get(off.srv.URL + "/s/" + off.link.Token)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(page), "webpush") {
		t.Fatal("the page offers web push while it is off")
	}

	// A reminder whose channels leave web push out: 409, no button.
	notHere := newPushSite(t, keys.Public, remind.ChannelEmail, remind.ChannelWeChat)
	if code, body := notHere.post(t, "/s/"+notHere.link.Token+"/webpush", sub); code != http.StatusConflict {
		t.Fatalf("subscribe to a reminder without web push: %d %v", code, body)
	}
	resp, err = http.Get(notHere.srv.URL + "/s/" + notHere.link.Token)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(page), "webpush-subscribe") {
		t.Fatal("the page offers web push for a reminder not sent that way")
	}
}
