package timeparse

// Chinese components. Each reads one piece (每周一三五, 明天, 下午, 三点一刻,
// 两个小时以后 …) and refuses to overwrite what another piece set.

func zhWeekdayChar(c rune) int {
	switch c {
	case '一':
		return 1
	case '二':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '日', '天', '七':
		return 7
	}
	if c >= '1' && c <= '7' {
		return int(c - '0')
	}
	return 0
}

// zhWeekWord matches 周, 星期, 礼拜 (and 个 before them when allowed).
func (s *scanner) zhWeekWord(i int) int {
	j, _ := s.lits(i, "周", "星期", "礼拜", "週", "禮拜")
	return j
}

// zhWeekdayList reads 一三五, 一、三、五, 一到五, 周一至周五, 六日 … after
// 每周; it returns the day bits and the end.
func (s *scanner) zhWeekdayList(i int) (uint8, int) {
	var bits uint8
	j := i
	last := 0
	for {
		if s.at(j) == '末' && bits == 0 {
			return 1<<5 | 1<<6, j + 1
		}
		d := zhWeekdayChar(s.at(j))
		if d == 0 {
			break
		}
		if d == 7 && s.at(j) == '天' && bits != 0 {
			break
		}
		bits |= 1 << (d - 1)
		last = d
		j++
		k := j
		switch s.at(k) {
		case '、', ',', '，', '和', '及', '与', '/':
			k++
		case '到', '至', '-', '~':
			k2 := k + 1
			k2 = opt(k2, s.zhWeekWord(k2))
			if d2 := zhWeekdayChar(s.at(k2)); d2 > last {
				for x := last; x <= d2; x++ {
					bits |= 1 << (x - 1)
				}
				j = k2 + 1
				last = d2
				continue
			}
			return bits, j
		}
		k = opt(k, s.zhWeekWord(k))
		if zhWeekdayChar(s.at(k)) > 0 && s.at(k) != '天' {
			j = k
			continue
		}
		break
	}
	return bits, j
}

