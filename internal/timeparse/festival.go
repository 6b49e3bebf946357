package timeparse

// festivalName is a surface form and the festival it names: a name package
// calendar knows, or a Western nth-weekday holiday (month, weekday, n; n<0
// counts from the end) that it does not.
type festivalName struct {
	surface  string
	calendar string
	month    int
	weekday  int // 1 Monday … 7 Sunday
	n        int
	lunarM   int // for 每年X: the lunar month/day of an RSCALE rule (day -1: last)
	lunarD   int
	solarM   int
	solarD   int
	term     int  // a solar term: its index in package calendar + 1
	easter   bool // computed from Easter Sunday (the Gregorian computus)
	shift    int  // days after the date computed: Good Friday is Easter-2, Black Friday Thanksgiving+1
}

// computed reports whether f is found by festivalIn (Easter, nth weekdays,
// shifted days) rather than package calendar or a fixed lunar date.
func (f *festivalName) computed() bool {
	return f.easter || f.month != 0 || f.shift != 0
}

// festivalIn returns the date of a computed festival in Gregorian year y.
func festivalIn(f *festivalName, y int) civil {
	var c civil
	switch {
	case f.easter:
		c = easter(y)
	case f.month != 0:
		c = nthWeekday(y, f.month, f.weekday, f.n)
	default:
		c = civil{y, f.solarM, f.solarD}
	}
	return c.addDays(f.shift)
}

// easter returns Easter Sunday of Gregorian year y (the anonymous
// Gregorian computus, Meeus/Jones/Butcher).
func easter(y int) civil {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return civil{y, month, day}
}

