package calendar

import (
	"fmt"
	"sync"

	"github.com/6tail/tyme4go/tyme"
)

// tyme4go computes a lunar month or a solar term from astronomical series:
// a lunar year's months take it about 0.7 ms, a solar term about 1 µs, and
// converting one Gregorian date to the lunar calendar about 0.1 ms. A
// recurring reminder on 中秋 or 春节 asks these questions at every firing,
// so the answers are memoised per year, in compact tables from which every
// conversion is plain arithmetic on day numbers.

// lunarYear is the shape of one lunar year: the Gregorian day of 正月初一
// and the length of each month in order, leap month included.
type lunarYear struct {
	first int32  // dayNumber of the first day of month 1
	long  uint16 // bit i: the i-th month of the year, in order, has 30 days
	n     uint8  // number of months, 12 or 13
	leap  uint8  // the month followed by the leap month, 0 when none
}

// days returns the length of the i-th month of the year in order.
func (ly *lunarYear) days(i int) int { return 29 + int(ly.long>>i&1) }

// monthAt returns the month number and leap flag of the i-th month in order.
func (ly *lunarYear) monthAt(i int) (month int, leap bool) {
	switch l := int(ly.leap); {
	case l == 0 || i < l:
		return i + 1, false
	case i == l:
		return l, true
	default:
		return i, false
	}
}

// index returns the position in the year of month (leap or not), or -1 when
// the year has no such month.
func (ly *lunarYear) index(month int, leap bool) int {
	l := int(ly.leap)
	switch {
	case month < 1 || month > 12:
		return -1
	case leap && month != l:
		return -1
	case leap:
		return l
	case l != 0 && month > l:
		return month
	}
	return month - 1
}

// start returns the dayNumber of the first day of the i-th month in order.
func (ly *lunarYear) start(i int) int {
	d := int(ly.first)
	for j := range i {
		d += ly.days(j)
	}
	return d
}

// Year ranges the tables cover: every lunar year a supported date or lunar
// date can fall in, and every tyme4go solar-term year (which starts at the
// 冬至 of the December before) a supported Gregorian year needs.
const (
	minLunarYear = MinYear - 1
	maxLunarYear = MaxYear
	minTermYear  = MinYear
	maxTermYear  = MaxYear + 1
)

type lunarSlot struct {
	once sync.Once
	y    lunarYear
	err  error
}

type termSlot struct {
	once sync.Once
	days [24]int32 // dayNumber of each solar term, tyme4go's index order
}

// yearTables memoises tyme4go's answers per year. It has one slot per year
// of the supported range, so it is bounded by construction (about 200 KB if
// every year from 1900 to 3000 were asked for, a few KB in practice), and a
// slot, filled once by its sync.Once, is never written again: after the
// fill it is read-only, and reads need no lock. What a slot holds is a pure
// function of its year, so the tables are deterministic whatever the order
// of the questions.
type yearTables struct {
	lunar [maxLunarYear - minLunarYear + 1]lunarSlot
	terms [maxTermYear - minTermYear + 1]termSlot
}

// tables is the process's memo behind every function of this package that
// needs a lunar month or a solar term. Package calendar owns it: it is
// never exported, never reset, and only written through the sync.Once of
// each slot (see yearTables).
var tables yearTables

// lunarYear returns the shape of lunar year y, computing it with tyme4go
// the first time.
func (t *yearTables) lunarYear(y int) (*lunarYear, error) {
	if y < minLunarYear || y > maxLunarYear {
		return nil, fmt.Errorf("%w: lunar year %d", ErrOutOfRange, y)
	}
	s := &t.lunar[y-minLunarYear]
	s.once.Do(func() { s.y, s.err = tymeLunarYear(y) })
	if s.err != nil {
		return nil, s.err
	}
	return &s.y, nil
}

// solarTerm returns the date of solar term i of tyme4go's year ty (whose
// index 0 is the 冬至 of December ty-1).
func (t *yearTables) solarTerm(ty, i int) Date {
	if ty < minTermYear || ty > maxTermYear {
		return tymeSolarTerm(ty, i)
	}
	s := &t.terms[ty-minTermYear]
	s.once.Do(func() {
		for j := range s.days {
			s.days[j] = int32(tymeSolarTerm(ty, j).dayNumber())
		}
	})
	return dateOfDay(int(s.days[i]))
}

// tymeLunarYear asks tyme4go for the months of lunar year y.
func tymeLunarYear(y int) (lunarYear, error) {
	ly, err := tyme.LunarYear{}.FromYear(y)
	if err != nil {
		return lunarYear{}, fmt.Errorf("%w: lunar year %d: %w", ErrOutOfRange, y, err)
	}
	ms := ly.GetMonths()
	if len(ms) < 12 || len(ms) > 13 {
		return lunarYear{}, fmt.Errorf("%w: lunar year %d has %d months", ErrOutOfRange, y, len(ms))
	}
	out := lunarYear{n: uint8(len(ms)), leap: uint8(ly.GetLeapMonth())}
	next := 0
	for i, m := range ms {
		sd := m.GetFirstJulianDay().GetSolarDay()
		first := Date{sd.GetYear(), timeMonth(sd.GetMonth()), sd.GetDay()}.dayNumber()
		days := m.GetDayCount()
		switch {
		case i == 0:
			out.first = int32(first)
		case first != next:
			// The tables assume consecutive months; tyme4go guarantees it.
			return lunarYear{}, fmt.Errorf("%w: lunar year %d: month %d starts on day %d, not %d", ErrOutOfRange, y, i, first, next)
		}
		if days != 29 && days != 30 {
			return lunarYear{}, fmt.Errorf("%w: lunar year %d: month %d has %d days", ErrOutOfRange, y, i, days)
		}
		if days == 30 {
			out.long |= 1 << i
		}
		if mm := m.GetMonthWithLeap(); abs(mm) != out.monthNumber(i) || (mm < 0) != out.isLeap(i) {
			return lunarYear{}, fmt.Errorf("%w: lunar year %d: month %d is %d", ErrOutOfRange, y, i, mm)
		}
		next = first + days
	}
	return out, nil
}

func (ly *lunarYear) monthNumber(i int) int { m, _ := ly.monthAt(i); return m }
func (ly *lunarYear) isLeap(i int) bool     { _, l := ly.monthAt(i); return l }

// tymeSolarTerm asks tyme4go for the date of solar term i of its year ty.
func tymeSolarTerm(ty, i int) Date {
	sd := tyme.SolarTerm{}.FromIndex(ty, i).GetSolarDay()
	return Date{sd.GetYear(), timeMonth(sd.GetMonth()), sd.GetDay()}
}
