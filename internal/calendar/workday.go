package calendar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/6tail/tyme4go/tyme"
)

//go:embed holidays.json
var holidaysJSON []byte

// DayKind classifies a date in China's official working calendar.
type DayKind int

// The kinds of day returned by Kind.
const (
	Workday       DayKind = iota // an ordinary Monday–Friday
	Weekend                      // an ordinary Saturday or Sunday
	Holiday                      // a statutory holiday or a day off in a holiday period
	MakeupWorkday                // a Saturday or Sunday worked in exchange (调休上班)
)

// String returns the kind's name.
func (k DayKind) String() string {
	switch k {
	case Workday:
		return "workday"
	case Weekend:
		return "weekend"
	case Holiday:
		return "holiday"
	case MakeupWorkday:
		return "makeup-workday"
	}
	return "DayKind(" + strconv.Itoa(int(k)) + ")"
}

type dayInfo struct {
	work bool
	name string
}

type workTable struct {
	days    map[Date]dayInfo
	covered map[int]bool // Gregorian years whose schedule is published (ours or tyme4go's)
	ours    map[int]bool // years from holidays.json
}

// table is built once from immutable embedded data and never written after.
var table = sync.OnceValue(func() *workTable {
	t, err := buildTable(holidaysJSON, tyme.LegalHolidayData)
	if err != nil {
		// holidays.json is compiled in and checked by the tests.
		panic(err)
	}
	return t
})

type holidayFile struct {
	Source string                     `json:"source"`
	Years  map[string][]holidayPeriod `json:"years"`
}

type holidayPeriod struct {
	Name string   `json:"name"`
	Off  []string `json:"off"`  // first and last day off, inclusive
	Work []string `json:"work"` // make-up working days
}

func buildTable(ours []byte, tymeData string) (*workTable, error) {
	t := &workTable{days: map[Date]dayInfo{}, covered: map[int]bool{}, ours: map[int]bool{}}
	// tyme4go: records of 13 chars, YYYYMMDD, 0=work/1=rest, name index, ±NN.
	perYear := map[int]int{}
	for i := 0; i+13 <= len(tymeData); i += 13 {
		rec := tymeData[i : i+13]
		d, err := time.Parse("20060102", rec[:8])
		if err != nil {
			return nil, fmt.Errorf("calendar: tyme4go holiday data %q: %w", rec, err)
		}
		idx := int(rec[9] - '0')
		name := ""
		if idx >= 0 && idx < len(tyme.LegalHolidayNames) {
			name = tyme.LegalHolidayNames[idx]
		}
		t.days[DateOf(d)] = dayInfo{work: rec[8] == '0', name: name}
		perYear[d.Year()]++
	}
	// A year counts as covered by tyme4go when it has entries and is not the
	// first year of the data (2001 holds only the start of 2002's schedule).
	for y, n := range perYear {
		if n > 0 && perYear[y-1] > 0 {
			t.covered[y] = true
		}
	}

	var f holidayFile
	if err := json.Unmarshal(ours, &f); err != nil {
		return nil, fmt.Errorf("calendar: holidays.json: %w", err)
	}
	years := map[int][]holidayPeriod{}
	for ys, periods := range f.Years {
		y, err := strconv.Atoi(ys)
		if err != nil {
			return nil, fmt.Errorf("calendar: holidays.json: year %q: %w", ys, err)
		}
		years[y] = periods
	}
	// Our schedule for y replaces the library's entirely, including the days
	// of late December y-1 that y's 元旦 may move. Delete first, then insert,
	// so no year's entries can remove another's.
	for d := range t.days {
		if years[d.Year] != nil && !(d.Month == time.December && d.Day > 20) ||
			years[d.Year+1] != nil && d.Month == time.December && d.Day > 20 {
			delete(t.days, d)
		}
	}
	for y, periods := range years {
		t.ours[y] = true
		t.covered[y] = true
		for _, p := range periods {
			if len(p.Off) != 2 {
				return nil, fmt.Errorf("calendar: holidays.json: %d %s: off needs [first, last]", y, p.Name)
			}
			first, err := ParseDate(p.Off[0])
			if err != nil {
				return nil, fmt.Errorf("calendar: holidays.json: %d %s: %w", y, p.Name, err)
			}
			last, err := ParseDate(p.Off[1])
			if err != nil {
				return nil, fmt.Errorf("calendar: holidays.json: %d %s: %w", y, p.Name, err)
			}
			if last.Before(first) || last.Year-first.Year > 1 {
				return nil, fmt.Errorf("calendar: holidays.json: %d %s: bad range %v..%v", y, p.Name, first, last)
			}
			for d := first; !d.After(last); d = d.AddDays(1) {
				t.days[d] = dayInfo{work: false, name: p.Name}
			}
			for _, w := range p.Work {
				d, err := ParseDate(w)
				if err != nil {
					return nil, fmt.Errorf("calendar: holidays.json: %d %s: %w", y, p.Name, err)
				}
				t.days[d] = dayInfo{work: true, name: p.Name}
			}
		}
	}
	return t, nil
}

