package timeparse

// English components.

var enWeekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mon", "tue", "wed", "thu", "fri", "sat", "sun", "tues", "weds", "thur", "thurs", "mondays", "tuesdays",
	"wednesdays", "thursdays", "fridays", "saturdays", "sundays"}

var enWeekdayNum = []int{1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 2, 3, 4, 4, 1, 2, 3, 4, 5, 6, 7}

// weekdayAt reads a weekday name; abbreviations that are also words (sun,
// sat, wed) need context, given by strict.
func (s *scanner) weekdayAt(i int, loose bool) (int, int) {
	j, k := s.words(i, enWeekdays...)
	if j < 0 {
		return 0, -1
	}
	if !loose && (k == 12 || k == 13 || k == 9) {
		// sat, sun, wed are words too: only before a time or at the end
		n := s.sp(j)
		if !(n >= len(s.r) || isDigit(s.at(n)) || s.at(n) == ',' || s.at(j) == '.' || s.words1(n, "at", "morning", "afternoon", "evening", "night", "noon", "next", "this") >= 0) {
			return 0, -1
		}
	}
	j = opt(j, s.lit(j, "."))
	return enWeekdayNum[k], j
}

var enMonths = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
var enMonthNum = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 6, 7, 8, 9, 9, 10, 11, 12}

func (s *scanner) monthAt(i int) (int, int) {
	j, k := s.words(i, enMonths...)
	if j < 0 {
		return 0, -1
	}
	j = opt(j, s.lit(j, "."))
	return enMonthNum[k], j
}

// ordinalAt reads 5, 5th, 1st, 22nd, 3rd, or first … thirty-first.
func (s *scanner) ordinalAt(i int) (v, j int, suffixed bool) {
	if isDigit(s.at(i)) {
		v, j, _ = s.digits(i, 2)
		if j < 0 {
			return 0, -1, false
		}
		if k, _ := s.words(j, "st", "nd", "rd", "th"); k >= 0 {
			return v, k, true
		}
		if isLetter(s.at(j)) {
			return 0, -1, false
		}
		return v, j, false
	}
	if k, n := s.words(i, enOrdinals...); k >= 0 {
		return n + 1, k, true
	}
	if k := s.word(i, "twenty"); k >= 0 {
		if k2 := opt(k+1, s.lit(k, "-")); k2 >= 0 {
			if k3, n := s.words(k2, enOrdinals[:9]...); k3 >= 0 {
				return 21 + n, k3, true
			}
		}
	}
	if k := s.word(i, "thirty"); k >= 0 {
		if k3 := s.word(opt(k+1, s.lit(k, "-")), "first"); k3 >= 0 {
			return 31, k3, true
		}
	}
	return 0, -1, false
}

var enOrdinals = []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
	"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
	"nineteenth", "twentieth", "twenty-first", "twenty-second", "twenty-third", "twenty-fourth", "twenty-fifth",
	"twenty-sixth", "twenty-seventh", "twenty-eighth", "twenty-ninth", "thirtieth", "thirty-first"}

// weekdayList reads "monday", "mon, wed and fri", "monday through friday".
func (s *scanner) weekdayList(i int) (uint8, int) {
	var bits uint8
	d, j := s.weekdayAt(i, true)
	if j < 0 {
		return 0, -1
	}
	bits |= 1 << (d - 1)
	for {
		k := s.sp(j)
		if k2, ki := s.words(k, "through", "thru", "to", "-", "till", "until"); k2 >= 0 || s.at(k) == '-' {
			if k2 < 0 {
				k2, ki = k+1, 0
			}
			_ = ki
			if d2, k3 := s.weekdayAt(s.sp(k2), true); k3 >= 0 && d2 > d {
				for x := d; x <= d2; x++ {
					bits |= 1 << (x - 1)
				}
				j, d = k3, d2
				continue
			}
			break
		}
		if s.at(k) == ',' || s.at(k) == '&' || s.at(k) == '/' {
			k = s.sp(k + 1)
		}
		k = s.sp(opt(k, s.word(k, "and")))
		k = s.sp(opt(k, s.word(k, "or")))
		if k == j {
			break
		}
		d2, k3 := s.weekdayAt(k, true)
		if k3 < 0 {
			break
		}
		bits |= 1 << (d2 - 1)
		j, d = k3, d2
	}
	return bits, j
}

