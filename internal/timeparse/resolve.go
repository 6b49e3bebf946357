package timeparse

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/calendar"
)

type resolver struct {
	now                  time.Time
	loc                  *time.Location
	dateHour, dateMinute int
}

func (r *resolver) resolve(e *expr) (Schedule, error) {
	weekdayRangeRule(e)
	if loc := e.zone.location(); loc != nil {
		return r.inZone(e, loc)
	}
	if e.freq != fNone {
		return r.resolveRecur(e)
	}
	return r.resolveOnce(e)
}

// civil is a calendar date; time.Date normalises out-of-range fields.
type civil struct{ y, m, d int }

func civilOf(t time.Time) civil { return civil{t.Year(), int(t.Month()), t.Day()} }

func (c civil) at(h, m int, loc *time.Location) time.Time {
	return time.Date(c.y, time.Month(c.m), c.d, h, m, 0, 0, loc)
}

func (c civil) norm() civil {
	return civilOf(time.Date(c.y, time.Month(c.m), c.d, 12, 0, 0, 0, time.UTC))
}

func (c civil) addDays(n int) civil { return civil{c.y, c.m, c.d + n}.norm() }

func (c civil) before(o civil) bool {
	if c.y != o.y {
		return c.y < o.y
	}
	if c.m != o.m {
		return c.m < o.m
	}
	return c.d < o.d
}

