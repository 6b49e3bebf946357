package msgtext

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/remind"
)

func TestOf(t *testing.T) {
	occ := time.Date(2030, 5, 6, 1, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		ev   remind.EventData
		want View
	}{
		{remind.EventData{Title: "  周会\n Weekly ", TZ: "Asia/Shanghai", Occurrence: occ, Desc: "d", ExternalURL: "https://e.example/x"},
			View{Title: "周会 Weekly", When: "🕒 2030-05-06 09:30 CST (Asia/Shanghai)", Desc: "d", Link: "https://e.example/x"}},
		{remind.EventData{TZ: "Nowhere/City", Occurrence: occ, Late: true, ExternalURL: "javascript:alert(1)"},
			View{Title: "提醒 / Reminder", When: "🕒 2030-05-06 01:30 UTC (UTC) · 迟到 / late"}},
	} {
		if got := Of(tc.ev); got != tc.want {
			t.Errorf("Of(%+v) = %+v, want %+v", tc.ev, got, tc.want)
		}
	}
}

// Plain keeps the time and the link whole and cuts the description to fit.
func TestPlainFitsAndKeepsTheLink(t *testing.T) {
	v := View{Title: "t", When: "🕒 2030-05-06 09:30 CST (Asia/Shanghai)", Desc: strings.Repeat("说明", 3000), Link: "https://e.example/x"}
	for _, lim := range []struct{ chars, bytes int }{{1024, 0}, {2000, 0}, {0, 4096}, {0, 0}} {
		got := v.Plain(lim.chars, lim.bytes)
		if !utf8.ValidString(got) || (lim.chars > 0 && utf8.RuneCountInString(got) > lim.chars) || (lim.bytes > 0 && len(got) > lim.bytes) {
			t.Fatalf("Plain(%d, %d) is %d characters, %d bytes", lim.chars, lim.bytes, utf8.RuneCountInString(got), len(got))
		}
		if !strings.HasPrefix(got, v.When) || !strings.HasSuffix(got, v.Link) {
			t.Fatalf("Plain(%d, %d) lost the time or the link", lim.chars, lim.bytes)
		}
	}
}