func enRecur(s *scanner, i int, e *expr) int {
	if !s.en || !isLetter(s.at(i)) || e.freq != fNone {
		// "of every month" after a day is the one thing allowed later
		if !s.en || e.freq != fNone || e.day == 0 || e.month != 0 {
			return -1
		}
	}
	if j, _ := s.words(i, "of every month", "of each month", "every month", "each month", "of the month", "a month", "monthly"); j >= 0 && e.day != 0 && e.month == 0 && e.freq == fNone {
		e.freq = fMonthly
		return j
	}
	if e.freq != fNone {
		return -1
	}
	if j, k := s.words(i, "daily", "everyday", "weekly", "monthly", "yearly", "annually", "hourly", "nightly", "weeknights", "on weekdays", "weekdays", "every single day", "quarterly", "every quarter", "biweekly", "fortnightly"); j >= 0 {
		if e.hasDur || e.hasDayOff || e.hasWeekOff || e.hasMonthOff || e.hasYearOff || e.day != 0 || e.month != 0 || e.year != 0 || e.festival != 0 {
			return -1 // 明天下午3点 Weekly sync: a one-off, the word is the title's
		}
		e.adj = e.comps == 0
		switch k {
		case 12, 13:
			e.freq, e.interval, e.quarter = fMonthly, 3, true
		case 14, 15:
			e.freq, e.interval = fWeekly, 2
		case 0, 1, 11:
			e.freq = fDaily
		case 2:
			e.freq = fWeekly
		case 3:
			e.freq = fMonthly
		case 4, 5:
			e.freq = fYearly
		case 6:
			e.freq = fHourly
		case 7:
			e.freq, e.part = fDaily, partNight
		case 8, 9, 10:
			e.freq, e.byday = fWeekly, 0x1f
			if k == 8 {
				e.part = partNight
			}
		}
		return j
	}
	j := -1
	if k, _ := s.words(i, "every", "each"); k >= 0 {
		j = s.sp(k)
	} else if k := s.word(i, "on"); k >= 0 {
		// on mondays / on weekdays
		k = s.sp(k)
		if k2, ki := s.words(k, enWeekdays[18:]...); k2 >= 0 {
			e.freq, e.byday = fWeekly, 1<<(enWeekdayNum[18+ki]-1)
			return k2
		}
		return -1
	} else if k2, ki := s.words(i, enWeekdays[18:]...); k2 >= 0 && e.comps == 0 {
		e.freq, e.byday = fWeekly, 1<<(enWeekdayNum[18+ki]-1)
		return k2
	} else {
		return -1
	}
	if k := s.words1(j, "other", "second", "alternate"); k >= 0 {
		// every other Monday
		if bits, k2 := s.weekdayList(s.sp(k)); k2 >= 0 {
			e.freq, e.byday, e.interval = fWeekly, bits, 2
			return k2
		}
	}
	if k, ki := s.words(j, "day", "morning", "night", "evening", "afternoon", "weekday", "weekdays", "workday", "working day", "business day", "weekend", "week", "month", "year", "hour", "minute", "other day", "other week", "other month", "other year", "half hour", "half an hour", "second day", "fortnight", "week day", "week days"); k >= 0 {
		switch ki {
		case 0:
			e.freq = fDaily
		case 1:
			e.freq, e.part = fDaily, partMorning
		case 2:
			e.freq, e.part = fDaily, partNight
		case 3:
			e.freq, e.part = fDaily, partEvening
		case 4:
			e.freq, e.part = fDaily, partAfternoon
		case 5, 6, 24, 25:
			e.freq, e.byday = fWeekly, 0x1f
		case 7, 8, 9:
			e.freq, e.workday = fDaily, true
		case 10:
			e.freq, e.byday = fWeekly, 1<<5|1<<6
		case 11:
			e.freq = fWeekly
		case 12:
			e.freq = fMonthly
		case 13:
			e.freq = fYearly
		case 14:
			e.freq = fHourly
		case 15:
			e.freq = fMinutely
		case 16, 21:
			e.freq, e.interval = fDaily, 2
		case 17, 22:
			e.freq, e.interval = fWeekly, 2
		case 18:
			e.freq, e.interval = fMonthly, 2
		case 19:
			e.freq, e.interval = fYearly, 2
		case 20:
			e.freq, e.interval = fMinutely, 30
		}
		return k
	}
	if bits, k := s.weekdayList(j); k >= 0 {
		e.freq, e.byday = fWeekly, bits
		return k
	}
	if m, k := s.monthAt(j); k >= 0 {
		// every March 12
		e.freq = fYearly
		if d, k2, _ := s.ordinalAt(s.sp(k)); k2 >= 0 && d >= 1 && d <= 31 {
			e.month, e.day = m, d
			return k2
		}
		return -1
	}
	if d, k, suf := s.ordinalAt(j); k >= 0 && suf && d >= 1 && d <= 31 {
		// every 15th (of the month)
		e.freq, e.day = fMonthly, d
		for {
			k2 := s.sp(k)
			k2 = s.sp(opt(k2, s.lit(k2, ",")))
			k2 = s.sp(opt(k2, s.word(k2, "and")))
			d2, k3, suf2 := s.ordinalAt(k2)
			if k3 < 0 || !suf2 || d2 < 1 || d2 > 31 || k2 == s.sp(k) {
				break
			}
			e.moreDays |= 1 << d2
			k = k3
		}
		k = opt(k, s.spw(k, "of the month"))
		k = opt(k, s.spw(k, "of each month"))
		return k
	}
	n, k := s.wordNum(j)
	if k < 0 {
		return -1
	}
	k = s.sp(k)
	u, ui := s.words(k, "days", "day", "hours", "hour", "hrs", "hr", "h", "minutes", "minute", "mins", "min", "weeks", "week", "months", "month", "years", "year")
	if u < 0 || n <= 0 || n > 1000 {
		return -1
	}
	e.freq = [...]freq{fDaily, fDaily, fHourly, fHourly, fHourly, fHourly, fHourly, fMinutely, fMinutely, fMinutely, fMinutely,
		fWeekly, fWeekly, fMonthly, fMonthly, fYearly, fYearly}[ui]
	e.interval = n
	return u
}

func enRelDay(s *scanner, i int, e *expr) int {
	if !s.en || !isLetter(s.at(i)) || e.hasDayOff || e.weekday != 0 || e.day != 0 {
		return -1
	}
	if j, _ := s.words(i, "now", "right now", "immediately", "right away"); j >= 0 && !e.hasDate() && !e.hasTime && e.part == partNone && !e.hasDur && e.freq == fNone {
		if s.spw(j, "on") >= 0 || s.spw(j, "that") >= 0 {
			return -1 // "from now on", "now that"
		}
		e.hasDur = true
		return j
	}
	if j := s.words1(i, "next business day", "next working day", "next workday", "the next business day", "the next working day"); j >= 0 && !e.hasDate() && e.freq == fNone && !e.hasDur {
		e.nextWorkday = true
		return j
	}
	j, k := s.words(i, "today", "tomorrow", "tmr", "tmrw", "tomorow", "tonight", "tonite", "yesterday", "day after tomorrow",
		"the day after tomorrow", "overmorrow", "this morning", "this afternoon", "this evening", "tomorrow morning", "tomorrow night",
		"tomorrow evening", "tomorrow afternoon", "later today", "end of day", "end of the day", "eod", "this noon",
		"the next day", "the following day", "next day", "the day after next", "day after next")
	if j < 0 {
		return -1
	}
	switch {
	case k >= 26:
		k = 8 // the day after next: in two days
	case k >= 23:
		k = 1
	}
	off := [...]int{0, 1, 1, 1, 1, 0, 0, -1, 2, 2, 2, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0}[k]
	ps := [...]part{0, 0, 0, 0, 0, partNight, partNight, 0, 0, 0, 0, partMorning, partAfternoon, partEvening, partMorning, partNight,
		partEvening, partAfternoon, 0, 0, 0, 0, partNoon}[k]
	if ps != partNone {
		if e.part != partNone {
			return -1
		}
		e.part = ps
	}
	if k >= 19 && k <= 21 && !e.hasTime {
		e.hasTime, e.hour, e.min = true, 17, 0
	}
	e.hasDayOff, e.dayOff = true, off
	return j
}

