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

// freq is an RRULE FREQ value; fNone for a one-off.
type freq uint8

const (
	fNone freq = iota
	fMinutely
	fHourly
	fDaily
	fWeekly
	fMonthly
	fYearly
)

func (f freq) String() string {
	return [...]string{"", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}[f]
}

// expr is one time expression as its components filled it in. The zero
// value is empty; a component only sets fields nobody set before.
type expr struct {
	comps int

	// date
	year, month, day int // 0: unset; day -1: last day of the month
	lunar            bool
	leap             bool // 闰六月: the leap month after month
	dayOff           int
	hasDayOff        bool
	monthOff         int
	hasMonthOff      bool
	yearOff          int
	hasYearOff       bool
	weekday          int  // 1 Monday … 7 Sunday; 0 unset
	lastWeekday      bool // "last Friday": the most recent before today
	nth              int  // with weekday: the nth (-1 last) of its month
	weekOff          int
	hasWeekOff       bool
	festival         int // index into festivals + 1; 0 none
	yearDay          int // 第100天 of a year said with it: 2031年第100天
	checkWeekday     int // 明天（周五）: a weekday said to confirm the date
	shift            int // days added to the date: 中秋节前一天, a week from tomorrow
	hasShift         bool
	nextWorkday      bool // 下个工作日, next business day

	// the last day of a range of dates (12月1日到3日, 下周一到周三)
	hasEndDate                bool
	endYear, endMonth, endDay int
	endWeekday, endWeekOff    int
	endHasWeekOff             bool

	// time of day
	part       part
	hour, min  int
	sec        int  // seconds of a clock reading: 18:30:15, 7点5分30秒
	hasSec     bool // the clock said its seconds
	hasTime    bool
	ampm       byte // 'a', 'p' or 0
	endHour    int
	endMin     int
	hasEnd     bool
	endAmpm    byte
	endPart    part
	endNextDay bool    // the end is on the next day: 13:20至次日15:00
	timeFromAt bool    // an English bare "at 10"
	zone       zoneRef // the zone the text names (2031-03-07T01:30Z, 5pm CEST); none: the reminder's
	sameTime   bool    // 明天这个时候: the present time of day

	// duration from now
	durSec    int
	durDays   int
	durMonths int
	durYears  int
	hasDur    bool

	// recurrence
	freq     freq
	interval int
	byday    uint8  // bit d-1 for weekday d
	moreDays uint32 // further days of the month (bit d): 每月5号和20号
	workday  bool
	quarter  bool // 每季度, quarterly: every three months from January
	adj      bool // began with a bare "daily", "weekly" …: weaker than any other time
}

func (e *expr) hasDate() bool {
	return e.year != 0 || e.month != 0 || e.day != 0 || e.hasDayOff || e.hasMonthOff || e.hasYearOff ||
		e.weekday != 0 || e.hasWeekOff || e.festival != 0 || e.nextWorkday || e.yearDay != 0
}

// matcher tries to read one component at i into e; it returns the end, or -1
// when nothing fits (e may then be garbage: callers pass a copy).
type matcher func(s *scanner, i int, e *expr) int

