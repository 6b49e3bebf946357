// Package describe puts a reminder's schedule into words, in Chinese or
// English: "每周一、三、五 21:00" / "Every Mon, Wed and Fri at 21:00",
// "每月农历初一 09:00", "工作日 08:30（中国法定工作日）", and the sentence
// the CLI answers with ("I will remind alice on Friday 28 Nov at 15:00
// (Asia/Shanghai), then every Friday."). It reads the rule the way
// internal/recur evaluates it (RSCALE=CHINESE, X-WORKDAY, X-SOLARTERM
// included); a rule too unusual for a sentence is shown as itself, so the
// words never claim more than the rule says. Pure functions.
package describe

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/calendar"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/zone"
)

// Lang is the language of the words: EN or ZH.
type Lang string

// The languages.
const (
	EN Lang = "en"
	ZH Lang = "zh"
)

// Negotiate picks the language of an Accept-Language header: the
// best-weighted of Chinese and English, English when it names neither.
func Negotiate(acceptLanguage string) Lang {
	best, bestQ := EN, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		var l Lang
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			l = ZH
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = EN
		default:
			continue
		}
		if q > 0 && q > bestQ { // q=0 means "not this one"
			best, bestQ = l, q
		}
	}
	return best
}

// Schedule returns r's schedule in words: the moment of a one-off reminder
// or the recurrence of a repeating one, in the reminder's zone (the zone
// itself is left to the caller to show).
func Schedule(r remind.Reminder, lang Lang) string {
	loc := zone.OrUTC(r.TZ)
	if !r.Recurring() {
		at := r.Start
		if r.Time != nil {
			at = *r.Time
		}
		return Moment(at.In(loc), lang, true) + deferText(r.DeferMin, lang)
	}
	p, ok := parseRule(r.RRule, r.Start.In(loc))
	if !ok {
		return custom(r.RRule, lang)
	}
	s, ok := p.words(lang, true)
	if !ok {
		return custom(r.RRule, lang)
	}
	return s + deferText(r.DeferMin, lang)
}

// Sentence is the answer to creating r: when it first fires and how it
// goes on, naming whom it reminds ("I will remind alice on Friday 28 Nov
// at 15:00 (Asia/Shanghai), then every Friday."). now decides whether the
// year is worth saying.
func Sentence(r remind.Reminder, lang Lang, now time.Time) string {
	loc := zone.OrUTC(r.TZ)
	who := strings.Join(r.Recipients, join(lang))
	if r.NextFireAt == nil || r.Status != remind.StatusActive {
		if lang == ZH {
			return "这个提醒已没有要触发的时间。"
		}
		return "This reminder has nothing left to fire."
	}
	next := r.NextFireAt.In(loc)
	when := moment(next, lang, next.Year() != now.In(loc).Year(), true)
	var then string
	if r.Recurring() {
		if p, ok := parseRule(r.RRule, r.Start.In(loc)); ok {
			// The time is left out when every firing is at the first one's.
			clocks := p.clocks()
			omit := r.DeferMin == 0 && len(clocks) == 1 && clocks[0] == [2]int{next.Hour(), next.Minute()} && p.freq != "HOURLY" && p.freq != "MINUTELY"
			if s, ok := p.words(lang, !omit); ok {
				then = s
			}
		}
		if then == "" {
			then = custom(r.RRule, lang)
		}
	}
	if lang == ZH {
		s := "我会在 " + when + "（" + loc.String() + "）"
		if who != "" {
			s += "提醒 " + who
		} else {
			s += "触发这个提醒"
		}
		if then != "" {
			s += "，之后" + then
		}
		return s + "。"
	}
	s := "I will "
	if who != "" {
		s += "remind " + who
	} else {
		s += "fire this reminder"
	}
	s += " on " + when + " (" + loc.String() + ")"
	if then != "" {
		s += ", then " + strings.ToLower(then[:1]) + then[1:]
	}
	return s + "."
}