func zhRecur(s *scanner, i int, e *expr) int {
	if !s.zh || s.at(i) != '每' && s.at(i) != '工' && s.at(i) != '天' && s.at(i) != '隔' && s.zhWeekWord(i) < 0 {
		return -1
	}
	if j, _ := s.lits(i, "每个工作日", "每一个工作日", "每工作日", "工作日", "每逢工作日", "工作日的"); j >= 0 && s.at(i-1) != '非' {
		if e.freq != fNone {
			return -1
		}
		e.freq, e.workday = fDaily, true
		j = opt(j, s.lits1(j, "每天", "每日"))
		return j
	}
	if j, k := s.lits(i, "每天", "每日", "天天", "每一天", "每晚", "每夜", "每早", "每个晚上", "每天晚上", "每天早上"); j >= 0 {
		if e.freq == fDaily && e.workday {
			return j
		}
		if e.freq != fNone {
			return -1
		}
		e.freq = fDaily
		switch k {
		case 4, 5, 7, 8:
			e.part = partNight
		case 6, 9:
			e.part = partMorning
		}
		return j
	}
	if j := s.lits1(i, "每季度", "每个季度", "每一季度", "每季"); j >= 0 && e.freq == fNone {
		e.freq, e.interval, e.quarter = fMonthly, 3, true
		k := opt(j, s.lit(j, "的"))
		if k2, ki := s.lits(k, "第一天", "第1天", "初", "最后一天", "末", "底"); k2 >= 0 && e.day == 0 {
			e.day = 1
			if ki >= 3 {
				e.day = -1
			}
			return k2
		}
		return j
	}
	if w := s.zhWeekWord(i); w >= 0 && e.freq == fNone && e.weekday == 0 {
		// 星期一到星期五(每天): a weekday range repeats weekly
		if bits, k := s.zhWeekdayList(w); bits != 0 && bits&(bits-1) != 0 && (s.at(w+1) == '到' || s.at(w+1) == '至') {
			e.freq, e.byday = fWeekly, bits
			k2 := opt(k, s.lit(k, "的"))
			return opt(k, s.lits1(k2, "每天", "每日"))
		}
	}
	if j, _ := s.lits(i, "隔天", "隔日"); j >= 0 && e.freq == fNone {
		e.freq, e.interval = fDaily, 2
		return j
	}
	if e.freq != fNone {
		return -1
	}
	j := s.lit(i, "每")
	if j < 0 {
		return -1
	}
	j = opt(j, s.lit(j, "逢"))
	gap := false
	if k := s.lit(j, "隔"); k >= 0 {
		gap = true
		j = k
	}
	j0 := opt(j, s.lit(j, "个"))
	if k := s.zhWeekWord(j0); k >= 0 && !gap {
		e.freq = fWeekly
		if bits, k2 := s.zhWeekdayList(k); bits != 0 {
			e.byday = bits
			return k2
		}
		return k
	}
	if k := s.lit(j0, "月"); k >= 0 && !gap {
		e.freq = fMonthly
		if k2, _ := s.lits(k, "最后一天", "月底", "底", "末", "的最后一天", "月末"); k2 >= 0 {
			e.day = -1
			return k2
		}
		return k
	}
	if k := s.lit(j0, "年"); k >= 0 && !gap {
		e.freq = fYearly
		return k
	}
	// 每N单位 / 每隔N单位 / 每半小时
	n, k := s.num(j)
	half := false
	if k < 0 {
		if k = s.lit(j, "半"); k >= 0 {
			half = true
		} else if k2 := s.lits1(opt(j, s.lit(j, "个")), "小时", "钟头", "分钟"); k2 >= 0 && !gap {
			n, k = 1, j // 每小时, 每个钟头, 每分钟: every one
		} else {
			return -1
		}
	}
	k = opt(k, s.lit(k, "个"))
	if !half {
		if k2 := s.lit(k, "半"); k2 >= 0 {
			// 每一个半小时: ninety minutes
			if k3, _ := s.lits(k2, "小时", "钟头"); k3 >= 0 && n > 0 {
				e.freq, e.interval = fMinutely, n*60+30
				return k3
			}
		}
	}
	u, ui := s.lits(k, "天", "日", "小时", "钟头", "分钟", "分", "周", "星期", "礼拜", "月", "年")
	if u < 0 || n <= 0 && !half || n > 1000 {
		return -1
	}
	switch ui {
	case 0, 1:
		e.freq = fDaily
	case 2, 3:
		e.freq = fHourly
		if half {
			e.freq, n = fMinutely, 30
		}
	case 4, 5:
		e.freq = fMinutely
	case 6, 7, 8:
		e.freq = fWeekly
	case 9:
		e.freq = fMonthly
	case 10:
		e.freq = fYearly
	}
	if half && e.freq != fMinutely {
		return -1
	}
	if gap && n == 1 && (ui <= 1 || ui >= 6) {
		n = 2 // 每隔一天: every other day
	}
	e.interval = n
	return u
}

// lits1 is lits without the index.
func (s *scanner) lits1(i int, strs ...string) int {
	j, _ := s.lits(i, strs...)
	return j
}

func zhRelDay(s *scanner, i int, e *expr) int {
	if !s.zh || e.hasDayOff || e.weekday != 0 || e.day != 0 || e.festival != 0 {
		return -1
	}
	if j := s.lits1(i, "现在", "马上", "立刻", "此刻"); j >= 0 && !e.hasDate() && !e.hasTime && e.part == partNone {
		e.hasDur = true // now: a zero duration
		return j
	}
	j, k := s.lits(i, "今天", "今日", "明天", "明日", "后天", "大后天", "大大后天", "昨天", "前天", "今儿", "明儿",
		"今早", "明早", "今晚", "明晚", "今夜", "明晨", "今晨", "次日", "翌日", "当天", "明天一早", "后儿", "今儿个", "明儿个",
		"当晚", "当夜", "当日")
	if j < 0 {
		return -1
	}
	offs := [...]int{0, 0, 1, 1, 2, 3, 4, -1, -2, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 2, 0, 1, 0, 0, 0}
	e.hasDayOff, e.dayOff = true, offs[k]
	var p part
	switch k {
	case 11, 12, 17, 18, 21:
		p = partMorning
	case 13, 14, 15, 25, 26:
		p = partNight
	}
	if p != partNone {
		if e.part != partNone {
			return -1
		}
		e.part = p
	}
	if j2 := s.lits1(opt(j, s.lit(j, "的")), "这个时候", "这时候", "此时", "这会儿", "这个点"); j2 >= 0 && !e.hasTime && e.part == partNone {
		e.sameTime = true // 明天这个时候: tomorrow at this time
		j = j2
	}
	return j
}