// find returns the best expression in the text: the one with most components,
// then the longest, then the first.
func (s *scanner) find() (best expr, start, end int, ok bool) {
	bestComps, bestLen := 0, 0
	bestGap := [2]int{}
	var adj expr // a lone "Daily …" that opens the text
	hasAdj := false
	var clock expr // the first bare clock after it: every monday: team sync at 10am
	clockStart, clockEnd := -1, -1
	adjEnd := -1
	for i := 0; i < len(s.r); {
		if isLetter(s.r[i]) && isLetter(s.at(i-1)) || isDigit(s.r[i]) && (isDigit(s.at(i-1)) || s.at(i-1) == '.' && isDigit(s.at(i-2))) {
			i++
			continue
		}
		if !s.canStart(i) {
			i++
			continue
		}
		var e expr
		j := s.chain(i, &e)
		if j <= i {
			i++
			continue
		}
		gap := [2]int{}
		if k, g := s.bridge(j, &e); k > j {
			gap, j = [2]int{j, g}, k
		}
		if e.adj && e.comps == 1 {
			// "3分钟后提醒大家交周报 Weekly report due": a recurrence adjective
			// alone yields to any other time in the text, and makes a bare
			// clock or weekday said later repeat when it opens the text
			// ("Daily standup at 9:30").
			if !hasAdj && i == s.sp(0) {
				adj, hasAdj = e, true
			}
			if !ok {
				best, start, end, ok = e, i, j, true
				bestComps, bestLen, bestGap = 0, j-i, gap
			}
			i = j
			continue
		}
		if s.nparts < len(s.parts) && (bareClock(&e) || bareDate(&e)) && gap == [2]int{} {
			s.parts[s.nparts] = part2{i, j, bareClock(&e)}
			s.nparts++
		}
		if !hasAdj && i == s.sp(0) && bareRecurrence(&e) {
			adj, hasAdj, adjEnd = e, true, j // 每天 Daily standup 9:30
		} else if hasAdj && clockStart < 0 && bareClock(&e) {
			clock, clockStart, clockEnd = e, i, j
		}
		if e.comps > bestComps || e.comps == bestComps && j-i > bestLen || best.adj && best.comps == 1 {
			best, start, end, ok = e, i, j, true
			bestComps, bestLen, bestGap = e.comps, j-i, gap
		}
		i = j
	}
	s.gap = bestGap
	if hasAdj && !best.adj && mergeAdj(&best, &adj) && !adj.adj && bestGap == [2]int{} && adjEnd <= start {
		// 每周五 report due 下午5点: the recurrence's words join the time,
		// the words between go to the title
		s.gap, start = [2]int{adjEnd, start}, s.sp(0)
	}
	if ok && start == s.sp(0) && bareRecurrence(&best) && clockStart >= end && bestGap == [2]int{} {
		// the recurrence won and a clock follows a few words later: join
		// them, the words between going to the title (as bridge does)
		best.hasTime, best.hour, best.min, best.ampm, best.sec, best.hasSec = true, clock.hour, clock.min, clock.ampm, clock.sec, clock.hasSec
		best.timeFromAt = clock.timeFromAt
		if best.part == partNone {
			best.part = clock.part
		}
		s.gap, end = [2]int{end, clockStart}, clockEnd
	}
	if ok && s.gap == [2]int{} {
		start, end = s.joinParts(&best, start, end)
	}
	if ok && (!valid(&best) || best.hasShift && !best.hasDate()) {
		return best, 0, 0, false
	}
	return best, start, end, ok
}

// maxGap is how many characters bridge skips between two parts of a time.
const maxGap = 4

// bridge joins to e a time said after a few words of filler or title: the
// clock of 明天提醒我下午三点开会, 周五记得两点去银行, 每天提醒我8点吃药,
// or the date of 每年生日3月8日. Only a part e lacks qualifies (a clock or a
// part of day after a date without one; a date or clock after a bare
// 每年/每天), so two separate times are never merged. It returns the end of
// the joined part and where it starts, or j when there is none.
func (s *scanner) bridge(j int, e *expr) (int, int) {
	bare := e.freq != fNone && !e.hasDate() && !e.hasTime && e.part == partNone && e.day == 0 && e.byday == 0
	if e.hasTime || e.sameTime || e.hasEnd || !bare && !e.hasDate() && e.freq == fNone {
		return j, j
	}
	if e.hasDur && e.durSec != 0 {
		return j, j // 半小时后: already a clock reading
	}
	for g := j + 1; g < len(s.r) && g-j <= maxGap; g++ {
		if c := s.r[g-1]; c < 0x4e00 || c > 0x9fff {
			break // only Chinese words: punctuation, digits or Latin end the reminder's time
		}
		if !s.canStart(g) {
			continue
		}
		// a time of its own ahead (明天的会改到后天下午3点) is not a part
		// of this one
		var f expr
		if k := s.chain(g, &f); k > g && (f.freq != fNone || !bare && f.hasDate()) {
			return j, j
		}
		t := *e
		k := s.chain(g, &t)
		if k <= g || t.comps == e.comps {
			continue
		}
		if bare && (t.hasDate() || t.hasTime || t.part != partNone || t.day != 0) && t.freq == e.freq ||
			!bare && (t.hasTime || t.part != e.part) && t.hasDate() == e.hasDate() && t.freq == e.freq && !t.hasEnd {
			*e = t
			return k, g
		}
		return j, j
	}
	return j, j
}

