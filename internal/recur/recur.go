// Package recur turns a recurrence rule and an IANA zone into occurrences.
//
// Rules are RFC 5545 RRULE values, evaluated by github.com/teambition/rrule-go
// behind this package's own type, with these choices:
//
//   - Wall clock: a rule is evaluated in the civil time of its zone (the
//     location of dtstart), so a 09:00 America/New_York daily rule fires at
//     09:00 local on both sides of a daylight-saving change. HOURLY and
//     MINUTELY rules also step in wall-clock time.
//   - Spring-forward gap: a wall time that does not exist (02:30 on the day
//     New York jumps from 02:00 to 03:00) is interpreted with the offset in
//     force before the gap, as RFC 5545 §3.3.5 says: it fires at 03:30 local,
//     the same instant 02:30 would have been without the jump. Two
//     occurrences that land on the same instant this way fire once.
//   - Fall-back fold: a wall time that occurs twice (01:30 on the day New
//     York goes from 02:00 back to 01:00) means its first occurrence.
//   - dtstart is an occurrence only if it matches the rule (as in
//     python-dateutil and rrule-go), and nothing happens before it.
//   - Month ends: BYMONTHDAY=31 skips months with fewer days, BYMONTHDAY=-1
//     is the last day; FREQ=MONTHLY from a 31st skips short months; FREQ=YEARLY
//     from 29 February fires in leap years only.
//   - Limits for a reminder service: FREQ=SECONDLY and more than one BYSECOND
//     value are rejected (nothing fires more often than once a minute);
//     INTERVAL and COUNT are at most 100000; dtstart lies in years
//     1900–2999. Every search stops after at most 400 years or a fixed
//     number of steps, so a rule that can never match (BYMONTH=2;
//     BYMONTHDAY=30) simply has no occurrence.
//
// Three extensions:
//
//   - RSCALE=CHINESE (RFC 7529): with FREQ=YEARLY or FREQ=MONTHLY, BYMONTH
//     and BYMONTHDAY are months and days of the Chinese lunar calendar, and
//     INTERVAL counts lunar years or months. "5L" in BYMONTH is the leap
//     month after the 5th; BYMONTHDAY=-1 is the last day of the month (29 or
//     30), so "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1" is 除夕.
//     Without BYMONTH/BYMONTHDAY the lunar month and day of dtstart are used.
//     SKIP=OMIT (the default) drops a date that does not exist that year (a
//     30th in a 29-day month, a leap month the year lacks); SKIP=BACKWARD
//     moves it to the last day of the month (or the non-leap month) and
//     SKIP=FORWARD to the next day (or the month after). BYDAY, BYYEARDAY,
//     BYWEEKNO and BYSETPOS are not supported with it. Time of day comes
//     from BYHOUR/BYMINUTE/BYSECOND or dtstart.
//
//   - X-WORKDAY=CN keeps only the occurrences that fall on an official
//     working day in mainland China (internal/calendar.IsWorkday: statutory
//     holidays skipped, make-up Saturdays and Sundays included), judged on
//     the occurrence's date in the rule's zone; "FREQ=DAILY;X-WORKDAY=CN" is
//     every working day. X-WORKDAY=CN-OFF keeps the other days (weekends and
//     holidays, minus make-up working days). COUNT counts kept occurrences.
//
//   - X-SOLARTERM=QINGMING (any of the 24 solar terms by its pinyin, see
//     internal/calendar) keeps only the occurrences that fall on that solar
//     term's date in China, whose date moves by a day or two from year to
//     year: "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=3,4,5,6;X-SOLARTERM=QINGMING"
//     is 清明 every year. Not with RSCALE=CHINESE.
//
// A Rule is immutable and safe for concurrent use.
package recur

import (
	"time"

	"github.com/raasdev/raas/internal/calendar"
	"github.com/teambition/rrule-go"
)