func enRelPeriod(s *scanner, i int, e *expr) int {
	if !s.en || !isLetter(s.at(i)) {
		return -1
	}
	if j, k := s.words(i, "end of the month", "end of month", "end of this month", "the end of the month", "last day of the month",
		"the last day of the month", "last day of every month", "the last day of every month", "last day of each month", "the last day of each month"); j >= 0 {
		if e.day != 0 {
			return -1
		}
		e.day = -1
		if k >= 6 {
			if e.freq != fNone {
				return -1
			}
			e.freq = fMonthly
		}
		return j
	}
	if j := s.words1(i, "end of", "the end of"); j >= 0 && e.day == 0 && e.month == 0 {
		// end of next month, end of the year
		j = s.sp(j)
		if k, ki := s.words(j, "next month", "the next month", "year", "the year", "this year", "next year"); k >= 0 {
			switch {
			case ki <= 1:
				if e.hasMonthOff {
					return -1
				}
				e.hasMonthOff, e.monthOff, e.day = true, 1, -1
			case e.hasYearOff || e.year != 0:
				return -1
			default:
				e.month, e.day = 12, 31
				if ki == 5 {
					e.hasYearOff, e.yearOff = true, 1
				}
			}
			return k
		}
	}
	if e.day != 0 || e.nth != 0 {
		i = opt(i, s.spw(i, "of")) // the 3rd of next month
		i = s.sp(i)
	}
	j, k := s.words(i, "next", "this", "last", "coming", "the following", "this coming", "the week after next", "week after next",
		"the month after next", "month after next", "the year after next", "year after next", "the yr after next", "yr after next")
	if j < 0 {
		return -1
	}
	switch {
	case k == 6 || k == 7:
		if e.hasWeekOff {
			return -1
		}
		e.hasWeekOff, e.weekOff = true, 2
		return j
	case k == 8 || k == 9:
		if e.hasMonthOff || e.month != 0 {
			return -1
		}
		e.hasMonthOff, e.monthOff = true, 2
		return j
	case k >= 10:
		if e.hasYearOff || e.year != 0 {
			return -1
		}
		e.hasYearOff, e.yearOff = true, 2
		return j
	}
	off := [...]int{1, 0, -1, 1, 1, 1}[k]
	u, ui := s.words(s.sp(j), "week", "month", "year", "weekend", "yr")
	if ui == 4 {
		ui = 2
	}
	if u < 0 {
		return -1
	}
	switch ui {
	case 0:
		if e.hasWeekOff {
			return -1
		}
		e.hasWeekOff, e.weekOff = true, off
		if k == 3 {
			e.weekOff = 1
		}
	case 1:
		if e.hasMonthOff || e.month != 0 {
			return -1
		}
		e.hasMonthOff, e.monthOff = true, off
	case 2:
		if e.hasYearOff || e.year != 0 {
			return -1
		}
		e.hasYearOff, e.yearOff = true, off
	case 3:
		if e.hasWeekOff || e.weekday != 0 {
			return -1
		}
		e.weekday = 6
		if k == 0 || k == 2 {
			e.hasWeekOff, e.weekOff = true, off
		}
	}
	return u
}

func enWeekday(s *scanner, i int, e *expr) int {
	if !s.en || !isLetter(s.at(i)) || e.weekday != 0 || e.day != 0 || e.hasDayOff {
		return -1
	}
	j := i
	loose := false
	if k, _ := s.words(j, "on", "from"); k >= 0 {
		j, loose = s.sp(k), true
	}
	off, hasOff, last := 0, false, false
	if k, ki := s.words(j, "next", "this", "last", "coming", "this coming", "the coming", "the following", "following", "past", "this past"); k >= 0 {
		j, loose = s.sp(k), true
		if ki == 2 || ki >= 8 {
			last = true // the most recent one before today
		} else {
			off, hasOff = [...]int{1, 0, -1, 0, 0, 0, 1, 1}[ki], ki < 3 || ki >= 6
		}
	}
	d, k := s.weekdayAt(j, loose || e.comps > 0)
	if k < 0 {
		return -1
	}
	if ki, kk := s.words(s.sp(k), "of next week", "of the next week", "of the following week", "of this week", "of the week after next"); ki >= 0 && !hasOff {
		k, off, hasOff = ki, [...]int{1, 1, 1, 0, 2}[kk], true
	} else if ki := s.spw(k, "next week"); ki >= 0 && !hasOff {
		k, off, hasOff = ki, 1, true
	} else if ki := s.spw(k, "this week"); ki >= 0 && !hasOff {
		k, off, hasOff = ki, 0, true
	} else if ki := s.spw(k, "after next"); ki >= 0 && !hasOff {
		k, off, hasOff = ki, 2, true
	}
	if hasOff && e.hasWeekOff {
		return -1
	}
	e.weekday, e.lastWeekday = d, last && !hasOff
	if hasOff {
		e.hasWeekOff, e.weekOff = true, off
	}
	return k
}

func (s *scanner) enYear(i int) (int, int) {
	k := s.sp(opt(i, s.lit(s.sp(i), ",")))
	y, j, n := s.digits(k, 4)
	if j < 0 || n != 4 || y < 1900 || y > 2200 || isLetter(s.at(j)) || s.at(j) == ':' {
		return 0, -1
	}
	return y, j
}