// Moment formats an instant in its own location: "Fri 28 Nov 2026 at
// 15:00" / "2026年11月28日（周五）15:00"; withYear false leaves the year out.
func Moment(t time.Time, lang Lang, withYear bool) string { return moment(t, lang, withYear, false) }

func moment(t time.Time, lang Lang, withYear, longDay bool) string {
	if lang == ZH {
		s := fmt.Sprintf("%d月%d日（周%s）%s", int(t.Month()), t.Day(), zhWeekday[t.Weekday()], clock(t.Hour(), t.Minute()))
		if withYear {
			s = strconv.Itoa(t.Year()) + "年" + s
		}
		return s
	}
	layout := "Mon 2 Jan"
	if longDay {
		layout = "Monday 2 Jan"
	}
	s := t.Format(layout)
	if withYear {
		s += " " + strconv.Itoa(t.Year())
	}
	return s + " at " + clock(t.Hour(), t.Minute())
}

func join(lang Lang) string {
	if lang == ZH {
		return "、"
	}
	return ", "
}

func custom(rule string, lang Lang) string {
	if lang == ZH {
		return "自定义重复（" + rule + "）"
	}
	return "Custom repetition (" + rule + ")"
}

func clock(h, m int) string { return fmt.Sprintf("%02d:%02d", h, m) }

// deferText is the note for a reminder that fires before or after its
// occurrences.
func deferText(min int, lang Lang) string {
	if min == 0 {
		return ""
	}
	n := min
	if n < 0 {
		n = -n
	}
	var amount string
	switch {
	case n%(24*60) == 0:
		amount = plural(n/(24*60), "day", "天", lang)
	case n%60 == 0:
		amount = plural(n/60, "hour", "小时", lang)
	default:
		amount = plural(n, "minute", "分钟", lang)
	}
	switch {
	case lang == ZH && min < 0:
		return "（提前" + amount + "提醒）"
	case lang == ZH:
		return "（推迟" + amount + "提醒）"
	case min < 0:
		return " (reminded " + amount + " early)"
	}
	return " (reminded " + amount + " late)"
}

func plural(n int, en, zh string, lang Lang) string {
	if lang == ZH {
		return strconv.Itoa(n) + zh
	}
	if n == 1 {
		return "1 " + en
	}
	return strconv.Itoa(n) + " " + en + "s"
}