// Rule is a parsed recurrence rule anchored at a start instant in a zone.
type Rule struct {
	loc       *time.Location
	dtstart   time.Time
	startWall time.Time // dtstart's wall clock as a UTC time ("floating")

	freq      rrule.Frequency
	freqName  string
	interval  int
	count     int
	until     time.Time // zero when unbounded
	untilWall time.Time

	bysecond, byminute, byhour []int
	bymonthday, byyearday      []int
	byweekno, bymonth          []int
	bysetpos                   []int
	bymonthRaw                 string
	byday                      []rrule.Weekday
	bydayStr                   []string
	wkst                       rrule.Weekday
	wkstStr                    string

	chinese     bool
	lunarMonths []lunarMonthSel
	skip        string
	workday     string
	solarTerm   int // X-SOLARTERM: index+1 of the solar term an occurrence must fall on; 0 none

	opt   rrule.ROption // Gregorian rules: defaults made explicit
	never bool          // statically known to have no occurrence
	times []clock       // Chinese rules: times of day, ascending

	startLunar calendar.LunarDate // Chinese rules: dtstart's lunar date
	defMonths  []lunarMonthSel    // Chinese rules: BYMONTH default
	defDays    []int              // Chinese rules: BYMONTHDAY default
}

type clock struct{ h, m, s int }

const (
	// horizonYears bounds every search after its starting point.
	horizonYears = 400
	// maxSteps bounds the candidates one search examines.
	maxSteps = 1_000_000
	// maxNext bounds the slice Next returns.
	maxNext = 10000
)

// Location returns the rule's zone.
func (r *Rule) Location() *time.Location { return r.loc }

// Start returns dtstart (truncated to the second).
func (r *Rule) Start() time.Time { return r.dtstart }

// After returns the first occurrence strictly after t, and false when the
// rule has no more (or none within the search horizon).
func (r *Rule) After(t time.Time) (time.Time, bool) {
	out := r.scan(t, 1)
	if len(out) == 0 {
		return time.Time{}, false
	}
	return out[0], true
}

// Next returns up to n (at most 10000) occurrences strictly after t, in
// order; fewer when the rule ends.
func (r *Rule) Next(t time.Time, n int) []time.Time {
	return r.scan(t, min(n, maxNext))
}

// scan collects up to n occurrences strictly after t.
func (r *Rule) scan(t time.Time, n int) []time.Time {
	if n <= 0 || r.never {
		return nil
	}
	if t.Year() > maxYear+1 {
		return nil
	}
	from := r.startWall
	if r.count == 0 {
		// Start two days back in wall time: no zone is more than 26 hours
		// from UTC, so no occurrence after t is missed.
		if f := wallOf(t.In(r.loc)).Add(-48 * time.Hour); f.After(from) {
			from = f
		}
	}
	next := r.walls(from)
	limit := from.AddDate(horizonYears, 0, 0)
	var out []time.Time
	var prev time.Time
	kept := 0
	for range maxSteps {
		w, ok := next()
		if !ok || w.After(limit) {
			break
		}
		if w.Before(r.startWall) {
			continue
		}
		if !r.until.IsZero() && w.After(r.untilWall) {
			break
		}
		if r.workday != "" && calendar.IsWorkday(calendar.Date{Year: w.Year(), Month: w.Month(), Day: w.Day()}) != (r.workday == "CN") {
			continue
		}
		if r.solarTerm != 0 && !calendar.IsSolarTerm(calendar.Date{Year: w.Year(), Month: w.Month(), Day: w.Day()}, r.solarTerm-1) {
			continue
		}
		inst := localize(w, r.loc)
		if inst.Before(r.dtstart) || !prev.IsZero() && !inst.After(prev) {
			continue
		}
		if !r.until.IsZero() && inst.After(r.until) {
			break
		}
		prev = inst
		kept++
		if r.count > 0 && kept > r.count {
			break
		}
		if inst.After(t) {
			out = append(out, inst)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// walls returns an iterator over candidate wall times in ascending order,
// starting at or before from (never before the rule's first period).
func (r *Rule) walls(from time.Time) func() (time.Time, bool) {
	if r.chinese {
		return r.chineseWalls(from)
	}
	return r.gregorianWalls(from)
}

// wallOf returns t's wall clock as a UTC time.
func wallOf(t time.Time) time.Time {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, m, d, h, mi, s, 0, time.UTC)
}

// localize returns the instant of wall-clock time w in loc, resolving a
// spring-forward gap with the offset before it and a fall-back fold to its
// first instant.
func localize(w time.Time, loc *time.Location) time.Time {
	y, m, d := w.Date()
	h, mi, s := w.Clock()
	t := time.Date(y, m, d, h, mi, s, 0, loc)
	if wt := wallOf(t); wt.Before(w) {
		// Go resolved the gap backwards (with the later offset): use the
		// offset in force before the gap instead.
		_, off := t.Zone()
		return time.Unix(w.Unix()-int64(off), 0).In(loc)
	}
	return t
}
