package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

// mailbox is a service.Confirmer that keeps the confirmations it was asked
// to send, or fails when told to.
type mailbox struct {
	sent []remind.Subscriber
	fail error
}

func (m *mailbox) SendConfirmation(ctx context.Context, sb remind.Subscriber, r remind.Reminder) error {
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, sb)
	return nil
}

// TestEmailSubscription walks one address through the double opt-in, step
// by step: each step says what the use case answers, how many mails have
// gone out, and the subscriber's state after it.
func TestEmailSubscription(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc := service.New(st, noWake{}, clock, service.Config{})
	_, tn, err := svc.CreateToken(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	due := now.Add(24 * time.Hour)
	rem, _, err := svc.CreateReminder(ctx, tn, service.CreateInput{Title: "standup", Time: &due})
	if err != nil {
		t.Fatal(err)
	}
	link, err := st.CreateSubscribeLink(ctx, remind.SubscribeLink{Token: remind.NewToken(16), TenantID: tn.ID, ReminderID: rem.ID, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	mail := &mailbox{}
	subs := service.NewSubscriptions(st, st, mail, clock)
	const addr = "ann@example.com"

	var token string // the confirm/unsubscribe token the mail carried
	steps := []struct {
		name      string
		advance   time.Duration
		do        func() (remind.Subscriber, error)
		wantErr   func(error) bool
		wantMails int
		wantState string
	}{
		{name: "bad link", do: func() (remind.Subscriber, error) {
			sb, _, _, err := subs.SubscribeEmail(ctx, remind.NewToken(16), addr)
			return sb, err
		}, wantErr: func(err error) bool { return errors.Is(err, remind.ErrNotFound) }},
		{name: "bad address names the field", do: func() (remind.Subscriber, error) {
			sb, _, _, err := subs.SubscribeEmail(ctx, link.Token, "Ann <ann@example.com>")
			return sb, err
		}, wantErr: func(err error) bool {
			var de *remind.Error
			return errors.As(err, &de) && de.Code == remind.CodeInvalid && de.Field == "email"
		}},
		{name: "subscribe sends a confirmation", do: func() (remind.Subscriber, error) {
			return emailOutcome(t, subs, link.Token, "  "+addr+" ", service.ConfirmationSent)
		}, wantMails: 1, wantState: remind.SubscriberPending},
		{name: "again at once sends nothing", advance: 30 * time.Second, do: func() (remind.Subscriber, error) {
			return emailOutcome(t, subs, link.Token, addr, service.ConfirmationPending)
		}, wantMails: 1, wantState: remind.SubscriberPending},
		{name: "a mail that cannot go out", advance: service.ResendAfter, do: func() (remind.Subscriber, error) {
			mail.fail = errors.New("smtp down")
			defer func() { mail.fail = nil }()
			sb, _, _, err := subs.SubscribeEmail(ctx, link.Token, addr)
			return sb, err
		}, wantErr: func(err error) bool { return errors.Is(err, service.ErrConfirmationNotSent) }, wantMails: 1, wantState: remind.SubscriberPending},
		{name: "after the wait, another mail", advance: service.ResendAfter, do: func() (remind.Subscriber, error) {
			sb, err := emailOutcome(t, subs, link.Token, addr, service.ConfirmationSent)
			token = sb.Token
			return sb, err
		}, wantMails: 2, wantState: remind.SubscriberPending},
		{name: "the mail's link confirms", do: func() (remind.Subscriber, error) {
			sb, r, err := subs.Confirm(ctx, token)
			if err == nil && r.ID != rem.ID {
				t.Errorf("Confirm returned reminder %q, want %q", r.ID, rem.ID)
			}
			return sb, err
		}, wantMails: 2, wantState: remind.SubscriberConfirmed},
		{name: "subscribing again changes nothing", advance: time.Hour, do: func() (remind.Subscriber, error) {
			return emailOutcome(t, subs, link.Token, addr, service.AlreadySubscribed)
		}, wantMails: 2, wantState: remind.SubscriberConfirmed},
		{name: "a token that is not one", do: func() (remind.Subscriber, error) {
			sb, _, err := subs.Confirm(ctx, "../x")
			return sb, err
		}, wantErr: func(err error) bool { return errors.Is(err, remind.ErrNotFound) }, wantMails: 2, wantState: remind.SubscriberConfirmed},
		{name: "unsubscribe", do: func() (remind.Subscriber, error) { return subs.Unsubscribe(ctx, token) },
			wantMails: 2, wantState: remind.SubscriberUnsubscribed},
		{name: "the unsubscribe page reads it", do: func() (remind.Subscriber, error) {
			sb, r, err := subs.Subscriber(ctx, token)
			if err == nil && (sb.State != remind.SubscriberUnsubscribed || r.Title != "standup") {
				t.Errorf("Subscriber = %s of %q, want unsubscribed of standup", sb.State, r.Title)
			}
			return sb, err
		}, wantMails: 2, wantState: remind.SubscriberUnsubscribed},
		{name: "unsubscribe twice", do: func() (remind.Subscriber, error) { return subs.Unsubscribe(ctx, token) },
			wantMails: 2, wantState: remind.SubscriberUnsubscribed},
	}
	for _, step := range steps {
		now = now.Add(step.advance)
		_, err := step.do()
		switch {
		case step.wantErr == nil && err != nil:
			t.Fatalf("%s: %v", step.name, err)
		case step.wantErr != nil && !step.wantErr(err):
			t.Fatalf("%s: error %v is not the one expected", step.name, err)
		}
		if len(mail.sent) != step.wantMails {
			t.Fatalf("%s: %d mails sent, want %d", step.name, len(mail.sent), step.wantMails)
		}
		if step.wantState != "" {
			sb, err := st.GetSubscriber(ctx, tn.ID, remind.SubscriberID(rem.ID, remind.ChannelEmail, addr))
			if err != nil || sb.State != step.wantState || sb.Address != addr {
				t.Fatalf("%s: subscriber %+v, %v; want %s for %s", step.name, sb, err, step.wantState, addr)
			}
		}
	}
}

func emailOutcome(t *testing.T, subs *service.Subscriptions, token, addr string, want service.EmailOutcome) (remind.Subscriber, error) {
	t.Helper()
	sb, _, got, err := subs.SubscribeEmail(context.Background(), token, addr)
	if err == nil && got != want {
		t.Errorf("SubscribeEmail outcome %d, want %d", got, want)
	}
	return sb, err
}

// TestSubscribeWithoutMailOrLink: a reminder's link is made once; no
// mailer means ErrEmailOff; a cancelled
// reminder's link subscribes nobody; WeChat and Web Push subscribers are
// confirmed at once, once per key.
func TestSubscribeWithoutMailOrLink(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc := service.New(st, noWake{}, clock, service.Config{})
	_, tn, err := svc.CreateToken(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	due := now.Add(time.Hour)
	rem, _, err := svc.CreateReminder(ctx, tn, service.CreateInput{Title: "x", Time: &due})
	if err != nil {
		t.Fatal(err)
	}
	subs := service.NewSubscriptions(st, st, nil, clock)
	link, err := subs.LinkOf(ctx, tn.ID, rem.ID)
	if err != nil || !remind.IsID(link.Token) {
		t.Fatalf("LinkOf = %+v, %v", link, err)
	}
	if again, err := subs.LinkOf(ctx, tn.ID, rem.ID); err != nil || again.Token != link.Token {
		t.Fatalf("second LinkOf = %+v, %v; want the first link %s", again, err, link.Token)
	}
	if l, r, err := subs.Link(ctx, link.Token); err != nil || l.ReminderID != rem.ID || r.ID != rem.ID {
		t.Fatalf("Link(%s) = %+v, %+v, %v", link.Token, l, r, err)
	}
	if subs.EmailOn() {
		t.Fatal("EmailOn without a Confirmer")
	}
	if _, _, _, err := subs.SubscribeEmail(ctx, link.Token, "ann@example.com"); !errors.Is(err, service.ErrEmailOff) {
		t.Fatalf("SubscribeEmail without mail = %v, want ErrEmailOff", err)
	}
	a, err := subs.SubscribeConfirmed(ctx, link, remind.ChannelWeChat, "openid-1", "openid-1", "")
	if err != nil || a.State != remind.SubscriberConfirmed {
		t.Fatalf("SubscribeConfirmed = %+v, %v", a, err)
	}
	b, err := subs.SubscribeConfirmed(ctx, link, remind.ChannelWeChat, "openid-1", "openid-1", "")
	if err != nil || b.ID != a.ID {
		t.Fatalf("second SubscribeConfirmed = %+v, %v; want the same subscriber %s", b, err, a.ID)
	}
	if _, err := subs.UnsubscribeKey(ctx, link, remind.ChannelWebPush, "https://push.example/none"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("UnsubscribeKey of no subscriber = %v, want not found", err)
	}
	if sb, err := subs.UnsubscribeKey(ctx, link, remind.ChannelWeChat, "openid-1"); err != nil || sb.State != remind.SubscriberUnsubscribed {
		t.Fatalf("UnsubscribeKey = %+v, %v", sb, err)
	}
	if _, err := svc.CancelReminder(ctx, tn, rem.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := subs.Link(ctx, link.Token); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("Link of a cancelled reminder = %v, want not found", err)
	}
}