func enDate(s *scanner, i int, e *expr) int {
	if !s.en || e.month != 0 || e.day != 0 {
		return -1
	}
	j := i
	if k, ki := s.words(i, "in", "next", "this", "by", "until", "early", "late", "mid"); k >= 0 {
		if m, k2 := s.monthAt(s.sp(k)); k2 >= 0 && !isDigit(s.at(s.sp(k2))) && s.ordinalAt1(s.sp(k2)) < 0 {
			e.month = m
			if ki == 1 && !e.hasYearOff {
				e.hasYearOff, e.yearOff = true, 1
			}
			return k2
		}
	}
	j = s.sp(opt(j, s.words1(j, "on", "from")))
	j = s.sp(opt(j, s.word(j, "the")))
	// March 12(th)?(, 2027)?
	if m, k := s.monthAt(j); k >= 0 {
		k2 := s.sp(k)
		k2 = s.sp(opt(k2, s.word(k2, "the")))
		if d, k3, _ := s.ordinalAt(k2); k3 >= 0 && d >= 1 && d <= 31 && s.at(k3) != ':' && !(isDigit(s.at(k2)) && s.word(s.sp(k3), "am") >= 0 || s.word(s.sp(k3), "pm") >= 0) {
			e.month, e.day = m, d
			if y, k4 := s.enYear(k3); k4 >= 0 {
				e.year = y
				return k4
			}
			return k3
		}
		if y, k4 := s.enYear(k); k4 >= 0 {
			e.month, e.year = m, y
			return k4
		}
		// A month alone: "in June", "next March", or an unambiguous name
		// (not "may", "march", "august", …, which are words too).
		if j == i && e.comps == 0 {
			if k2, ki := s.words(i, "january", "february", "september", "october", "november", "december"); k2 >= 0 && ki >= 0 {
				e.month = m
				return k2
			}
		}
		return -1
	}
	// 12th (of)? March
	if d, k, suf := s.ordinalAt(j); k >= 0 && d >= 1 && d <= 31 {
		k2 := s.sp(k)
		if k3 := s.word(k2, "day of"); k3 >= 0 && s.at(j) != '1' {
			k2 = k3 // the second day of march
		}
		k2 = s.sp(opt(k2, s.word(k2, "of")))
		if m, k3 := s.monthAt(k2); k3 >= 0 {
			e.month, e.day = m, d
			if y, k4 := s.enYear(k3); k4 >= 0 {
				e.year = y
				return k4
			}
			return k3
		}
		if suf && (j != i || e.freq == fMonthly || s.spw(k, "of") >= 0) {
			// the 25th / on the 5th
			e.day = d
			return k
		}
	}
	return -1
}

func enPart(s *scanner, i int, e *expr) int {
	if !s.en || !isLetter(s.at(i)) || e.part != partNone {
		return -1
	}
	j, k := s.words(i, "in the morning", "morning", "in the afternoon", "afternoon", "in the evening", "evening", "at night",
		"night", "tonight", "in the night", "at dawn", "early morning", "late night", "at lunch", "lunchtime", "at lunchtime", "midday")
	if j < 0 {
		return -1
	}
	if (k == 1 || k == 3 || k == 5 || k == 7) && e.comps == 0 {
		return -1 // a lone "morning" is a greeting
	}
	ps := [...]part{partMorning, partMorning, partAfternoon, partAfternoon, partEvening, partEvening, partNight, partNight, partNight,
		partNight, partEarly, partEarly, partMidnight, partNoon, partNoon, partNoon, partNoon}
	if k == 8 {
		if e.hasDayOff {
			return -1
		}
		e.hasDayOff = true
	}
	e.part = ps[k]
	return j
}

// ampmAt reads am, pm, a.m., p.m. after a clock reading.
func (s *scanner) ampmAt(i int) (byte, int) {
	k := s.sp(i)
	if j, ki := s.words(k, "am", "pm", "a.m.", "p.m.", "a.m", "p.m", "a", "p", "a m", "p m"); j >= 0 {
		if (ki == 6 || ki == 7) && k != i {
			return 0, -1
		}
		if ki%2 == 0 {
			return 'a', j
		}
		return 'p', j
	}
	return 0, -1
}

func enClock(s *scanner, i int, e *expr) int {
	if !s.en || e.hasTime {
		return -1
	}
	h, m, ap, at, j := s.enClockAt(i)
	if j < 0 {
		return -1
	}
	e.hasTime, e.hour, e.min, e.ampm, e.timeFromAt = true, h, m, ap, at
	return j
}