var zhFestivals = []festivalName{
	{surface: "元旦节", calendar: "元旦", solarM: 1, solarD: 1}, {surface: "元旦", calendar: "元旦", solarM: 1, solarD: 1},
	{surface: "春节", calendar: "春节", lunarM: 1, lunarD: 1}, {surface: "大年初一", calendar: "春节", lunarM: 1, lunarD: 1},
	{surface: "过年", calendar: "春节", lunarM: 1, lunarD: 1}, {surface: "新年", calendar: "春节", lunarM: 1, lunarD: 1},
	{surface: "除夕", calendar: "除夕", lunarM: 12, lunarD: -1}, {surface: "大年三十", calendar: "除夕", lunarM: 12, lunarD: -1},
	{surface: "大年夜", calendar: "除夕", lunarM: 12, lunarD: -1}, {surface: "除夕夜", calendar: "除夕", lunarM: 12, lunarD: -1},
	{surface: "农历新年", calendar: "春节", lunarM: 1, lunarD: 1}, {surface: "农历年", calendar: "春节", lunarM: 1, lunarD: 1},
	{surface: "元宵节", calendar: "元宵", lunarM: 1, lunarD: 15}, {surface: "元宵", calendar: "元宵", lunarM: 1, lunarD: 15},
	{surface: "龙抬头", calendar: "龙抬头", lunarM: 2, lunarD: 2},
	{surface: "清明节", calendar: "清明", term: 8}, {surface: "清明", calendar: "清明", term: 8},
	{surface: "冬至", calendar: "冬至", term: 1}, {surface: "立春", calendar: "立春", term: 4}, {surface: "春分", calendar: "春分", term: 7},
	{surface: "立夏", calendar: "立夏", term: 10}, {surface: "夏至", calendar: "夏至", term: 13}, {surface: "立秋", calendar: "立秋", term: 16},
	{surface: "秋分", calendar: "秋分", term: 19}, {surface: "立冬", calendar: "立冬", term: 22},
	{surface: "端午节", calendar: "端午", lunarM: 5, lunarD: 5}, {surface: "端午", calendar: "端午", lunarM: 5, lunarD: 5},
	{surface: "七夕节", calendar: "七夕", lunarM: 7, lunarD: 7}, {surface: "七夕", calendar: "七夕", lunarM: 7, lunarD: 7},
	{surface: "中元节", calendar: "中元", lunarM: 7, lunarD: 15},
	{surface: "中秋节", calendar: "中秋", lunarM: 8, lunarD: 15}, {surface: "中秋", calendar: "中秋", lunarM: 8, lunarD: 15},
	{surface: "重阳节", calendar: "重阳", lunarM: 9, lunarD: 9}, {surface: "重阳", calendar: "重阳", lunarM: 9, lunarD: 9},
	{surface: "腊八节", calendar: "腊八", lunarM: 12, lunarD: 8}, {surface: "腊八", calendar: "腊八", lunarM: 12, lunarD: 8},
	{surface: "小年", calendar: "小年", lunarM: 12, lunarD: 23},
	{surface: "国庆节", calendar: "国庆", solarM: 10, solarD: 1}, {surface: "国庆", calendar: "国庆", solarM: 10, solarD: 1},
	{surface: "圣诞节", calendar: "圣诞", solarM: 12, solarD: 25}, {surface: "圣诞", calendar: "圣诞", solarM: 12, solarD: 25},
	{surface: "平安夜", calendar: "平安夜", solarM: 12, solarD: 24},
	{surface: "情人节", calendar: "情人节", solarM: 2, solarD: 14},
	{surface: "妇女节", calendar: "妇女节", solarM: 3, solarD: 8}, {surface: "三八妇女节", calendar: "妇女节", solarM: 3, solarD: 8},
	{surface: "植树节", calendar: "植树节", solarM: 3, solarD: 12},
	{surface: "愚人节", calendar: "愚人节", solarM: 4, solarD: 1},
	{surface: "劳动节", calendar: "劳动节", solarM: 5, solarD: 1}, {surface: "五一劳动节", calendar: "劳动节", solarM: 5, solarD: 1},
	{surface: "五一", calendar: "劳动节", solarM: 5, solarD: 1},
	{surface: "青年节", calendar: "青年节", solarM: 5, solarD: 4},
	{surface: "儿童节", calendar: "儿童节", solarM: 6, solarD: 1}, {surface: "六一儿童节", calendar: "儿童节", solarM: 6, solarD: 1},
	{surface: "六一", calendar: "儿童节", solarM: 6, solarD: 1},
	{surface: "建党节", calendar: "建党节", solarM: 7, solarD: 1},
	{surface: "建军节", calendar: "建军节", solarM: 8, solarD: 1},
	{surface: "教师节", calendar: "教师节", solarM: 9, solarD: 10},
	{surface: "万圣节", calendar: "万圣节", solarM: 10, solarD: 31},
	{surface: "小寒", term: 2}, {surface: "大寒", term: 3}, {surface: "雨水", term: 5}, {surface: "惊蛰", term: 6},
	{surface: "谷雨", term: 9}, {surface: "小满", term: 11}, {surface: "芒种", term: 12}, {surface: "小暑", term: 14},
	{surface: "大暑", term: 15}, {surface: "处暑", term: 17}, {surface: "白露", term: 18}, {surface: "寒露", term: 20},
	{surface: "霜降", term: 21}, {surface: "小雪", term: 23}, {surface: "大雪", term: 24},
	{surface: "复活节", easter: true}, {surface: "耶稣受难日", easter: true, shift: -2}, {surface: "受难节", easter: true, shift: -2},
	{surface: "棕枝主日", easter: true, shift: -7}, {surface: "圣灰星期三", easter: true, shift: -46}, {surface: "圣诞夜", solarM: 12, solarD: 24},
	{surface: "黑色星期五", month: 11, weekday: 4, n: 4, shift: 1}, {surface: "黑五", month: 11, weekday: 4, n: 4, shift: 1},
	{surface: "网络星期一", month: 11, weekday: 4, n: 4, shift: 4},
	{surface: "美国独立日", solarM: 7, solarD: 4}, {surface: "独立日", solarM: 7, solarD: 4},
	{surface: "阵亡将士纪念日", month: 5, weekday: 1, n: -1}, {surface: "美国劳工节", month: 9, weekday: 1, n: 1}, {surface: "劳工节", month: 9, weekday: 1, n: 1},
	{surface: "马丁路德金纪念日", month: 1, weekday: 1, n: 3}, {surface: "马丁·路德·金纪念日", month: 1, weekday: 1, n: 3}, {surface: "马丁路德金日", month: 1, weekday: 1, n: 3},
	{surface: "总统日", month: 2, weekday: 1, n: 3}, {surface: "退伍军人节", solarM: 11, solarD: 11}, {surface: "哥伦布日", month: 10, weekday: 1, n: 2},
	{surface: "节礼日", solarM: 12, solarD: 26}, {surface: "圣帕特里克节", solarM: 3, solarD: 17}, {surface: "白色情人节", solarM: 3, solarD: 14},
	{surface: "光棍节", solarM: 11, solarD: 11}, {surface: "双十一", solarM: 11, solarD: 11}, {surface: "双十二", solarM: 12, solarD: 12},
	{surface: "世界地球日", solarM: 4, solarD: 22}, {surface: "地球日", solarM: 4, solarD: 22}, {surface: "世界读书日", solarM: 4, solarD: 23},
	{surface: "世界环境日", solarM: 6, solarD: 5}, {surface: "国际护士节", solarM: 5, solarD: 12}, {surface: "护士节", solarM: 5, solarD: 12},
	{surface: "记者节", solarM: 11, solarD: 8}, {surface: "中国人民抗日战争胜利纪念日", solarM: 9, solarD: 3}, {surface: "抗战胜利纪念日", solarM: 9, solarD: 3},
	{surface: "烈士纪念日", solarM: 9, solarD: 30}, {surface: "南京大屠杀死难者国家公祭日", solarM: 12, solarD: 13}, {surface: "国家公祭日", solarM: 12, solarD: 13},
	{surface: "国家宪法日", solarM: 12, solarD: 4}, {surface: "宪法日", solarM: 12, solarD: 4},
	{surface: "全民国家安全教育日", solarM: 4, solarD: 15}, {surface: "国家安全教育日", solarM: 4, solarD: 15},
	{surface: "中国航天日", solarM: 4, solarD: 24}, {surface: "航天日", solarM: 4, solarD: 24},
	{surface: "全国科技工作者日", solarM: 5, solarD: 30}, {surface: "科技工作者日", solarM: 5, solarD: 30},
	{surface: "中国农民丰收节", term: 19}, {surface: "农民丰收节", term: 19}, {surface: "丰收节", term: 19},
	{surface: "消费者权益日", solarM: 3, solarD: 15}, {surface: "国际消费者权益日", solarM: 3, solarD: 15}, {surface: "三一五", solarM: 3, solarD: 15},
	{surface: "学雷锋纪念日", solarM: 3, solarD: 5}, {surface: "学雷锋日", solarM: 3, solarD: 5}, {surface: "全国助残日", month: 5, weekday: 7, n: 3},
	{surface: "全国爱耳日", solarM: 3, solarD: 3}, {surface: "国际劳动妇女节", calendar: "妇女节", solarM: 3, solarD: 8}, {surface: "国际妇女节", calendar: "妇女节", solarM: 3, solarD: 8},
	{surface: "国际儿童节", calendar: "儿童节", solarM: 6, solarD: 1}, {surface: "国际劳动节", calendar: "劳动节", solarM: 5, solarD: 1},
	{surface: "香港回归纪念日", solarM: 7, solarD: 1}, {surface: "澳门回归纪念日", solarM: 12, solarD: 20},
	{surface: "寒食节", term: 8, shift: -1}, {surface: "上巳节", lunarM: 3, lunarD: 3}, {surface: "下元节", lunarM: 10, lunarD: 15},
	{surface: "老人节", lunarM: 9, lunarD: 9}, {surface: "春龙节", lunarM: 2, lunarD: 2}, {surface: "跨年夜", solarM: 12, solarD: 31},
	{surface: "万圣夜", solarM: 10, solarD: 31}, {surface: "万圣节前夜", solarM: 10, solarD: 31}, {surface: "母亲节", month: 5, weekday: 7, n: 2},
	{surface: "父亲节", month: 6, weekday: 7, n: 3},
	{surface: "感恩节", month: 11, weekday: 4, n: 4},
}

