package e2e

import (
	"crypto/tls"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/email"
	"github.com/raasdev/raas/internal/channel/email/emailtest"
)

// TestOwnerReachedByEmailAfterQuietHours: a reminder made without
// recipients reaches the owner by e-mail (a real SMTP server in-process),
// says so when it is made, is held by the owner's quiet hours to their end
// (the injected clock), and is written in the owner's language and zone;
// an urgent one to the owner goes out at once.
func TestOwnerReachedByEmailAfterQuietHours(t *testing.T) {
	smtpd := emailtest.Start(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	clk := clockwork.NewFakeClockAt(time.Date(2030, 1, 2, 22, 59, 0, 0, sh))
	a := startApp(t, func(c *app.Config) {
		c.Clock = clk
		c.WeCron.SMTP = email.Config{Host: smtpd.Host, Port: smtpd.Port, Username: smtpd.Username, Password: smtpd.Password,
			From: "RaaS <noreply@raas.test>", TLS: email.TLSStartTLS, Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: smtpd.RootCAs}}
	})
	code, out := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "nobody yet", "time": clk.Now().Add(time.Hour).UnixMilli()})
	if w, _ := out["warnings"].([]any); code != 201 || out["reaches"] != 0.0 || len(w) != 1 || !strings.HasPrefix(w[0].(string), "nobody will be reached") {
		t.Fatalf("without an owner: %d %v", code, out)
	}
	if code, out := do(t, "PUT", a.URL+"/v1/recipients/owner", a.Token, map[string]any{"name": "Me", "email": "me@example.com",
		"tz": "Asia/Shanghai", "lang": "en", "quiet_hours": "22:00-07:30"}); code != 200 {
		t.Fatalf("put owner: %d %v", code, out)
	}
	at := time.Date(2030, 1, 2, 23, 0, 0, 0, sh)
	code, held := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "Water the plants", "time": at.UnixMilli()})
	want := "recipient owner's quiet hours hold the next firing until 2030-01-03 07:30 CST"
	if w, _ := held["warnings"].([]any); code != 201 || held["reaches"] != 2.0 || len(w) != 1 || w[0] != want {
		t.Fatalf("to the owner: %d %v", code, held)
	}
	code, urgent := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "Server down", "time": at.UnixMilli(),
		"urgent": true, "recipients": []string{"owner"}, "channels": []string{"email"}})
	if code != 201 || urgent["reaches"] != 1.0 {
		t.Fatalf("urgent: %d %v", code, urgent)
	}

	clk.Advance(time.Minute) // 23:00: both fire
	first := smtpd.Wait(t, 10*time.Second, func(m emailtest.Message) bool { return strings.Contains(m.Text, "Server down") })
	if !slices.Equal(first.To, []string{"me@example.com"}) || first.Header.Get("Subject") != "Reminder: Server down" ||
		!strings.Contains(first.Text, "When: 2030-01-02 23:00 CST (Asia/Shanghai)") {
		t.Fatalf("urgent mail: to %v subject %q\n%s", first.To, first.Header.Get("Subject"), first.Text)
	}
	// The held reminder's deliveries exist, pending until 07:30.
	end := time.Date(2030, 1, 3, 7, 30, 0, 0, sh)
	waitFor(t, 10*time.Second, "the held firing planned", func() (bool, any) {
		_, ds := do(t, "GET", a.URL+"/v1/reminders/"+held["id"].(string)+"/deliveries", a.Token, nil)
		list, _ := ds["data"].([]any)
		if len(list) != 2 {
			return false, ds
		}
		for _, d := range list {
			d := d.(map[string]any)
			due, _ := time.Parse(time.RFC3339Nano, d["due_at"].(string))
			if d["recipient"] != "owner" || d["state"] != "pending" || !due.Equal(end) {
				return false, ds
			}
		}
		return true, ds
	})
	for _, m := range smtpd.Messages() {
		if strings.Contains(m.Text, "Water the plants") {
			t.Fatalf("held mail sent during quiet hours:\n%s", m.Text)
		}
	}

	clk.Advance(end.Sub(clk.Now())) // 07:30: the quiet hours end
	m := smtpd.Wait(t, 10*time.Second, func(m emailtest.Message) bool { return strings.Contains(m.Text, "Water the plants") })
	if !slices.Equal(m.To, []string{"me@example.com"}) || m.Header.Get("Subject") != "Reminder: Water the plants" ||
		!strings.Contains(m.Text, "When: 2030-01-02 23:00 CST (Asia/Shanghai)") || strings.Contains(m.Text, "提醒") {
		t.Fatalf("held mail: to %v subject %q\n%s", m.To, m.Header.Get("Subject"), m.Text)
	}
}
