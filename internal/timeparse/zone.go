package timeparse

import "time"

// Time zones named in the text (5pm CEST, 9am PST, at 8 GMT, UTC+8,
// 北京时间晚上8点): the time is read on that zone's clock and calendar and
// answered in the reminder's zone. Abbreviations name their region, whose
// rules decide daylight saving: "9am PST" in July is 9am in Los Angeles
// (PDT), the way people write it.

// enZones maps abbreviations (said after a clock) to IANA zones.
var enZones = []struct{ name, zone string }{
	{"pst", "America/Los_Angeles"}, {"pdt", "America/Los_Angeles"}, {"pt", "America/Los_Angeles"}, {"pacific time", "America/Los_Angeles"}, {"pacific", "America/Los_Angeles"},
	{"mst", "America/Denver"}, {"mdt", "America/Denver"}, {"mt", "America/Denver"}, {"mountain time", "America/Denver"},
	{"cst", "America/Chicago"}, {"cdt", "America/Chicago"}, {"ct", "America/Chicago"}, {"central time", "America/Chicago"},
	{"est", "America/New_York"}, {"edt", "America/New_York"}, {"et", "America/New_York"}, {"eastern time", "America/New_York"}, {"eastern", "America/New_York"},
	{"akst", "America/Anchorage"}, {"hst", "Pacific/Honolulu"},
	{"gmt", "UTC"}, {"utc", "UTC"}, {"z", "UTC"}, {"zulu", "UTC"},
	{"bst", "Europe/London"}, {"uk time", "Europe/London"}, {"london time", "Europe/London"},
	{"cet", "Europe/Paris"}, {"cest", "Europe/Paris"}, {"eet", "Europe/Athens"}, {"eest", "Europe/Athens"}, {"wet", "Europe/Lisbon"}, {"west", "Europe/Lisbon"},
	{"msk", "Europe/Moscow"}, {"ist", "Asia/Kolkata"}, {"jst", "Asia/Tokyo"}, {"kst", "Asia/Seoul"}, {"hkt", "Asia/Hong_Kong"},
	{"sgt", "Asia/Singapore"}, {"aest", "Australia/Sydney"}, {"aedt", "Australia/Sydney"}, {"awst", "Australia/Perth"},
	{"nzst", "Pacific/Auckland"}, {"nzdt", "Pacific/Auckland"}, {"beijing time", "Asia/Shanghai"}, {"china time", "Asia/Shanghai"},
	{"shanghai time", "Asia/Shanghai"}, {"hong kong time", "Asia/Hong_Kong"}, {"taipei time", "Asia/Taipei"}, {"tokyo time", "Asia/Tokyo"},
	{"japan time", "Asia/Tokyo"}, {"seoul time", "Asia/Seoul"}, {"singapore time", "Asia/Singapore"}, {"india time", "Asia/Kolkata"},
	{"dubai time", "Asia/Dubai"}, {"moscow time", "Europe/Moscow"}, {"paris time", "Europe/Paris"}, {"berlin time", "Europe/Berlin"},
	{"new york time", "America/New_York"}, {"ny time", "America/New_York"}, {"chicago time", "America/Chicago"}, {"toronto time", "America/Toronto"},
	{"los angeles time", "America/Los_Angeles"}, {"la time", "America/Los_Angeles"}, {"san francisco time", "America/Los_Angeles"},
	{"seattle time", "America/Los_Angeles"}, {"vancouver time", "America/Vancouver"}, {"sydney time", "Australia/Sydney"},
	{"melbourne time", "Australia/Melbourne"}, {"auckland time", "Pacific/Auckland"},
}

// zhZones maps the place before 时间 (北京时间, 东京时间) to IANA zones.
var zhZones = []struct{ name, zone string }{
	{"北京", "Asia/Shanghai"}, {"中国", "Asia/Shanghai"}, {"上海", "Asia/Shanghai"}, {"香港", "Asia/Hong_Kong"}, {"台北", "Asia/Taipei"},
	{"东京", "Asia/Tokyo"}, {"日本", "Asia/Tokyo"}, {"首尔", "Asia/Seoul"}, {"韩国", "Asia/Seoul"}, {"新加坡", "Asia/Singapore"},
	{"印度", "Asia/Kolkata"}, {"迪拜", "Asia/Dubai"}, {"莫斯科", "Europe/Moscow"}, {"伦敦", "Europe/London"}, {"英国", "Europe/London"},
	{"巴黎", "Europe/Paris"}, {"柏林", "Europe/Berlin"}, {"德国", "Europe/Berlin"}, {"法国", "Europe/Paris"}, {"欧洲中部", "Europe/Paris"},
	{"纽约", "America/New_York"}, {"美东", "America/New_York"}, {"美国东部", "America/New_York"}, {"东部", "America/New_York"},
	{"芝加哥", "America/Chicago"}, {"美中", "America/Chicago"}, {"美国中部", "America/Chicago"},
	{"洛杉矶", "America/Los_Angeles"}, {"旧金山", "America/Los_Angeles"}, {"西雅图", "America/Los_Angeles"}, {"美西", "America/Los_Angeles"},
	{"美国西部", "America/Los_Angeles"}, {"太平洋", "America/Los_Angeles"}, {"温哥华", "America/Vancouver"}, {"多伦多", "America/Toronto"},
	{"悉尼", "Australia/Sydney"}, {"墨尔本", "Australia/Melbourne"}, {"奥克兰", "Pacific/Auckland"},
	{"格林尼治", "UTC"}, {"格林威治", "UTC"}, {"世界标准", "UTC"}, {"协调世界", "UTC"},
}