var enFestivals = []festivalName{
	{surface: "new year's day", calendar: "元旦", solarM: 1, solarD: 1}, {surface: "new years day", calendar: "元旦", solarM: 1, solarD: 1},
	{surface: "new year's", calendar: "元旦", solarM: 1, solarD: 1},
	{surface: "new year's eve", solarM: 12, solarD: 31}, {surface: "new years eve", solarM: 12, solarD: 31}, {surface: "new year eve", solarM: 12, solarD: 31},
	{surface: "new year", calendar: "元旦", solarM: 1, solarD: 1}, {surface: "new years", calendar: "元旦", solarM: 1, solarD: 1},
	{surface: "valentines", calendar: "情人节", solarM: 2, solarD: 14}, {surface: "valentine's", calendar: "情人节", solarM: 2, solarD: 14},
	{surface: "valentine's day", calendar: "情人节", solarM: 2, solarD: 14}, {surface: "valentines day", calendar: "情人节", solarM: 2, solarD: 14},
	{surface: "halloween", calendar: "万圣节", solarM: 10, solarD: 31},
	{surface: "christmas eve", calendar: "平安夜", solarM: 12, solarD: 24}, {surface: "xmas eve", calendar: "平安夜", solarM: 12, solarD: 24},
	{surface: "christmas", calendar: "圣诞", solarM: 12, solarD: 25}, {surface: "christmas day", calendar: "圣诞", solarM: 12, solarD: 25},
	{surface: "xmas", calendar: "圣诞", solarM: 12, solarD: 25},
	{surface: "chinese new year", calendar: "春节", lunarM: 1, lunarD: 1}, {surface: "spring festival", calendar: "春节", lunarM: 1, lunarD: 1},
	{surface: "lunar new year", calendar: "春节", lunarM: 1, lunarD: 1},
	{surface: "chinese new year's eve", calendar: "除夕", lunarM: 12, lunarD: -1},
	{surface: "lantern festival", calendar: "元宵", lunarM: 1, lunarD: 15},
	{surface: "dragon boat festival", calendar: "端午", lunarM: 5, lunarD: 5},
	{surface: "mid-autumn festival", calendar: "中秋", lunarM: 8, lunarD: 15}, {surface: "mid autumn festival", calendar: "中秋", lunarM: 8, lunarD: 15},
	{surface: "april fools' day", calendar: "愚人节", solarM: 4, solarD: 1}, {surface: "april fools day", calendar: "愚人节", solarM: 4, solarD: 1},
	{surface: "mother's day", month: 5, weekday: 7, n: 2}, {surface: "mothers day", month: 5, weekday: 7, n: 2},
	{surface: "father's day", month: 6, weekday: 7, n: 3}, {surface: "fathers day", month: 6, weekday: 7, n: 3},
	{surface: "thanksgiving", month: 11, weekday: 4, n: 4}, {surface: "thanksgiving day", month: 11, weekday: 4, n: 4},
	{surface: "independence day", solarM: 7, solarD: 4}, {surface: "labor day", month: 9, weekday: 1, n: 1},
	{surface: "memorial day", month: 5, weekday: 1, n: -1},
	{surface: "easter", easter: true}, {surface: "easter sunday", easter: true}, {surface: "easter day", easter: true},
	{surface: "good friday", easter: true, shift: -2}, {surface: "easter monday", easter: true, shift: 1}, {surface: "palm sunday", easter: true, shift: -7},
	{surface: "ash wednesday", easter: true, shift: -46}, {surface: "mardi gras", easter: true, shift: -47}, {surface: "shrove tuesday", easter: true, shift: -47},
	{surface: "pancake day", easter: true, shift: -47}, {surface: "maundy thursday", easter: true, shift: -3}, {surface: "holy saturday", easter: true, shift: -1},
	{surface: "ascension day", easter: true, shift: 39}, {surface: "pentecost", easter: true, shift: 49}, {surface: "whit sunday", easter: true, shift: 49},
	{surface: "whitsun", easter: true, shift: 49}, {surface: "whit monday", easter: true, shift: 50}, {surface: "mothering sunday", easter: true, shift: -21},
	{surface: "martin luther king day", month: 1, weekday: 1, n: 3}, {surface: "martin luther king jr. day", month: 1, weekday: 1, n: 3},
	{surface: "martin luther king jr day", month: 1, weekday: 1, n: 3}, {surface: "mlk day", month: 1, weekday: 1, n: 3},
	{surface: "presidents day", month: 2, weekday: 1, n: 3}, {surface: "presidents' day", month: 2, weekday: 1, n: 3},
	{surface: "president's day", month: 2, weekday: 1, n: 3}, {surface: "washington's birthday", month: 2, weekday: 1, n: 3},
	{surface: "juneteenth", solarM: 6, solarD: 19}, {surface: "fourth of july", solarM: 7, solarD: 4}, {surface: "the fourth of july", solarM: 7, solarD: 4},
	{surface: "4th of july", solarM: 7, solarD: 4}, {surface: "the 4th of july", solarM: 7, solarD: 4},
	{surface: "columbus day", month: 10, weekday: 1, n: 2}, {surface: "indigenous peoples' day", month: 10, weekday: 1, n: 2},
	{surface: "indigenous peoples day", month: 10, weekday: 1, n: 2}, {surface: "veterans day", solarM: 11, solarD: 11}, {surface: "veterans' day", solarM: 11, solarD: 11},
	{surface: "black friday", month: 11, weekday: 4, n: 4, shift: 1}, {surface: "cyber monday", month: 11, weekday: 4, n: 4, shift: 4},
	{surface: "election day", month: 11, weekday: 1, n: 1, shift: 1}, {surface: "labour day", month: 9, weekday: 1, n: 1},
	{surface: "st. patrick's day", solarM: 3, solarD: 17}, {surface: "st patrick's day", solarM: 3, solarD: 17}, {surface: "saint patrick's day", solarM: 3, solarD: 17},
	{surface: "st patricks day", solarM: 3, solarD: 17}, {surface: "st. patricks day", solarM: 3, solarD: 17}, {surface: "groundhog day", solarM: 2, solarD: 2},
	{surface: "earth day", solarM: 4, solarD: 22}, {surface: "tax day", solarM: 4, solarD: 15}, {surface: "cinco de mayo", solarM: 5, solarD: 5},
	{surface: "boxing day", solarM: 12, solarD: 26}, {surface: "early may bank holiday", month: 5, weekday: 1, n: 1}, {surface: "may day bank holiday", month: 5, weekday: 1, n: 1},
	{surface: "spring bank holiday", month: 5, weekday: 1, n: -1}, {surface: "summer bank holiday", month: 8, weekday: 1, n: -1},
	{surface: "august bank holiday", month: 8, weekday: 1, n: -1}, {surface: "bonfire night", solarM: 11, solarD: 5}, {surface: "guy fawkes night", solarM: 11, solarD: 5},
	{surface: "guy fawkes day", solarM: 11, solarD: 5}, {surface: "st george's day", solarM: 4, solarD: 23}, {surface: "st. george's day", solarM: 4, solarD: 23},
	{surface: "st andrew's day", solarM: 11, solarD: 30}, {surface: "st. andrew's day", solarM: 11, solarD: 30}, {surface: "st david's day", solarM: 3, solarD: 1},
	{surface: "st. david's day", solarM: 3, solarD: 1}, {surface: "burns night", solarM: 1, solarD: 25}, {surface: "remembrance sunday", month: 11, weekday: 7, n: 2},
	{surface: "remembrance day", solarM: 11, solarD: 11}, {surface: "armistice day", solarM: 11, solarD: 11}, {surface: "hogmanay", solarM: 12, solarD: 31},
	{surface: "epiphany", solarM: 1, solarD: 6}, {surface: "all saints' day", solarM: 11, solarD: 1}, {surface: "all saints day", solarM: 11, solarD: 1},
	{surface: "canada day", solarM: 7, solarD: 1}, {surface: "international women's day", solarM: 3, solarD: 8}, {surface: "women's day", solarM: 3, solarD: 8},
}

