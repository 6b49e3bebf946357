package msgtext

import (
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// The time is shown in the recipient's zone when the event names one, and
// the fixed words in the recipient's language; without either, the
// reminder's zone and both languages.
func TestOfInRecipientsLanguageAndZone(t *testing.T) {
	occ := time.Date(2030, 5, 6, 1, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		ev        remind.EventData
		title     string
		when      string
		lateWords string
	}{
		{"both by default, reminder's zone", remind.EventData{TZ: "Asia/Shanghai", Occurrence: occ, Late: true},
			"提醒 / Reminder", "🕒 2030-05-06 09:30 CST (Asia/Shanghai) · 迟到 / late", ""},
		{"english in the recipient's zone", remind.EventData{TZ: "Asia/Shanghai", RecipientTZ: "Europe/London", Lang: "en", Occurrence: occ, Late: true},
			"Reminder", "🕒 2030-05-06 02:30 BST (Europe/London) · late", ""},
		{"chinese in the recipient's zone", remind.EventData{TZ: "UTC", RecipientTZ: "Asia/Tokyo", Lang: "zh", Occurrence: occ},
			"提醒", "🕒 2030-05-06 10:30 JST (Asia/Tokyo)", ""},
		{"unknown language: both", remind.EventData{TZ: "UTC", Lang: "fr", Occurrence: occ, Title: "x"},
			"x", "🕒 2030-05-06 01:30 UTC (UTC)", ""},
	} {
		v := Of(tc.ev)
		if v.Title != tc.title || v.When != tc.when {
			t.Errorf("%s: title %q when %q; want %q %q", tc.name, v.Title, v.When, tc.title, tc.when)
		}
	}
}