// Kind classifies d in China's official working calendar.
//
// For a year with a published schedule (see CoveredYears) the schedule is
// exact. For any other year the answer is an estimate: Saturdays, Sundays and
// the statutory holidays fixed by law (全国年节及纪念日放假办法, 2025: 元旦,
// 除夕 to 正月初三, 清明, 5/1–5/2, 端午, 中秋, 10/1–10/3) are days off; the
// make-up working days and bridging days a future schedule will add cannot
// be known in advance.
func Kind(d Date) DayKind {
	t := table()
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	if info, ok := t.days[d]; ok {
		switch {
		case info.work && weekend:
			return MakeupWorkday
		case info.work:
			return Workday
		default:
			return Holiday
		}
	}
	if !t.covered[d.Year] && statutory(d) {
		return Holiday
	}
	if weekend {
		return Weekend
	}
	return Workday
}

// IsWorkday reports whether d is an official working day in mainland China:
// Monday–Friday unless a statutory holiday, plus make-up working Saturdays
// and Sundays. See Kind for years without a published schedule.
func IsWorkday(d Date) bool {
	k := Kind(d)
	return k == Workday || k == MakeupWorkday
}

// HolidayName returns the holiday period d belongs to ("春节", "国庆节", …)
// when d is a day off or a make-up working day of a published schedule.
func HolidayName(d Date) (string, bool) {
	info, ok := table().days[d]
	if !ok {
		return "", false
	}
	return info.name, true
}

// Covered reports whether the official schedule of Gregorian year y is known,
// making IsWorkday exact for dates in y.
func Covered(y int) bool { return table().covered[y] }

// CoveredYears returns the years with a known official schedule, ascending:
// those of the embedded table plus those of tyme4go's data it does not
// override.
func CoveredYears() []int {
	var ys []int
	for y := range table().covered {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// EmbeddedYears returns the years whose schedule comes from this package's
// own holidays.json, ascending.
func EmbeddedYears() []int {
	var ys []int
	for y := range table().ours {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// statutory reports whether d is a statutory holiday under the 2025 rules;
// used only for years without a schedule.
func statutory(d Date) bool {
	switch {
	case d.Month == time.January && d.Day == 1,
		d.Month == time.May && d.Day <= 2,
		d.Month == time.October && d.Day <= 3:
		return true
	}
	switch d.Month {
	case time.April:
		q, err := Qingming(d.Year)
		return err == nil && q == d
	case time.January, time.February, time.May, time.June, time.September, time.October:
		// 除夕–初三 fall between Jan 20 and Feb 23, 端午 in May–June, 中秋 in
		// September–October: only then is the (slow) lunar lookup needed.
	default:
		return false
	}
	l, err := ToLunar(d)
	if err != nil || l.Leap {
		return false
	}
	switch {
	case l.Month == 1 && l.Day <= 3,
		l.Month == 5 && l.Day == 5,
		l.Month == 8 && l.Day == 15:
		return true
	case l.Month == 12:
		n, err := LunarMonthDays(l.Year, 12, false)
		return err == nil && l.Day == n
	}
	return false
}