// zhFestivalsByRune lists the festivals of zhFestivals by their first
// rune, so a place in the text is only tried against the names that can
// start there. Built once, never written after.
var zhFestivalsByRune, enFestivalsByRune = byFirstRune(zhFestivals), byFirstRune(enFestivals)

func byFirstRune(fs []festivalName) map[rune][]int {
	m := map[rune][]int{}
	for k, f := range fs {
		for _, c := range f.surface {
			m[c] = append(m[c], k)
			break
		}
	}
	return m
}

// allFestivals indexes both tables: e.festival-1 < len(zhFestivals) is
// Chinese, the rest English.
func festivalAt(k int) *festivalName {
	if k < len(zhFestivals) {
		return &zhFestivals[k]
	}
	return &enFestivals[k-len(zhFestivals)]
}

func zhFestival(s *scanner, i int, e *expr) int {
	if !s.zh || e.festival != 0 || e.month != 0 || e.day != 0 || e.hasDayOff || e.weekday != 0 {
		return -1
	}
	best, bk := -1, -1
	for _, k := range zhFestivalsByRune[s.at(i)] {
		if j := s.lit(i, zhFestivals[k].surface); j > best {
			best, bk = j, k
		}
	}
	if best < 0 {
		return -1
	}
	// 五一 / 六一 only as a festival when not followed by more numerals
	// or units (五一二, 六一班).
	if f := &zhFestivals[bk]; f.surface == "五一" || f.surface == "六一" || f.surface == "新年" {
		if cdigit(s.at(best)) >= 0 || s.at(best) == '班' || s.at(best) == '快' {
			return -1
		}
	}
	if f := &zhFestivals[bk]; f.term != 0 && f.calendar == "" && weatherWord(s, i, best) {
		return -1 // 下大雪了, 小雪天: weather, not the solar term
	}
	e.festival = bk + 1
	best = opt(best, s.lits1(best, "那天", "当天", "节气", "节"))
	return best
}