func zhRelPeriod(s *scanner, i int, e *expr) int {
	if !s.zh {
		return -1
	}
	if j, k := s.lits(i, "今年", "明年", "后年", "去年", "前年", "大后年"); j >= 0 {
		if e.hasYearOff || e.year != 0 {
			return -1
		}
		e.hasYearOff, e.yearOff = true, [...]int{0, 1, 2, -1, -2, 3}[k]
		if k2, _ := s.lits(j, "底", "年底", "末", "年末"); k2 >= 0 && e.month == 0 {
			e.month, e.day = 12, 31
			return k2
		}
		return j
	}
	if j := s.lits1(i, "年底", "年末"); j >= 0 && e.month == 0 && e.day == 0 && e.freq == fNone {
		e.month, e.day = 12, 31
		return j
	}
	j, k := s.lits(i, "下个月", "下月", "下下个月", "这个月", "本月", "这月", "上个月", "上月", "当月")
	if j < 0 {
		if j = s.lit(i, "月"); j < 0 || e.hasMonthOff || e.month != 0 {
			// 月底 / 月初 on their own
			return s.zhLastDay(i, e)
		}
		if k2, k2i := s.lits(j, "底", "末", "初"); k2 >= 0 && e.day == 0 {
			e.hasMonthOff = true
			if k2i == 2 {
				e.monthOff, e.day = 1, 1
			} else {
				e.day = -1
			}
			return k2
		}
		return -1
	}
	if e.hasMonthOff || e.month != 0 {
		return -1
	}
	e.hasMonthOff, e.monthOff = true, [...]int{1, 1, 2, 0, 0, 0, -1, -1, 0}[k]
	if k2, k2i := s.lits(j, "底", "末", "初", "最后一天", "的最后一天"); k2 >= 0 && e.day == 0 {
		e.day = -1
		if k2i == 2 {
			e.day = 1
			if v, k3 := s.num(k2); k3 >= 0 && v >= 1 && v <= 10 && !isDigit(s.at(k2)) {
				e.day = v // 下个月初三: the 3rd
				return k3
			}
		}
		return k2
	}
	return j
}

// zhLastDay reads 最后一天 after a month (每个月最后一天).
func (s *scanner) zhLastDay(i int, e *expr) int {
	j := s.lits1(i, "最后一天", "的最后一天")
	if j < 0 || e.day != 0 || !(e.freq == fMonthly || e.month != 0 || e.hasMonthOff) {
		return -1
	}
	e.day = -1
	return j
}

func zhWeek(s *scanner, i int, e *expr) int {
	if !s.zh || e.weekday != 0 || e.day != 0 || e.hasDayOff {
		return -1
	}
	j, k := s.lits(i, "下下个", "下下", "下个", "下", "这个", "这", "本", "上个", "上", "今", "下一个", "下一", "上一个", "接下来的")
	off, hasOff := 0, false
	if j >= 0 {
		off, hasOff = [...]int{2, 2, 1, 1, 0, 0, 0, -1, -1, 0, 1, 1, -1, 1}[k], true
		if k <= 1 {
			for n := 0; n < 4 && s.at(j) == '下'; n++ { // 下下下周
				j, off = j+1, off+1
			}
			j = opt(j, s.lit(j, "个"))
		}
	} else {
		j = i
	}
	w := s.zhWeekWord(j)
	if w < 0 {
		return -1
	}
	if s.at(w) == ' ' && s.at(w+1) >= '1' && s.at(w+1) <= '7' && !isDigit(s.at(w+2)) {
		switch s.at(w + 2) {
		case '点', '时', '号', '日', '天', '个', '周', '月', ':', '.':
		default:
			w++ // 这星期 5: a digit after a space
		}
	}
	if hasOff && e.hasWeekOff {
		return -1
	}
	c := s.at(w)
	if c == '末' {
		e.weekday = 6
		e.hasWeekOff, e.weekOff = hasOff || e.hasWeekOff, off+e.weekOff
		return w + 1
	}
	d := zhWeekdayChar(c)
	if d == 0 || c >= '1' && c <= '7' && isDigit(s.at(w+1)) {
		if !hasOff || s.at(w) == '年' {
			return -1
		}
		e.hasWeekOff, e.weekOff = true, off
		return w
	}
	// 周一三五 without 每 is not a weekday.
	if (s.at(w+1) == '到' || s.at(w+1) == '至') && !hasOff {
		return -1 // 下周一到周三 is a range of dates
	}
	e.weekday = d
	if hasOff {
		e.hasWeekOff, e.weekOff = true, off
	}
	return w + 1
}

