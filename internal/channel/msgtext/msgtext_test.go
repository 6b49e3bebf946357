package msgtext

import (
	"reflect"
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
		if got := Of(tc.ev); !reflect.DeepEqual(got, tc.want) {
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

var links = &remind.Links{Page: "https://r.example/me/t", Confirm: "https://r.example/me/t/items/i/confirm", Reject: "https://r.example/me/t/items/i/reject",
	Snooze10m: "https://r.example/me/t/items/i/snooze?for=10m", Snooze1h: "https://r.example/me/t/items/i/snooze?for=1h",
	SnoozeTomorrow: "https://r.example/me/t/items/i/snooze?when=tomorrow"}

// Actions: confirm, reject, the three snoozes and the page, in that order;
// none without links; a link that is not http(s) is left out.
func TestActions(t *testing.T) {
	bad := *links
	bad.Reject = "javascript:alert(1)"
	for _, tc := range []struct {
		name string
		l    *remind.Links
		want []string
	}{
		{"none", nil, nil},
		{"all", links, []string{links.Confirm, links.Reject, links.Snooze10m, links.Snooze1h, links.SnoozeTomorrow, links.Page}},
		{"not http", &bad, []string{links.Confirm, links.Snooze10m, links.Snooze1h, links.SnoozeTomorrow, links.Page}},
	} {
		var got []string
		for _, a := range Actions(tc.l, "") {
			got = append(got, a.URL)
			if a.Label == "" {
				t.Fatalf("%s: an action without a label", tc.name)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: actions %v, want %v", tc.name, got, tc.want)
		}
	}
	// Labels in the recipient's language only, when they chose one.
	for lang, want := range map[string]string{"en": "✅ Confirm", "zh": "✅ 确认", "": "✅ 确认 Confirm"} {
		if got := Actions(links, lang)[0].Label; got != want {
			t.Errorf("lang %q: label %q, want %q", lang, got, want)
		}
	}
	v := Of(remind.EventData{Title: "x", TZ: "UTC", Links: links})
	md := v.ActionsMarkdown()
	if !strings.Contains(md, "[✅ 确认 Confirm]("+links.Confirm+")") || strings.Count(md, "](") != 6 {
		t.Fatalf("markdown actions %q", md)
	}
	// Plain keeps every action link whole, however long the description.
	v.Desc = strings.Repeat("说明", 3000)
	got := v.Plain(1024, 0)
	for _, a := range v.Actions {
		if !strings.Contains(got, a.URL) {
			t.Fatalf("Plain lost %s", a.URL)
		}
	}
}
