package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/client"
	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/webhook"
)

// server is the real service on a temp SQLite file, for tests and examples.
type server struct {
	URL, Token string
	stop       func()
}

func startServer(dir string) (*server, error) {
	cfg := app.Defaults()
	cfg.DataDir = dir
	cfg.AllowPrivateTargets = true
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if err := a.Start(ctx, ln); err != nil {
		return nil, err
	}
	token, _, err := a.Service.CreateToken(ctx, "example")
	if err != nil {
		return nil, err
	}
	return &server{URL: "http://" + a.Addr(), Token: token, stop: func() { _ = a.Stop(context.Background()) }}, nil
}

func TestVerifyWebhookAgainstSign(t *testing.T) {
	secret := webhook.NewSecret()
	body := []byte(`{"type":"reminder.fired","data":{"id":"r1"}}`)
	now := time.Unix(1_800_000_000, 0)
	sig, err := webhook.Sign(secret, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	h.Set("webhook-timestamp", "1800000000")
	h.Set("webhook-signature", "v1,bm9wZQ== "+sig) // a rotated-out signature first
	if err := client.VerifyWebhook(secret, h, body, now.Add(time.Minute)); err != nil {
		t.Fatalf("valid webhook refused: %v", err)
	}
	if err := client.VerifyWebhook(secret, h, append(body, ' '), now); !errors.Is(err, client.ErrWebhookSignature) {
		t.Fatalf("tampered body: %v", err)
	}
	if err := client.VerifyWebhook(webhook.NewSecret(), h, body, now); !errors.Is(err, client.ErrWebhookSignature) {
		t.Fatalf("other secret: %v", err)
	}
	if err := client.VerifyWebhook(secret, h, body, now.Add(10*time.Minute)); !errors.Is(err, client.ErrWebhookTimestamp) {
		t.Fatalf("stale: %v", err)
	}
	h.Del("webhook-id")
	if err := client.VerifyWebhook(secret, h, body, now); !errors.Is(err, client.ErrWebhookHeaders) {
		t.Fatalf("no id: %v", err)
	}
}

func TestCreateRetriesWithOneKey(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		n := len(keys)
		mu.Unlock()
		switch n {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"slow down"}}`))
		case 3: // the server crashes mid-answer: a network error
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
		default:
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":"r1","title":"x","status":"active"}`))
		}
	}))
	defer srv.Close()
	c := client.New(srv.URL, "tok", client.WithBackoff(time.Millisecond), client.WithRetries(4))
	start := time.Now()
	r, err := c.CreateReminder(context.Background(), client.ReminderInput{Title: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("Retry-After: 1 not honoured (took %s)", took)
	}
	if r.ID != "r1" || !r.Replayed {
		t.Errorf("answer %+v", r)
	}
	if len(keys) != 4 || keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] || keys[2] != keys[3] {
		t.Fatalf("Idempotency-Keys across retries: %q", keys)
	}
	// A second call gets a new key.
	if _, err := c.CreateReminder(context.Background(), client.ReminderInput{Title: "y"}); err != nil {
		t.Fatal(err)
	}
	if keys[4] == keys[0] {
		t.Fatal("two calls shared an Idempotency-Key")
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"code":"invalid_argument","message":"must be a number","field":"limit"}}`))
	}))
	defer srv.Close()
	_, err := client.New(srv.URL, "tok", client.WithBackoff(time.Millisecond)).ListReminders(context.Background(), client.ListOptions{})
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 400 || e.Code != "invalid_argument" || e.Field != "limit" || e.Message != "must be a number" {
		t.Fatalf("error %#v", err)
	}
	if calls != 1 {
		t.Fatalf("a 400 was retried: %d calls", calls)
	}
}

func TestAgainstRealServer(t *testing.T) {
	s, err := startServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop()
	ctx := context.Background()
	c := client.New(s.URL, s.Token)
	_, err = c.GetReminder(ctx, "nope")
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 404 || e.Code != "not_found" || !client.IsNotFound(err) {
		t.Fatalf("missing reminder: %#v", err)
	}
	_, err = client.New(s.URL, "wrong").Tenant(ctx)
	if !errors.As(err, &e) || e.Status != 401 || e.Code != "unauthorized" {
		t.Fatalf("bad token: %#v", err)
	}
	_, err = c.CreateReminder(ctx, client.ReminderInput{Title: "x", TZ: "Nowhere/Zone", Text: "tomorrow 9am"})
	if !errors.As(err, &e) || e.Status != 400 || e.Field != "tz" {
		t.Fatalf("bad tz: %#v", err)
	}
	r, err := c.CreateReminderWithKey(ctx, "order-42", client.ReminderInput{Text: "明天下午三点开会"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateReminderWithKey(ctx, "order-42", client.ReminderInput{Text: "明天下午三点开会"})
	if err != nil || again.ID != r.ID || !again.Replayed {
		t.Fatalf("replay: %+v %v", again, err)
	}
	title := "renamed"
	if u, err := c.UpdateReminder(ctx, r.ID, client.ReminderPatch{Title: &title}); err != nil || u.Title != title {
		t.Fatalf("update: %+v %v", u, err)
	}
	// An acknowledgement policy: set, answered, taken off with RemoveAck;
	// a bad one names its field; DeliveryList answers the acks.
	ack := &client.Ack{Within: "15m", Repeat: "5m", MaxRepeats: 2, EscalateTo: []string{"lead"}}
	if u, err := c.UpdateReminder(ctx, r.ID, client.ReminderPatch{Ack: ack}); err != nil || u.Ack == nil || u.Ack.Within != "15m" || u.Ack.MaxRepeats != 2 {
		t.Fatalf("set ack: %+v %v", u, err)
	}
	if u, err := c.UpdateReminder(ctx, r.ID, client.ReminderPatch{RemoveAck: true}); err != nil || u.Ack != nil || u.Title != title {
		t.Fatalf("remove ack: %+v %v", u, err)
	}
	_, err = c.CreateReminder(ctx, client.ReminderInput{Text: "tomorrow 9am", Ack: &client.Ack{Within: "15m", ThenChannels: []string{"fax"}}})
	if !errors.As(err, &e) || e.Status != 400 || e.Field != "ack.then_channels" {
		t.Fatalf("bad ack: %#v", err)
	}
	if dl, err := c.DeliveryList(ctx, r.ID); err != nil || dl.Acks == nil {
		t.Fatalf("delivery list: %+v %v", dl, err)
	}
	if err := c.DeleteReminder(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	// Nobody to reach, then the owner with a profile: the answer says so.
	if r.Reaches == nil || *r.Reaches != 0 || len(r.Warnings) != 1 {
		t.Fatalf("reach without recipients: %v %q", r.Reaches, r.Warnings)
	}
	owner, err := c.PutRecipient(ctx, client.OwnerUID, client.RecipientInput{Name: "Me", TZ: "Asia/Shanghai", Lang: "zh",
		PreferredChannels: []string{"inbox"}, QuietHours: "22:00-07:30", Agenda: true})
	if err != nil || owner.QuietHours != "22:00-07:30" || owner.TZ != "Asia/Shanghai" || !owner.Agenda || len(owner.PreferredChannels) != 1 {
		t.Fatalf("owner profile: %+v %v", owner, err)
	}
	urgent, err := c.CreateReminder(ctx, client.ReminderInput{Text: "tomorrow 9am", Title: "to the owner", Urgent: true})
	if err != nil || urgent.Reaches == nil || *urgent.Reaches != 1 || len(urgent.Warnings) != 0 || !urgent.Urgent {
		t.Fatalf("to the owner: %+v %v", urgent, err)
	}
	if err := c.DeleteRecipient(ctx, client.OwnerUID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRecipient(ctx, "nobody"); !client.IsNotFound(err) {
		t.Fatalf("recipient: %v", err)
	}
	if err := c.DeleteRecipient(ctx, "nobody"); !client.IsNotFound(err) {
		t.Fatalf("delete recipient: %v", err)
	}
	// A group chat's robots: the secret goes in and comes back as "set".
	rc, err := c.PutRecipient(ctx, "team-chat", client.RecipientInput{Name: "研发群", Contacts: &client.Contacts{
		DingTalk: &client.Robot{Webhook: "http://127.0.0.1:9/robot/send?access_token=t", Secret: "SECclient"},
		WeCom:    &client.Robot{Webhook: "http://127.0.0.1:9/cgi-bin/webhook/send?key=k"},
		Notify:   []string{"ntfy://127.0.0.1:9/team?scheme=http"},
	}})
	if err != nil || rc.Contacts == nil || rc.Contacts.DingTalk.Secret != "set" || rc.Contacts.WeCom.Webhook == "" || len(rc.Contacts.Notify) != 1 {
		t.Fatalf("put recipient with contacts: %+v %v", rc, err)
	}
	_, err = c.PutRecipient(ctx, "team-chat", client.RecipientInput{Contacts: &client.Contacts{Feishu: &client.Robot{Webhook: "ftp://x"}}})
	if !errors.As(err, &e) || e.Status != 400 || e.Field != "contacts.feishu.webhook" {
		t.Fatalf("bad robot: %#v", err)
	}
	w, err := c.CreateWebhook(ctx, "http://127.0.0.1:9/hook")
	if err != nil || w.Secret == "" {
		t.Fatalf("webhook: %+v %v", w, err)
	}
	if ws, err := c.ListWebhooks(ctx); err != nil || len(ws) != 1 {
		t.Fatalf("webhooks: %v %v", ws, err)
	}
	if err := c.DeleteWebhook(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	// Tokens: a second one works, is listed without secrets, and stops
	// working once revoked; revoking it again is not found.
	tk, err := c.CreateToken(ctx)
	if err != nil || !strings.HasPrefix(tk.Token, "raas_") || tk.ID == "" {
		t.Fatalf("create token: %+v %v", tk, err)
	}
	c2 := client.New(s.URL, tk.Token)
	ks, err := c2.ListTokens(ctx)
	if err != nil || len(ks) != 2 {
		t.Fatalf("tokens: %+v %v", ks, err)
	}
	for _, k := range ks {
		if k.Token != "" || k.ID == tk.ID && k.LastUsedAt == nil {
			t.Fatalf("listed token %+v: a secret, or no last use for the token just used", k)
		}
	}
	if err := c.RevokeToken(ctx, tk.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Tenant(ctx); !errors.As(err, &e) || e.Status != 401 {
		t.Fatalf("revoked token: %v", err)
	}
	if err := c.RevokeToken(ctx, tk.ID); !client.IsNotFound(err) {
		t.Fatalf("revoke again: %v", err)
	}
}

// An inbox item of a firing is snoozed once (a second snooze is a 409, a
// text naming no time a 422 on "text"); a personal link is the same until
// revoked.
func TestSnoozeAndPersonalLink(t *testing.T) {
	s, err := startServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop()
	ctx := context.Background()
	c := client.New(s.URL, s.Token)
	now := time.Now()
	if _, err := c.CreateReminder(ctx, client.ReminderInput{Title: "tea", Time: &now, Recipients: []string{"ann"}}); err != nil {
		t.Fatal(err)
	}
	var items []client.InboxItem
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for deadline := time.Now().Add(10 * time.Second); len(items) == 0 && time.Now().Before(deadline); <-tick.C {
		if items, err = c.Inbox(ctx, "ann", ""); err != nil {
			t.Fatal(err)
		}
	}
	if len(items) != 1 || items[0].Status != "unread" {
		t.Fatalf("inbox %+v", items)
	}
	var e *client.Error
	_, err = c.SnoozeInboxItem(ctx, "ann", items[0].ID, client.Snooze{Text: "no time in here"})
	if !errors.As(err, &e) || e.Status != 422 || e.Field != "text" {
		t.Fatalf("snooze without a time: %#v", err)
	}
	sn, err := c.SnoozeInboxItem(ctx, "ann", items[0].ID, client.Snooze{For: "10m"})
	if err != nil || sn.Status != "snoozed" || sn.MsgStatus != 1 || sn.Until.Before(now.Add(9*time.Minute)) {
		t.Fatalf("snooze: %+v %v", sn, err)
	}
	if _, err := c.SnoozeInboxItem(ctx, "ann", items[0].ID, client.Snooze{For: "1h"}); !errors.As(err, &e) || e.Status != 409 {
		t.Fatalf("second snooze: %#v", err)
	}
	if _, err := c.InboxAction(ctx, "ann", "nope", "confirm"); !client.IsNotFound(err) {
		t.Fatalf("action on a missing item: %v", err)
	}
	u1, err := c.PersonalLink(ctx, "ann")
	if err != nil || !strings.Contains(u1, "/me/") {
		t.Fatalf("personal link %q %v", u1, err)
	}
	if u2, _ := c.PersonalLink(ctx, "ann"); u2 != u1 {
		t.Fatalf("the link changed without a revoke: %q, %q", u1, u2)
	}
	if err := c.RevokePersonalLinks(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	if u3, _ := c.PersonalLink(ctx, "ann"); u3 == u1 || u3 == "" {
		t.Fatalf("the link after a revoke is %q", u3)
	}
}