func zhDate(s *scanner, i int, e *expr) int {
	if !s.zh && !isDigit(s.at(i)) {
		return -1
	}
	j := i
	got := false
	if v, k := s.num(j); k >= 0 && s.at(k) == '年' && e.year == 0 && !e.hasYearOff {
		if k-j == 4 || v >= 1000 {
			e.year = v
		} else if k-j == 2 {
			e.year = 2000 + v
		} else {
			return -1
		}
		j, got = k+1, true
		if e.year < 1900 || e.year > 2200 {
			return -1
		}
	}
	if v, k := s.num(j); k >= 0 && v >= 1 && v <= 12 && e.month == 0 {
		k2 := opt(k, s.lit(k, "份"))
		if s.at(k2) == '月' {
			e.month = v
			j, got = k2+1, true
			if s.at(j) == '份' {
				j++
			}
		}
	}
	if v, k := s.num(j); k >= 0 && v >= 1 && v <= 31 && e.day == 0 {
		switch s.at(k) {
		case '日', '号', '號':
			e.day = v
			return k + 1
		}
		if e.month != 0 && got && !isDigit(s.at(k)) && s.at(j) != '廿' && s.at(j) != '卅' { // 六月廿五 is lunar
			switch s.at(k) {
			case '点', '时', ':', '個', '个', '天', '.', '分', '小', '周', '月', '年', '号':
			default:
				e.day = v
				return k
			}
		}
	}
	if !got {
		return -1
	}
	if e.month == 0 && e.year != 0 {
		// 2027年 alone, or before a festival
		return j
	}
	return j
}

// zhLunarDay reads 初一 … 初十, 十一 … 三十, 廿三.
func (s *scanner) zhLunarDay(i int) (int, int) {
	if j := s.lit(i, "初"); j >= 0 {
		v, k := s.num(j)
		if k < 0 || v < 1 || v > 10 {
			return 0, -1
		}
		return v, k
	}
	v, k := s.num(i)
	if k < 0 || v < 1 || v > 30 {
		return 0, -1
	}
	k = opt(k, s.lits1(k, "日", "号"))
	return v, k
}

func zhLunarDate(s *scanner, i int, e *expr) int {
	if !s.zh || e.month != 0 || e.day != 0 {
		return -1
	}
	j := i
	marked := false
	if k := s.lits1(j, "农历", "阴历", "旧历", "農曆", "陰曆"); k >= 0 {
		j, marked = k, true
		j = opt(j, s.lit(j, "的"))
	}
	leap := false
	if k := s.lit(j, "闰"); k >= 0 {
		j, marked, leap = k, true, true
	}
	month := 0
	if k, ki := s.lits(j, "正月", "冬月", "腊月", "臘月", "大年"); k >= 0 {
		month = [...]int{1, 11, 12, 12, 1}[ki] // 大年初二: the 2nd of the 1st month
		if ki == 4 && s.at(k) != '初' {
			return -1 // 大年三十 is 除夕, the festival's
		}
		j, marked = k, true
	} else if v, k := s.num(j); k >= 0 && s.at(k) == '月' && v >= 1 && v <= 12 {
		month = v
		j = k + 1
	} else if marked && leap {
		return -1
	}
	if s.at(j) == '初' || s.at(j) == '廿' || s.at(j) == '卅' {
		marked = true // 六月廿五: 廿 and 卅 are the lunar calendar's
	}
	if !marked {
		return -1
	}
	d, k := s.zhLunarDay(j)
	if k < 0 {
		if month == 0 || s.at(j) == '的' || isDigit(s.at(j)) || cdigit(s.at(j)) >= 0 {
			return -1
		}
		d, k = 0, j // 农历八月, 腊月: the month's first day
	}
	e.lunar, e.month, e.day, e.leap = true, month, d, leap
	return k
}