// enClockAt reads 3pm, 3:30 pm, at 10, 10 o'clock, noon, midnight, half past 3,
// quarter to 5.
func (s *scanner) enClockAt(i int) (h, m int, ap byte, at bool, j int) {
	j = i
	if k, _ := s.words(j, "at", "@", "by", "around", "about", "from", "between", "till", "until"); k >= 0 {
		j, at = s.sp(k), true
	} else if s.at(j) == '@' {
		j, at = s.sp(j+1), true
	}
	if k, ki := s.words(j, "noon", "midnight", "midday"); k >= 0 {
		if ki == 1 {
			return 24, 0, 0, false, k
		}
		return 12, 0, 'p', false, k
	}
	// half past 3, quarter to 5, 10 past 3, 20 to 5
	mm := -1
	k := j
	if k2, ki := s.words(k, "half", "quarter", "a quarter"); k2 >= 0 {
		mm, k = [...]int{30, 15, 15}[ki], s.sp(k2)
	} else if v, k2 := s.wordNum(k); k2 >= 0 && v < 60 {
		k3 := s.sp(k2)
		k3 = s.sp(opt(k3, s.words1(k3, "minutes", "minute", "mins")))
		minutes := s.words1(s.sp(k2), "minutes", "minute", "mins") >= 0
		if s.word(k3, "past") >= 0 || (minutes || v%5 == 0) && s.words1(k3, "to", "after", "before", "til", "till") >= 0 {
			mm, k = v, k3
		}
	}
	if mm >= 0 {
		if hh, mm2, ap, k4 := s.enPastTo(k, mm); k4 >= 0 {
			return hh, mm2, ap, false, k4
		}
		if k2 := s.word(j, "half"); k2 >= 0 {
			// British "half seven": 7:30
			if hh, k3 := s.wordNum(s.sp(k2)); k3 >= 0 && hh >= 1 && hh <= 12 && s.at(s.sp(k2)) != 'a' {
				if w, _ := s.words(s.sp(k3), "hours", "hour", "hrs", "minutes", "mins", "days", "weeks"); w < 0 {
					ap, k4 := s.ampmAt(k3)
					return hh, 30, ap, false, opt(k3, k4)
				}
			}
		}
		if s.word(j, "half") >= 0 || s.word(j, "quarter") >= 0 || s.word(j, "a") >= 0 {
			return 0, 0, 0, false, -1
		}
	}
	if v, k2, n := s.digits(j, 4); k2 >= 0 && n == 4 && (at || s.spw(k2, "hours") >= 0 || s.spw(k2, "hrs") >= 0) && v/100 < 24 && v%100 < 60 {
		k3 := opt(k2, s.spw(k2, "hours"))
		k3 = opt(k3, s.spw(k3, "hrs"))
		ap := byte('a') // a 24-hour reading: 0800 is morning
		if v/100 >= 12 {
			ap = 'p'
		}
		return v / 100, v % 100, ap, false, k3 // 0800, 1700 hours
	}
	if v, k2, n := s.digits(j, 4); k2 >= 0 && n >= 3 && v/100 >= 1 && v/100 <= 12 && v%100 < 60 {
		if ap, k3 := s.ampmAt(k2); k3 >= 0 {
			return v / 100, v % 100, ap, false, k3 // 830 p.m., 1030am
		}
	}
	if v, k2 := s.wordNum(j); k2 >= 0 && v >= 1 && v <= 12 && !isDigit(s.at(j)) && s.at(j) != 'a' {
		// ten thirty (am), at seven fifteen
		if mm, k3 := s.wordNum(s.sp(k2)); k3 >= 0 && mm >= 10 && mm < 60 && !isDigit(s.at(s.sp(k2))) {
			ap, k4 := s.ampmAt(k3)
			if k4 >= 0 || at {
				return v, mm, ap, k4 < 0, opt(k3, k4)
			}
		}
	}
	if v, k2, _ := s.digits(j, 2); k2 >= 0 && v <= 23 && s.at(k2) == 'h' {
		// 18h30, 6h30, at 17h: the French and German way of writing a clock
		ap := byte('a')
		if v >= 12 {
			ap = 'p'
		}
		if mm, k3, nm := s.digits(k2+1, 2); k3 >= 0 && nm == 2 && mm < 60 && !isLetter(s.at(k3)) {
			return v, mm, ap, false, k3
		}
		if at && !isLetter(s.at(k2+1)) && !isDigit(s.at(k2+1)) {
			return v, 0, ap, false, k2 + 1
		}
	}
	if v, k2, _ := s.digits(j, 2); k2 >= 0 && v >= 1 && v <= 12 && s.at(k2) == ' ' {
		// at 6 30 pm: minutes apart, am/pm said
		if mm, k3, nm := s.digits(k2+1, 2); k3 >= 0 && nm == 2 && mm < 60 {
			if ap, k4 := s.ampmAt(k3); k4 >= 0 {
				return v, mm, ap, false, k4
			}
		}
	}
	v, k2, n := s.digits(j, 2)
	if k2 >= 0 && v == 12 {
		if k3, ki := s.words(s.sp(k2), "noon", "midnight"); k3 >= 0 {
			return [...]int{12, 24}[ki], 0, 'p', false, k3 // 12 noon
		}
	}
	if k2 < 0 {
		if v, k3 := s.wordNum(j); k3 >= 0 && v >= 1 && v <= 12 && s.at(j) != 'a' {
			if k4 := s.spw(k3, "o'clock"); k4 >= 0 {
				ap, k5 := s.ampmAt(k4)
				return v, 0, ap, false, opt(k4, k5)
			}
			if ap, k4 := s.ampmAt(k3); k4 >= 0 && k4 > k3+1 {
				return v, 0, ap, false, k4
			}
		}
		return 0, 0, 0, false, -1
	}
	_ = n
	if v > 24 || s.at(k2) == ':' || s.at(k2) == '.' && isDigit(s.at(k2+1)) {
		return 0, 0, 0, false, -1 // clockColon's
	}
	if k3, _ := s.words(s.sp(k2), "o'clock", "oclock", "o’clock"); k3 >= 0 {
		ap, k4 := s.ampmAt(k3)
		return v, 0, ap, false, opt(k3, k4)
	}
	if ap, k3 := s.ampmAt(k2); k3 >= 0 && v >= 1 && v <= 12 {
		return v, 0, ap, false, k3
	}
	if at && !isLetter(s.at(k2)) && s.at(k2) != '/' && s.at(k2) != '-' && s.at(k2) != '%' && s.at(k2) != '.' {
		return v, 0, 0, true, k2
	}
	if v >= 1 && v <= 12 && s.words1(s.sp(k2), "in the morning", "in the afternoon", "in the evening", "at night", "tonight", "this morning", "this afternoon", "this evening", "tomorrow morning", "tomorrow evening", "tomorrow night", "tomorrow afternoon") >= 0 {
		return v, 0, 0, true, k2 // 8 in the evening: the part follows
	}
	return 0, 0, 0, false, -1
}

func (s *scanner) words1(i int, ws ...string) int {
	j, _ := s.words(i, ws...)
	return j
}

