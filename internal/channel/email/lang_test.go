package email_test

import (
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/email"
	"github.com/raasdev/raas/internal/remind"
)

// The mail of a firing is written in the recipient's language, its time
// in the recipient's zone; without a language it keeps both.
func TestReminderMessageLanguageAndZone(t *testing.T) {
	occ := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	base := remind.EventData{Title: "Pay rent", TZ: "Asia/Shanghai", ExternalURL: "https://example.com/x", Occurrence: occ}
	for _, tc := range []struct {
		name, lang, tz string
		subject        string
		text, html     []string // substrings
		not            []string
	}{
		{"english, London", "en", "Europe/London", "Reminder: Pay rent",
			[]string{"Reminder: Pay rent\n", "When: 2026-12-01 09:30 GMT (Europe/London)\n", "Details: https://example.com/x", "Unsubscribe: https://u.test/x"},
			[]string{">Open</a>", ">Unsubscribe</a>"}, []string{"提醒", "退订"}},
		{"chinese, Shanghai", "zh", "", "提醒：Pay rent",
			[]string{"提醒: Pay rent\n", "时间: 2026-12-01 17:30 CST (Asia/Shanghai)\n", "详情: https://example.com/x", "退订: https://u.test/x"},
			[]string{">查看详情</a>", ">退订</a>"}, []string{"Reminder", "Unsubscribe", "When"}},
		{"no language: both", "", "", "提醒：Pay rent",
			[]string{"提醒 / Reminder: Pay rent\n", "时间 / When: 2026-12-01 17:30 CST (Asia/Shanghai)\n"},
			[]string{">查看详情 / Open</a>"}, nil},
	} {
		ev := base
		ev.Lang, ev.RecipientTZ = tc.lang, tc.tz
		msg, err := email.ReminderMessage("a@example.com", ev, "https://u.test/x")
		if err != nil {
			t.Fatal(err)
		}
		if msg.Subject != tc.subject {
			t.Errorf("%s: subject %q, want %q", tc.name, msg.Subject, tc.subject)
		}
		for _, s := range tc.text {
			if !strings.Contains(msg.Text, s) {
				t.Errorf("%s: text lacks %q:\n%s", tc.name, s, msg.Text)
			}
		}
		for _, s := range tc.html {
			if !strings.Contains(msg.HTML, s) {
				t.Errorf("%s: html lacks %q:\n%s", tc.name, s, msg.HTML)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(msg.Text+msg.HTML, s) {
				t.Errorf("%s: holds %q:\n%s\n%s", tc.name, s, msg.Text, msg.HTML)
			}
		}
	}
}
