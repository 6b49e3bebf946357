package timeparse

// part is a part of the day (上午, 下午, tonight …); it maps a 12-hour clock
// reading to 24 hours and gives a phrase without a clock its hour.
type part uint8

const (
	partNone      part = iota
	partEarly          // 凌晨: 0-5
	partMorning        // 早上, 清晨, morning
	partForenoon       // 上午
	partNoon           // 中午, noon
	partAfternoon      // 下午, afternoon
	partEvening        // 傍晚, evening
	partNight          // 晚上, tonight
	partMidnight       // 半夜, 深夜, midnight
)

// expr is one time expression as its components filled it in. The zero
// value is empty; a component only sets fields nobody set before.
type expr struct {
	comps int

	// date
	year, month, day int // 0: unset; day -1: last day of the month
	lunar            bool
	dayOff           int
	hasDayOff        bool
	monthOff         int
	hasMonthOff      bool
	yearOff          int
	hasYearOff       bool
	weekday          int // 1 Monday … 7 Sunday; 0 unset
	weekOff          int
	hasWeekOff       bool
	festival         int // index into festivals + 1; 0 none

	// time of day
	part       part
	hour, min  int
	hasTime    bool
	ampm       byte // 'a', 'p' or 0
	endHour    int
	endMin     int
	hasEnd     bool
	endAmpm    byte
	endPart    part
	timeFromAt bool // an English bare "at 10"

	// duration from now
	durSec    int
	durDays   int
	durMonths int
	durYears  int
	hasDur    bool

	// recurrence
	freq     string // DAILY, WEEKLY, MONTHLY, YEARLY, HOURLY, MINUTELY
	interval int
	byday    uint8 // bit d-1 for weekday d
	workday  bool
}

func (e *expr) hasDate() bool {
	return e.year != 0 || e.month != 0 || e.day != 0 || e.hasDayOff || e.hasMonthOff || e.hasYearOff ||
		e.weekday != 0 || e.hasWeekOff || e.festival != 0
}

// matcher tries to read one component at i into e; it returns the end, or -1
// when nothing fits (e may then be garbage: callers pass a copy).
type matcher func(s *scanner, i int, e *expr) int

// find returns the best expression in the text: the one with most components,
// then the longest, then the first.
func (s *scanner) find() (best expr, start, end int, ok bool) {
	bestComps, bestLen := 0, 0
	for i := 0; i < len(s.r); {
		if isLetter(s.r[i]) && isLetter(s.at(i-1)) || isDigit(s.r[i]) && isDigit(s.at(i-1)) {
			i++
			continue
		}
		var e expr
		j := s.chain(i, &e)
		if j <= i {
			i++
			continue
		}
		if e.comps > bestComps || e.comps == bestComps && j-i > bestLen {
			best, start, end, ok = e, i, j, true
			bestComps, bestLen = e.comps, j-i
		}
		i = j
	}
	if ok && !valid(&best) {
		return best, 0, 0, false
	}
	return best, start, end, ok
}

func valid(e *expr) bool {
	if e.month > 12 || e.day > 31 || e.hour > 24 || e.min > 59 {
		return false
	}
	if e.hasTime && e.hour == 24 && e.min != 0 {
		return false
	}
	return true
}

// chain reads components from i on, joined by blanks and light connectors,
// into e; it returns the end of the last one (i when there is none).
func (s *scanner) chain(i int, e *expr) int {
	j := i
	for e.comps < 12 {
		k := j
		if e.comps > 0 {
			k = s.connector(j)
		}
		bestEnd := -1
		var bestE expr
		ms := matchers
		for _, m := range ms {
			t := *e
			if end := m(s, k, &t); end > k && end > bestEnd && valid(&t) {
				bestEnd, bestE = end, t
			}
		}
		if bestEnd < 0 {
			break
		}
		bestE.comps++
		*e = bestE
		j = bestEnd
	}
	return j
}

func (s *scanner) connector(i int) int {
	j := s.sp(i)
	switch s.at(j) {
	case ',', '，', '的', '、':
		j = s.sp(j + 1)
	}
	return j
}

var matchers = []matcher{
	zhRecur, zhRelDay, zhRelPeriod, zhWeek, zhDate, zhLunarDate, zhFestival, zhPart, zhClock, zhDuration, zhRange,
	clockColon, numericDate,
	enRecur, enRelDay, enRelPeriod, enWeekday, enDate, enFestival, enPart, enClock, enDuration, enRange,
}
