package web_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/web"
)

// wantText is what a TEXT value should read as after a round trip: line
// breaks one newline, tabs spaces, other control characters gone.
func wantText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\r' || c == '\n':
			b.WriteByte('\n')
		case c == '\t':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// checkICS checks out is RFC 5545 text (CRLF lines of at most 75 octets,
// each valid UTF-8, no bare CR or LF), parses it back with golang-ical, and
// returns its one event; it fails t unless there is exactly one.
func checkICS(t testing.TB, out string) *ics.VEvent {
	t.Helper()
	if !strings.HasSuffix(out, "\r\n") {
		t.Fatalf("does not end in CRLF: %q", out)
	}
	begins := 0
	for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if line == "BEGIN:VEVENT" {
			begins++
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, line)
		}
		for _, c := range line {
			if c < 0x20 && c != '\t' || c == 0x7f {
				t.Errorf("line %d holds control character %U: %q", i+1, c, line)
			}
		}
	}
	if begins != 1 {
		t.Fatalf("%d BEGIN:VEVENT lines:\n%s", begins, out)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("golang-ical cannot parse it: %v\n%s", err, out)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1:\n%s", len(evs), out)
	}
	return evs[0]
}

func value(ev *ics.VEvent, p ics.ComponentProperty) string {
	if pr := ev.GetProperty(p); pr != nil {
		return pr.Value
	}
	return ""
}

// TestICSIsRFC5545Text writes titles and descriptions with every kind of
// special character, in one-off and recurring reminders, and reads each
// file back.
func TestICSIsRFC5545Text(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	long := strings.Repeat("每月25号提醒我还信用卡；", 12)
	for _, tc := range []struct{ title, desc string }{
		{"a\rBEGIN:VEVENT\rUID:evil", ""},
		{"a\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:x", "b\nEND:VCALENDAR"},
		{"x\x00y\x1bz\x7f", "tab\there\x0bvt\x0cff"},
		{`back\slash; semi, comma \n not a newline`, `C:\dir\file;a,b`},
		{long, long + "\n" + long},
		{strings.Repeat("a", 74) + "长", strings.Repeat("é", 100)},
		{strings.Repeat(" ", 80) + "x", strings.Repeat("<b> ", 40)},
		{"🙂" + strings.Repeat("🙂x", 60), ""},
	} {
		for _, rrule := range []string{"", "FREQ=WEEKLY;BYDAY=MO"} {
			r := remind.Reminder{ID: "0123456789abcdef0123456789abcdef", Title: tc.title, Desc: tc.desc, RRule: rrule, TZ: "America/New_York",
				Start: start, DeferMin: -10, ExternalURL: "https://example.com/a?b=c,d;e"}
			out := web.ICS(r, start, "https://raas.test/s/tok,en;x", start)
			ev := checkICS(t, out)
			if got, want := value(ev, ics.ComponentPropertySummary), wantText(tc.title); got != want {
				t.Errorf("SUMMARY %q, want %q", got, want)
			}
			if got, want := value(ev, ics.ComponentPropertyDescription), strings.TrimSpace(wantText(tc.desc)+"\n\n"+r.ExternalURL); got != want {
				t.Errorf("DESCRIPTION %q, want %q", got, want)
			}
			if got := value(ev, ics.ComponentPropertyComment); got != "https://raas.test/s/tok,en;x" {
				t.Errorf("COMMENT %q", got)
			}
			if strings.Contains(out, "\r\nUID:evil") {
				t.Errorf("injected UID line:\n%s", out)
			}
			if alarms := ev.Alarms(); len(alarms) != 1 {
				t.Errorf("%d alarms, want 1", len(alarms))
			}
		}
	}
}

