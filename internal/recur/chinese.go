package recur

import (
	"slices"
	"time"

	"github.com/raasdev/raas/internal/calendar"
	"github.com/teambition/rrule-go"
)

// initChinese fills the defaults of a RSCALE=CHINESE rule from dtstart's
// lunar date and wall clock.
func (r *Rule) initChinese() {
	s := r.startWall
	l, err := calendar.ToLunar(calendar.DateOf(s))
	if err != nil {
		r.never = true
		return
	}
	if len(r.lunarMonths) == 0 && len(r.bymonthday) == 0 && r.freq == rrule.YEARLY {
		r.lunarMonths = nil
		r.defMonths = []lunarMonthSel{{l.Month, l.Leap}}
	}
	if len(r.bymonthday) == 0 {
		r.defDays = []int{l.Day}
	}
	hs, ms, ss := r.byhour, r.byminute, r.bysecond
	if len(hs) == 0 {
		hs = []int{s.Hour()}
	}
	if len(ms) == 0 {
		ms = []int{s.Minute()}
	}
	if len(ss) == 0 {
		ss = []int{s.Second()}
	}
	for _, h := range hs {
		for _, m := range ms {
			for _, sec := range ss {
				r.times = append(r.times, clock{h, m, sec})
			}
		}
	}
	slices.SortFunc(r.times, func(a, b clock) int { return (a.h*3600 + a.m*60 + a.s) - (b.h*3600 + b.m*60 + b.s) })
	r.startLunar = l
}

func (r *Rule) months() []lunarMonthSel {
	if len(r.lunarMonths) > 0 {
		return r.lunarMonths
	}
	return r.defMonths
}

func (r *Rule) days() []int {
	if len(r.bymonthday) > 0 {
		return r.bymonthday
	}
	return r.defDays
}

// chineseWalls iterates lunar years (YEARLY) or lunar months (MONTHLY) in
// steps of INTERVAL from dtstart's, starting near from, and yields the
// matching days at each time of day.
func (r *Rule) chineseWalls(from time.Time) func() (time.Time, bool) {
	var pending []time.Time
	y0 := r.startLunar.Year
	fromL, err := calendar.ToLunar(calendar.DateOf(from))
	if err != nil {
		return func() (time.Time, bool) { return time.Time{}, false }
	}
	if r.freq == rrule.YEARLY {
		y := y0
		if k := (fromL.Year - 1 - y0) / r.interval * r.interval; k > 0 {
			y += k
		}
		return func() (time.Time, bool) {
			for len(pending) == 0 {
				if y > calendar.MaxYear-1 || y > from.Year()+horizonYears {
					return time.Time{}, false
				}
				ms, err := calendar.LunarMonths(y)
				if err != nil {
					return time.Time{}, false
				}
				pending = r.expand(ms, -1)
				y += r.interval
			}
			w := pending[0]
			pending = pending[1:]
			return w, true
		}
	}
	// MONTHLY: walk the sequence of lunar months.
	ms, err := calendar.LunarMonths(y0)
	if err != nil {
		return func() (time.Time, bool) { return time.Time{}, false }
	}
	idx := slices.IndexFunc(ms, func(m calendar.LunarMonth) bool {
		return m.Month == r.startLunar.Month && m.Leap == r.startLunar.Leap
	})
	if idx < 0 {
		return func() (time.Time, bool) { return time.Time{}, false }
	}
	year := y0
	advance := func(n int) bool {
		idx += n
		for idx >= len(ms) {
			idx -= len(ms)
			year++
			if year > calendar.MaxYear-1 {
				return false
			}
			if ms, err = calendar.LunarMonths(year); err != nil {
				return false
			}
		}
		return true
	}
	// Skip whole intervals up to about two months before from.
	if elapsed := int(from.Sub(r.startWall).Hours()/24/29.6) - 2; elapsed > r.interval {
		if !advance(elapsed / r.interval * r.interval) {
			return func() (time.Time, bool) { return time.Time{}, false }
		}
	}
	return func() (time.Time, bool) {
		for len(pending) == 0 {
			if year > from.Year()+horizonYears {
				return time.Time{}, false
			}
			pending = r.expand(ms, idx)
			if !advance(r.interval) {
				return time.Time{}, false
			}
		}
		w := pending[0]
		pending = pending[1:]
		return w, true
	}
}

// expand returns the ascending wall times of the selected days in the
// months of one lunar year, or only in months[only] when only >= 0.
func (r *Rule) expand(months []calendar.LunarMonth, only int) []time.Time {
	var dates []calendar.Date
	sel := r.months()
	for i, m := range months {
		if only >= 0 && i != only {
			continue
		}
		if len(sel) > 0 {
			if !r.monthSelected(months, i, sel) {
				continue
			}
		}
		for _, d := range r.days() {
			day := d
			if d < 0 {
				day = m.Days + d + 1
			}
			switch {
			case day >= 1 && day <= m.Days:
			case r.skip == "BACKWARD" && day > m.Days:
				day = m.Days
			case r.skip == "FORWARD" && day > m.Days:
				day = m.Days + 1 // first day of the next month
			default:
				continue
			}
			dates = append(dates, m.First.AddDays(day-1))
		}
	}
	slices.SortFunc(dates, func(a, b calendar.Date) int { return a.Compare(b) })
	dates = slices.Compact(dates)
	out := make([]time.Time, 0, len(dates)*len(r.times))
	for _, d := range dates {
		for _, c := range r.times {
			out = append(out, time.Date(d.Year, d.Month, d.Day, c.h, c.m, c.s, 0, time.UTC))
		}
	}
	return out
}

// monthSelected reports whether months[i] is selected. A selected leap month
// the year lacks is replaced, under SKIP=BACKWARD, by the month it would
// follow and, under SKIP=FORWARD, by the month after that.
func (r *Rule) monthSelected(months []calendar.LunarMonth, i int, sel []lunarMonthSel) bool {
	m := months[i]
	if slices.Contains(sel, lunarMonthSel{m.Month, m.Leap}) {
		return true
	}
	if m.Leap || r.skip == "" || r.skip == "OMIT" || len(months) < 12 {
		return false
	}
	yearHasLeap := func(month int) bool {
		return slices.ContainsFunc(months, func(x calendar.LunarMonth) bool { return x.Leap && x.Month == month })
	}
	switch r.skip {
	case "BACKWARD":
		return slices.Contains(sel, lunarMonthSel{m.Month, true}) && !yearHasLeap(m.Month)
	case "FORWARD":
		return m.Month > 1 && slices.Contains(sel, lunarMonthSel{m.Month - 1, true}) && !yearHasLeap(m.Month-1)
	}
	return false
}
