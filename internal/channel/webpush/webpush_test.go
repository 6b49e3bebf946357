package webpush_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind/remindtest"

	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/channel/webpush/webpushtest"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

// fixture is a SQLite store holding one reminder with one confirmed web
// push subscriber whose browser is on a local push service.
type fixture struct {
	st      *sqlite.Store
	sb      remind.Subscriber
	d       remind.Delivery
	push    *webpushtest.Service
	browser *webpushtest.Browser
	sender  *webpush.Sender
}

func setup(t *testing.T, title, desc string, respond func(n int) int) *fixture {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Now().Truncate(time.Millisecond)
	tn := remind.Tenant{ID: remind.NewID(now), Name: "t", DisplayName: "t", TZ: "Asia/Shanghai", DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour)
	r, _, err := st.CreateReminder(ctx, remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: title, Desc: desc, Time: &at, TZ: tn.TZ, Start: at,
		Channels: []string{remind.ChannelWebPush}, Status: remind.StatusActive, NextFireAt: &at, Source: "wecron", Meta: map[string]string{}, CreatedAt: now, UpdatedAt: now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, push: webpushtest.Start(t, respond)}
	f.browser = f.push.NewBrowser(t)
	sub, err := webpush.ParseSubscription([]byte(f.browser.SubscriptionJSON()), true)
	if err != nil {
		t.Fatal(err)
	}
	f.sb, err = st.PutSubscriber(ctx, remind.Subscriber{ID: remind.SubscriberID(r.ID, remind.ChannelWebPush, sub.Endpoint), TenantID: tn.ID, ReminderID: r.ID,
		Channel: remind.ChannelWebPush, Address: sub.JSON(), State: remind.SubscriberPending, Token: remind.NewToken(16), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if f.sb, err = st.ConfirmSubscriber(ctx, f.sb.Token, now); err != nil {
		t.Fatal(err)
	}
	r, err = st.GetReminder(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := st.GetRecipient(ctx, tn.ID, f.sb.ID)
	if err != nil {
		t.Fatal(err)
	}
	ds := remindtest.NotInbox(remind.Plan(r, at, map[string]remind.Recipient{rc.UID: rc}, nil, at, remind.FirePolicy{Links: remindtest.Links}))
	if len(ds) != 1 || ds[0].Channel != remind.ChannelWebPush || ds[0].Target != f.sb.ID {
		t.Fatalf("planned %+v, want one webpush delivery to the subscriber", ds)
	}
	f.d = ds[0]
	keys, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	f.push.VAPIDPublic = keys.Public
	f.sender = webpush.NewSender(webpush.Config{Keys: keys, Subject: "mailto:ops@raas.test"}, netguard.Client(5*time.Second, true), st, nil, time.Now)
	return f
}

func TestSendEncryptsAndSigns(t *testing.T) {
	f := setup(t, "交电费", "记得交电费", nil)
	code, err := f.sender.Send(context.Background(), f.d)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("Send = %d, %v", code, err)
	}
	p := f.push.Wait(t, 1, 5*time.Second)
	if p.Err != nil {
		t.Fatalf("the push service refused the message: %v", p.Err)
	}
	if p.Header.Get("TTL") != "86400" || p.Header.Get("Topic") != f.d.ID || p.Header.Get("Urgency") != "high" {
		t.Fatalf("headers TTL %q Topic %q Urgency %q", p.Header.Get("TTL"), p.Header.Get("Topic"), p.Header.Get("Urgency"))
	}
	var m webpush.Message
	if err := json.Unmarshal(p.Plain, &m); err != nil {
		t.Fatalf("decrypted %q: %v", p.Plain, err)
	}
	if m.Title != "交电费" || m.DeliveryID != f.d.ID || m.ReminderID != f.d.ReminderID || !strings.Contains(m.Body, "记得交电费") {
		t.Fatalf("message %+v", m)
	}
	// The recipient's buttons: confirm and snooze, each opening its link;
	// a click on the notification opens their page (no link of its own).
	ev, _ := remind.DecodeEvent(f.d.Payload)
	if ev.Data.Links == nil || len(m.Actions) != 2 || m.Actions[0].Action != "confirm" || m.Actions[0].URL != ev.Data.Links.Confirm ||
		m.Actions[1].Action != "snooze_10m" || m.Actions[1].URL != ev.Data.Links.Snooze10m || m.URL != ev.Data.Links.Page {
		t.Fatalf("actions %+v, url %q, links %+v", m.Actions, m.URL, ev.Data.Links)
	}
	// A retry is the same delivery: same id, so the browser's tag replaces it.
	if _, err := f.sender.Send(context.Background(), f.d); err != nil {
		t.Fatal(err)
	}
	var again webpush.Message
	if err := json.Unmarshal(f.push.Wait(t, 2, 5*time.Second).Plain, &again); err != nil || again.DeliveryID != m.DeliveryID {
		t.Fatalf("retry carries delivery id %q (%v), want %q", again.DeliveryID, err, m.DeliveryID)
	}
}

func TestSendFitsLongText(t *testing.T) {
	f := setup(t, strings.Repeat("长", 300), strings.Repeat("很长的描述", 2000), nil)
	if _, err := f.sender.Send(context.Background(), f.d); err != nil {
		t.Fatal(err)
	}
	p := f.push.Wait(t, 1, 5*time.Second)
	var m webpush.Message
	if p.Err != nil || json.Unmarshal(p.Plain, &m) != nil || m.DeliveryID != f.d.ID || !strings.HasSuffix(m.Title, "…") {
		t.Fatalf("long message: %v %+v", p.Err, m)
	}
}

func TestSendGoneUnsubscribes(t *testing.T) {
	for _, status := range []int{http.StatusGone, http.StatusNotFound} {
		f := setup(t, "x", "", func(int) int { return status })
		code, err := f.sender.Send(context.Background(), f.d)
		if code != status || !deliver.IsPermanent(err) || !deliver.IsGone(err) {
			t.Fatalf("%d: Send = %d, %v; want a permanent (gone) failure", status, code, err)
		}
		sb, err := f.st.GetSubscriber(context.Background(), f.sb.TenantID, f.sb.ID)
		if err != nil || sb.State != remind.SubscriberUnsubscribed {
			t.Fatalf("%d: subscriber after the push service's answer: %+v, %v", status, sb, err)
		}
		if _, err := f.st.GetRecipient(context.Background(), f.sb.TenantID, f.sb.ID); !errors.Is(err, remind.ErrNotFound) {
			t.Fatalf("%d: the subscriber is still a recipient: %v", status, err)
		}
		// The next attempt fails for good without calling the push service.
		if _, err := f.sender.Send(context.Background(), f.d); !deliver.IsPermanent(err) || len(f.push.Pushes()) != 1 {
			t.Fatalf("%d: send after unsubscribing: %v, %d pushes", status, err, len(f.push.Pushes()))
		}
	}
}

func TestSendRetriesOverloadAndFailsOnOtherErrors(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{
		{http.StatusInternalServerError, false}, {http.StatusServiceUnavailable, false}, {http.StatusTooManyRequests, false},
		{http.StatusBadRequest, true}, {http.StatusForbidden, true}, {http.StatusRequestEntityTooLarge, true},
	} {
		f := setup(t, "x", "", func(int) int { return tc.status })
		code, err := f.sender.Send(context.Background(), f.d)
		if code != tc.status || err == nil || deliver.IsPermanent(err) != tc.permanent {
			t.Fatalf("%d: Send = %d, %v; want permanent=%v", tc.status, code, err, tc.permanent)
		}
		if sb, _ := f.st.GetSubscriber(context.Background(), f.sb.TenantID, f.sb.ID); sb.State != remind.SubscriberConfirmed {
			t.Fatalf("%d: subscriber became %s", tc.status, sb.State)
		}
	}
}

func TestSendRefusesPrivateAddressesThroughNetguard(t *testing.T) {
	f := setup(t, "x", "", nil)
	keys, _ := webpush.GenerateVAPIDKeys()
	guarded := webpush.NewSender(webpush.Config{Keys: keys, Subject: "https://raas.test"}, netguard.Client(5*time.Second, false), f.st, nil, time.Now)
	// Refused for good: the address will not become public on a retry, so
	// the delivery is not retried for RetryFor (24 h).
	if _, err := guarded.Send(context.Background(), f.d); !errors.Is(err, netguard.ErrForbidden) || !deliver.IsPermanent(err) {
		t.Fatalf("push to loopback with the guard on: %v, want a permanent netguard.ErrForbidden", err)
	}
	if n := len(f.push.Pushes()); n != 0 {
		t.Fatalf("%d pushes reached the service", n)
	}
}

func TestSendToNonSubscriberIsPermanent(t *testing.T) {
	f := setup(t, "x", "", nil)
	d := f.d
	d.Target = "sub-nobody"
	if _, err := f.sender.Send(context.Background(), d); !deliver.IsPermanent(err) {
		t.Fatalf("unknown subscriber: %v", err)
	}
	if n := len(f.push.Pushes()); n != 0 {
		t.Fatalf("%d pushes", n)
	}
}

func TestParseSubscription(t *testing.T) {
	good := webpushtest.Start(t, nil).NewBrowser(t).Subscription()
	keys := good["keys"].(map[string]string)
	local := strings.Replace(good["endpoint"].(string), "http://", "https://", 1)
	endpoint := "https://push.example.net/wpush/v2/abc"
	mk := func(ep, p256dh, auth string) string {
		b, _ := json.Marshal(map[string]any{"endpoint": ep, "keys": map[string]string{"p256dh": p256dh, "auth": auth}})
		return string(b)
	}
	offCurve := "BA" + strings.Repeat("A", 85) // 65 bytes starting 0x04, not a point
	for _, tc := range []struct {
		name, in, field string
	}{
		{"not JSON", `{"endpoint":`, "subscription"},
		{"array", `[1]`, "subscription"},
		{"no endpoint", mk("", keys["p256dh"], keys["auth"]), "endpoint"},
		{"relative endpoint", mk("/push/1", keys["p256dh"], keys["auth"]), "endpoint"},
		{"http endpoint", mk(good["endpoint"].(string), keys["p256dh"], keys["auth"]), "endpoint"},
		{"javascript endpoint", mk("javascript:alert(1)", keys["p256dh"], keys["auth"]), "endpoint"},
		{"user info", mk("https://u:p@push.example/x", keys["p256dh"], keys["auth"]), "endpoint"},
		{"local https endpoint", mk(local, keys["p256dh"], keys["auth"]), "endpoint"},
		{"no p256dh", mk(endpoint, "", keys["auth"]), "keys.p256dh"},
		{"p256dh not base64url", mk(endpoint, "!!!", keys["auth"]), "keys.p256dh"},
		{"p256dh compressed", mk(endpoint, "Aw"+keys["p256dh"][2:44], keys["auth"]), "keys.p256dh"},
		{"p256dh off the curve", mk(endpoint, offCurve, keys["auth"]), "keys.p256dh"},
		{"no auth", mk(endpoint, keys["p256dh"], ""), "keys.auth"},
		{"auth of 8 bytes", mk(endpoint, keys["p256dh"], "AAAAAAAAAAA"), "keys.auth"},
		{"auth not base64url", mk(endpoint, keys["p256dh"], "a+b/c+d/e+f/g+h/i+j/kw"), "keys.auth"},
		{"too large", mk(endpoint+"?"+strings.Repeat("x", 5000), keys["p256dh"], keys["auth"]), "subscription"},
	} {
		_, err := webpush.ParseSubscription([]byte(tc.in), false)
		var de *remind.Error
		if !errors.As(err, &de) || de.Code != remind.CodeInvalid || de.Field != tc.field {
			t.Errorf("%s: err = %v, want invalid %s", tc.name, err, tc.field)
		}
	}
	// Good ones: as the browser sends it, with padding, and http when allowed.
	padded := mk(endpoint, keys["p256dh"]+"=", keys["auth"]+"==")
	for _, in := range []string{mk(endpoint, keys["p256dh"], keys["auth"]), padded} {
		s, err := webpush.ParseSubscription([]byte(in), false)
		if err != nil || s.Endpoint != endpoint || s.Keys.P256dh != keys["p256dh"] || s.Keys.Auth != keys["auth"] {
			t.Fatalf("%s: %+v, %v", in, s, err)
		}
		if back, err := webpush.ParseSubscription([]byte(s.JSON()), false); err != nil || back != s {
			t.Fatalf("JSON round trip: %+v, %v", back, err)
		}
	}
	for _, ep := range []string{good["endpoint"].(string), local} {
		if _, err := webpush.ParseSubscription([]byte(mk(ep, keys["p256dh"], keys["auth"])), true); err != nil {
			t.Fatalf("%s with allowPrivate: %v", ep, err)
		}
	}
}

// TestParseSubscriptionRefusesPrivateEndpoints: every spelling of a
// non-public push endpoint is refused at subscribe time, naming the
// endpoint and why, unless private targets are allowed.
func TestParseSubscriptionRefusesPrivateEndpoints(t *testing.T) {
	keys := webpushtest.Start(t, nil).NewBrowser(t).Subscription()["keys"].(map[string]string)
	for _, tc := range []struct{ endpoint, why string }{
		{"https://127.0.0.1/push", "loopback"},
		{"https://127.0.0.1:8443/push", "loopback"},
		{"https://[::1]/push", "loopback"},
		{"https://10.0.0.1/push", "private"},
		{"https://192.168.0.10/push", "private"},
		{"https://169.254.169.254/latest/meta-data", "link-local"},
		{"https://[fd00::1]/push", "unique-local"},
		{"https://[::ffff:10.0.0.1]/push", "IPv4-mapped"},
		{"https://[2002:a00:1::]/push", "6to4"},
		{"https://[64:ff9b::a9fe:a9fe]/push", "NAT64"},
		{"https://localhost/push", "loopback name"},
		{"https://LOCALHOST./push", "loopback name"},
		{"https://push.localhost/push", "loopback name"},
		{"https://127.1/push", "127.0.0.1"},
		{"https://0x7f000001/push", "127.0.0.1"},
		{"https://2130706433/push", "127.0.0.1"},
		{"https://pushservice/push", "single-label"},
		{"http://push.example.net/push", "https"},
	} {
		b, _ := json.Marshal(map[string]any{"endpoint": tc.endpoint, "keys": keys})
		_, err := webpush.ParseSubscription(b, false)
		var de *remind.Error
		if !errors.As(err, &de) || de.Code != remind.CodeInvalid || de.Field != "endpoint" || !strings.Contains(de.Message, tc.why) {
			t.Errorf("%s: err = %v, want invalid endpoint saying %q", tc.endpoint, err, tc.why)
		}
		if oddForm := strings.Contains(tc.endpoint, "0x") || strings.Contains(tc.endpoint, "127.1/") || strings.Contains(tc.endpoint, "2130706433"); strings.HasPrefix(tc.endpoint, "https://") && !oddForm {
			if _, err := webpush.ParseSubscription(b, true); err != nil {
				t.Errorf("%s with allowPrivate: %v", tc.endpoint, err)
			}
		}
	}
}

// TestSendDoesNotFollowRedirects: a push service answering 3xx fails the
// delivery for good, naming the redirect, and is called once (see
// netguard's TestClientFollowsNoRedirects for a redirect's target).
func TestSendDoesNotFollowRedirects(t *testing.T) {
	f := setup(t, "x", "", func(int) int { return http.StatusTemporaryRedirect })
	code, err := f.sender.Send(context.Background(), f.d)
	if code != http.StatusTemporaryRedirect || !deliver.IsPermanent(err) || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("Send = %d, %v; want a permanent failure naming the redirect", code, err)
	}
	if n := len(f.push.Pushes()); n != 1 {
		t.Fatalf("%d requests reached the push service, want 1", n)
	}
}

func TestVAPIDKeysPersist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vapid.json")
	k, created, err := webpush.LoadOrCreateVAPIDKeys(path)
	if err != nil || !created || k.Check() != nil {
		t.Fatalf("first load: %+v %v %v", k, created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", fi.Mode(), err)
	}
	again, created, err := webpush.LoadOrCreateVAPIDKeys(path)
	if err != nil || created || again != k {
		t.Fatalf("second load: %+v %v %v; want the same keys", again, created, err)
	}
	other, _ := webpush.GenerateVAPIDKeys()
	if err := (webpush.VAPIDKeys{Public: other.Public, Private: k.Private}).Check(); err == nil {
		t.Fatal("a mismatched pair passed Check")
	}
	if err := os.WriteFile(path, []byte(`{"public_key":"x","private_key":"y"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := webpush.LoadOrCreateVAPIDKeys(path); err == nil {
		t.Fatal("a broken key file was accepted")
	}
}

// The test push service is no rubber stamp: it refuses a message signed
// with another key than the one the browser subscribed with, and its
// decryptor refuses a body changed by one bit or meant for another browser.
func TestPushServiceChecks(t *testing.T) {
	f := setup(t, "x", "", nil)
	if _, err := f.sender.Send(context.Background(), f.d); err != nil {
		t.Fatal(err)
	}
	p := f.push.Wait(t, 1, 5*time.Second)
	body := append([]byte(nil), p.Body...)
	body[len(body)-1] ^= 1
	if _, err := webpushtest.Decrypt(body, f.browser.Key, f.browser.Auth); err == nil {
		t.Fatal("a tampered body decrypted")
	}
	other := f.push.NewBrowser(t)
	if _, err := webpushtest.Decrypt(p.Body, other.Key, other.Auth); err == nil {
		t.Fatal("another browser's keys decrypted the body")
	}
	keys, _ := webpush.GenerateVAPIDKeys()
	wrong := webpush.NewSender(webpush.Config{Keys: keys, Subject: "mailto:ops@raas.test"}, netguard.Client(5*time.Second, true), f.st, nil, time.Now)
	code, err := wrong.Send(context.Background(), f.d)
	if code != http.StatusUnauthorized || !deliver.IsPermanent(err) {
		t.Fatalf("send with another VAPID key: %d, %v", code, err)
	}
	if p := f.push.Wait(t, 2, 5*time.Second); p.Err == nil {
		t.Fatal("the push service accepted another VAPID key")
	}
	if err := webpushtest.VerifyJWT("a.b.c", keys.Public, f.push.URL, time.Now()); err == nil {
		t.Fatal("a malformed JWT verified")
	}
}