// clockColon reads 9:30, 09:30:00, 9.30pm, (at) 10:30 am, 下午3:30.
func clockColon(s *scanner, i int, e *expr) int {
	if e.hasTime {
		return -1
	}
	j := i
	if s.en {
		if k, _ := s.words(j, "at", "@", "by", "around", "from", "between"); k >= 0 {
			j = s.sp(k)
		} else if s.at(j) == '@' {
			j = s.sp(j + 1)
		}
	}
	h, k, _ := s.digits(j, 2)
	if k < 0 || h > 24 || s.at(k) != ':' && !(s.at(k) == '.' && s.en) {
		return -1
	}
	m, k2, n := s.digits(k+1, 2)
	if k2 < 0 || n != 2 || m > 59 {
		return -1
	}
	sec, hasSec := 0, false
	if s.at(k2) == ':' {
		if v, k3, n3 := s.digits(k2+1, 2); k3 >= 0 && n3 == 2 && v < 60 {
			k2, sec, hasSec = k3, v, true
		}
	}
	ap := byte(0)
	if s.en {
		if a, k3 := s.ampmAt(k2); k3 >= 0 {
			ap, k2 = a, k3
		}
	}
	if s.at(k) == '.' && ap == 0 {
		return -1
	}
	if ap == 0 && s.at(j) == '0' && k-j == 2 && h > 0 {
		ap = 'a' // 08:00 is a 24-hour reading: morning
	}
	if s.at(j-1) == 't' && isDigit(s.at(j-2)) && s.at(k) == ':' {
		// ISO 8601: a 24-hour reading, maybe with its offset
		ap = 'a'
		if h >= 12 {
			ap = 'p'
		}
		if z, k3 := s.isoZone(k2); k3 >= 0 && e.zone.kind == 0 {
			e.zone, k2 = z, k3
		}
	}
	if e.year != 0 && e.zone.kind == 0 && s.at(k2) == ' ' {
		// 2026-11-29 10:00:00 +0800: an offset after a full date and time
		if c := s.at(k2 + 1); c == '+' || c == '-' {
			if z, k3 := s.isoZone(k2 + 1); k3 >= 0 && (c == '+' || k3-k2-2 == 4) {
				e.zone, k2 = z, k3
				if ap == 0 {
					ap = 'a'
					if h >= 12 {
						ap = 'p'
					}
				}
			}
		}
	}
	e.hasTime, e.hour, e.min, e.ampm, e.sec, e.hasSec = true, h, m, ap, sec, hasSec
	return k2
}

// isoZone reads the offset that ends an ISO 8601 time: Z, +08:00, -0500.
func (s *scanner) isoZone(i int) (zoneRef, int) {
	if s.at(i) == 'z' && !isLetter(s.at(i+1)) {
		return zoneRef{kind: zoneFixed}, i + 1
	}
	sign := 1
	switch s.at(i) {
	case '+':
	case '-':
		sign = -1
	default:
		return zoneRef{}, -1
	}
	h, j, n := s.digits(i+1, 4)
	if j < 0 {
		return zoneRef{}, -1
	}
	m := 0
	switch {
	case n == 4:
		h, m = h/100, h%100
	case n == 2 && s.at(j) == ':':
		var k, nm int
		if m, k, nm = s.digits(j+1, 2); k < 0 || nm != 2 {
			return zoneRef{}, -1
		}
		j = k
	case n != 2:
		return zoneRef{}, -1
	}
	if h > 14 || m > 59 {
		return zoneRef{}, -1
	}
	return zoneRef{kind: zoneFixed, off: int32(sign * (h*3600 + m*60))}, j
}

// numericDate reads 2026-12-01, 2026/12/01, 2026.12.01, 12/25, 12/25/2026.
func numericDate(s *scanner, i int, e *expr) int {
	if e.month != 0 || e.day != 0 {
		return -1
	}
	if k := s.word(i, "on"); k >= 0 && e.comps > 0 && isDigit(s.at(s.sp(k))) {
		i = s.sp(k) // 3pm on 12/5
	}
	if !isDigit(s.at(i)) {
		return -1
	}
	if k := s.compactDate(i, e); k >= 0 {
		return k
	}
	a, j, na := s.digits(i, 4)
	if j < 0 {
		return -1
	}
	sep := s.at(j)
	if sep == ' ' && na == 4 && a >= 1900 && a <= 2999 {
		// 2031 03 07
		b, k, _ := s.digits(j+1, 2)
		if k < 0 || s.at(k) != ' ' {
			return -1
		}
		c, k2, _ := s.digits(k+1, 2)
		if k2 < 0 || b < 1 || b > 12 || c < 1 || c > 31 || isLetter(s.at(k2)) || s.at(k2) == ':' || s.at(k2) == '.' || s.zh && zhUnitAfter(s.at(k2)) {
			return -1
		}
		e.year, e.month, e.day = a, b, c
		return k2
	}
	if sep == '·' || sep == '・' {
		sep = '.'
	}
	if sep != '-' && sep != '/' && sep != '.' {
		return -1
	}
	b, k, nb := s.digits(j+1, 2)
	if k < 0 {
		return -1
	}
	if na == 4 {
		if s.at(k) != sep {
			return -1
		}
		c, k2, _ := s.digits(k+1, 2)
		if k2 < 0 || b < 1 || b > 12 || c < 1 || c > 31 {
			return -1
		}
		e.year, e.month, e.day = a, b, c
		if s.at(k2) == 't' && isDigit(s.at(k2+1)) {
			k2++
		}
		return k2
	}
	if sep == '.' && s.zh && na <= 2 && nb <= 2 && (s.at(k) == '号' || s.at(k) == '日') && a >= 1 && a <= 12 && b >= 1 && b <= 31 {
		e.month, e.day = a, b // 12.25号
		return k + 1
	}
	if sep == '.' && s.zh && na <= 2 && nb <= 2 && a >= 1 && a <= 12 && b >= 1 && b <= 31 && !isDigit(s.at(k)) && !isLetter(s.at(k)) && !zhUnitAfter(s.at(k)) && s.at(k) != '.' && s.at(k) != '%' &&
		(s.at(j) != '.' || (s.at(k) == 0 || s.at(k) == ' ' || s.at(k) >= 0x4e00) && dateLead(s.at(i-1))) {
		e.month, e.day = a, b // 3.7, 3·7, 12.25开会
		return k
	}
	if sep == '.' || na > 2 || nb > 2 {
		return -1
	}
	m, d := a, b
	if m > 12 && d <= 12 {
		m, d = d, m
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return -1
	}
	if sep == '-' && s.at(k) != '-' && (na != 2 || nb != 2 || zhUnitAfter(s.at(k)) || s.at(k) == ':' || s.ampmAfter(k) || s.monthAt1(s.sp(k)) >= 0) {
		return -1 // 3-5 is a range more often than a date; 03-07 is a date
	}
	if s.at(k) == sep {
		y, k2, ny := s.digits(k+1, 4)
		if k2 >= 0 && (ny == 4 || ny == 2) {
			if ny == 2 {
				y += 2000
			}
			e.year, e.month, e.day = y, m, d
			return k2
		}
		return -1
	}
	if isDigit(s.at(k)) || s.at(k) == '%' {
		return -1
	}
	e.month, e.day = m, d
	return k
}

