package dashboard

import (
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
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