func zhPart(s *scanner, i int, e *expr) int {
	if !s.zh || e.part != partNone {
		return -1
	}
	j, k := s.lits(i, "凌晨", "早上", "早晨", "清晨", "一早", "早间", "上午", "中午", "正午", "晌午", "下午", "午后",
		"傍晚", "黄昏", "晚上", "晚间", "夜里", "夜晚", "夜间", "半夜", "深夜", "午夜", "早", "晚", "上昼", "下昼", "大早上", "早些时候")
	if j < 0 {
		return -1
	}
	if (k == 22 || k == 23) && (e.comps == 0 || !e.hasDate() && !e.hasDur) {
		return -1 // a lone 早/晚 is 早点睡, 晚点说
	}
	switch s.at(j) {
	case '茶', '餐', '饭', '报', '场', '市', '宴':
		return -1 // a meal, a paper or a show: 下午茶, 早餐, 晚报, 夜场
	}
	ps := [...]part{partEarly, partMorning, partMorning, partMorning, partMorning, partMorning, partForenoon, partNoon, partNoon, partNoon,
		partAfternoon, partAfternoon, partEvening, partEvening, partNight, partNight, partNight, partNight, partNight,
		partMidnight, partMidnight, partMidnight, partMorning, partNight, partForenoon, partAfternoon, partMorning, partMorning}
	e.part = ps[k]
	return j
}

func zhClock(s *scanner, i int, e *expr) int {
	if !s.zh || e.hasTime {
		return -1
	}
	h, m, j := s.zhClockAt(i)
	if j < 0 {
		return -1
	}
	e.hasTime, e.hour, e.min = true, h, m
	if v, k := s.num(j); k >= 0 && v < 60 && s.at(k) == '秒' && s.at(j-1) == '分' {
		e.sec, e.hasSec, j = v, true, opt(k+1, s.lit(k+1, "钟")) // 7点5分30秒
	}
	return j
}

// zhClockAt reads 三点一刻, 8点半, 十二点零五分, 9时30分, 差五分八点, 8点差一刻.
func (s *scanner) zhClockAt(i int) (h, m, j int) {
	if k := s.lit(i, "差"); k >= 0 {
		var mm, k2 int
		if k3 := s.lit(k, "一刻"); k3 >= 0 {
			mm, k2 = 15, k3
		} else {
			mm, k2 = s.num(k)
			if k2 < 0 || mm <= 0 || mm >= 60 {
				return 0, 0, -1
			}
			k2 = opt(k2, s.lits1(k2, "分钟", "分"))
		}
		hh, k4 := s.num(k2)
		if k4 < 0 || hh > 24 || s.at(k4) != '点' && s.at(k4) != '时' {
			return 0, 0, -1
		}
		if hh == 0 {
			hh = 24
		}
		return hh - 1, 60 - mm, k4 + 1
	}
	h, j = s.num(i)
	if j < 0 || h > 24 || j-i > 3 {
		return 0, 0, -1
	}
	k, _ := s.lits(j, "点钟", "点", "时", "點")
	if k < 0 {
		return 0, 0, -1
	}
	if s.r[i] == '一' && j == i+1 && (s.at(k) == '点' || s.at(k) == '儿') {
		return 0, 0, -1 // 一点点, 一点儿: a little
	}
	if s.at(k) == '水' && h <= 3 && s.at(k-1) == '点' {
		return 0, 0, -1 // 三点水, 两点水: radicals
	}
	if s.r[i] == '一' && j == i+1 {
		switch s.at(i - 1) {
		case '快', '慢', '早', '晚', '多', '少', '好', '大', '小', '高', '低', '轻', '重', '近', '远', '有', '点', '一', '差', '些', '得':
			if s.at(k) != '半' && s.at(k) != '钟' && !isDigit(s.at(k)) {
				return 0, 0, -1
			}
		}
	}
	j = k
	switch {
	case s.lit(j, "半") >= 0:
		return h, 30, j + 1
	case s.lit(j, "整") >= 0:
		return h, 0, j + 1
	case s.lit(j, "一刻") >= 0:
		return h, 15, j + 2
	case s.lit(j, "三刻") >= 0:
		return h, 45, j + 2
	case s.lit(j, "差") >= 0 || s.lit(j, "缺") >= 0:
		k := j + 1
		mm := 15
		if k2 := s.lit(k, "一刻"); k2 >= 0 {
			k = k2
		} else {
			var k2 int
			mm, k2 = s.num(k)
			if k2 < 0 || mm <= 0 || mm >= 60 {
				return h, 0, j
			}
			k = opt(k2, s.lits1(k2, "分钟", "分"))
		}
		if h == 0 {
			h = 24
		}
		return h - 1, 60 - mm, k
	}
	if n, k2 := s.num(j); k2 >= 0 && n >= 1 && n <= 11 {
		if k3 := s.lit(k2, "个字"); k3 >= 0 {
			return h, n * 5, k3 // Cantonese 十點三個字: 10:15
		}
	}
	k = j
	k = opt(k, s.lit(k, "零"))
	k = opt(k, s.lit(k, "过"))
	if mm, k2 := s.num(k); k2 >= 0 && mm < 60 {
		k3, _ := s.lits(k2, "分钟", "分")
		if k3 >= 0 {
			return h, mm, k3
		}
		switch s.at(k2) {
		case '个', '天', '小', '月', '年', '号', '日', '周', '秒', '点':
			return h, 0, j
		}
		if k2-k >= 1 && !isDigit(s.at(k2)) {
			return h, mm, k2
		}
	}
	return h, 0, j
}

