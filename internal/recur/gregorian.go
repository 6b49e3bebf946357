package recur

import (
	"slices"
	"time"

	"github.com/teambition/rrule-go"
)

// initGregorian builds the rrule-go options with every default rrule-go would
// take from dtstart made explicit, so the rule can be re-anchored at a later
// period start without changing its meaning.
func (r *Rule) initGregorian() {
	s := r.startWall
	o := rrule.ROption{
		Freq: r.freq, Interval: r.interval, Wkst: r.wkst,
		Bysetpos: r.bysetpos, Bymonth: r.bymonth, Bymonthday: r.bymonthday,
		Byyearday: r.byyearday, Byweekno: r.byweekno, Byweekday: r.byday,
		Byhour: r.byhour, Byminute: r.byminute, Bysecond: r.bysecond,
	}
	if len(o.Byweekno) == 0 && len(o.Byyearday) == 0 && len(o.Bymonthday) == 0 && len(o.Byweekday) == 0 {
		switch r.freq {
		case rrule.YEARLY:
			if len(o.Bymonth) == 0 {
				o.Bymonth = []int{int(s.Month())}
			}
			o.Bymonthday = []int{s.Day()}
		case rrule.MONTHLY:
			o.Bymonthday = []int{s.Day()}
		case rrule.WEEKLY:
			o.Byweekday = []rrule.Weekday{weekdayOf(s.Weekday())}
		}
	}
	if len(o.Byhour) == 0 && r.freq < rrule.HOURLY {
		o.Byhour = []int{s.Hour()}
	}
	if len(o.Byminute) == 0 && r.freq < rrule.MINUTELY {
		o.Byminute = []int{s.Minute()}
	}
	if len(o.Bysecond) == 0 {
		o.Bysecond = []int{s.Second()}
	}
	r.opt = o
	r.never = r.unreachable()
}

func weekdayOf(d time.Weekday) rrule.Weekday {
	return [...]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[d]
}

// unreachable reports rules rrule-go would search forever: an HOURLY or
// MINUTELY rule whose INTERVAL never lands on any BYHOUR/BYMINUTE value.
func (r *Rule) unreachable() bool {
	s := r.startWall
	switch r.freq {
	case rrule.HOURLY:
		if len(r.byhour) == 0 {
			return false
		}
		g := gcd(r.interval, 24)
		return !slices.ContainsFunc(r.byhour, func(h int) bool { return (h-s.Hour())%g == 0 })
	case rrule.MINUTELY:
		if len(r.byhour) == 0 && len(r.byminute) == 0 {
			return false
		}
		g := gcd(r.interval, 1440)
		m0 := s.Hour()*60 + s.Minute()
		for h := range 24 {
			if len(r.byhour) > 0 && !slices.Contains(r.byhour, h) {
				continue
			}
			for m := range 60 {
				if len(r.byminute) > 0 && !slices.Contains(r.byminute, m) {
					continue
				}
				if (h*60+m-m0)%g == 0 {
					return false
				}
			}
		}
		return true
	}
	return false
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// gregorianWalls runs rrule-go from a period start at or before from, in
// phase with dtstart's period and INTERVAL.
//
// rrule-go only gives up on a rule that never matches when it reaches the
// year 9999, so the search runs in a copy of the calendar shifted by a
// multiple of 400 years (the Gregorian calendar, weekdays included, repeats
// every 400 years) that puts its start between 9200 and 9599: at most 800
// years of search, whatever the rule.
func (r *Rule) gregorianWalls(from time.Time) func() (time.Time, bool) {
	anchor := r.anchor(from)
	shift := 0
	if y := anchor.Year(); y < 9200 {
		shift = (9200 - y + 399) / 400 * 400
	}
	o := r.opt
	o.Dtstart = anchor.AddDate(shift, 0, 0)
	if !r.until.IsZero() {
		o.Until = r.untilWall.AddDate(shift, 0, 0)
	}
	rr, err := rrule.NewRRule(o)
	if err != nil {
		// The options were validated by Parse; treat the impossible as empty.
		return func() (time.Time, bool) { return time.Time{}, false }
	}
	it := rr.Iterator()
	return func() (time.Time, bool) {
		w, ok := it()
		if !ok {
			return time.Time{}, false
		}
		return w.AddDate(-shift, 0, 0), true
	}
}

// anchor returns the start of the latest period, in phase with dtstart's,
// that begins at least one period before from; dtstart itself when there is
// none after dtstart's own period.
func (r *Rule) anchor(from time.Time) time.Time {
	s := r.startWall
	if !from.After(s) {
		return s
	}
	var periods int
	var start func(k int) time.Time
	sd := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)
	fd := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	switch r.freq {
	case rrule.YEARLY:
		periods = from.Year() - s.Year()
		start = func(k int) time.Time { return time.Date(s.Year()+k, 1, 1, 0, 0, 0, 0, time.UTC) }
	case rrule.MONTHLY:
		periods = (from.Year()-s.Year())*12 + int(from.Month()) - int(s.Month())
		start = func(k int) time.Time { return time.Date(s.Year(), s.Month()+time.Month(k), 1, 0, 0, 0, 0, time.UTC) }
	case rrule.WEEKLY:
		wk := (int(s.Weekday()) - int(wkstWeekday(r.wkst)) + 7) % 7
		ws := sd.AddDate(0, 0, -wk)
		periods = int(fd.Sub(ws).Hours()) / 24 / 7
		start = func(k int) time.Time { return ws.AddDate(0, 0, 7*k) }
	case rrule.DAILY:
		periods = int(fd.Sub(sd).Hours()) / 24
		start = func(k int) time.Time { return sd.AddDate(0, 0, k) }
	case rrule.HOURLY:
		hs := s.Truncate(time.Hour)
		periods = int(from.Sub(hs) / time.Hour)
		start = func(k int) time.Time { return hs.Add(time.Duration(k) * time.Hour) }
	case rrule.MINUTELY:
		ms := s.Truncate(time.Minute)
		periods = int(from.Sub(ms) / time.Minute)
		start = func(k int) time.Time { return ms.Add(time.Duration(k) * time.Minute) }
	default:
		return s
	}
	k := (periods - 1) / r.interval * r.interval
	if k <= 0 {
		return s
	}
	return start(k)
}

func wkstWeekday(w rrule.Weekday) time.Weekday {
	return time.Weekday((w.Day() + 1) % 7)
}