func valid(e *expr) bool {
	if e.month > 12 || e.day > 31 || e.hour > 24 || e.min > 59 || e.sec > 59 {
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
	t, bestE := &s.tmp, &s.best // scratch space: no allocation per try
	for e.comps < 12 {
		k := j
		if e.comps > 0 {
			k = s.connector(j)
		}
		if !s.canStart(k) {
			break
		}
		bestEnd := -1
		c := s.at(k)
		latin, hanzi := isLetter(c), c >= 0x2e80
		for _, mm := range matchers {
			if latin && !mm.latin || hanzi && !mm.hanzi {
				continue
			}
			*t = *e
			if end := mm.m(s, k, t); end > k && end > bestEnd && valid(t) {
				bestEnd, *bestE = end, *t
			}
		}
		if bestEnd < 0 {
			break
		}
		bestE.comps++
		*e = *bestE
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

// matchers are tried in this order at each place a component may start;
// the first of the longest wins. Each is marked with the scripts it can
// start in, so that a Chinese one is not tried on a Latin letter nor an
// English one on a Chinese character (each try copies an expr).
var matchers = []struct {
	m            matcher
	latin, hanzi bool
}{
	{zhRecur, false, true}, {zhRelDay, false, true}, {zhRelPeriod, false, true}, {zhWeek, false, true}, {zhDate, false, true},
	{zhLunarDate, false, true}, {zhFestival, false, true}, {zhPart, false, true}, {zhClock, false, true}, {zhDuration, false, true},
	{zhRange, false, true}, {zhShift, false, true}, {zhNextWorkday, false, true}, {zhNthDay, false, true}, {zhShichen, false, true}, {zhXun, false, true},
	{dateRange, true, true}, {numRange, true, true}, {dayRangeMonth, true, false}, {weekdayConfirm, true, true}, {bracketDate, true, true},
	{zoneName, true, true},
	{clockColon, true, false}, {numericDate, true, false},
	{enNthWeekday, true, false}, {zhNthWeekday, false, true}, {zhMoreDays, false, true}, {enRecur, true, false}, {enRelDay, true, false},
	{enRelPeriod, true, false}, {enWeekday, true, false}, {enDate, true, false}, {enFestival, true, false}, {enPart, true, false},
	{enClock, true, false}, {enDuration, true, false}, {enRange, true, false},
}

// canStart reports whether any component may begin at i: a cheap filter
// that keeps the matchers away from most of a long text.
func (s *scanner) canStart(i int) bool {
	c := s.at(i)
	switch {
	case c == 0:
		return false
	case c < 0x80:
		return isDigit(c) || isLetter(c) || c == '@' || c == '-' || c == '~' || c == '(' || c == '['
	case c == '、' || c == '，' || c == '（' || c == '【':
		return s.zh
	case c >= 0x4e00 && c <= 0x9fff || c == '〇':
		return s.zh && zhStart(c)
	}
	return false
}

// zhStart lists the first characters of every Chinese component.
func zhStart(c rune) bool {
	switch c {
	case '今', '明', '后', '大', '昨', '前', '次', '翌', '当', '每', '工', '天', '隔', '下', '这', '本', '上', '周', '星', '礼', '週', '禮', '月', '年',
		'去', '最', '第', '接', '和', '及', '与', '农', '阴', '旧', '農', '陰', '正', '冬', '腊', '臘', '初', '凌', '早', '清', '一', '中', '晌', '午',
		'傍', '黄', '晚', '夜', '半', '深', '零', '〇', '二', '两', '兩', '三', '四', '五', '六', '七', '八', '九', '十', '廿', '卅', '差', '过', '再',
		'元', '春', '夏', '秋', '除', '龙', '端', '重', '小', '国', '圣', '平', '情', '妇', '植', '愚', '劳', '青', '儿', '建', '教', '万', '母', '父',
		'感', '到', '至', '新', '现', '马', '立', '此', '子', '丑', '寅', '卯', '辰', '巳', '未', '申', '酉', '戌', '亥', '旬', '闰', '雨', '惊', '谷', '芒',
		'处', '白', '寒', '霜', '东', '香', '台', '日', '首', '韩', '印', '迪', '莫', '伦', '英', '巴', '柏', '德', '法', '欧', '纽', '美', '芝', '洛',
		'西', '太', '温', '多', '悉', '墨', '奥', '格', '世', '协', '北', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖', '拾', '丰', '光', '全',
		'南', '双', '受', '哥', '地', '复', '学', '宪', '总', '抗', '护', '棕', '消', '澳', '烈', '独', '科', '网', '老', '耶', '航', '节', '记', '跨',
		'退', '阵', '黑':
		return true
	}
	return false
}

// dateRange reads the end of a range of dates after its start: 到12月3日,
// 至3号, 到周三, - dec 26, to wednesday.
func dateRange(s *scanner, i int, e *expr) int {
	if e.freq != fNone && (e.freq != fDaily || e.interval > 1) || e.hasTime || e.hasEnd || e.hasEndDate || e.part != partNone || e.hasDur || e.hasShift ||
		e.nth != 0 || e.lunar || e.day <= 0 && e.weekday == 0 {
		return -1
	}
	j := -1
	if s.zh {
		j = s.lits1(i, "到", "至")
	}
	if j < 0 && (s.at(i) == '-' || s.at(i) == '~') {
		j = i + 1
	}
	if j < 0 && s.en {
		j = s.words1(i, "to", "through", "thru", "until", "till")
	}
	if j < 0 {
		return -1
	}
	j = s.sp(j)
	var t, best expr
	end := -1
	for _, m := range []matcher{zhWeek, zhDate, enWeekday, enDate, numericDate} {
		t = expr{comps: 1}
		if k := m(s, j, &t); k > end && valid(&t) && !t.hasTime && t.festival == 0 && !t.lastWeekday &&
			(t.weekday != 0) == (e.weekday != 0) && (t.weekday != 0 || t.day > 0) {
			end, best = k, t
		}
	}
	if end < 0 && e.day > 0 && e.month != 0 && e.weekday == 0 {
		// Aug 12-14, from dec 24 to 26: a bare day of the same month
		if d, k, _ := s.ordinalAt(j); k >= 0 && d >= 1 && d <= 31 && s.at(k) != ':' && s.at(k) != '.' && !s.ampmAfter(k) && !isLetter(s.at(k)) && !isDigit(s.at(k)) {
			end, best = k, expr{day: d}
		}
	}
	if end < 0 {
		return -1
	}
	e.hasEndDate = true
	e.endYear, e.endMonth, e.endDay = best.year, best.month, best.day
	e.endWeekday, e.endWeekOff, e.endHasWeekOff = best.weekday, best.weekOff, best.hasWeekOff
	if !best.hasWeekOff && e.hasWeekOff {
		e.endWeekOff, e.endHasWeekOff = e.weekOff, true // 下周一到周三: Wednesday of the same week
	}
	return end
}

// mergeAdj makes best, a bare clock (or a weekday or day said with a
// recurrence adjective), repeat as the recurrence that opens the text says:
// "Daily standup at 9:30", "Weekly review on Friday at 4pm", "Monthly
// report on the 1st at 9am", "每天 Daily standup 9:30".
func mergeAdj(best, adj *expr) bool {
	if best.freq != fNone || best.hasDur || best.hasDayOff || best.hasWeekOff || best.hasMonthOff || best.hasYearOff ||
		best.year != 0 || best.festival != 0 || best.hasEndDate || best.hasShift || best.lastWeekday || best.nextWorkday ||
		best.lunar || best.nth != 0 || best.zone.kind != 0 {
		return false
	}
	switch {
	case best.month != 0 || best.day != 0:
		monthly := adj.freq == fMonthly && best.month == 0 && best.day > 0
		yearly := adj.freq == fYearly && best.month != 0 && best.day > 0
		if !adj.adj || best.weekday != 0 || !monthly && !yearly {
			return false
		}
	case best.weekday != 0:
		if !adj.adj || adj.freq != fWeekly || adj.byday != 0 {
			return false
		}
	case !best.hasTime:
		return false
	}
	best.freq, best.interval, best.byday, best.workday, best.quarter = adj.freq, adj.interval, adj.byday, adj.workday, adj.quarter
	if !adj.adj {
		// 每周一 … 9:30: the days come from the recurrence
		best.weekday, best.day, best.month, best.moreDays, best.nth = adj.weekday, adj.day, adj.month, adj.moreDays, adj.nth
		best.lunar, best.festival = adj.lunar, adj.festival
	}
	if best.part == partNone {
		best.part = adj.part
	}
	return true
}

// bareRecurrence reports whether e repeats without saying when in the day
// (每天, 每周一, every monday): a clock said later in the text may complete it.
func bareRecurrence(e *expr) bool {
	return e.freq != fNone && e.freq != fHourly && e.freq != fMinutely && !e.hasTime && !e.hasDur && !e.hasEndDate && !e.sameTime && !e.hasShift
}

// dayRangeMonth reads days of one month said before the month: from 12 to
// 14 Aug, 12-14 August, 1st to 3rd of December (2027).
func dayRangeMonth(s *scanner, i int, e *expr) int {
	if !s.en || e.day != 0 || e.month != 0 || e.hasTime || e.hasEndDate || e.freq != fNone && e.freq != fDaily {
		return -1
	}
	j := s.sp(opt(i, s.words1(i, "from", "between")))
	j = s.sp(opt(j, s.word(j, "the")))
	d1, k, _ := s.ordinalAt(j)
	if k < 0 || d1 < 1 || d1 > 31 {
		return -1
	}
	k = s.sp(k)
	if s.at(k) == '-' || s.at(k) == '~' {
		k = s.sp(k + 1)
	} else if k2, _ := s.words(k, "to", "through", "thru", "until", "till", "and"); k2 >= 0 {
		k = s.sp(k2)
	} else {
		return -1
	}
	k = s.sp(opt(k, s.word(k, "the")))
	d2, k2, _ := s.ordinalAt(k)
	if k2 < 0 || d2 < 1 || d2 > 31 {
		return -1
	}
	k2 = s.sp(k2)
	k2 = s.sp(opt(k2, s.word(k2, "of")))
	m, k3 := s.monthAt(k2)
	if k3 < 0 {
		return -1
	}
	e.month, e.day = m, d1
	e.hasEndDate, e.endMonth, e.endDay = true, m, d2
	if y, k4 := s.enYear(k3); k4 >= 0 {
		e.year, e.endYear, k3 = y, y, k4
	}
	return k3
}

// weekdayConfirm reads a weekday said after a date to confirm it:
// 明天（周五）, 12月25日(星期五), 11/27(五), 11月27日周五, Dec 25 (Fri). The
// date is kept; the resolver warns when the weekday disagrees.
func weekdayConfirm(s *scanner, i int, e *expr) int {
	if e.checkWeekday != 0 || e.weekday != 0 || e.hasTime || e.part != partNone || e.freq != fNone || e.hasEndDate ||
		!(e.day > 0 || e.hasDayOff && !e.hasWeekOff || e.festival != 0) {
		return -1
	}
	j := i
	open := false
	switch s.at(j) {
	case '(', '（', '[', '【':
		j, open = s.sp(j+1), true
	}
	d, k := 0, -1
	if s.zh {
		j = opt(j, s.lits1(j, "下个", "这个", "本", "下", "这")) // 12月2日（下周三）: the weekday is what is checked
	}
	if w := s.zhWeekWord(j); w >= 0 {
		if d = zhWeekdayChar(s.at(w)); d != 0 {
			k = w + 1
		}
	} else if open && s.zh {
		if d = zhWeekdayChar(s.at(j)); d != 0 && !isDigit(s.at(j)) {
			k = j + 1 // 11/27(五)
		}
	}
	if k < 0 && s.en {
		d, k = s.weekdayAt(j, open)
	}
	if k < 0 || d == 0 {
		return -1
	}
	if open {
		k = s.sp(k)
		switch s.at(k) {
		case ')', '）', ']', '】':
			k++
		default:
			return -1
		}
	}
	e.checkWeekday = d
	return k
}

// bareClock reports whether e is a time of day and nothing else (at 10am,
// 9:30, 下午3点).
func bareClock(e *expr) bool {
	return e.hasTime && !e.hasDate() && e.freq == fNone && !e.hasDur && !e.hasEnd && !e.hasEndDate && e.zone.kind == 0 && !e.hasShift
}

// part2 is a time found in the text that may complete another: a date
// without a clock, or a clock without a date.
type part2 struct {
	start, end int
	clock      bool // a bare clock; else a bare date
}

// maxJoin is how far apart (in runes) a date and a clock may be said and
// still make one time: "tomorrow meeting with bob at 3pm".
const maxJoin = 40

// bareDate reports whether e is a date and nothing more (tomorrow, friday,
// dec 5, 感恩节), maybe with a part of day.
func bareDate(e *expr) bool {
	return e.hasDate() && !e.hasTime && !e.sameTime && !e.hasDur && e.freq == fNone && !e.hasEnd && !e.hasEndDate && !e.hasShift && e.zone.kind == 0
}

// joinParts completes best, a bare date or a bare clock, with the nearest
// complementary part said within maxJoin runes and no sentence break
// between (tomorrow meeting with bob at 3pm, dec 5 party at 8pm,
// 明天 Daily standup 9:30); the words between go to the title. It returns
// the span of the joined time.
func (s *scanner) joinParts(best *expr, start, end int) (int, int) {
	wantClock := bareDate(best)
	if !wantClock && !bareClock(best) {
		return start, end
	}
	pick, dist := -1, maxJoin+1
	for k := 0; k < s.nparts; k++ {
		p := &s.parts[k]
		if p.start == start || wantClock != p.clock {
			continue
		}
		a, b := end, p.start
		if p.end <= start {
			a, b = p.end, start
		}
		if b < a || b-a >= dist || s.sentenceBreak(a, b) {
			continue
		}
		pick, dist = k, b-a
	}
	if pick < 0 {
		return start, end
	}
	p := &s.parts[pick]
	var pe expr // read again: keeping every candidate's expr would cost each Parse
	s.chain(p.start, &pe)
	d, c := best, &pe
	if !wantClock {
		d, c = &pe, best
	}
	if c.part != partNone && d.part != partNone && c.part != d.part {
		return start, end
	}
	m := *d
	m.hasTime, m.hour, m.min, m.ampm, m.sec, m.hasSec, m.timeFromAt = true, c.hour, c.min, c.ampm, c.sec, c.hasSec, c.timeFromAt
	if m.part == partNone {
		m.part = c.part
	}
	m.comps = d.comps + c.comps
	if !valid(&m) {
		return start, end
	}
	*best = m
	if p.start > end {
		s.gap = [2]int{end, p.start}
		return start, p.end
	}
	s.gap = [2]int{p.end, start}
	return p.start, end
}

// sentenceBreak reports whether the text between a and b ends a sentence.
func (s *scanner) sentenceBreak(a, b int) bool {
	for k := a; k < b; k++ {
		switch s.r[k] {
		case '。', '！', '？', '；', ';', '!', '?', '\n':
			return true
		case '.':
			if k+1 >= len(s.r) || s.r[k+1] == ' ' {
				return true
			}
		}
	}
	return false
}

// bracketDate reads a date in brackets after a weekday: 周五（11月27日）,
// Friday (Nov 27). The date is kept and the weekday checked against it, as
// in 11月27日（周五）.
func bracketDate(s *scanner, i int, e *expr) int {
	if e.weekday == 0 || e.checkWeekday != 0 || e.day != 0 || e.month != 0 || e.hasTime || e.freq != fNone || e.nth != 0 || e.lastWeekday {
		return -1
	}
	switch s.at(i) {
	case '(', '（', '[', '【':
	default:
		return -1
	}
	j := s.sp(i + 1)
	var t expr
	t.comps = 1
	k := -1
	for _, m := range []matcher{zhDate, enDate, numericDate} {
		t = expr{comps: 1}
		if k = m(s, j, &t); k >= 0 && t.day > 0 {
			break
		}
		k = -1
	}
	if k < 0 {
		return -1
	}
	k = s.sp(k)
	switch s.at(k) {
	case ')', '）', ']', '】':
	default:
		return -1
	}
	e.checkWeekday, e.weekday, e.hasWeekOff, e.weekOff = e.weekday, 0, false, 0
	e.year, e.month, e.day = t.year, t.month, t.day
	return k + 1
}
