// Package msgtext renders a firing for the chat channels (group robots,
// notify) and the e-mail channel: one-line title, the time in the
// recipient's zone (else the reminder's), description, the external link,
// the fixed words in the recipient's language; and cuts text to a
// platform's limit by characters.
package msgtext

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/zone"
)

// View is a firing as the chat channels show it.
type View struct {
	Title string // one line; "提醒 / Reminder" (in the recipient's language) when the reminder has none
	When  string // "🕒 2030-05-06 09:30 CST (Asia/Shanghai)"
	Desc  string
	Link  string // the external link, http(s) only
	// Actions are the recipient's action links (confirm, reject, snooze,
	// their page), in that order; none for a tenant webhook's firing.
	Actions []Action
}

// Action is one action link of a message.
type Action struct {
	Label string // short, in the recipient's language: "✅ 确认 Confirm" (both), "✅ Confirm"
	URL   string
}

// Actions returns the action links of l (nil: none), in the order
// messages show them; links that are not http(s) are left out.
func Actions(l *remind.Links, lang string) []Action {
	if l == nil {
		return nil
	}
	labels := actionLabels[lang]
	var out []Action
	for i, u := range []string{l.Confirm, l.Reject, l.Snooze10m, l.Snooze1h, l.SnoozeTomorrow, l.Page} {
		if webURL(u) {
			out = append(out, Action{Label: labels[i], URL: u})
		}
	}
	return out
}

// actionLabels are the action links' labels in each language (see Lang):
// confirm, reject, snooze 10 min, 1 h, tomorrow morning, the page.
var actionLabels = map[string][6]string{
	"zh": {"✅ 确认", "✖️ 拒绝", "⏰ 10分钟后", "⏰ 1小时后", "🌅 明早", "👤 我的提醒"},
	"en": {"✅ Confirm", "✖️ Reject", "⏰ In 10 min", "⏰ In 1 h", "🌅 Tomorrow morning", "👤 My page"},
	"":   {"✅ 确认 Confirm", "✖️ 拒绝 Reject", "⏰ 10分钟后 10 min", "⏰ 1小时后 1 h", "🌅 明早 Tomorrow", "👤 我的提醒 My page"},
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return s != "" && err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// ActionsMarkdown renders the actions as one markdown line of links.
func (v View) ActionsMarkdown() string {
	parts := make([]string, 0, len(v.Actions))
	for _, a := range v.Actions {
		parts = append(parts, "["+a.Label+"]("+a.URL+")")
	}
	return strings.Join(parts, " · ")
}

// ActionsPlain renders the actions as lines "label: URL".
func (v View) ActionsPlain() string {
	var b strings.Builder
	for i, a := range v.Actions {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(a.Label + ": " + a.URL)
	}
	return b.String()
}

// Words are the fixed words of a message in one language.
type Words struct {
	Reminder    string // the title of a reminder without one, and the text mail's first label
	When        string
	Details     string // label of the external link (text)
	Open        string // the external link (HTML)
	Unsubscribe string
	Late        string
	Subject     string // prefix of an e-mail's subject
}

// The words of each language; "" (the recipient chose none and the text
// decides nothing) keeps both, Chinese first.
var words = map[string]Words{
	"zh": {Reminder: "提醒", When: "时间", Details: "详情", Open: "查看详情", Unsubscribe: "退订", Late: "迟到", Subject: "提醒："},
	"en": {Reminder: "Reminder", When: "When", Details: "Details", Open: "Open", Unsubscribe: "Unsubscribe", Late: "late", Subject: "Reminder: "},
	"": {Reminder: "提醒 / Reminder", When: "时间 / When", Details: "详情 / Details", Open: "查看详情 / Open", Unsubscribe: "退订 / Unsubscribe",
		Late: "迟到 / late", Subject: "提醒："},
}

// Lang returns the language ev is written in: the recipient's ("zh" or
// "en"); else "", both.
func Lang(ev remind.EventData) string {
	if ev.Lang == "zh" || ev.Lang == "en" {
		return ev.Lang
	}
	return ""
}

// WordsOf returns the fixed words of ev's language (Lang).
func WordsOf(ev remind.EventData) Words { return words[Lang(ev)] }

// Zone returns the zone ev's times are shown in: the recipient's, else
// the reminder's.
func Zone(ev remind.EventData) *time.Location {
	if ev.RecipientTZ != "" {
		return zone.OrUTC(ev.RecipientTZ)
	}
	return zone.OrUTC(ev.TZ)
}

// When returns the occurrence of ev in its zone (Zone):
// "2030-05-06 09:30 CST (Asia/Shanghai)".
func When(ev remind.EventData) string {
	loc := Zone(ev)
	return ev.Occurrence.In(loc).Format("2006-01-02 15:04 MST") + " (" + loc.String() + ")"
}

// Of returns the view of an event.
func Of(ev remind.EventData) View {
	w := WordsOf(ev)
	v := View{Title: strings.Join(strings.Fields(ev.Title), " "), Desc: ev.Desc, Link: ev.ExternalURL, Actions: Actions(ev.Links, Lang(ev)), When: "🕒 " + When(ev)}
	if v.Title == "" {
		v.Title = w.Reminder
	}
	if ev.Late {
		v.When += " · " + w.Late
	}
	if v.Link != "" && !webURL(v.Link) {
		v.Link = ""
	}
	return v
}

// Plain renders v as plain text: the time, the description, the link
// (the title goes apart, where the service has a title).
func (v View) Plain(maxChars, maxBytes int) string {
	head := v.When
	tail := ""
	if v.Link != "" {
		tail = "\n\n" + v.Link
	}
	if len(v.Actions) > 0 {
		tail += "\n\n" + v.ActionsPlain()
	}
	room := func(limit, used int) int {
		if limit <= 0 {
			return 0
		}
		return max(limit-used, 1+len("…"))
	}
	desc := ""
	if v.Desc != "" {
		desc = "\n\n" + Cut(v.Desc, room(maxChars, utf8.RuneCountInString(head+tail)+2), room(maxBytes, len(head+tail)+2))
	}
	return Cut(head+desc+tail, maxChars, maxBytes)
}

// Cut returns s cut to at most maxChars characters and maxBytes UTF-8
// bytes (0: no limit), never inside a character, ending in "…" when cut
// (the "…" counted in both limits).
func Cut(s string, maxChars, maxBytes int) string {
	const ell = "…"
	fits := func(chars, bytes int) bool {
		return (maxChars <= 0 || chars <= maxChars) && (maxBytes <= 0 || bytes <= maxBytes)
	}
	if fits(utf8.RuneCountInString(s), len(s)) {
		return s
	}
	best, k := 0, 0 // s[:best], of k whole characters, is the longest prefix that fits with "…"
	for i := range s {
		if !fits(k+1, i+len(ell)) {
			break
		}
		best, k = i, k+1
	}
	return s[:best] + ell
}