// listEN joins "a, b and c".
func listEN(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

var (
	enWeekdayShort = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	enWeekdayLong  = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	zhWeekday      = [7]string{"日", "一", "二", "三", "四", "五", "六"}
	rruleWeekday   = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
		"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}
	enMonth       = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	zhLunarMonth  = [13]string{"", "正月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "冬月", "腊月"}
	zhDigits      = [11]string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	enSolarTerms  = [24]string{"Dongzhi", "Xiaohan", "Dahan", "Lichun", "Yushui", "Jingzhe", "Chunfen", "Qingming", "Guyu", "Lixia", "Xiaoman", "Mangzhong", "Xiazhi", "Xiaoshu", "Dashu", "Liqiu", "Chushu", "Bailu", "Qiufen", "Hanlu", "Shuangjiang", "Lidong", "Xiaoxue", "Daxue"}
	weekdaysOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
)

// ordinal is "1st", "22nd", "13th".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// lunarDay is 初一 … 初十, 十一 … 二十, 廿一 … 三十.
func lunarDay(d int) string {
	switch {
	case d <= 10:
		return "初" + zhDigits[d]
	case d < 20:
		return "十" + zhDigits[d-10]
	case d == 20:
		return "二十"
	case d < 30:
		return "廿" + zhDigits[d-20]
	}
	return "三十"
}

// rule is the parts of an RRULE the words are made from.
type rule struct {
	freq       string
	interval   int
	count      int
	until      string
	byhour     []int
	byminute   []int
	bymonthday []int
	bymonth    []string // may carry "L" (leap lunar months)
	byday      []string // "MO", "2TU", "-1FR"
	chinese    bool
	workday    string
	solarTerm  int // index+1; 0 none
	start      time.Time
	other      bool // a part the words cannot say (BYSETPOS, BYWEEKNO, BYYEARDAY, BYSECOND…)
}

func parseRule(s string, start time.Time) (*rule, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 6 && strings.EqualFold(s[:6], "RRULE:") {
		s = s[6:]
	}
	p := &rule{interval: 1, start: start}
	for _, part := range strings.Split(s, ";") {
		name, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, false
		}
		name, v = strings.ToUpper(strings.TrimSpace(name)), strings.ToUpper(strings.TrimSpace(v))
		var err error
		switch name {
		case "FREQ":
			p.freq = v
		case "INTERVAL":
			p.interval, err = strconv.Atoi(v)
		case "COUNT":
			p.count, err = strconv.Atoi(v)
		case "UNTIL":
			p.until = v
		case "BYHOUR":
			p.byhour, err = ints(v)
		case "BYMINUTE":
			p.byminute, err = ints(v)
		case "BYMONTHDAY":
			p.bymonthday, err = ints(v)
		case "BYMONTH":
			p.bymonth = strings.Split(v, ",")
		case "BYDAY":
			p.byday = strings.Split(v, ",")
		case "RSCALE":
			p.chinese = v == "CHINESE"
		case "X-WORKDAY":
			p.workday = v
		case "X-SOLARTERM":
			i, found := calendar.SolarTermIndex(v)
			if !found {
				return nil, false
			}
			p.solarTerm = i + 1
		case "WKST", "SKIP":
		case "BYSECOND":
			if v != "0" {
				p.other = true
			}
		default:
			p.other = true
		}
		if err != nil {
			return nil, false
		}
	}
	if p.freq == "" || p.interval < 1 {
		return nil, false
	}
	return p, true
}

func ints(v string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimPrefix(f, "+"))
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// clocks returns the times of day ([hour, minute]) the rule fires at,
// ascending, for daily and longer frequencies.
func (p *rule) clocks() [][2]int {
	hours, mins := p.byhour, p.byminute
	if len(hours) == 0 {
		hours = []int{p.start.Hour()}
	}
	if len(mins) == 0 {
		mins = []int{p.start.Minute()}
	}
	var out [][2]int
	for _, h := range hours {
		for _, m := range mins {
			out = append(out, [2]int{h, m})
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int { return (a[0]*60 + a[1]) - (b[0]*60 + b[1]) })
	return out
}

// timeText is " at 09:00 and 18:00" / " 09:00、18:00".
func (p *rule) timeText(lang Lang) string {
	cs := p.clocks()
	if len(cs) > 8 {
		if lang == ZH {
			return fmt.Sprintf("，每天%d次", len(cs))
		}
		return fmt.Sprintf(", %d times a day", len(cs))
	}
	var xs []string
	for _, c := range cs {
		xs = append(xs, clock(c[0], c[1]))
	}
	if lang == ZH {
		return " " + strings.Join(xs, "、")
	}
	return " at " + listEN(xs)
}

// words says the rule; withTime false leaves out the time of day (the
// sentence has said it already). ok is false for a rule the words cannot
// say faithfully.
func (p *rule) words(lang Lang, withTime bool) (string, bool) {
	if p.other {
		return "", false
	}
	var s string
	var ok bool
	tm := ""
	if withTime {
		tm = p.timeText(lang)
	}
	switch {
	case p.chinese:
		s, ok = p.lunar(lang)
	case p.freq == "MINUTELY" || p.freq == "HOURLY":
		s, ok = p.subDaily(lang)
		tm = ""
	case p.freq == "DAILY" && len(p.byday) == 0 && p.workday != "" && p.interval == 1 && len(p.bymonth) == 0 && len(p.bymonthday) == 0:
		return p.workdays(lang, tm) + p.ends(lang), true
	case p.freq == "DAILY" && len(p.bymonth) == 0 && len(p.bymonthday) == 0:
		s, ok = p.daily(lang)
	case p.freq == "WEEKLY" && len(p.bymonth) == 0:
		s, ok = p.weekly(lang)
	case p.freq == "MONTHLY" && len(p.bymonth) == 0:
		s, ok = p.monthly(lang)
	case p.freq == "YEARLY":
		s, ok = p.yearly(lang)
	}
	if !ok {
		return "", false
	}
	s += tm
	if p.workday != "" {
		switch {
		case lang == ZH && p.workday == "CN":
			s += "（仅中国法定工作日）"
		case lang == ZH:
			s += "（仅中国法定休息日）"
		case p.workday == "CN":
			s += ", on China's working days only"
		default:
			s += ", on China's days off only"
		}
	}
	return s + p.ends(lang), true
}

// workdays says FREQ=DAILY;X-WORKDAY=CN (or CN-OFF).
func (p *rule) workdays(lang Lang, tm string) string {
	switch {
	case lang == ZH && p.workday == "CN":
		return "工作日" + tm + "（中国法定工作日）"
	case lang == ZH:
		return "休息日" + tm + "（中国法定节假日及周末）"
	case p.workday == "CN":
		return "Every working day" + tm + " (China's official calendar)"
	}
	return "Every day off" + tm + " (weekends and holidays in China)"
}

// ends says COUNT or UNTIL.
func (p *rule) ends(lang Lang) string {
	if p.count > 0 {
		if lang == ZH {
			return fmt.Sprintf("，共%d次", p.count)
		}
		if p.count == 1 {
			return ", once"
		}
		return fmt.Sprintf(", %d times", p.count)
	}
	if p.until == "" {
		return ""
	}
	var d time.Time
	var err error
	switch {
	case strings.HasSuffix(p.until, "Z"):
		d, err = time.Parse("20060102T150405Z", p.until)
		d = d.In(p.start.Location())
	case len(p.until) == 8:
		d, err = time.Parse("20060102", p.until)
	default:
		d, err = time.Parse("20060102T150405", p.until)
	}
	if err != nil {
		return ""
	}
	if lang == ZH {
		return fmt.Sprintf("，至%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
	}
	return fmt.Sprintf(", until %d %s %d", d.Day(), enMonth[d.Month()], d.Year())
}

// every is "Every" / "Every 3 weeks" and "每" / "每3周"; unitZH is 天, 周, 个月, 年.
func (p *rule) every(lang Lang, unitEN, unitZH string) string {
	if lang == ZH {
		if p.interval == 1 {
			if unitZH == "个月" {
				unitZH = "月"
			}
			return "每" + unitZH
		}
		return "每" + strconv.Itoa(p.interval) + unitZH
	}
	if p.interval == 1 {
		return "Every " + unitEN
	}
	return "Every " + strconv.Itoa(p.interval) + " " + unitEN + "s"
}

// days parses BYDAY; ordinal says whether any has a number (2TU, -1FR).
func (p *rule) days() (plain []time.Weekday, nth []string, ok bool) {
	for _, d := range p.byday {
		if len(d) < 2 {
			return nil, nil, false
		}
		wd, found := rruleWeekday[d[len(d)-2:]]
		if !found {
			return nil, nil, false
		}
		if len(d) > 2 {
			nth = append(nth, d)
			continue
		}
		if !slices.Contains(plain, wd) {
			plain = append(plain, wd)
		}
	}
	slices.SortFunc(plain, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
	return plain, nth, true
}

// weekdayList is "Mon, Wed and Fri" / "一、三、五" (with 周 prefixed by the
// caller), "weekday (Mon–Fri)" / "一至周五" for the working week.
func weekdayList(wds []time.Weekday, lang Lang) string {
	if slices.Equal(wds, weekdaysOrder[:5]) {
		if lang == ZH {
			return "一至周五"
		}
		return "weekday (Mon–Fri)"
	}
	var xs []string
	for _, wd := range wds {
		if lang == ZH {
			xs = append(xs, zhWeekday[wd])
		} else if len(wds) == 1 {
			xs = append(xs, enWeekdayLong[wd])
		} else {
			xs = append(xs, enWeekdayShort[wd])
		}
	}
	if lang == ZH {
		return strings.Join(xs, "、")
	}
	return listEN(xs)
}

// nthWeekday says "2TU" as "2nd Tue" / "第2个周二", "-1FR" as "last Fri" / "最后一个周五".
func nthWeekday(d string, lang Lang) (string, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(d[:len(d)-2], "+"))
	wd, found := rruleWeekday[d[len(d)-2:]]
	if err != nil || !found || n == 0 {
		return "", false
	}
	if lang == ZH {
		switch {
		case n == -1:
			return "最后一个周" + zhWeekday[wd], true
		case n < 0:
			return fmt.Sprintf("倒数第%d个周%s", -n, zhWeekday[wd]), true
		}
		return fmt.Sprintf("第%d个周%s", n, zhWeekday[wd]), true
	}
	switch {
	case n == -1:
		return "last " + enWeekdayShort[wd], true
	case n < 0:
		return ordinal(-n) + "-to-last " + enWeekdayShort[wd], true
	}
	return ordinal(n) + " " + enWeekdayShort[wd], true
}

func (p *rule) daily(lang Lang) (string, bool) {
	if len(p.byday) == 0 {
		return p.every(lang, "day", "天"), true
	}
	if p.interval != 1 {
		return "", false
	}
	wds, nth, ok := p.days()
	if !ok || len(nth) > 0 {
		return "", false
	}
	return p.weekdays(wds, lang), true
}

// weekdays is "Every Mon, Wed and Fri" / "每周一、三、五" for a weekly set.
func (p *rule) weekdays(wds []time.Weekday, lang Lang) string {
	if len(wds) == 7 && p.interval == 1 {
		if lang == ZH {
			return "每天"
		}
		return "Every day"
	}
	if lang == ZH {
		if p.interval == 1 {
			return "每周" + weekdayList(wds, lang)
		}
		return p.every(lang, "week", "周") + "的周" + weekdayList(wds, lang)
	}
	if p.interval == 1 {
		return "Every " + weekdayList(wds, lang)
	}
	return p.every(lang, "week", "周") + " on " + weekdayList(wds, lang)
}

func (p *rule) weekly(lang Lang) (string, bool) {
	if len(p.bymonthday) > 0 {
		return "", false
	}
	wds, nth, ok := p.days()
	if !ok || len(nth) > 0 {
		return "", false
	}
	if len(wds) == 0 {
		wds = []time.Weekday{p.start.Weekday()}
	}
	return p.weekdays(wds, lang), true
}

// monthDays is "1st and 15th" / "1日、15日", "last day" / "最后一天".
func monthDays(days []int, lang Lang) string {
	var xs []string
	for _, d := range days {
		switch {
		case lang == ZH && d == -1:
			xs = append(xs, "最后一天")
		case lang == ZH && d < 0:
			xs = append(xs, fmt.Sprintf("倒数第%d天", -d))
		case lang == ZH:
			xs = append(xs, strconv.Itoa(d)+"日")
		case d == -1:
			xs = append(xs, "last day")
		case d < 0:
			xs = append(xs, ordinal(-d)+"-to-last day")
		default:
			xs = append(xs, ordinal(d))
		}
	}
	if lang == ZH {
		return strings.Join(xs, "、")
	}
	return listEN(xs)
}

func (p *rule) monthly(lang Lang) (string, bool) {
	wds, nth, ok := p.days()
	if !ok || len(wds) > 0 && (len(nth) > 0 || len(p.bymonthday) > 0) || len(nth) > 0 && len(p.bymonthday) > 0 {
		return "", false
	}
	var what string
	switch {
	case len(nth) > 0:
		var xs []string
		for _, d := range nth {
			s, ok := nthWeekday(d, lang)
			if !ok {
				return "", false
			}
			xs = append(xs, s)
		}
		if lang == ZH {
			what = strings.Join(xs, "、")
		} else {
			what = "the " + listEN(xs)
		}
	case len(wds) > 0:
		if lang == ZH {
			what = "每周" + weekdayList(wds, lang)
		} else {
			what = "every " + weekdayList(wds, lang)
		}
	default:
		days := p.bymonthday
		if len(days) == 0 {
			days = []int{p.start.Day()}
		}
		what = monthDays(days, lang)
		if lang == EN {
			what = "the " + what
		}
	}
	if lang == ZH {
		if p.interval == 1 {
			return "每月" + what, true
		}
		return p.every(lang, "month", "个月") + "的" + what, true
	}
	return p.every(lang, "month", "个月") + " on " + what, true
}

func (p *rule) yearly(lang Lang) (string, bool) {
	if p.solarTerm != 0 {
		i := p.solarTerm - 1
		if lang == ZH {
			return p.every(lang, "year", "年") + calendar.SolarTermName(i), true
		}
		return p.every(lang, "year", "年") + " on the solar term " + enSolarTerms[i] + " (" + calendar.SolarTermName(i) + ")", true
	}
	var months []int
	for _, m := range p.bymonth {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 12 {
			return "", false
		}
		months = append(months, n)
	}
	slices.Sort(months)
	if len(months) == 0 {
		months = []int{int(p.start.Month())}
	}
	wds, nth, ok := p.days()
	if !ok || len(wds) > 0 || len(nth) > 0 && len(p.bymonthday) > 0 || len(nth) > 0 && len(p.bymonth) == 0 {
		return "", false
	}
	var xs []string
	for _, m := range months {
		switch {
		case len(nth) > 0:
			var ds []string
			for _, d := range nth {
				s, ok := nthWeekday(d, lang)
				if !ok {
					return "", false
				}
				ds = append(ds, s)
			}
			if lang == ZH {
				xs = append(xs, strconv.Itoa(m)+"月"+strings.Join(ds, "、"))
			} else {
				xs = append(xs, "the "+listEN(ds)+" of "+enMonth[m])
			}
		default:
			days := p.bymonthday
			if len(days) == 0 {
				days = []int{p.start.Day()}
			}
			for _, d := range days {
				switch {
				case lang == ZH && d < 0:
					xs = append(xs, strconv.Itoa(m)+"月"+monthDays([]int{d}, lang))
				case lang == ZH:
					xs = append(xs, fmt.Sprintf("%d月%d日", m, d))
				case d < 0:
					xs = append(xs, "the "+monthDays([]int{d}, lang)+" of "+enMonth[m])
				default:
					xs = append(xs, fmt.Sprintf("%d %s", d, enMonth[m]))
				}
			}
		}
	}
	if lang == ZH {
		sep := ""
		if p.interval > 1 {
			sep = "的"
		}
		return p.every(lang, "year", "年") + sep + strings.Join(xs, "、"), true
	}
	return p.every(lang, "year", "年") + " on " + listEN(xs), true
}

func (p *rule) subDaily(lang Lang) (string, bool) {
	if len(p.bymonthday) > 0 || len(p.bymonth) > 0 || len(p.byday) > 0 {
		return "", false
	}
	var s string
	if p.freq == "MINUTELY" {
		if len(p.byminute) > 0 {
			return "", false
		}
		if lang == ZH {
			s = "每" + strconv.Itoa(p.interval) + "分钟"
			if p.interval == 1 {
				s = "每分钟"
			}
		} else {
			s = "Every minute"
			if p.interval > 1 {
				s = "Every " + strconv.Itoa(p.interval) + " minutes"
			}
		}
	} else {
		mins := p.byminute
		if len(mins) == 0 {
			mins = []int{p.start.Minute()}
		}
		var ms []string
		for _, m := range mins {
			ms = append(ms, fmt.Sprintf(":%02d", m))
		}
		if lang == ZH {
			var zs []string
			for _, m := range mins {
				zs = append(zs, strconv.Itoa(m))
			}
			s = p.every(lang, "hour", "小时") + "的第" + strings.Join(zs, "、") + "分钟"
		} else {
			s = p.every(lang, "hour", "小时") + " at " + listEN(ms)
		}
	}
	if len(p.byhour) > 0 {
		hs := slices.Clone(p.byhour)
		slices.Sort(hs)
		var xs []string
		for _, h := range hs {
			xs = append(xs, strconv.Itoa(h))
		}
		if lang == ZH {
			s += "（" + strings.Join(xs, "、") + "点）"
		} else {
			s += " (in hours " + listEN(xs) + ")"
		}
	}
	return s, true
}

// lunar says an RSCALE=CHINESE rule: "每月农历初一" / "Every lunar month on
// day 1"; "每年农历八月十五" / "Every year on the 15th of the 8th lunar month".
func (p *rule) lunar(lang Lang) (string, bool) {
	start, err := calendar.ToLunar(calendar.DateOf(p.start))
	if err != nil {
		return "", false
	}
	days := p.bymonthday
	if len(days) == 0 {
		days = []int{start.Day}
	}
	dayText := func(d int) string {
		switch {
		case lang == ZH && d == -1:
			return "最后一天"
		case lang == ZH && d < 0:
			return fmt.Sprintf("倒数第%d天", -d)
		case lang == ZH:
			return lunarDay(d)
		case d == -1:
			return "the last day"
		case d < 0:
			return "the " + ordinal(-d) + "-to-last day"
		}
		return "day " + strconv.Itoa(d)
	}
	if p.freq == "MONTHLY" {
		var xs []string
		for _, d := range days {
			xs = append(xs, dayText(d))
		}
		if lang == ZH {
			if p.interval == 1 {
				return "每月农历" + strings.Join(xs, "、"), true
			}
			return fmt.Sprintf("每%d个农历月的", p.interval) + strings.Join(xs, "、"), true
		}
		if p.interval == 1 {
			return "Every lunar month on " + listEN(xs), true
		}
		return fmt.Sprintf("Every %d lunar months on ", p.interval) + listEN(xs), true
	}
	if p.freq != "YEARLY" {
		return "", false
	}
	months := p.bymonth
	if len(months) == 0 {
		m := strconv.Itoa(start.Month)
		if start.Leap {
			m += "L"
		}
		months = []string{m}
	}
	var xs []string
	for _, ms := range months {
		leap := strings.HasSuffix(ms, "L")
		m, err := strconv.Atoi(strings.TrimSuffix(ms, "L"))
		if err != nil || m < 1 || m > 12 {
			return "", false
		}
		for _, d := range days {
			switch {
			case m == 12 && d == -1 && !leap && lang == ZH:
				xs = append(xs, "除夕")
			case m == 12 && d == -1 && !leap:
				xs = append(xs, "Chinese New Year's Eve (除夕)")
			case lang == ZH:
				name := zhLunarMonth[m]
				if leap {
					name = "闰" + name
				}
				xs = append(xs, "农历"+name+dayText(d))
			default:
				month := "the " + ordinal(m) + " lunar month"
				if leap {
					month = "the leap " + ordinal(m) + " lunar month"
				}
				xs = append(xs, dayText(d)+" of "+month)
			}
		}
	}
	if lang == ZH {
		return p.every(lang, "year", "年") + strings.Join(xs, "、"), true
	}
	return p.every(lang, "year", "年") + " on " + listEN(xs), true
}
