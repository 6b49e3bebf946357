package dashboard

import (
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

func TestExplain(t *testing.T) {
	for _, c := range []struct {
		channel, err string
		code         int
		key          string
	}{
		{"email", `no sender for channel "email" is configured`, 0, "unconfigured-email"},
		{"sms", `no sender for channel "sms" is configured`, 0, "unconfigured-sms"},
		{"webhook", "webhook answered 410: endpoint disabled", 410, "endpoint-gone"},
		{"webpush", "webpush: push service answered 410", 410, "push-gone"},
		{"webhook", "webhook answered 503", 503, "server-error"},
		{"webhook", `Post "https://x/": context deadline exceeded`, 0, "timeout"},
		{"webhook", "dial tcp 10.0.0.1:443: connect: connection refused", 0, "unreachable"},
		{"email", "the subscriber has unsubscribed", 0, "unsubscribed"},
		{"webhook", "recipient has no webhook_url", 0, "no-address-webhook"},
		{"webhook", "webhook answered 302 Found (to https://y/); register the final URL", 302, "redirect"},
		{"webhook", "something new", 0, "other-webhook"},
		{"dingtalk", "dingtalk: errcode 300001: token is not exist", 0, "robot-token-dingtalk"},
		{"feishu", "feishu: code 19001: param invalid: incoming webhook access token invalid", 0, "robot-token-feishu"},
		{"wecom", "wecom: errcode 93000: invalid webhook url", 0, "robot-token-wecom"},
		{"dingtalk", "dingtalk: errcode 310000: sign not match", 0, "robot-security-dingtalk"},
		{"feishu", "feishu: code 19021: sign match fail or timestamp is not within one hour from current time", 0, "robot-security-feishu"},
		{"dingtalk", "dingtalk: errcode 130101 (rate limit): send too fast", 0, "throttled-dingtalk"},
		{"sms", "rate limit: 5 messages to one phone", 0, "sms-rate"},
	} {
		got := explain(c.channel, c.err, c.code)
		if got.Key != c.key || got.Title == "" {
			t.Errorf("explain(%s, %q, %d) = %+v, want %s", c.channel, c.err, c.code, got, c.key)
		}
	}
	if statusLabel("email", 250) != "SMTP 250" || statusLabel("webhook", 200) != "HTTP 200" || statusLabel("inbox", 0) != "" {
		t.Error("status labels")
	}
	if times(1) != "1 time" || times(2) != "2 times" {
		t.Error("times")
	}
}

func TestCollapseAttempts(t *testing.T) {
	d := New(Config{}, nil, nil)
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	var as []remind.Attempt
	for i := 1; i <= 5; i++ {
		as = append(as, remind.Attempt{N: i, At: at.Add(time.Duration(i) * time.Minute), Outcome: "retry", StatusCode: 503, Error: "webhook answered 503"})
	}
	as = append(as, remind.Attempt{N: 6, At: at.Add(time.Hour), Outcome: "delivered", StatusCode: 200})
	rows := d.collapse("webhook", "UTC", as)
	if len(rows) != 2 || rows[0].First != 1 || rows[0].Last != 5 || rows[0].Repeats != 5 || rows[0].Status != "HTTP 503" || rows[1].Outcome != "delivered" {
		t.Fatalf("%+v", rows)
	}
}

func TestMatrix(t *testing.T) {
	d := New(Config{}, nil, nil)
	o1 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	o2 := o1.AddDate(0, 0, 7)
	del := func(o time.Time, uid, ch string, st remind.DeliveryState) store.DeliveryWithAttempts {
		return store.DeliveryWithAttempts{Delivery: remind.Delivery{Occurrence: o, Recipient: uid, Channel: ch, State: st}}
	}
	dels := []store.DeliveryWithAttempts{
		del(o1, "alice", "inbox", remind.DeliveryDelivered), del(o1, "", "webhook", remind.DeliveryDelivered),
		del(o2, "alice", "inbox", remind.DeliveryDelivered), del(o2, "alice", "email", remind.DeliveryFailed), del(o2, "bob", "inbox", remind.DeliveryPending),
	}
	m := d.matrix(remind.Reminder{TZ: "UTC"}, dels, []remind.AckState{{Occurrence: o1, UID: "bob", Status: remind.InboxRead},
		{Occurrence: o2, UID: "alice", Status: remind.InboxConfirmed}, {Occurrence: o2, UID: "bob", Status: remind.InboxUnread}})
	if len(m.Occurrences) != 2 || m.Occurrences[0] != d.in(&o2, "UTC") || len(m.Rows) != 3 {
		t.Fatalf("%+v", m)
	}
	alice := m.Rows[0]
	if alice.Recipient != "alice" || len(alice.Cells[0].States) != 2 || alice.Cells[0].Inbox != "confirmed" || alice.Cells[1].Inbox != "" || len(alice.Cells[1].States) != 1 {
		t.Fatalf("alice %+v", alice)
	}
	if bob := m.Rows[2]; bob.Recipient != "bob" || bob.Cells[0].Inbox != "" {
		t.Fatalf("bob, unread, without an ack policy: %+v", bob)
	}
	ack := d.matrix(remind.Reminder{TZ: "UTC", Ack: &remind.AckPolicy{Within: time.Hour}}, append(dels,
		store.DeliveryWithAttempts{Delivery: remind.Delivery{Occurrence: o2, Recipient: "lead", Channel: "email", Step: remind.StepEscalate, About: "bob", State: remind.DeliveryDelivered}}),
		[]remind.AckState{{Occurrence: o2, UID: "bob", Status: remind.InboxUnread}})
	if bob := ack.Rows[2]; bob.Cells[0].Inbox != "unread" {
		t.Fatalf("bob, unread, with an ack policy: %+v", bob)
	}
	if lead := ack.Rows[3]; lead.Recipient != "lead" || lead.Cells[0].States[0].Channel != "e-mail (escalate: bob did not confirm)" {
		t.Fatalf("lead: %+v", lead)
	}
	if hooks := m.Rows[1]; hooks.Recipient != "(tenant webhooks)" || len(hooks.Cells[0].States) != 0 || hooks.Cells[1].States[0].State != "delivered" {
		t.Fatalf("webhooks %+v", hooks)
	}
	// Snoozed and not acted on since: snoozed; confirmed after it came
	// back: confirmed (acks come in creation order).
	for _, tc := range []struct {
		acks []remind.InboxStatus
		want string
	}{
		{[]remind.InboxStatus{remind.InboxSnoozed, remind.InboxUnread}, "snoozed"},
		{[]remind.InboxStatus{remind.InboxSnoozed, remind.InboxRead}, "snoozed"},
		{[]remind.InboxStatus{remind.InboxSnoozed, remind.InboxConfirmed}, "confirmed"},
		{[]remind.InboxStatus{remind.InboxSnoozed, remind.InboxSnoozed, remind.InboxUnread}, "snoozed"},
	} {
		var acks []remind.AckState
		for _, st := range tc.acks {
			acks = append(acks, remind.AckState{Occurrence: o2, UID: "bob", Status: st})
		}
		if got := d.matrix(remind.Reminder{TZ: "UTC"}, dels, acks).Rows[2].Cells[0].Inbox; got != tc.want {
			t.Errorf("acks %v: %q, want %q", tc.acks, got, tc.want)
		}
	}
	if d.matrix(remind.Reminder{}, nil, nil) != nil {
		t.Fatal("a matrix of nothing")
	}
}