func zhRange(s *scanner, i int, e *expr) int {
	if !s.zh && s.at(i) != '-' && s.at(i) != '~' || !e.hasTime || e.hasEnd {
		return -1
	}
	j := s.lits1(i, "到", "至", "-", "~")
	if j < 0 {
		return -1
	}
	j = s.sp(j)
	nextDay := false
	if k := s.lits1(j, "次日", "翌日", "第二天", "隔天", "明天"); k >= 0 {
		j, nextDay = k, true // 13:20至次日05:40
	}
	var t expr
	if k := zhPart(s, j, &t); k >= 0 {
		j = k
	}
	var h, m, k int
	if h, m, k = s.zhClockAt(j); k < 0 {
		if k = clockColon(s, j, &t); k < 0 {
			return -1
		}
		h, m = t.hour, t.min
	}
	if nextDay && t.part == partNone && t.ampm == 0 {
		t.ampm = 'a' // a clock on the next day reads as 24-hour: 次日5:40
		if h >= 12 {
			t.ampm = 'p'
		}
	}
	e.hasEnd, e.endHour, e.endMin, e.endPart, e.endAmpm, e.endNextDay = true, h, m, t.part, t.ampm, nextDay
	return k
}

func zhDuration(s *scanner, i int, e *expr) int {
	if !s.zh && !isDigit(s.at(i)) || e.hasDur || e.hasDate() || e.hasTime {
		return -1
	}
	j := i
	pre := false
	if k := s.lits1(j, "再过", "过了", "过"); k >= 0 {
		j, pre = k, true
	}
	sec := 0
	days, months, years := 0, 0, 0
	n := 0
	for n < 4 {
		var amount2 int // in halves
		k := j
		if n > 0 {
			k = opt(k, s.lit(k, "零"))
			k = opt(k, s.lit(k, "又"))
		}
		if k2 := s.lit(k, "半"); k2 >= 0 {
			amount2, k = 1, k2
		} else if v, k2 := s.num(k); k2 >= 0 {
			amount2, k = v*2, k2
			if k3 := s.lit(k, "个半"); k3 >= 0 {
				amount2, k = amount2+1, k3
			} else if k3 := s.lit(k, "个"); k3 >= 0 {
				k = k3
			}
		} else {
			break
		}
		k = opt(k, s.lit(k, "个"))
		if s.at(k) == '.' && s.at(k+1) == '5' && !isDigit(s.at(k+2)) && amount2 > 0 && amount2%2 == 0 {
			amount2, k = amount2+1, k+2 // 1.5小时
		}
		u, ui := s.lits(k, "秒钟", "秒", "分钟", "分", "小时", "钟头", "钟", "天", "日", "周", "星期", "礼拜", "月", "年", "刻钟", "字")
		if u < 0 {
			break
		}
		if k3 := s.lit(u, "半"); k3 >= 0 && amount2%2 == 0 {
			amount2++
			u = k3
			if ui == 3 {
				u = opt(u, s.lit(u, "钟")) // 一分半钟
			}
		}
		switch ui {
		case 0, 1:
			sec += amount2 / 2
		case 2, 3:
			sec += amount2 * 30
		case 4, 5, 6:
			if ui == 6 && s.at(u-2) != '个' {
				return -1
			}
			sec += amount2 * 1800
		case 7, 8:
			days += amount2 / 2
			sec += amount2 % 2 * 43200
		case 9, 10, 11:
			days += amount2 * 7 / 2
		case 12:
			if s.at(u-2) != '个' && s.at(u-2) != '半' {
				return -1 // 12月10日前 is a date, not twelve months
			}
			months += amount2 / 2
			days += amount2 % 2 * 15
		case 13:
			years += amount2 / 2
			months += amount2 % 2 * 6
		case 14:
			sec += amount2 * 450
		case 15:
			if s.at(u-2) != '个' {
				return -1
			}
			sec += amount2 * 150 // Cantonese 三個字: three times five minutes
		}
		j = u
		n++
	}
	if n == 0 {
		return -1
	}
	if k := s.lits1(j, "以后", "之后", "过后", "后", "後", "以後"); k >= 0 {
		j = k
	} else if k := s.lits1(j, "以前", "之前", "前"); k >= 0 && !pre {
		sec, days, months, years, j = -sec, -days, -months, -years, k
	} else if !pre {
		return -1
	}
	e.hasDur = true
	e.durSec, e.durDays, e.durMonths, e.durYears = sec, days, months, years
	return j
}