func enDuration(s *scanner, i int, e *expr) int {
	if !s.en || e.hasDur || e.hasDate() || e.hasTime {
		return -1
	}
	j := i
	pre := false
	if k, _ := s.words(j, "in", "after", "within"); k >= 0 {
		j, pre = s.sp(k), true
		j = s.sp(opt(j, s.word(j, "about")))
		j = s.sp(opt(j, s.word(j, "another")))
	}
	sec, days, months, years := 0, 0, 0, 0
	n := 0
	for n < 4 {
		k := j
		if n > 0 {
			k = s.sp(opt(k, s.lit(k, ",")))
			if k2 := s.word(k, "and"); k2 >= 0 {
				k = s.sp(k2)
			}
			if k2, _ := s.words(k, "a half", "half"); k2 >= 0 && n > 0 {
				// "an hour and a half"
				switch {
				case sec > 0 && sec%3600 == 0:
					sec += 1800
				case days > 0:
					sec += 43200
				default:
					return -1
				}
				j = k2
				n++
				break
			}
		}
		if k2, ki := s.words(k, "three quarters of an hour", "three-quarters of an hour", "3/4 of an hour", "3/4 hour", "3/4 of an hr",
			"a quarter of an hour", "quarter of an hour", "a quarter hour", "quarter hour", "1/4 of an hour", "1/4 hour"); k2 >= 0 {
			sec += [...]int{2700, 2700, 2700, 2700, 2700, 900, 900, 900, 900, 900, 900}[ki]
			j = k2
			n++
			continue
		}
		halves := 0
		if k2, _ := s.words(k, "half an", "half a", "a half", "half"); k2 >= 0 {
			halves, k = 1, s.sp(k2)
		} else if k2, _ := s.words(k, "a couple of", "a couple", "couple of"); k2 >= 0 {
			halves, k = 4, s.sp(k2)
		} else if v, k2 := s.wordNum(k); k2 >= 0 {
			halves, k = v*2, k2
			if s.at(k) == '.' && s.at(k+1) == '5' {
				halves, k = halves+1, k+2
			}
			k = s.sp(k)
			if k3 := s.word(k, "and a half"); k3 >= 0 {
				halves, k = halves+1, s.sp(k3)
			}
		} else {
			break
		}
		k = s.sp(opt(k, s.words1(k, "more", "extra", "additional"))) // in 5 more minutes
		u, ui := s.words(k, "seconds", "second", "secs", "sec", "minutes", "minute", "mins", "min", "m", "hours", "hour", "hrs", "hr", "h",
			"days", "day", "weeks", "week", "wks", "fortnight", "months", "month", "years", "year", "d", "mo", "mos", "yr", "yrs", "wk")
		if u < 0 {
			break
		}
		switch {
		case ui == 24:
			days += halves / 2 // in 2d
			sec += halves % 2 * 43200
		case ui == 25 || ui == 26:
			months += halves / 2
			days += halves % 2 * 15
		case ui == 27 || ui == 28:
			years += halves / 2
			months += halves % 2 * 6
		case ui == 29:
			days += halves * 7 / 2
		case ui <= 3:
			sec += halves / 2
		case ui <= 8:
			sec += halves * 30
		case ui <= 13:
			sec += halves * 1800
		case ui <= 15:
			days += halves / 2
			sec += halves % 2 * 43200
		case ui <= 18:
			days += halves * 7 / 2
		case ui == 19:
			days += halves * 7
		case ui <= 21:
			months += halves / 2
			days += halves % 2 * 15
		default:
			years += halves / 2
			months += halves % 2 * 6
		}
		j = u
		n++
	}
	if n == 0 {
		return -1
	}
	if k, ki := s.words(s.sp(j), "from", "after", "before"); k >= 0 && !pre && sec == 0 && months == 0 && years == 0 &&
		s.words1(s.sp(k), "now", "today") < 0 {
		// a week from tomorrow, two days before christmas: days off a date
		// the next components read
		if ki == 2 {
			days = -days
		}
		e.hasShift, e.shift = true, days
		return k
	}
	if k := s.spw(j, "ago"); k >= 0 && !pre {
		sec, days, months, years, j = -sec, -days, -months, -years, k
	} else if k, _ := s.words(s.sp(j), "from now", "later", "hence", "from today", "after now", "time", "'s time", "’s time"); k >= 0 {
		j = k
	} else if !pre {
		return -1
	}
	e.hasDur = true
	e.durSec, e.durDays, e.durMonths, e.durYears = sec, days, months, years
	return j
}

func enRange(s *scanner, i int, e *expr) int {
	if !s.en || !e.hasTime || e.hasEnd {
		return -1
	}
	j := i
	if k, _ := s.words(j, "to", "until", "till", "til", "through", "and"); k >= 0 {
		j = s.sp(k)
	} else if s.at(j) == '-' || s.at(j) == '~' {
		j = s.sp(j + 1)
	} else {
		return -1
	}
	var t expr
	k := clockColon(s, j, &t)
	if k < 0 {
		h, m, ap, _, k2 := s.enClockAt(j)
		if k2 < 0 {
			v, k3, _ := s.digits(j, 2)
			if k3 < 0 || v > 24 || isLetter(s.at(k3)) {
				return -1
			}
			h, m, k2 = v, 0, k3
		}
		t.hour, t.min, t.ampm, k = h, m, ap, k2
	}
	if k2 := enPart(s, s.sp(k), &expr{comps: 1}); k2 >= 0 {
		var p expr
		p.comps = 1
		enPart(s, s.sp(k), &p)
		t.part, k = p.part, k2
	}
	e.hasEnd, e.endHour, e.endMin, e.endAmpm, e.endPart = true, t.hour, t.min, t.ampm, t.part
	return k
}

