package calendar

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

type festivalKind int

const (
	solarFixed       festivalKind = iota // Gregorian month/day
	lunarFixed                           // lunar month/day
	lunarNewYearsEve                     // last day of lunar month 12
	solarTerm                            // one of the 24 solar terms, by tyme4go index
)

type festival struct {
	kind       festivalKind
	month, day int // month/day, or the solar-term index for solarTerm
}

// festivals maps every accepted name (lower-cased) to its rule. It is never
// written after initialisation.
var festivals = map[string]festival{
	"元旦": {solarFixed, 1, 1}, "new year's day": {solarFixed, 1, 1}, "new year": {solarFixed, 1, 1},
	"情人节": {solarFixed, 2, 14}, "valentine's day": {solarFixed, 2, 14},
	"妇女节": {solarFixed, 3, 8}, "三八妇女节": {solarFixed, 3, 8},
	"植树节": {solarFixed, 3, 12},
	"愚人节": {solarFixed, 4, 1}, "april fools' day": {solarFixed, 4, 1},
	"劳动节": {solarFixed, 5, 1}, "五一": {solarFixed, 5, 1}, "五一劳动节": {solarFixed, 5, 1},
	"青年节": {solarFixed, 5, 4}, "五四青年节": {solarFixed, 5, 4},
	"儿童节": {solarFixed, 6, 1}, "六一儿童节": {solarFixed, 6, 1},
	"建党节": {solarFixed, 7, 1},
	"建军节": {solarFixed, 8, 1},
	"教师节": {solarFixed, 9, 10},
	"国庆":  {solarFixed, 10, 1}, "国庆节": {solarFixed, 10, 1},
	"万圣节": {solarFixed, 10, 31}, "halloween": {solarFixed, 10, 31},
	"平安夜": {solarFixed, 12, 24}, "christmas eve": {solarFixed, 12, 24},
	"圣诞": {solarFixed, 12, 25}, "圣诞节": {solarFixed, 12, 25}, "christmas": {solarFixed, 12, 25}, "christmas day": {solarFixed, 12, 25},

	"春节": {lunarFixed, 1, 1}, "chinese new year": {lunarFixed, 1, 1}, "spring festival": {lunarFixed, 1, 1},
	"元宵": {lunarFixed, 1, 15}, "元宵节": {lunarFixed, 1, 15}, "lantern festival": {lunarFixed, 1, 15},
	"龙抬头": {lunarFixed, 2, 2},
	"端午":  {lunarFixed, 5, 5}, "端午节": {lunarFixed, 5, 5}, "dragon boat festival": {lunarFixed, 5, 5},
	"七夕": {lunarFixed, 7, 7}, "七夕节": {lunarFixed, 7, 7},
	"中元": {lunarFixed, 7, 15}, "中元节": {lunarFixed, 7, 15},
	"中秋": {lunarFixed, 8, 15}, "中秋节": {lunarFixed, 8, 15}, "mid-autumn festival": {lunarFixed, 8, 15},
	"重阳": {lunarFixed, 9, 9}, "重阳节": {lunarFixed, 9, 9},
	"腊八": {lunarFixed, 12, 8}, "腊八节": {lunarFixed, 12, 8},
	"小年": {lunarFixed, 12, 23},
	"除夕": {lunarNewYearsEve, 12, 0}, "大年三十": {lunarNewYearsEve, 12, 0}, "chinese new year's eve": {lunarNewYearsEve, 12, 0},

	"清明": {solarTerm, 7, 0}, "清明节": {solarTerm, 7, 0},
	"冬至": {solarTerm, 0, 0}, "立春": {solarTerm, 3, 0}, "春分": {solarTerm, 6, 0}, "立夏": {solarTerm, 9, 0},
	"夏至": {solarTerm, 12, 0}, "立秋": {solarTerm, 15, 0}, "秋分": {solarTerm, 18, 0}, "立冬": {solarTerm, 21, 0},
}

// FestivalNames returns every name NextFestival and FestivalDate accept, sorted.
func FestivalNames() []string {
	names := make([]string, 0, len(festivals))
	for n := range festivals {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsFestival reports whether name is a festival name this package knows.
// Matching ignores case and surrounding spaces.
func IsFestival(name string) bool {
	_, ok := festivals[normName(name)]
	return ok
}

// FestivalDate returns the first date in Gregorian year y on which the named
// festival falls, and false for an unknown name or a year out of range.
// Lunar festivals are looked up in both lunar years that overlap y, so
// 腊八 2026 is 2026-01-26 (lunar 2025-12-08); 腊八 and 小年 can skip a
// Gregorian year altogether (腊八 fell on 2003-12-31 and then 2005-01-17).
func FestivalDate(name string, y int) (Date, bool) {
	f, ok := festivals[normName(name)]
	if !ok || y < MinYear || y > MaxYear {
		return Date{}, false
	}
	for _, d := range f.candidates(y) {
		if d.Year == y {
			return d, true
		}
	}
	return Date{}, false
}

// NextFestival returns the first date on or after from on which the named
// festival falls, and false for an unknown name or when the answer would
// lie beyond MaxYear. 小年 is the northern 腊月廿三; 除夕 is the last day of
// lunar month 12 (廿九 or 三十).
func NextFestival(name string, from Date) (Date, bool) {
	f, ok := festivals[normName(name)]
	if !ok {
		return Date{}, false
	}
	for y := max(from.Year, MinYear); y <= min(from.Year+1, MaxYear); y++ {
		for _, d := range f.candidates(y) {
			if !d.Before(from) {
				return d, true
			}
		}
	}
	return Date{}, false
}

// candidates returns the festival's dates that may fall in Gregorian year y,
// in order (some may fall in y-1 or y+1).
func (f festival) candidates(y int) []Date {
	switch f.kind {
	case solarFixed:
		return []Date{{y, time.Month(f.month), f.day}}
	case solarTerm:
		// tyme's year y starts at the 冬至 of December y-1
		return []Date{solarTermOf(y, f.month), solarTermOf(y+1, f.month)}
	}
	var out []Date
	for ly := y - 1; ly <= y; ly++ {
		day := f.day
		if f.kind == lunarNewYearsEve {
			n, err := LunarMonthDays(ly, 12, false)
			if err != nil {
				continue
			}
			day = n
		}
		d, err := FromLunar(LunarDate{Year: ly, Month: f.month, Day: day})
		if err == nil {
			out = append(out, d)
		}
	}
	return out
}

func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.ReplaceAll(s, "’", "'")
}

func timeMonth(m int) time.Month { return time.Month(m) }

// Qingming returns the date of the 清明 solar term in Gregorian year y.
func Qingming(y int) (Date, error) {
	if y < MinYear || y > MaxYear {
		return Date{}, fmt.Errorf("%w: year %d", ErrOutOfRange, y)
	}
	d, _ := FestivalDate("清明", y)
	return d, nil
}