// zhNthWeekday reads 第一个周一, 第二个星期天, 最后一个周五 (of a month said
// before: 每月, 下个月, 5月).
func zhNthWeekday(s *scanner, i int, e *expr) int {
	if !s.zh || e.weekday != 0 || e.day != 0 || e.nth != 0 {
		return -1
	}
	j := i
	n := 0
	if k := s.lits1(j, "最后一个", "最后1个"); k >= 0 {
		n, j = -1, k
	} else if k := s.lit(j, "第"); k >= 0 {
		v, k2 := s.num(k)
		if k2 < 0 || v < 1 || v > 5 {
			return -1
		}
		n, j = v, opt(k2, s.lit(k2, "个"))
	} else {
		return -1
	}
	w := s.zhWeekWord(j)
	if w < 0 {
		return -1
	}
	d := zhWeekdayChar(s.at(w))
	if d == 0 {
		return -1
	}
	e.weekday, e.nth = d, n
	return w + 1
}

// zhMoreDays reads the further days of 每月5号和20号.
func zhMoreDays(s *scanner, i int, e *expr) int {
	if !s.zh || e.freq != fMonthly || e.day <= 0 {
		return -1
	}
	j := s.lits1(i, "和", "、", ",", "，", "及", "与")
	if j < 0 {
		switch s.at(s.spBack(i) - 1) { // the connector took the separator
		case '、', ',', '，':
			j = i
		default:
			return -1
		}
	}
	v, k := s.num(j)
	if k < 0 || v < 1 || v > 31 || s.at(k) != '号' && s.at(k) != '日' {
		return -1
	}
	e.moreDays |= 1 << v
	return k + 1
}

// zhShift reads the days before or after a date said just before it:
// 中秋节前一天, 春节前三天, 生日后两天, 周五的前一天.
func zhShift(s *scanner, i int, e *expr) int {
	if !s.zh || e.hasShift || e.hasTime || e.freq != fNone || !e.hasDate() || e.hasDur {
		return -1
	}
	j, k := s.lits(i, "前", "后", "之前", "之后", "以前", "以后")
	if j < 0 {
		return -1
	}
	sign := 1
	if k%2 == 0 {
		sign = -1
	}
	n, j2 := s.num(j)
	if j2 < 0 || n < 1 || n > 400 {
		return -1
	}
	j2 = opt(j2, s.lit(j2, "个"))
	u, ui := s.lits(j2, "天", "日", "周", "星期", "礼拜")
	if u < 0 {
		return -1
	}
	if ui >= 2 {
		n *= 7
	}
	e.hasShift, e.shift = true, sign*n
	return u
}

// zhNextWorkday reads 下个工作日: the first working day after today in
// China's official calendar.
func zhNextWorkday(s *scanner, i int, e *expr) int {
	if !s.zh || e.hasDate() || e.freq != fNone || e.hasDur {
		return -1
	}
	j := s.lits1(i, "下个工作日", "下一个工作日", "下一工作日", "下一个工作天")
	if j < 0 {
		return -1
	}
	e.nextWorkday = true
	return j
}

// zhNthDay reads 第三天 (counted from today, which is the first: 第二天 is
// tomorrow) and, after a year, 2031年第100天 (the 100th day of 2031).
func zhNthDay(s *scanner, i int, e *expr) int {
	if !s.zh || e.yearDay != 0 || e.hasDayOff || e.month != 0 || e.day != 0 || e.weekday != 0 || e.hasDur || e.freq != fNone {
		return -1
	}
	j := s.lit(i, "第")
	if j < 0 {
		return -1
	}
	n, k := s.num(j)
	if k < 0 || n < 1 || n > 366 {
		return -1
	}
	k = opt(k, s.lit(k, "个"))
	k2, _ := s.lits(k, "天", "日")
	if k2 < 0 {
		return -1
	}
	switch {
	case e.year != 0 || e.hasYearOff:
		e.yearDay = n
	case e.hasDate():
		return -1
	default:
		e.hasDayOff, e.dayOff = true, n-1
	}
	return k2
}