func (c civil) isoWeekday() int {
	wd := int(time.Date(c.y, time.Month(c.m), c.d, 12, 0, 0, 0, time.UTC).Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

func daysIn(y, m int) int { return time.Date(y, time.Month(m)+1, 0, 12, 0, 0, 0, time.UTC).Day() }

// partHour is the hour a part of day stands for when no clock is given.
func partHour(p part) int {
	switch p {
	case partEarly:
		return 5
	case partMorning:
		return 8
	case partForenoon:
		return 10
	case partNoon:
		return 12
	case partAfternoon:
		return 15
	case partEvening:
		return 18
	case partNight:
		return 20
	case partMidnight:
		return 24
	}
	return 9
}

// hour24 maps a clock hour with its part of day or am/pm to 0-47 hours from
// the start of the day (晚上12点 and 半夜2点 belong to the next day). ok is
// false when nothing said whether an hour from 1 to 12 is am or pm.
func hour24(h int, p part, ap byte) (int, bool) {
	switch ap {
	case 'a':
		if h == 12 {
			return 0, true
		}
		return h, true
	case 'p':
		if h < 12 {
			return h + 12, true
		}
		return h, true
	}
	if h == 0 || h > 12 {
		return h, true
	}
	switch p {
	case partEarly:
		if h == 12 {
			return 0, true
		}
		return h, true
	case partMorning, partForenoon:
		return h, true
	case partNoon:
		if h <= 5 {
			return h + 12, true
		}
		return h, true
	case partAfternoon, partEvening:
		if h == 12 {
			return 12, true
		}
		return h + 12, true
	case partNight:
		switch {
		case h == 12:
			return 24, true
		case h <= 4:
			return h + 24, true
		}
		return h + 12, true
	case partMidnight:
		switch {
		case h == 12:
			return 24, true
		case h <= 6:
			return h + 24, true
		}
		return h + 12, true
	}
	return h, false
}

// clock returns the hour (0-47) and minute e fires at, how precisely, and
// whether the hour still needs am or pm chosen.
func (r *resolver) clock(e *expr) (h, m int, g Grain, ambiguous bool) {
	switch {
	case e.sameTime:
		return r.now.Hour(), r.now.Minute(), GrainMinute, false
	case e.hasTime:
		h, ok := hour24(e.hour, e.part, e.ampm)
		if !ok && e.hasEnd {
			// from 3 to 5pm: the end's marker decides the start
			if eh, eok := hour24(e.endHour, e.endPart, e.endAmpm); eok && eh >= 12 && h+12 <= eh {
				h, ok = h+12, true
			} else if eok {
				ok = true
			}
		}
		return h, e.min, GrainMinute, !ok
	case e.part != partNone:
		return partHour(e.part), 0, GrainHour, false
	}
	return r.dateHour, r.dateMinute, GrainDay, false
}

type rollKind uint8

const (
	rollNone rollKind = iota
	rollDay
	rollWeek
	rollMonth
	rollYear
)

// day is the date a one-off expression names before its time of day is
// applied, with how the "reminders look forward" step may move it.
type day struct {
	date     civil
	roll     rollKind // how to move a date that has passed
	floating bool     // no date said: today or tomorrow, whichever comes first
	grain    Grain    // the date's own grain (day, week, month, year)
	done     bool     // sch is the whole answer (in 2 hours: no time of day to apply)
	sch      Schedule
}

// dateShape is the shape of date a one-off expression names; shapeOf
// picks it (the first that fits, in the order below) and dayOf turns it
// into a day. Adding a shape is adding a constant, its test in shapeOf and
// its method.
type dateShape uint8

const (
	shapeDuration    dateShape = iota // in 3 days, 2小时后
	shapeFestival                     // 中秋节, thanksgiving 2031
	shapeYearDay                      // 2031年第100天
	shapeNthWeekday                   // the first Monday of next month
	shapeCalendar                     // 12月25日, 2031, 农历八月十五
	shapeMonthDayOff                  // 下个月的今天
	shapeWeekDayOff                   // 下周的今天
	shapeMonthOff                     // next month
	shapeYearDayOff                   // 明年的今天
	shapeYearOff                      // next year
	shapeWeekday                      // Friday, 下周三
	shapeWeekOff                      // next week
	shapeDayOff                       // tomorrow, 第三天
	shapeNextWorkday                  // 下个工作日
	shapeFloating                     // no date: today or tomorrow
)

func (e *expr) shapeOf() dateShape {
	switch {
	case e.hasDur:
		return shapeDuration
	case e.festival != 0:
		return shapeFestival
	case e.yearDay != 0:
		return shapeYearDay
	case e.nth != 0 && e.weekday != 0:
		return shapeNthWeekday
	case e.month != 0 || e.day != 0 || e.year != 0:
		return shapeCalendar
	case e.hasMonthOff && e.hasDayOff:
		return shapeMonthDayOff
	case e.hasWeekOff && e.hasDayOff && e.weekday == 0:
		return shapeWeekDayOff
	case e.hasMonthOff:
		return shapeMonthOff
	case e.hasYearOff && e.hasDayOff:
		return shapeYearDayOff
	case e.hasYearOff:
		return shapeYearOff
	case e.weekday != 0:
		return shapeWeekday
	case e.hasWeekOff:
		return shapeWeekOff
	case e.hasDayOff:
		return shapeDayOff
	case e.nextWorkday:
		return shapeNextWorkday
	}
	return shapeFloating
}

// dayOf gives the day of each shape.
func (r *resolver) dayOf(e *expr, today civil) (day, error) {
	t := today
	switch e.shapeOf() {
	case shapeDuration:
		return r.durationDay(e, today)
	case shapeFestival:
		return r.festivalDay(e, today)
	case shapeYearDay:
		return r.yearDayDay(e, today)
	case shapeNthWeekday:
		return r.nthWeekdayDay(e, today)
	case shapeCalendar:
		return r.calendarDay(e, today)
	case shapeMonthDayOff:
		return dayOn(civil{t.y, t.m + e.monthOff, t.d + e.dayOff}.norm()), nil
	case shapeWeekDayOff:
		return dayOn(t.addDays(7*e.weekOff + e.dayOff)), nil
	case shapeMonthOff:
		if e.monthOff == 0 {
			return day{date: t, grain: GrainMonth}, nil
		}
		return day{date: civil{t.y, t.m + e.monthOff, 1}.norm(), grain: GrainMonth}, nil
	case shapeYearDayOff:
		return dayOn(civil{t.y + e.yearOff, t.m, t.d + e.dayOff}.norm()), nil
	case shapeYearOff:
		if e.yearOff == 0 {
			return day{date: t, grain: GrainYear}, nil
		}
		return day{date: civil{t.y + e.yearOff, 1, 1}, grain: GrainYear}, nil
	case shapeWeekday:
		return r.weekdayDay(e, today)
	case shapeWeekOff:
		if e.weekOff == 0 {
			return day{date: t, grain: GrainWeek}, nil
		}
		return day{date: t.addDays(7*e.weekOff + 1 - t.isoWeekday()), grain: GrainWeek}, nil
	case shapeDayOff:
		return dayOn(t.addDays(e.dayOff)), nil
	case shapeNextWorkday:
		date := t.addDays(1)
		for k := 0; k < 60 && !calendar.IsWorkday(calendar.NewDate(date.y, time.Month(date.m), date.d)); k++ {
			date = date.addDays(1)
		}
		return dayOn(date), nil
	}
	return day{date: t, roll: rollDay, floating: true, grain: GrainDay}, nil
}

func dayOn(c civil) day { return day{date: c, grain: GrainDay} }

func (r *resolver) durationDay(e *expr, today civil) (day, error) {
	t := r.now.AddDate(e.durYears, e.durMonths, e.durDays).Add(time.Duration(e.durSec) * time.Second)
	if !e.hasTime && e.part == partNone && (e.durSec > 0 || e.durDays == 0 && e.durMonths == 0 && e.durYears == 0) {
		// now plus the duration, to the second: "in 2 hours" at 14:40:27
		// is 16:40:27, never a minute early
		g := GrainMinute
		if e.durSec%60 != 0 {
			g = GrainSecond
		}
		sch, _ := r.oneOff(t.Truncate(time.Second), g, e)
		return day{done: true, sch: sch}, nil
	}
	return dayOn(civilOf(t)), nil
}

func (r *resolver) festivalDay(e *expr, today civil) (day, error) {
	d, ok := r.festivalDate(festivalAt(e.festival-1), today, e)
	if !ok {
		return day{}, ErrNoTime
	}
	return dayOn(d), nil
}

// yearDayDay reads 2031年第100天: the nth day of a year.
func (r *resolver) yearDayDay(e *expr, today civil) (day, error) {
	y := today.y
	if e.year != 0 {
		y = e.year
	} else if e.hasYearOff {
		y += e.yearOff
	}
	d := civil{y, 1, e.yearDay}.norm()
	if d.y != y {
		return day{}, ErrNoTime // 2031年第366天
	}
	return dayOn(d), nil
}

// nthWeekdayDay reads the first Monday of next month, 5月的第二个星期日.
func (r *resolver) nthWeekdayDay(e *expr, today civil) (day, error) {
	y := today.y
	if e.year != 0 {
		y = e.year
	} else if e.hasYearOff {
		y += e.yearOff
	}
	m := e.month
	if m == 0 {
		m = today.m + e.monthOff
	}
	c := civil{y, m, 1}.norm()
	date := nthWeekday(c.y, c.m, e.weekday, e.nth)
	if date.before(today) && e.year == 0 && !e.hasYearOff && !e.hasMonthOff {
		if e.month != 0 {
			c.y++
		} else {
			c = civil{c.y, c.m + 1, 1}.norm()
		}
		date = nthWeekday(c.y, c.m, e.weekday, e.nth)
	}
	return dayOn(date), nil
}

// calendarDay reads a date said by its year, month or day of the month,
// Gregorian or lunar.
func (r *resolver) calendarDay(e *expr, today civil) (day, error) {
	out := day{grain: GrainDay}
	y, explicitYear := today.y, e.year != 0 || e.hasYearOff
	if e.year != 0 {
		y = e.year
	} else if e.hasYearOff {
		y += e.yearOff
	}
	m := e.month
	if m == 0 {
		if e.year != 0 && e.day == 0 {
			m, out.grain = 1, GrainYear
		} else {
			m = today.m
			if e.hasMonthOff {
				m += e.monthOff
			} else if !explicitYear {
				out.roll = rollMonth
			}
		}
	} else if !explicitYear {
		out.roll = rollYear
	}
	if e.lunar {
		return r.lunarDay(e, y, m, explicitYear, today)
	}
	d := e.day
	switch {
	case d == -1:
		d = daysIn(civil{y, m, 1}.norm().y, civil{y, m, 1}.norm().m)
	case d == 0:
		d = 1
		if out.grain != GrainYear {
			out.grain = GrainMonth
		}
	}
	out.date = civil{y, m, d}.norm()
	if e.day > 0 && out.date.d != e.day {
		if out.roll != rollMonth {
			return day{}, ErrNoTime // 2月30日
		}
		// 31号 in November: the next month that has one
		for k := 1; k <= 12 && out.date.d != e.day; k++ {
			c := civil{y, m + k, 1}.norm()
			out.date = civil{c.y, c.m, d}.norm()
		}
	}
	if out.grain == GrainMonth && out.date.y == today.y && out.date.m == today.m && out.roll == rollYear {
		out.roll, out.date = rollNone, today // 11月 in November: this month
	}
	return out, nil
}

func (r *resolver) weekdayDay(e *expr, today civil) (day, error) {
	wd := today.isoWeekday()
	switch {
	case e.lastWeekday:
		return dayOn(today.addDays(-((wd-e.weekday+6)%7 + 1))), nil
	case e.hasWeekOff:
		date := today.addDays(7*e.weekOff + e.weekday - wd)
		if e.weekOff == 0 && date.before(today) {
			date = date.addDays(7) // 这周五 on Sunday: the coming one
		}
		return dayOn(date), nil
	}
	return day{date: today.addDays((e.weekday - wd + 7) % 7), roll: rollWeek, grain: GrainDay}, nil
}

func (r *resolver) resolveOnce(e *expr) (Schedule, error) {
	today := civilOf(r.now)
	dy, err := r.dayOf(e, today)
	if err != nil {
		return Schedule{}, err
	}
	if dy.done {
		return dy.sch, nil
	}
	if e.hasShift {
		dy.date, dy.roll = dy.date.addDays(e.shift), rollNone
	}
	if e.hasDur && !e.hasTime && e.part == partNone {
		return r.oneOff(dy.date.at(r.dateHour, r.dateMinute, r.loc), GrainDay, e)
	}
	t, g := r.timeOfDay(e, dy, today)
	t = r.lookForward(e, dy, t, g, today)
	sch, err := r.withEnd(e, t, g)
	if err == nil {
		sch.Warnings = checkWeekday(e, t)
	}
	return sch, err
}

// checkWeekday compares the weekday said beside a date (明天（周五）,
// Friday, Nov 26) with the date's own and warns when they disagree; the
// date is kept, being the more specific.
func checkWeekday(e *expr, t time.Time) []string {
	wd := e.checkWeekday
	if wd == 0 && e.weekday != 0 && e.nth == 0 && !e.hasWeekOff && !e.lastWeekday && (e.day > 0 || e.hasDayOff || e.festival != 0) {
		wd = e.weekday // a weekday and a date both said: the date wins
	}
	if wd == 0 {
		return nil
	}
	got := civilOf(t).isoWeekday()
	if got == wd {
		return nil
	}
	return []string{fmt.Sprintf("the text says %s but %s is a %s; the date was kept",
		time.Weekday(wd%7), t.Format("2006-01-02"), time.Weekday(got%7))}
}

// timeOfDay puts the clock (or part of day, or the date hour) of e on the
// day dy.
func (r *resolver) timeOfDay(e *expr, dy day, today civil) (time.Time, Grain) {
	h, m, g, ambiguous := r.clock(e)
	if g == GrainDay {
		g = dy.grain
	}
	date := dy.date
	var t time.Time
	switch {
	case ambiguous && (dy.floating || date == today):
		// the next of h and h+12 (12: noon, then midnight)
		a, b := e.hour, e.hour+12
		if e.hour == 12 {
			a, b = 12, 24
		}
		t = date.at(a, m, r.loc)
		if t.Before(r.now) {
			t = date.at(b, m, r.loc)
		}
		if t.Before(r.now) && dy.floating {
			t = date.addDays(1).at(a, m, r.loc)
		}
	case ambiguous:
		if e.hour <= 6 {
			h = e.hour + 12
		}
		t = date.at(h, m, r.loc)
	default:
		t = date.at(h, m, r.loc)
	}
	if e.hasSec {
		t, g = t.Add(time.Duration(e.sec)*time.Second), GrainSecond
	}
	return t, g
}

// lookForward moves a time that has passed to its next occurrence as the
// day's roll says: reminders look forward.
func (r *resolver) lookForward(e *expr, dy day, t time.Time, g Grain, today civil) time.Time {
	past := t.Before(r.now)
	if g != GrainMinute && g != GrainHour && g != GrainSecond {
		past = civilOf(t).before(today) || dy.roll == rollWeek && dy.date == today
	}
	if !past {
		return t
	}
	date := dy.date
	switch dy.roll {
	case rollDay:
		return t.AddDate(0, 0, 1)
	case rollWeek:
		return t.AddDate(0, 0, 7)
	case rollMonth:
		for k := 1; k <= 12; k++ {
			c := civil{date.y, date.m + k, 1}.norm()
			if e.day == -1 {
				c.d = daysIn(c.y, c.m)
			} else {
				c.d = date.d
			}
			if c.d <= daysIn(c.y, c.m) {
				return c.at(t.Hour(), t.Minute(), r.loc).Add(time.Duration(t.Second()) * time.Second)
			}
		}
	case rollYear:
		for k := 1; k <= 8; k++ {
			c := civil{date.y + k, date.m, date.d}
			if c.d <= daysIn(c.y, c.m) {
				return c.at(t.Hour(), t.Minute(), r.loc).Add(time.Duration(t.Second()) * time.Second)
			}
		}
	}
	return t
}

// withEnd answers t, with the end of the range e names if any: the last
// day of a range of dates, or the end of a range of hours.
func (r *resolver) withEnd(e *expr, t time.Time, g Grain) (Schedule, error) {
	sch, err := r.oneOff(t, g, e)
	if err != nil {
		return sch, err
	}
	if e.hasEndDate {
		end := r.endDate(e, civilOf(t)).at(t.Hour(), t.Minute(), r.loc)
		sch.End = &end
		return sch, nil
	}
	if !e.hasEnd {
		return sch, nil
	}
	eh, eok := hour24(e.endHour, e.endPart, e.endAmpm)
	if !eok && e.part != partNone {
		eh, eok = hour24(e.endHour, e.part, 0)
	}
	end := civilOf(t).at(eh, e.endMin, r.loc)
	if !end.After(t) && !eok && eh < 12 {
		end = end.Add(12 * time.Hour)
	}
	if e.endNextDay {
		end = end.AddDate(0, 0, 1)
	}
	for !end.After(t) {
		end = end.AddDate(0, 0, 1)
	}
	sch.End = &end
	return sch, nil
}

func (r *resolver) oneOff(t time.Time, g Grain, e *expr) (Schedule, error) {
	return Schedule{Time: t, Grain: g, Next: []time.Time{t}}, nil
}

func (r *resolver) lunarDate(y, m, d int) (civil, error) { return r.lunarDateL(y, m, d, false) }

// lunarDateL is lunarDate in the leap month (闰月) that follows m when leap.
func (r *resolver) lunarDateL(y, m, d int, leap bool) (civil, error) {
	if m == 0 {
		l, err := calendar.ToLunar(calendar.DateOf(r.now))
		if err != nil {
			return civil{}, err
		}
		m = l.Month
	}
	if d == -1 {
		n, err := calendar.LunarMonthDays(y, m, leap)
		if err != nil {
			return civil{}, err
		}
		d = n
	}
	if d == 0 {
		d = 1 // 农历八月, 腊月: the month's first day
	}
	if d == 30 {
		// 腊月三十 in a 29-day month: its last day, as 大年三十 is
		if n, err := calendar.LunarMonthDays(y, m, leap); err == nil && n < 30 {
			d = n
		}
	}
	g, err := calendar.FromLunar(calendar.LunarDate{Year: y, Month: m, Day: d, Leap: leap})
	if err != nil {
		return civil{}, err
	}
	return civil{g.Year, int(g.Month), g.Day}, nil
}

func (r *resolver) festivalDate(f *festivalName, today civil, e *expr) (civil, bool) {
	explicit := e.year != 0 || e.hasYearOff
	y := today.y
	if e.year != 0 {
		y = e.year
	} else if e.hasYearOff {
		y += e.yearOff
	}
	switch {
	case f.term != 0:
		return termFestival(f, y, explicit, today)
	case f.lunarM != 0 && explicit:
		// 2031年大年三十: the lunar year said, so its eve falls in 2032
		c, err := r.lunarDate(y, f.lunarM, f.lunarD)
		return c, err == nil
	case f.lunarM != 0:
		if c, ok := r.nextLunarFestival(f, today); ok {
			return c, true
		}
	case f.computed() || f.solarM != 0:
		// fixed days, Easter and the days counted from it, nth weekdays
		if explicit {
			return festivalIn(f, y), true
		}
		for k := 0; k < 2; k++ {
			if c := festivalIn(f, y+k); !c.before(today) {
				return c, true
			}
		}
		return civil{}, false
	}
	if f.calendar == "" {
		return civil{}, false
	}
	if explicit {
		d, ok := calendar.FestivalDate(f.calendar, y)
		return civil{d.Year, int(d.Month), d.Day}, ok
	}
	d, ok := calendar.NextFestival(f.calendar, calendar.NewDate(today.y, time.Month(today.m), today.d))
	return civil{d.Year, int(d.Month), d.Day}, ok
}

// termFestival is a solar term (and the days counted from it): in year y
// when said, else this year's or next year's once passed.
func termFestival(f *festivalName, y int, explicit bool, today civil) (civil, bool) {
	for k := 0; k < 2; k++ {
		d, err := calendar.SolarTermDate(f.term-1, y+k)
		if err != nil {
			return civil{}, false
		}
		if c := (civil{d.Year, int(d.Month), d.Day}).addDays(f.shift); explicit || !c.before(today) {
			return c, true
		}
	}
	return civil{}, false
}

// nextLunarFestival is the next lunar festival from today: one conversion
// each way instead of NextFestival's search (tyme4go is slow, and festivals
// are common in reminders).
func (r *resolver) nextLunarFestival(f *festivalName, today civil) (civil, bool) {
	l, err := calendar.ToLunar(calendar.NewDate(today.y, time.Month(today.m), today.d))
	if err != nil {
		return civil{}, false
	}
	d := f.lunarD
	if d == -1 {
		d = 31
	}
	ly := l.Year
	if f.lunarM < l.Month || f.lunarM == l.Month && (d < l.Day || l.Leap) {
		ly++
	}
	for k := 0; k < 2; k++ {
		c, err := r.lunarDate(ly+k, f.lunarM, f.lunarD)
		if err == nil && !c.before(today) {
			return c, true
		}
	}
	return civil{}, false
}

func nthWeekday(y, m, wd, n int) civil {
	if n < 0 {
		last := civil{y, m, daysIn(y, m)}
		return last.addDays(-((last.isoWeekday() - wd + 7) % 7))
	}
	first := civil{y, m, 1}
	return first.addDays((wd-first.isoWeekday()+7)%7 + 7*(n-1))
}

var bydayNames = [...]string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

func bydayString(bits uint8) string {
	var b strings.Builder
	for d := 0; d < 7; d++ {
		if bits&(1<<d) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(bydayNames[d])
		}
	}
	return b.String()
}

func (r *resolver) resolveRecur(e *expr) (Schedule, error) {
	if e.hasShift || e.nextWorkday {
		return Schedule{}, ErrNoTime // no RRULE says 每年中秋节前一天
	}
	if e.hasEndDate && e.freq == fDaily && e.interval <= 1 {
		return r.rangeRule(e)
	}
	h, m, g, ambiguous := r.clock(e)
	if ambiguous && e.hour <= 6 {
		h = e.hour + 12
	}
	if g != GrainMinute && g != GrainHour {
		g = GrainDay
	}
	rs := ruleSpec{lunar: e.lunar, month: e.month, day: e.day, interval: e.interval}
	if e.festival != 0 {
		f := festivalAt(e.festival - 1)
		switch {
		case f.lunarM != 0 && !f.computed():
			rs.lunar, rs.month, rs.day = true, f.lunarM, f.lunarD
		case f.solarM != 0 && !f.computed():
			rs.month, rs.day = f.solarM, f.solarD
		case f.term != 0 && f.shift == 0 && e.freq == fYearly:
			return r.solarTermRule(f.term-1, h, m, g)
		case f.month != 0 && f.shift == 0:
			// 每年母亲节, every year on memorial day: BYMONTH=5;BYDAY=2SU
			ee := *e
			ee.nth, ee.weekday = f.n, f.weekday
			e, rs.month = &ee, f.month
		default:
			return Schedule{}, ErrNoTime // 每年复活节: no RRULE says it
		}
		if e.freq != fYearly {
			return Schedule{}, ErrNoTime
		}
	}
	if rs.lunar {
		if e.freq != fYearly && e.freq != fMonthly {
			return Schedule{}, ErrNoTime
		}
		rs.add(true, "RSCALE=CHINESE")
	}
	rs.add(true, "FREQ="+e.freq.String())
	today := civilOf(r.now)
	switch e.freq {
	case fHourly, fMinutely:
		return r.subDailyRule(e, &rs, h, m)
	case fWeekly:
		weeklyParts(e, &rs, today)
	case fMonthly:
		if err := monthlyParts(e, &rs, today); err != nil {
			return Schedule{}, err
		}
	case fYearly:
		if err := yearlyParts(e, &rs, today); err != nil {
			return Schedule{}, err
		}
	}
	if rs.lunar && rs.day == 30 {
		rs.add(true, "SKIP=BACKWARD") // a 三十 birthday in a 29-day month: the 29th
	}
	if e.workday {
		rs.add(true, "X-WORKDAY=CN")
	}
	return r.firstOf(&rs, h, m, g)
}

// ruleSpec is an RRULE being built: the rule the user said, and a "probe"
// rule that pins what an anchor would otherwise decide (each Monday when
// the text said only 每周), used to find the first occurrence.
type ruleSpec struct {
	rule, probe []string
	lunar       bool
	month, day  int
	interval    int
}

func (rs *ruleSpec) add(both bool, kv string) {
	rs.probe = append(rs.probe, kv)
	if both {
		rs.rule = append(rs.rule, kv)
	}
}

// rangeRule is a daily rule inside a range of dates (下周一到周五每天早上9点):
// from the first day to the last, which becomes UNTIL and End.
func (r *resolver) rangeRule(e *expr) (Schedule, error) {
	o := *e
	o.freq, o.workday = fNone, false
	once, err := r.resolveOnce(&o)
	if err != nil || once.End == nil {
		return Schedule{}, ErrNoTime
	}
	rr := "FREQ=DAILY;UNTIL=" + once.End.UTC().Format("20060102T150405Z")
	if e.workday {
		rr += ";X-WORKDAY=CN"
	}
	sch, err := r.expand(rr, once.Time, once.Grain, once.Time.Add(-time.Second))
	sch.End = once.End
	return sch, err
}

// subDailyRule is every N hours or minutes, from the next step after now or
// from the clock said.
func (r *resolver) subDailyRule(e *expr, rs *ruleSpec, h, m int) (Schedule, error) {
	interval := max(rs.interval, 1)
	step := time.Duration(interval) * time.Hour
	if e.freq == fMinutely {
		step = time.Duration(interval) * time.Minute
	}
	if interval > 1 {
		rs.add(true, "INTERVAL="+strconv.Itoa(interval))
	}
	first := r.now.Truncate(time.Minute).Add(step)
	if e.hasTime || e.part != partNone {
		first = civilOf(r.now).at(h, m, r.loc)
		for first.Before(r.now) {
			first = first.Add(step)
		}
	}
	return r.expand(strings.Join(rs.rule, ";"), first, GrainMinute, first.Add(-time.Second))
}

func weeklyParts(e *expr, rs *ruleSpec, today civil) {
	bits := e.byday
	if bits == 0 && e.weekday != 0 {
		bits = 1 << (e.weekday - 1)
	}
	if bits != 0 {
		rs.add(true, "BYDAY="+bydayString(bits))
	} else {
		rs.add(false, "BYDAY="+bydayNames[today.isoWeekday()-1])
	}
}

func monthlyParts(e *expr, rs *ruleSpec, today civil) error {
	if e.nth != 0 && e.weekday != 0 && !rs.lunar {
		rs.add(true, "BYDAY="+strconv.Itoa(e.nth)+bydayNames[e.weekday-1])
		return nil
	}
	if e.quarter && rs.day != 0 && !rs.lunar {
		// the quarters of the year, not every third month from now
		if rs.day > 0 {
			rs.add(true, "BYMONTH=1,4,7,10")
		} else {
			rs.add(true, "BYMONTH=3,6,9,12")
		}
		rs.interval = 1
	}
	if rs.day == 0 {
		rs.add(false, "BYMONTHDAY="+strconv.Itoa(today.d))
		return nil
	}
	if rs.lunar && rs.day > 0 && rs.month != 0 {
		return ErrNoTime
	}
	days := strconv.Itoa(rs.day)
	for d := 1; d <= 31; d++ {
		if e.moreDays&(1<<d) != 0 && d != rs.day {
			days += "," + strconv.Itoa(d)
		}
	}
	rs.add(true, "BYMONTHDAY="+days)
	return nil
}

func yearlyParts(e *expr, rs *ruleSpec, today civil) error {
	switch {
	case rs.month != 0 && e.nth != 0 && e.weekday != 0 && !rs.lunar:
		rs.add(true, "BYMONTH="+strconv.Itoa(rs.month))
		rs.add(true, "BYDAY="+strconv.Itoa(e.nth)+bydayNames[e.weekday-1])
	case rs.month != 0 && rs.day != 0:
		rs.add(true, "BYMONTH="+strconv.Itoa(rs.month))
		rs.add(true, "BYMONTHDAY="+strconv.Itoa(rs.day))
	case rs.month != 0:
		rs.add(true, "BYMONTH="+strconv.Itoa(rs.month))
		rs.add(false, "BYMONTHDAY=1")
	case rs.lunar:
		return ErrNoTime
	default:
		rs.add(false, "BYMONTH="+strconv.Itoa(today.m))
		rs.add(false, "BYMONTHDAY="+strconv.Itoa(today.d))
	}
	return nil
}

// firstOf finds the first occurrence of the rule after now (through the
// probe when the anchor matters) and expands the next three.
func (r *resolver) firstOf(rs *ruleSpec, h, m int, g Grain) (Schedule, error) {
	today := civilOf(r.now)
	// the probe has no INTERVAL: the first occurrence is the next match.
	start := today.addDays(-1).at(h, m, r.loc)
	if h >= 24 {
		start = today.addDays(-2).at(h, m, r.loc)
	}
	if rs.interval <= 1 && len(rs.rule) == len(rs.probe) {
		// Nothing left to the anchor: the rule from yesterday gives the same
		// occurrences as the rule from its first one.
		rr := strings.Join(rs.rule, ";")
		next, err := nextN(rr, start, r.now, 3)
		if err != nil {
			return Schedule{}, fmt.Errorf("timeparse: rule %q: %w", rr, err)
		}
		if len(next) == 0 {
			return Schedule{}, ErrNoTime
		}
		return Schedule{Time: next[0], Grain: g, RRule: rr, Next: next}, nil
	}
	first, err := firstAfter(strings.Join(rs.probe, ";"), start, r.now)
	if err != nil {
		return Schedule{}, err
	}
	rule := rs.rule
	if rs.interval > 1 {
		rule = append(rule, "INTERVAL="+strconv.Itoa(rs.interval))
	}
	return r.expand(strings.Join(rule, ";"), first, g, first.Add(-time.Second))
}

func (r *resolver) expand(rrule string, first time.Time, g Grain, before time.Time) (Schedule, error) {
	next, err := nextN(rrule, first, before, 3)
	if err != nil {
		return Schedule{}, fmt.Errorf("timeparse: rule %q: %w", rrule, err)
	}
	if len(next) == 0 {
		return Schedule{}, ErrNoTime
	}
	return Schedule{Time: next[0], Grain: g, RRule: rrule, Next: next}, nil
}

// endDate is the last day of a range of dates that starts on start.
func (r *resolver) endDate(e *expr, start civil) civil {
	if e.endWeekday != 0 {
		if e.endHasWeekOff {
			today := civilOf(r.now)
			if d := today.addDays(7*e.endWeekOff + e.endWeekday - today.isoWeekday()); !d.before(start) {
				return d
			}
		}
		return start.addDays((e.endWeekday - start.isoWeekday() + 7) % 7)
	}
	y, m := start.y, start.m
	if e.endYear != 0 {
		y = e.endYear
	}
	if e.endMonth != 0 {
		m = e.endMonth
	}
	c := civil{y, m, e.endDay}.norm()
	for k := 0; k < 12 && c.before(start); k++ {
		if e.endMonth != 0 {
			c = civil{c.y + 1, m, e.endDay}.norm() // 12月28日到1月3日
		} else {
			c = civil{c.y, c.m + 1, e.endDay}.norm() // 28号到3号
		}
	}
	return c
}

// solarTermRule is a yearly rule on a solar term (每年清明, 每年冬至): the
// days around this year's date, kept only where the term falls
// (X-SOLARTERM, see package recur).
func (r *resolver) solarTermRule(term, h, m int, g Grain) (Schedule, error) {
	today := civilOf(r.now)
	d, err := calendar.SolarTermDate(term, today.y)
	if err != nil {
		return Schedule{}, ErrNoTime
	}
	var days []string
	for k := max(d.Day-2, 1); k <= d.Day+2; k++ {
		days = append(days, strconv.Itoa(k))
	}
	rr := fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYMONTHDAY=%s;X-SOLARTERM=%s", int(d.Month), strings.Join(days, ","), calendar.SolarTermCode(term))
	start := today.addDays(-1).at(h, m, r.loc)
	if h >= 24 {
		start = today.addDays(-2).at(h, m, r.loc)
	}
	next, err := nextN(rr, start, r.now, 3)
	if err != nil {
		return Schedule{}, fmt.Errorf("timeparse: rule %q: %w", rr, err)
	}
	if len(next) == 0 {
		return Schedule{}, ErrNoTime
	}
	return Schedule{Time: next[0], Grain: g, RRule: rr, Next: next}, nil
}

// weekdayRangeRule turns a range of weekdays with a clock and no week named
// (Mon-Fri at 9, monday to friday at 8am) into a weekly rule on those days,
// as 周一到周五9点 is: a routine, not the days of one week. Without a clock
// (from monday to wednesday) it stays a range of dates.
func weekdayRangeRule(e *expr) {
	if !e.hasEndDate || e.weekday == 0 || e.endWeekday == 0 || e.hasWeekOff || e.endHasWeekOff || !e.hasTime || e.freq != fNone || e.lastWeekday {
		return
	}
	var bits uint8
	for d := e.weekday; ; d = d%7 + 1 {
		bits |= 1 << (d - 1)
		if d == e.endWeekday {
			break
		}
	}
	e.freq, e.byday, e.weekday, e.hasEndDate, e.endWeekday = fWeekly, bits, 0, false, 0
}

// inZone resolves e in the zone its text names (9am PST, 2031-03-07T01:30Z)
// and answers in the reminder's zone: the same instants, the RRULE's
// wall-clock times moved by the offset of the first one.
func (r *resolver) inZone(e *expr, loc *time.Location) (Schedule, error) {
	z := *r
	z.loc, z.now = loc, r.now.In(loc)
	o := *e
	o.zone = zoneRef{}
	sch, err := z.resolve(&o)
	if err != nil {
		return sch, err
	}
	sch.Time = sch.Time.In(r.loc)
	for k := range sch.Next {
		sch.Next[k] = sch.Next[k].In(r.loc)
	}
	if sch.End != nil {
		end := sch.End.In(r.loc)
		sch.End = &end
	}
	return sch, nil
}

// lunarDay reads a lunar date (农历八月十五, 腊月, 闰六月初三): in the lunar
// year said, else the next one to come, counting from the lunar year of
// today (in January, 腊月 is this winter's). A leap month without a year is
// the next year that has it.
func (r *resolver) lunarDay(e *expr, y, m int, explicitYear bool, today civil) (day, error) {
	if !explicitYear {
		l, err := calendar.ToLunar(calendar.NewDate(today.y, time.Month(today.m), today.d))
		if err != nil {
			return day{}, ErrNoTime
		}
		y = l.Year
	}
	if e.month == 0 {
		return r.lunarDayOfMonth(e.day, today)
	}
	tries := 2
	if e.leap && !explicitYear {
		tries = 60 // leap months come every few years, not every month every year
	}
	if explicitYear {
		tries = 1
	}
	for k := 0; k < tries; k++ {
		if e.leap {
			if lm, err := calendar.LeapMonth(y + k); err != nil || lm != m {
				continue
			}
		}
		d, err := r.lunarDateL(y+k, m, e.day, e.leap)
		if err != nil {
			continue
		}
		if explicitYear || !d.before(today) {
			return dayOn(d), nil
		}
	}
	return day{}, ErrNoTime
}

// lunarDayOfMonth reads a lunar day said without its month (农历十五, 初一,
// 廿八): this lunar month's, or the next month's once passed.
func (r *resolver) lunarDayOfMonth(d int, today civil) (day, error) {
	l, err := calendar.ToLunar(calendar.NewDate(today.y, time.Month(today.m), today.d))
	if err != nil {
		return day{}, ErrNoTime
	}
	y, m := l.Year, l.Month
	for k := 0; k < 3; k++ {
		if c, err := r.lunarDateL(y, m, d, false); err == nil && !c.before(today) {
			return dayOn(c), nil
		}
		if m++; m > 12 {
			y, m = y+1, 1
		}
	}
	return day{}, ErrNoTime
}
