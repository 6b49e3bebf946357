package calendar

import (
	"errors"
	"fmt"

	"github.com/6tail/tyme4go/tyme"
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
	if d.Year < MinYear || d.Year > MaxYear {
		return LunarDate{}, fmt.Errorf("%w: %v", ErrOutOfRange, d)
	}
	sd, err := tyme.SolarDay{}.FromYmd(d.Year, int(d.Month), d.Day)
	if err != nil {
		return LunarDate{}, fmt.Errorf("%w: %v: %w", ErrOutOfRange, d, err)
	}
	ld := sd.GetLunarDay()
	m := ld.GetLunarMonth()
	month := m.GetMonthWithLeap()
	return LunarDate{Year: ld.GetYear(), Month: abs(month), Leap: month < 0, Day: ld.GetDay()}, nil
}

// FromLunar converts a lunar date to the Gregorian calendar. It returns an
// error wrapping ErrOutOfRange when the date does not exist.
func FromLunar(l LunarDate) (Date, error) {
	m, err := lunarMonth(l.Year, l.Month, l.Leap)
	if err != nil {
		return Date{}, err
	}
	if l.Day < 1 || l.Day > m.GetDayCount() {
		return Date{}, fmt.Errorf("%w: lunar %v: month has %d days", ErrOutOfRange, l, m.GetDayCount())
	}
	first := m.GetFirstJulianDay().GetSolarDay()
	return NewDate(first.GetYear(), timeMonth(first.GetMonth()), first.GetDay()+l.Day-1), nil
}

// LeapMonth returns the month that is followed by a leap month in lunar
// year y, or 0 when y has none.
func LeapMonth(y int) (int, error) {
	if y < MinYear-1 || y > MaxYear {
		return 0, fmt.Errorf("%w: lunar year %d", ErrOutOfRange, y)
	}
	ly, err := tyme.LunarYear{}.FromYear(y)
	if err != nil {
		return 0, fmt.Errorf("%w: lunar year %d: %w", ErrOutOfRange, y, err)
	}
	return ly.GetLeapMonth(), nil
}

// LunarMonthDays returns the number of days (29 or 30) of a lunar month.
func LunarMonthDays(y, month int, leap bool) (int, error) {
	m, err := lunarMonth(y, month, leap)
	if err != nil {
		return 0, err
	}
	return m.GetDayCount(), nil
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
	if y < MinYear-1 || y > MaxYear {
		return nil, fmt.Errorf("%w: lunar year %d", ErrOutOfRange, y)
	}
	ly, err := tyme.LunarYear{}.FromYear(y)
	if err != nil {
		return nil, fmt.Errorf("%w: lunar year %d: %w", ErrOutOfRange, y, err)
	}
	ms := ly.GetMonths()
	out := make([]LunarMonth, 0, len(ms))
	for _, m := range ms {
		first := m.GetFirstJulianDay().GetSolarDay()
		mm := m.GetMonthWithLeap()
		out = append(out, LunarMonth{
			Year: y, Month: abs(mm), Leap: mm < 0, Days: m.GetDayCount(),
			First: NewDate(first.GetYear(), timeMonth(first.GetMonth()), first.GetDay()),
		})
	}
	return out, nil
}

func lunarMonth(y, month int, leap bool) (*tyme.LunarMonth, error) {
	if y < MinYear-1 || y > MaxYear || month < 1 || month > 12 {
		return nil, fmt.Errorf("%w: lunar year %d month %d", ErrOutOfRange, y, month)
	}
	mm := month
	if leap {
		mm = -month
	}
	m, err := tyme.LunarMonth{}.FromYm(y, mm)
	if err != nil {
		return nil, fmt.Errorf("%w: lunar year %d month %d leap %t: %w", ErrOutOfRange, y, month, leap, err)
	}
	return m, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