// zoneName reads a zone the text names: 北京时间 anywhere in the time, an
// abbreviation or UTC±h after a clock (5pm CEST, at 8 GMT, 3pm UTC+8).
func zoneName(s *scanner, i int, e *expr) int {
	if e.zone.kind != 0 {
		return -1
	}
	if s.zh {
		i0 := i
		if c := s.at(i); (c == '（' || c == '(') && s.at(i+1) >= 0x4e00 {
			i++ // 明天下午3点（北京时间）
		}
		if k := s.zhZoneAt(i, e); k >= 0 {
			if i > i0 {
				if c := s.at(k); c != '）' && c != ')' {
					e.zone = zoneRef{}
					return -1
				}
				k++
			}
			return k
		}
		if s.at(i) >= 0x4e00 || i > i0 {
			return -1
		}
	}
	if !e.hasTime || !isLetter(s.at(i)) && s.at(i) != '(' {
		return -1
	}
	j := i
	if s.at(j) == '(' {
		j++
	}
	if k, _ := s.words(j, "utc", "gmt"); k >= 0 && (s.at(k) == '+' || s.at(k) == '-') {
		// UTC+8, GMT-5, UTC+5:30
		sign := 1
		if s.at(k) == '-' {
			sign = -1
		}
		h, k2, _ := s.digits(k+1, 2)
		if k2 < 0 || h > 14 {
			return -1
		}
		m := 0
		if s.at(k2) == ':' {
			if v, k3, n := s.digits(k2+1, 2); k3 >= 0 && n == 2 && v < 60 {
				m, k2 = v, k3
			}
		}
		e.zone = zoneRef{kind: zoneFixed, off: int32(sign * (h*3600 + m*60))}
		return closeParen(s, i, k2)
	}
	best, bz := -1, ""
	for _, z := range enZones {
		if k := s.word(j, z.name); k > best {
			best, bz = k, z.zone
		}
	}
	if best < 0 {
		return -1
	}
	e.zone = namedZone(bz)
	best = opt(best, s.spw(best, "time"))
	return closeParen(s, i, best)
}

// closeParen consumes the ) of "(UTC+8)" when the zone opened with one.
func closeParen(s *scanner, i, k int) int {
	if s.at(i) == '(' {
		if s.at(k) != ')' {
			return -1
		}
		return k + 1
	}
	return k
}

// zhZoneStart reports whether a name of zhZones may start with c.
func zhZoneStart(c rune) bool {
	switch c {
	case '北', '中', '上', '香', '台', '东', '日', '首', '韩', '新', '印', '迪', '莫', '伦', '英', '巴', '柏', '德', '法', '欧', '纽', '美', '芝', '洛', '旧', '西', '太', '温', '多', '悉', '墨', '奥', '格', '世', '协':
		return true
	}
	return false
}

// zhZoneAt reads 北京时间, 东京时间, UTC时间 at i into e.
func (s *scanner) zhZoneAt(i int, e *expr) int {
	if c := s.at(i); c != 'u' && c != 'g' && (c < 0x4e00 || !zhZoneStart(c)) {
		return -1
	}
	if k, _ := s.words(i, "utc", "gmt"); k >= 0 {
		if k2 := s.lits1(s.sp(k), "时间", "時間"); k2 >= 0 {
			e.zone = zoneRef{kind: zoneFixed}
			return k2
		}
		return -1
	}
	if s.at(i) < 0x4e00 || !zhZoneStart(s.at(i)) {
		return -1
	}
	for _, z := range zhZones {
		if k := s.lit(i, z.name); k >= 0 {
			if k2 := s.lits1(k, "时间", "時間"); k2 >= 0 {
				e.zone = namedZone(z.zone)
				return k2
			}
		}
	}
	return -1
}

// zoneRef is a zone the text names, kept without pointers so that copying
// an expr (which the scanner does for every try) stays a plain memmove.
type zoneRef struct {
	kind uint8 // zoneNone, zoneNamed or zoneFixed
	name uint8 // zoneNamed: index into ianaZones
	off  int32 // zoneFixed: seconds east of UTC
}

const (
	zoneNone uint8 = iota
	zoneNamed
	zoneFixed
)

// ianaZones lists the IANA names the tables use, once each.
var ianaZones = func() []string {
	var out []string
	seen := map[string]bool{}
	for _, z := range enZones {
		if !seen[z.zone] {
			seen[z.zone], out = true, append(out, z.zone)
		}
	}
	for _, z := range zhZones {
		if !seen[z.zone] {
			seen[z.zone], out = true, append(out, z.zone)
		}
	}
	return out
}()

func namedZone(name string) zoneRef {
	for k, n := range ianaZones {
		if n == name {
			return zoneRef{kind: zoneNamed, name: uint8(k)}
		}
	}
	return zoneRef{}
}

// location loads the zone; nil when there is none or it cannot be loaded
// (then the reminder's zone is used).
func (z zoneRef) location() *time.Location {
	switch z.kind {
	case zoneFixed:
		if z.off == 0 {
			return time.UTC
		}
		return time.FixedZone("", int(z.off))
	case zoneNamed:
		if loc, err := time.LoadLocation(ianaZones[z.name]); err == nil {
			return loc
		}
	}
	return nil
}