func enFestival(s *scanner, i int, e *expr) int {
	if !s.en || !isLetter(s.at(i)) && !isDigit(s.at(i)) || e.festival != 0 || e.month != 0 || e.day != 0 || e.hasDayOff || e.weekday != 0 {
		return -1
	}
	j := s.sp(opt(i, s.word(i, "on")))
	shift, year := 0, 0
	if k, ki := s.words(j, "the day before", "the day after", "day before", "day after", "the eve of"); k >= 0 {
		// the day before christmas (not "the day after tomorrow", which
		// names no festival and so fails below)
		shift, j = [...]int{-1, 1, -1, 1, -1}[ki], s.sp(k)
	}
	if k, ki := s.words(j, "next", "this", "this year's", "next year's", "the coming", "this coming"); k >= 0 {
		// next easter, this christmas: the coming one; next year's: next year
		if ki == 3 {
			year = -1
		}
		j = s.sp(k)
	} else if y, k := s.enYear(j); k >= 0 && s.at(j) != ',' {
		year, j = y, s.sp(k) // 2030 thanksgiving
	}
	best, bk := -1, -1
	for _, k := range enFestivalsByRune[s.at(j)] {
		if end := s.word(j, enFestivals[k].surface); end > best {
			best, bk = end, k
		}
	}
	if best < 0 {
		return -1
	}
	e.festival = len(zhFestivals) + bk + 1
	if shift != 0 {
		e.hasShift, e.shift = true, shift
	}
	switch {
	case year == -1:
		e.hasYearOff, e.yearOff = true, 1
	case year > 0:
		e.year = year
	}
	// a year said after the name: labor day 2031, easter of 2030
	if y, k := s.enYear(best); k >= 0 && e.year == 0 && !e.hasYearOff {
		e.year, best = y, k
	} else if k2, _ := s.words(s.sp(best), "of", "in"); k2 >= 0 {
		if y, k := s.enYear(k2); k >= 0 && e.year == 0 && !e.hasYearOff {
			e.year, best = y, k
		}
	}
	return best
}

// weatherWord reports whether the solar term read between i and j is used
// as a word of weather (下大雪, 有小雪, 大雪天, 小雪了).
func weatherWord(s *scanner, i, j int) bool {
	switch s.at(i - 1) {
	case '下', '有', '场', '阵', '降', '起', '转', '的', '大', '小', '中', '暴':
		return true
	}
	switch s.at(j) {
	case '天', '了', '纷', '中', '量', '啦', '呢', '吗', '过', '后', '停', '下', '飘', '夹', '转':
		return true
	}
	return false
}
