// Package msgtext renders a firing for the chat channels (group robots,
// notify): one-line title, the time in the reminder's zone, description,
// the external link; and cuts text to a platform's limit by characters.
package msgtext

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/remind"
)

// View is a firing as the chat channels show it.
type View struct {
	Title string // one line; "提醒 / Reminder" when the reminder has none
	When  string // "🕒 2030-05-06 09:30 CST (Asia/Shanghai)"
	Desc  string
	Link  string // the external link, http(s) only
}

// Of returns the view of an event.
func Of(ev remind.EventData) View {
	loc, err := time.LoadLocation(ev.TZ)
	if err != nil {
		loc = time.UTC
	}
	v := View{Title: strings.Join(strings.Fields(ev.Title), " "), Desc: ev.Desc, Link: ev.ExternalURL,
		When: "🕒 " + ev.Occurrence.In(loc).Format("2006-01-02 15:04 MST") + " (" + loc.String() + ")"}
	if v.Title == "" {
		v.Title = "提醒 / Reminder"
	}
	if ev.Late {
		v.When += " · 迟到 / late"
	}
	if v.Link != "" {
		if u, err := url.Parse(v.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			v.Link = ""
		}
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
