package email_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/raasdev/raas/internal/channel/email"
	"github.com/raasdev/raas/internal/channel/email/emailtest"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
)

func mailer(t *testing.T, srv *emailtest.Server, mutate func(*email.Config)) *email.Mailer {
	t.Helper()
	cfg := email.Config{Host: srv.Host, Port: srv.Port, Username: srv.Username, Password: srv.Password,
		From: "RaaS <noreply@raas.test>", TLS: email.TLSStartTLS, Timeout: 5 * time.Second,
		TLSConfig: &tls.Config{RootCAs: srv.RootCAs}}
	if mutate != nil {
		mutate(&cfg)
	}
	m, err := email.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type links struct{}

func (links) UnsubscribeURL(ctx context.Context, d remind.Delivery) (string, error) {
	return "https://raas.test/subscribe/unsubscribe/tok?x=1", nil
}

func delivery(t *testing.T, to string) remind.Delivery {
	occ := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	ev := remind.Event{Type: remind.EventType, Data: remind.EventData{ID: remind.NewID(occ), Title: "还信用卡 <b>", Desc: "每月25号",
		TZ: "Asia/Shanghai", ExternalURL: "https://example.com/event?id=1&x=2", Occurrence: occ, FireAt: occ, Channel: remind.ChannelEmail}}
	p, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return remind.Delivery{ID: "d1", Channel: remind.ChannelEmail, Target: to, Recipient: "sub-1", Payload: p}
}

func TestSenderSTARTTLSAuth(t *testing.T) {
	srv := emailtest.Start(t)
	s := email.NewSender(mailer(t, srv, nil), links{})
	if _, err := s.Send(context.Background(), delivery(t, "alice@example.com")); err != nil {
		t.Fatal(err)
	}
	m := srv.Wait(t, 5*time.Second, func(emailtest.Message) bool { return true })
	if !m.TLS || m.User != "raas" || len(m.To) != 1 || m.To[0] != "alice@example.com" {
		t.Fatalf("message: tls=%v user=%q to=%v", m.TLS, m.User, m.To)
	}
	for _, want := range []string{"还信用卡 <b>", "2026-12-01 17:30 CST", "https://example.com/event?id=1&x=2", "https://raas.test/subscribe/unsubscribe/tok?x=1"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, "还信用卡 &lt;b&gt;") || !strings.Contains(m.HTML, `href="https://example.com/event?id=1&amp;x=2"`) {
		t.Errorf("html part not escaped right:\n%s", m.HTML)
	}
	if got := m.Header.Get("List-Unsubscribe"); got != "<https://raas.test/subscribe/unsubscribe/tok?x=1>" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	if got := m.Header.Get("Message-Id"); got != "<d1@raas>" {
		t.Errorf("Message-Id = %q", got)
	}
}

func TestSenderErrors(t *testing.T) {
	srv := emailtest.Start(t)
	srv.Reject = func(to string) error {
		if strings.HasPrefix(to, "nobody@") {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		if strings.HasPrefix(to, "busy@") {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		}
		return nil
	}
	ctx := context.Background()
	s := email.NewSender(mailer(t, srv, nil), nil)
	if _, err := s.Send(ctx, delivery(t, "nobody@example.com")); err == nil || !deliver.IsPermanent(err) {
		t.Errorf("550: err = %v, want permanent", err)
	}
	if _, err := s.Send(ctx, delivery(t, "busy@example.com")); err == nil || deliver.IsPermanent(err) {
		t.Errorf("451: err = %v, want temporary", err)
	}
	bad := email.NewSender(mailer(t, srv, func(c *email.Config) { c.Password = "wrong" }), nil)
	if _, err := bad.Send(ctx, delivery(t, "alice@example.com")); err == nil {
		t.Error("wrong password: sent")
	}
	untrusted := email.NewSender(mailer(t, srv, func(c *email.Config) { c.TLSConfig = nil }), nil)
	if _, err := untrusted.Send(ctx, delivery(t, "alice@example.com")); err == nil {
		t.Error("self-signed certificate not trusted: sent anyway")
	}
	if _, err := s.Send(ctx, remind.Delivery{ID: "x", Payload: []byte("{}")}); !deliver.IsPermanent(err) {
		t.Errorf("no address: %v, want permanent", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages accepted, want 0", n)
	}
}

func TestConfig(t *testing.T) {
	if _, err := email.New(email.Config{Host: "h", From: "not an address"}); err == nil {
		t.Error("bad from accepted")
	}
	if _, err := email.New(email.Config{Host: "h", From: "a@b.c", TLS: "ssl3"}); err == nil {
		t.Error("bad TLS mode accepted")
	}
}

// A recipient's mail carries the action links, in the text and as buttons
// in the HTML (escaped); a tenant webhook's event has none to carry.
func TestReminderMessageActions(t *testing.T) {
	at := time.Date(2030, 5, 6, 1, 30, 0, 0, time.UTC)
	links := &remind.Links{Page: "https://r.example/me/t", Confirm: "https://r.example/me/t/items/i/confirm?a=1&b=2",
		Reject: "https://r.example/me/t/items/i/reject", Snooze10m: "https://r.example/me/t/items/i/snooze?for=10m",
		Snooze1h: "https://r.example/me/t/items/i/snooze?for=1h", SnoozeTomorrow: "https://r.example/me/t/items/i/snooze?when=tomorrow"}
	for _, tc := range []struct {
		name  string
		links *remind.Links
		want  []string
	}{
		{"with links", links, []string{links.Confirm, links.Reject, links.Snooze10m, links.Snooze1h, links.SnoozeTomorrow, links.Page}},
		{"without", nil, nil},
	} {
		msg, err := email.ReminderMessage("a@example.com", remind.EventData{Title: "tea", TZ: "UTC", Occurrence: at, Links: tc.links}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range tc.want {
			if !strings.Contains(msg.Text, u) {
				t.Errorf("%s: the text lacks %s", tc.name, u)
			}
			if !strings.Contains(msg.HTML, `href="`+strings.ReplaceAll(u, "&", "&amp;")+`"`) {
				t.Errorf("%s: the HTML lacks a button to %s", tc.name, u)
			}
		}
		if tc.links == nil && (strings.Contains(msg.Text, "Confirm") || strings.Contains(msg.HTML, "Confirm")) {
			t.Errorf("%s: action links in a mail without links", tc.name)
		}
	}
}