// FuzzICSTitle writes titles (seeds in testdata/fuzz/FuzzICSTitle, full of
// control characters) and reads the file back: it is always RFC 5545 text
// with exactly one event whose SUMMARY is the title, escaped and read back.
func FuzzICSTitle(f *testing.F) {
	f.Fuzz(func(t *testing.T, title string) {
		if !utf8.ValidString(title) {
			t.Skip("titles are checked to be UTF-8 before they are stored")
		}
		start := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
		r := remind.Reminder{ID: "0123456789abcdef0123456789abcdef", Title: title, Desc: title, TZ: "Asia/Shanghai", Start: start}
		out := web.ICS(r, start, "", start)
		ev := checkICS(t, out)
		want := wantText(title)
		if strings.TrimSpace(want) == "" {
			want = "提醒"
		}
		if got := value(ev, ics.ComponentPropertySummary); got != want {
			t.Fatalf("SUMMARY %q, want %q\n%s", got, want, out)
		}
		if n := bytes.Count([]byte(out), []byte("\r\nSUMMARY:")); n != 1 {
			t.Fatalf("%d SUMMARY lines:\n%s", n, out)
		}
	})
}

// TestICSFeed: the file is a live feed. SEQUENCE rises with each edit,
// a cancelled reminder is STATUS:CANCELLED, and rules calendars cannot
// evaluate (lunar, workday, solar term) come as their next occurrences.
func TestICSFeed(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	created := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	start := time.Date(2026, 12, 9, 9, 0, 0, 0, loc)
	base := remind.Reminder{ID: "0123456789abcdef0123456789abcdef", Title: "t", TZ: "Asia/Shanghai", Start: start, Status: remind.StatusActive,
		CreatedAt: created, UpdatedAt: created.Add(time.Hour)}

	ev := checkICS(t, web.ICS(base, start, "", created))
	seq1 := value(ev, ics.ComponentPropertySequence)
	edited := base
	edited.UpdatedAt = created.Add(2 * time.Hour)
	ev = checkICS(t, web.ICS(edited, start, "", created))
	if seq2 := value(ev, ics.ComponentPropertySequence); atoi(seq2) <= atoi(seq1) {
		t.Errorf("SEQUENCE %s after an edit, was %s", seq2, seq1)
	}
	if value(ev, ics.ComponentPropertyStatus) != "CONFIRMED" || value(ev, ics.ComponentPropertyLastModified) != "20261101T100000Z" {
		t.Errorf("STATUS %q LAST-MODIFIED %q", value(ev, ics.ComponentPropertyStatus), value(ev, ics.ComponentPropertyLastModified))
	}
	cancelled := edited
	cancelled.Status = remind.StatusCancelled
	if ev := checkICS(t, web.ICS(cancelled, start, "", created)); value(ev, ics.ComponentPropertyStatus) != "CANCELLED" {
		t.Errorf("cancelled: STATUS %q", value(ev, ics.ComponentPropertyStatus))
	}

	for _, rule := range []string{
		"RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
		"FREQ=DAILY;BYHOUR=9;BYMINUTE=0;X-WORKDAY=CN",
		"FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=3,4,5,6;X-SOLARTERM=QINGMING;BYHOUR=9;BYMINUTE=0",
	} {
		r := base
		r.RRule = rule
		out := web.ICS(r, start, "", created)
		ev := checkICS(t, out)
		if strings.Contains(out, "RRULE") {
			t.Errorf("%s: a rule calendars cannot read was written:\n%s", rule, out)
		}
		rd := ev.GetProperty(ics.ComponentPropertyRdate)
		if rd == nil {
			t.Fatalf("%s: no RDATE:\n%s", rule, out)
		}
		dates := strings.Split(rd.Value, ",")
		if len(dates) < 2 || strings.Contains(rd.Value, `\`) {
			t.Fatalf("%s: RDATE %q", rule, rd.Value)
		}
		for _, d := range dates {
			at, err := time.ParseInLocation("20060102T150405", d, loc)
			if err != nil || at.Hour() != 9 || !at.After(start.Add(-time.Second)) {
				t.Errorf("%s: RDATE %q (%v)", rule, d, err)
			}
		}
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
