package web

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/raasdev/raas/internal/recur"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/zone"
)

// ICS returns an RFC 5545 calendar with the reminder as one event: DTSTART
// at its (next) occurrence, a DISPLAY VALARM at the reminder's defer
// (TRIGGER relative to the start), and its RRULE when it recurs. Recurring
// events are written in the reminder's zone with a VTIMEZONE listing the
// zone's offset changes over the next years, so they keep their wall-clock
// time across daylight saving. Rules with RaaS extensions (lunar RSCALE,
// the Chinese workday calendar) are beyond calendar programs: those get the
// next occurrence alone.
//
// It is also a live feed: a calendar subscribed to the URL (webcal://)
// refetches it (REFRESH-INTERVAL, X-PUBLISHED-TTL), and the event keeps
// its UID while SEQUENCE and LAST-MODIFIED follow the reminder's edits, so
// an edit moves the event and a cancellation (STATUS:CANCELLED) strikes it.
// Rules a calendar cannot evaluate (lunar RSCALE, the Chinese workday
// calendar, solar terms) are sent as their next occurrences, DTSTART and
// RDATEs, which each refresh moves on.
//
// The text is RFC 5545's: lines end in CRLF and are folded at 75 octets
// (never inside a UTF-8 sequence), and TEXT values escape backslash,
// semicolon, comma and newline (golang-ical does both). Line breaks of any
// kind (CRLF, CR, LF) become one escaped newline, a tab a space, and every
// other control character is dropped (see icsText), so no title can end a
// line and start a component of its own.
func ICS(r remind.Reminder, start time.Time, pageURL string, now time.Time) string {
	cal := newFeed()
	addEvent(cal, map[string]bool{}, r, start, pageURL, now)
	return cal.Serialize(ics.WithNewLineWindows)
}

// ICSFeed returns an RFC 5545 calendar of several reminders, each event as
// ICS writes it (its start: When); a recipient's feed.
func ICSFeed(rs []remind.Reminder, now time.Time) string {
	cal := newFeed()
	zones := map[string]bool{}
	for _, r := range rs {
		addEvent(cal, zones, r, When(r), "", now)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

func newFeed() *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//RaaS//Reminder as a Service//ZH")
	cal.SetRefreshInterval(refresh)
	cal.SetXPublishedTTL(refresh)
	return cal
}

// addEvent adds r's event to cal, and the VTIMEZONE of its zone unless
// zones says it is there already.
func addEvent(cal *ics.Calendar, zones map[string]bool, r remind.Reminder, start time.Time, pageURL string, now time.Time) {
	loc := zone.OrUTC(r.TZ)
	addZone := func() {
		if !zones[loc.String()] {
			zones[loc.String()] = true
			addTimezone(cal, loc, start)
		}
	}
	ev := cal.AddEvent(r.ID + "@raas")
	ev.SetDtStampTime(now.UTC())
	ev.SetLastModifiedAt(r.UpdatedAt.UTC())
	ev.SetSequence(sequence(r))
	if r.Status == remind.StatusCancelled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	rule := r.RRule
	var rdates []time.Time
	if strings.Contains(strings.ToUpper(rule), "RSCALE") || strings.Contains(strings.ToUpper(rule), "X-") {
		rule = ""
		if r.Status == remind.StatusActive {
			if rr, err := recur.Parse(r.RRule, r.Start.In(loc)); err == nil {
				// The next occurrences from the one shown, start included.
				rdates = rr.Next(start.Add(-time.Second), feedOccurrences)
			}
		}
	}
	if len(rdates) > 1 && loc != time.UTC {
		// DTSTART and RDATEs in the zone, so they keep their wall clock.
		start = rdates[0]
		ev.SetProperty(ics.ComponentPropertyDtStart, start.In(loc).Format("20060102T150405"), ics.WithTZID(loc.String()))
		ev.SetProperty(ics.ComponentPropertyDtEnd, start.In(loc).Add(15*time.Minute).Format("20060102T150405"), ics.WithTZID(loc.String()))
		var ds []string
		for _, d := range rdates[1:] {
			ds = append(ds, d.In(loc).Format("20060102T150405"))
		}
		ev.AddProperty(ics.ComponentPropertyRdate, strings.Join(ds, ","), ics.WithTZID(loc.String()))
		addZone()
	} else if len(rdates) > 1 {
		start = rdates[0]
		ev.SetStartAt(start.UTC())
		ev.SetEndAt(start.Add(15 * time.Minute).UTC())
		var ds []string
		for _, d := range rdates[1:] {
			ds = append(ds, d.UTC().Format("20060102T150405Z"))
		}
		ev.AddProperty(ics.ComponentPropertyRdate, strings.Join(ds, ","))
	} else if rule != "" && loc != time.UTC {
		ev.SetProperty(ics.ComponentPropertyDtStart, start.In(loc).Format("20060102T150405"), ics.WithTZID(loc.String()))
		ev.SetProperty(ics.ComponentPropertyDtEnd, start.In(loc).Add(15*time.Minute).Format("20060102T150405"), ics.WithTZID(loc.String()))
		addZone()
	} else {
		ev.SetStartAt(start.UTC())
		ev.SetEndAt(start.Add(15 * time.Minute).UTC())
	}
	if rule != "" {
		ev.AddRrule(rule)
	}
	title := icsText(r.Title)
	if strings.TrimSpace(title) == "" {
		title = "提醒"
	}
	ev.SetSummary(title)
	desc := icsText(r.Desc)
	if r.ExternalURL != "" {
		ev.SetURL(r.ExternalURL)
		desc = strings.TrimSpace(desc + "\n\n" + r.ExternalURL)
	}
	if desc != "" {
		ev.SetDescription(desc)
	}
	if pageURL != "" {
		ev.SetProperty(ics.ComponentPropertyComment, icsText(pageURL))
	}
	a := ev.AddAlarm()
	a.SetAction(ics.ActionDisplay)
	a.SetTrigger(trigger(r.DeferMin))
	a.SetProperty(ics.ComponentPropertyDescription, title)
}

// refresh is how often subscribed calendars should fetch the feed again.
const refresh = "PT6H"

// feedOccurrences is how many occurrences of a rule calendars cannot
// evaluate the feed lists; each refresh moves them on.
const feedOccurrences = 30

// sequence is the event's SEQUENCE: seconds from the reminder's creation
// to its last change, so every edit (each moves UpdatedAt on) raises it
// and a calendar takes the new version over the one it holds.
func sequence(r remind.Reminder) int {
	d := r.UpdatedAt.Sub(r.CreatedAt) / time.Second
	if d < 0 {
		return 0
	}
	return int(min(d, 1<<31-1))
}

// icsText returns s fit for an RFC 5545 TEXT value before escaping: valid
// UTF-8, every line break (CRLF, CR or LF) one LF, a tab a space, and no
// other control character (RFC 5545 §3.3.11 allows none).
func icsText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(c rune) rune {
		switch {
		case c == '\n':
			return c
		case c == '\r':
			return '\n'
		case c == '\t':
			return ' '
		case c < 0x20 || c == 0x7f:
			return -1
		}
		return c
	}, s)
}

