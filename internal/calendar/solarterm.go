package calendar

import "fmt"

// The 24 solar terms (节气) in tyme4go's order, which starts at 冬至: index
// 0 of tyme's year y is the 冬至 of December y-1.
var solarTermNames = [24]string{"冬至", "小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨", "立夏", "小满", "芒种",
	"夏至", "小暑", "大暑", "立秋", "处暑", "白露", "秋分", "寒露", "霜降", "立冬", "小雪", "大雪"}

// solarTermCodes are ASCII names for the terms, as X-SOLARTERM values.
var solarTermCodes = [24]string{"DONGZHI", "XIAOHAN", "DAHAN", "LICHUN", "YUSHUI", "JINGZHE", "CHUNFEN", "QINGMING", "GUYU",
	"LIXIA", "XIAOMAN", "MANGZHONG", "XIAZHI", "XIAOSHU", "DASHU", "LIQIU", "CHUSHU", "BAILU", "QIUFEN", "HANLU",
	"SHUANGJIANG", "LIDONG", "XIAOXUE", "DAXUE"}

// SolarTermIndex returns the index (0 冬至 … 23 大雪) of a solar term named
// in Chinese (清明) or by its ASCII code (QINGMING), and false for anything else.
func SolarTermIndex(name string) (int, bool) {
	for i := range solarTermNames {
		if name == solarTermNames[i] || name == solarTermCodes[i] {
			return i, true
		}
	}
	return 0, false
}

// SolarTermName returns the Chinese name of solar term i (清明 for 7).
func SolarTermName(i int) string { return solarTermNames[i] }

// SolarTermCode returns the ASCII code of solar term i (QINGMING for 7).
func SolarTermCode(i int) string { return solarTermCodes[i] }

// SolarTermDate returns the date in Gregorian year y on which solar term i
// (0 冬至 … 23 大雪) falls, in China's time zone.
func SolarTermDate(i, y int) (Date, error) {
	if i < 0 || i >= 24 || y < MinYear || y > MaxYear {
		return Date{}, fmt.Errorf("%w: solar term %d of %d", ErrOutOfRange, i, y)
	}
	for _, ty := range []int{y, y + 1} {
		if d := solarTermOf(ty, i); d.Year == y {
			return d, nil
		}
	}
	return Date{}, fmt.Errorf("%w: solar term %d of %d", ErrOutOfRange, i, y)
}

// IsSolarTerm reports whether solar term i falls on d.
func IsSolarTerm(d Date, i int) bool {
	t, err := SolarTermDate(i, d.Year)
	return err == nil && t == d
}

// solarTermOf returns the date of solar term i of tyme4go's year tymeYear
// (whose index 0 is the 冬至 of December tymeYear-1).
func solarTermOf(tymeYear, i int) Date { return tables.solarTerm(tymeYear, i) }