// shichen lists the twelve two-hour periods of the traditional day; each
// starts at 2k-1 o'clock (子 at 23:00).
const shichen = "子丑寅卯辰巳午未申酉戌亥"

// zhShichen reads a 时辰: 丑时 (its start, 01:00), 午时三刻 (a 刻 is 15
// minutes from the start: 11:45), 申时正 (its middle hour: 16:00), 午初.
func zhShichen(s *scanner, i int, e *expr) int {
	if !s.zh || e.hasTime {
		return -1
	}
	k := 0
	for _, c := range shichen {
		if s.at(i) == c {
			break
		}
		k++
	}
	if k == 12 {
		return -1
	}
	h := (2*k + 23) % 24
	j := i + 1
	m := 0
	switch {
	case s.at(j) == '时':
		j++
		switch {
		case s.at(j) == '正':
			h, j = (h+1)%24, j+1
		case s.at(j) == '初':
			j++
		default:
			if n, k2 := s.num(j); k2 == j+1 && n >= 1 && n <= 7 && s.at(k2) == '刻' {
				m, j = n*15, k2+1
				h, m = (h+m/60)%24, m%60
			}
		}
	case s.at(j) == '正' || s.at(j) == '初':
		if s.at(j) == '正' {
			h = (h + 1) % 24
		}
		j++
	default:
		return -1
	}
	e.hasTime, e.hour, e.min, e.ampm = true, h, m, 'a'
	if h >= 12 {
		e.ampm = 'p'
	}
	return j
}

// numRange reads a range of hours whose start is a bare number and whose
// end says what it is: 9~11点半, 10-11点, 3-5pm, 2 to 4pm. The start takes
// the end's part of day or am/pm where it has none.
func numRange(s *scanner, i int, e *expr) int {
	if e.hasTime || e.hasEnd || e.part != partNone && !s.zh {
		return -1
	}
	h, j := s.num(i)
	if j < 0 || h > 24 || j-i > 2 {
		return -1
	}
	sep := j
	if s.at(j) == ' ' {
		sep = s.sp(j)
	}
	t := *e
	t.hasTime, t.hour, t.min = true, h, 0
	var k int
	switch {
	case s.at(sep) == '-' || s.at(sep) == '~':
		if k = zhRange(s, sep, &t); k < 0 {
			t = *e
			t.hasTime, t.hour, t.min = true, h, 0
			k = enRange(s, sep, &t)
		}
	case s.lits1(sep, "到", "至") >= 0:
		k = zhRange(s, sep, &t)
	default:
		k = enRange(s, sep, &t)
	}
	if k < 0 || !t.hasEnd || h > 12 && t.endAmpm != 0 {
		return -1 // 20 till 4 pm is 3:40 pm, not a range from 20:00
	}
	if isLetter(s.at(sep)) || s.at(sep) == '-' || s.at(sep) == '~' {
		// an English end must say am/pm or be a 24-hour clock: 2-4pm,
		// 9-17:00 (3-5 alone is anything)
		if t.endAmpm == 0 && s.at(k-3) != ':' && !s.zhClockEnd(k) {
			return -1
		}
	}
	*e = t
	return k
}

// zhClockEnd reports whether the text before k ends a Chinese clock (11点,
// 11点半, 9时).
func (s *scanner) zhClockEnd(k int) bool {
	for j := k - 1; j >= 0 && j >= k-4; j-- {
		if c := s.at(j); c == '点' || c == '时' {
			return true
		}
	}
	return false
}

// zhXun reads the thirds of a month after it (下个月中旬, 12月上旬) or alone
// (下旬: this month's, or next month's once passed): 上旬 from the 1st,
// 中旬 from the 11th, 下旬 from the 21st; 月中 is the 15th.
func zhXun(s *scanner, i int, e *expr) int {
	if !s.zh || e.day != 0 || e.freq != fNone || e.hasTime || e.hasDayOff || e.weekday != 0 {
		return -1
	}
	j, k := s.lits(i, "上旬", "中旬", "下旬", "月中")
	if j < 0 {
		return -1
	}
	if k == 3 && (e.month != 0 || e.hasMonthOff) {
		return -1 // 下个月中 is read by the month's own component
	}
	if k == 3 && s.at(j) == '旬' {
		return -1
	}
	e.day = [...]int{1, 11, 21, 15}[k]
	return j
}