// trigger is an RFC 5545 duration for a defer in minutes.
func trigger(min int) string {
	sign := ""
	if min < 0 {
		sign, min = "-", -min
	}
	if min == 0 {
		return "PT0S"
	}
	return fmt.Sprintf("%sPT%dM", sign, min)
}

// addTimezone adds a VTIMEZONE for loc with one STANDARD or DAYLIGHT
// sub-component per offset change from a year before from to ten years after.
func addTimezone(cal *ics.Calendar, loc *time.Location, from time.Time) {
	tz := cal.AddTimezone(loc.String())
	t := time.Date(from.Year()-1, 1, 1, 0, 0, 0, 0, loc)
	end := t.AddDate(11, 0, 0)
	_, prevOff := t.Zone()
	changes := 0
	for t.Before(end) {
		next := t.Add(24 * time.Hour)
		_, off := next.Zone()
		if off != prevOff {
			// Find the instant of change to the minute.
			lo, hi := t, next
			for hi.Sub(lo) > time.Minute {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.Zone(); o == prevOff {
					lo = mid
				} else {
					hi = mid
				}
			}
			isDST := hi.IsDST()
			sub := ics.NewStandard()
			name, _ := hi.Zone()
			// DTSTART is the local time just before the change, in the old offset.
			local := hi.UTC().Add(time.Duration(prevOff) * time.Second)
			sub.SetProperty(ics.ComponentPropertyDtStart, local.Format("20060102T150405"))
			sub.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), offset(prevOff))
			sub.SetProperty(ics.ComponentProperty("TZOFFSETTO"), offset(off))
			sub.SetProperty(ics.ComponentProperty("TZNAME"), name)
			if isDST {
				tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: sub.ComponentBase})
			} else {
				tz.Components = append(tz.Components, sub)
			}
			changes++
			prevOff = off
		}
		t = next
	}
	if changes == 0 {
		name, off := from.In(loc).Zone()
		sub := ics.NewStandard()
		sub.SetProperty(ics.ComponentPropertyDtStart, "19700101T000000")
		sub.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), offset(off))
		sub.SetProperty(ics.ComponentProperty("TZOFFSETTO"), offset(off))
		sub.SetProperty(ics.ComponentProperty("TZNAME"), name)
		tz.Components = append(tz.Components, sub)
	}
}

func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
}
