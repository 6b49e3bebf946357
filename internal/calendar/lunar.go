package calendar

import (
	"errors"
	"fmt"
)

// ErrOutOfRange is returned for dates or lunar years the calendar cannot
// represent or that do not exist (a 30th day in a 29-day month, a leap month
// in a year without it).
var ErrOutOfRange = errors.New("calendar: date out of range")

// Supported Gregorian years. tyme4go itself goes further, but no reminder
// needs it and the bounds keep every loop in this module finite.
const (
	MinYear = 1901
	MaxYear = 2999
)

// LunarDate is a date in the Chinese lunisolar calendar. Year is the lunar
// year counted like the Gregorian year it mostly overlaps (lunar 2026 starts
// on 2026-02-17); Leap marks the intercalary month (闰月) that follows Month.
type LunarDate struct {
	Year  int
	Month int
	Leap  bool
	Day   int
}

// String formats l as 2026-03-03 or 2025-L06-08 for a leap month.
func (l LunarDate) String() string {
	if l.Leap {
		return fmt.Sprintf("%04d-L%02d-%02d", l.Year, l.Month, l.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", l.Year, l.Month, l.Day)
}

// ToLunar converts a Gregorian date to the lunar calendar. It returns an
// error wrapping ErrOutOfRange outside [MinYear, MaxYear].
func ToLunar(d Date) (LunarDate, error) {
	if d.Year < MinYear || d.Year > MaxYear || !d.valid() {
		return LunarDate{}, fmt.Errorf("%w: %v", ErrOutOfRange, d)
	}
	// A Gregorian year holds the end of the previous lunar year and the
	// start of the lunar year with its number (正月初一 falls between 21
	// January and 20 February).
	n := d.dayNumber()
	y := d.Year
	ly, err := tables.lunarYear(y)
	if err == nil && n < int(ly.first) {
		y--
		ly, err = tables.lunarYear(y)
	}
	if err != nil {
		return LunarDate{}, fmt.Errorf("%w: %v: %w", ErrOutOfRange, d, err)
	}
	off := n - int(ly.first)
	for i := range int(ly.n) {
		if days := ly.days(i); off >= days {
			off -= days
			continue
		}
		month, leap := ly.monthAt(i)
		return LunarDate{Year: y, Month: month, Leap: leap, Day: off + 1}, nil
	}
	return LunarDate{}, fmt.Errorf("%w: %v: after lunar year %d", ErrOutOfRange, d, y)
}

// FromLunar converts a lunar date to the Gregorian calendar. It returns an
// error wrapping ErrOutOfRange when the date does not exist.
func FromLunar(l LunarDate) (Date, error) {
	ly, i, err := lunarMonth(l.Year, l.Month, l.Leap)
	if err != nil {
		return Date{}, err
	}
	if days := ly.days(i); l.Day < 1 || l.Day > days {
		return Date{}, fmt.Errorf("%w: lunar %v: month has %d days", ErrOutOfRange, l, days)
	}
	return dateOfDay(ly.start(i) + l.Day - 1), nil
}

// LeapMonth returns the month that is followed by a leap month in lunar
// year y, or 0 when y has none.
func LeapMonth(y int) (int, error) {
	ly, err := tables.lunarYear(y)
	if err != nil {
		return 0, err
	}
	return int(ly.leap), nil
}

// LunarMonthDays returns the number of days (29 or 30) of a lunar month.
func LunarMonthDays(y, month int, leap bool) (int, error) {
	ly, i, err := lunarMonth(y, month, leap)
	if err != nil {
		return 0, err
	}
	return ly.days(i), nil
}

// LunarMonth is one month of a lunar year, as listed by LunarMonths.
type LunarMonth struct {
	Year  int
	Month int
	Leap  bool
	Days  int  // 29 or 30
	First Date // Gregorian date of day 1
}

// LunarMonths returns the 12 or 13 months of lunar year y in order.
func LunarMonths(y int) ([]LunarMonth, error) {
	ly, err := tables.lunarYear(y)
	if err != nil {
		return nil, err
	}
	out := make([]LunarMonth, ly.n)
	first := int(ly.first)
	for i := range out {
		month, leap := ly.monthAt(i)
		out[i] = LunarMonth{Year: y, Month: month, Leap: leap, Days: ly.days(i), First: dateOfDay(first)}
		first += out[i].Days
	}
	return out, nil
}

// lunarMonth returns the table of lunar year y and the position in it of
// month (leap or not).
func lunarMonth(y, month int, leap bool) (*lunarYear, int, error) {
	if y < minLunarYear || y > maxLunarYear || month < 1 || month > 12 {
		return nil, 0, fmt.Errorf("%w: lunar year %d month %d", ErrOutOfRange, y, month)
	}
	ly, err := tables.lunarYear(y)
	if err != nil {
		return nil, 0, err
	}
	i := ly.index(month, leap)
	if i < 0 {
		return nil, 0, fmt.Errorf("%w: lunar year %d has no month %d leap %t", ErrOutOfRange, y, month, leap)
	}
	return ly, i, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