// enPastTo reads "past 3", "to 5" after a number of minutes mm.
func (s *scanner) enPastTo(k, mm int) (h, m int, ap byte, j int) {
	k2, ki := s.words(k, "past", "after", "to", "before", "til", "till", "of")
	if ki == 6 && mm != 15 {
		return 0, 0, 0, -1 // quarter of 5 is 4:45; "10 of 5" is not a time
	}
	if k2 < 0 {
		return 0, 0, 0, -1
	}
	hh, k3 := s.wordNum(s.sp(k2))
	if k3 < 0 {
		// 20 past 3pm: digits glued to am/pm
		if v, kd, _ := s.digits(s.sp(k2), 2); kd >= 0 {
			if _, ka := s.ampmAt(kd); ka >= 0 {
				hh, k3 = v, kd
			}
		}
	}
	if k3 < 0 || hh > 12 || hh == 0 {
		k4, k4i := s.words(s.sp(k2), "noon", "midnight")
		if k4 < 0 {
			return 0, 0, 0, -1
		}
		hh, k3 = [...]int{12, 24}[k4i], k4
	}
	if mm == 30 && ki >= 2 || mm == 0 {
		return 0, 0, 0, -1
	}
	if ki >= 2 {
		hh, mm = hh-1, 60-mm
	}
	ap, k4 := s.ampmAt(k3)
	if k4 < 0 {
		k4 = k3
	}
	return hh, mm, ap, k4
}

func (s *scanner) ordinalAt1(i int) int {
	_, j, _ := s.ordinalAt(i)
	return j
}

var enNth = []string{"first", "second", "third", "fourth", "fifth", "last", "1st", "2nd", "3rd", "4th", "5th"}

// enNthWeekday reads "the first Monday of next month", "the last Friday of
// every month", "the second Sunday in May", "the last day of February".
func enNthWeekday(s *scanner, i int, e *expr) int {
	if !s.en || !isLetter(s.at(i)) || e.weekday != 0 || e.day != 0 || e.nth != 0 {
		return -1
	}
	j := s.sp(opt(i, s.word(i, "on")))
	j = s.sp(opt(j, s.word(j, "the")))
	k, ki := s.words(j, enNth...)
	if k < 0 {
		return -1
	}
	n := [...]int{1, 2, 3, 4, 5, -1, 1, 2, 3, 4, 5}[ki]
	wd, k2 := 0, s.spw(k, "day")
	if k2 < 0 {
		if wd, k2 = s.weekdayAt(s.sp(k), true); k2 < 0 {
			return -1
		}
	} else if n != -1 {
		return -1
	}
	k3, _ := s.words(s.sp(k2), "of", "in")
	if k3 < 0 {
		return -1
	}
	k3 = s.sp(k3)
	t := *e
	switch {
	case s.words1(k3, "every month", "each month") >= 0:
		if t.freq != fNone {
			return -1
		}
		t.freq = fMonthly
		k3 = s.words1(k3, "every month", "each month")
	case s.words1(k3, "the month", "this month") >= 0:
		k3 = s.words1(k3, "the month", "this month")
	case s.word(k3, "next month") >= 0:
		if t.hasMonthOff {
			return -1
		}
		t.hasMonthOff, t.monthOff = true, 1
		k3 = s.word(k3, "next month")
	default:
		m, k4 := s.monthAt(k3)
		if k4 < 0 || t.month != 0 {
			return -1
		}
		t.month, k3 = m, k4
		if y, k5 := s.enYear(k3); k5 >= 0 {
			t.year, k3 = y, k5
		}
	}
	if wd == 0 {
		t.day = -1 // the last day of …
	} else {
		t.weekday, t.nth = wd, n
	}
	*e = t
	return k3
}

// compactDate reads 20310307 (and 20310307T0930, 20310307T093000): eight
// digits that make a valid date from 1900 to 2999.
func (s *scanner) compactDate(i int, e *expr) int {
	v, j, n := s.digits(i, 8)
	if j < 0 || n != 8 || isLetter(s.at(j)) && s.at(j) != 't' || s.at(j) == '.' {
		return -1
	}
	y, m, d := v/10000, v/100%100, v%100
	if y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return -1
	}
	e.year, e.month, e.day = y, m, d
	if s.at(j) == 't' {
		hm, k, nt := s.digits(j+1, 6)
		if k < 0 || nt != 4 && nt != 6 {
			return -1
		}
		sec := 0
		if nt == 6 {
			hm, sec = hm/100, hm%100
		}
		if hm/100 > 23 || hm%100 > 59 || sec > 59 {
			return -1
		}
		e.hasTime, e.hour, e.min, e.sec, e.hasSec = true, hm/100, hm%100, sec, nt == 6
		e.ampm = 'a'
		if e.hour >= 12 {
			e.ampm = 'p'
		}
		if z, k2 := s.isoZone(k); k2 >= 0 {
			e.zone, k = z, k2
		}
		return k
	}
	return j
}

// ampmAfter reports whether am or pm follows i (3-5pm is a range of hours).
func (s *scanner) ampmAfter(i int) bool {
	_, k := s.ampmAt(i)
	return k >= 0
}

// zhUnitAfter reports whether c, after a number, makes it a quantity or a
// clock (3.5小时, 1.5倍, 10-11点) rather than a date.
func zhUnitAfter(c rune) bool {
	switch c {
	case '点', '时', '号', '日', '天', '个', '周', '月', '年', '元', '块', '万', '千', '百', '米', '斤', '公', '倍', '分', '秒', '小', '度', '岁', '折', '次', '人', '页', '楼', '层', '克', '升', '期', '版', '集', '章', '节', '名', '位', '台', '件', '份', '本', '张', '条', '只', '辆':
		return true
	}
	return false
}

// dateLead reports whether c may come just before a bare M.D date (3.7):
// the start, a blank, punctuation or a word that introduces a date; not a
// word such as 版本 (版本2.1 is a version).
func dateLead(c rune) bool {
	switch c {
	case 0, ' ', ',', '，', '、', '：', ':', '(', '（', '在', '于', '到', '至', '是', '从', '前', '后', '和', '与', '及':
		return true
	}
	return false
}

func (s *scanner) monthAt1(i int) int {
	_, j := s.monthAt(i)
	return j
}
