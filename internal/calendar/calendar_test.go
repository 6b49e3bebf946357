package calendar

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/6tail/tyme4go/tyme"
)

func d(s string) Date {
	x, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestLunarConversion(t *testing.T) {
	tests := []struct {
		solar string
		lunar LunarDate
	}{
		{"2026-02-17", LunarDate{2026, 1, false, 1}},   // 春节 2026
		{"2026-02-16", LunarDate{2025, 12, false, 29}}, // 除夕 2026, a 29-day 腊月
		{"2024-02-09", LunarDate{2023, 12, false, 30}}, // 除夕 2024, a 30-day 腊月
		{"2025-07-25", LunarDate{2025, 6, true, 1}},    // 闰六月初一
		{"2025-08-01", LunarDate{2025, 6, true, 8}},
		{"2025-06-25", LunarDate{2025, 6, false, 1}},
		{"2023-03-22", LunarDate{2023, 2, true, 1}},  // 闰二月初一
		{"2020-05-23", LunarDate{2020, 4, true, 1}},  // 闰四月初一
		{"2026-04-19", LunarDate{2026, 3, false, 3}}, // 三月初三
		{"2000-02-05", LunarDate{2000, 1, false, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.solar, func(t *testing.T) {
			got, err := ToLunar(d(tc.solar))
			if err != nil || got != tc.lunar {
				t.Errorf("ToLunar(%s) = %v, %v; want %v", tc.solar, got, err, tc.lunar)
			}
			back, err := FromLunar(tc.lunar)
			if err != nil || back != d(tc.solar) {
				t.Errorf("FromLunar(%v) = %v, %v; want %s", tc.lunar, back, err, tc.solar)
			}
		})
	}
}

func TestFromLunarErrors(t *testing.T) {
	bad := []LunarDate{
		{2025, 12, false, 30}, // 2025's 腊月 has 29 days
		{2026, 6, true, 1},    // no leap month in 2026
		{2026, 13, false, 1},
		{2026, 1, false, 0},
		{5000, 1, false, 1},
	}
	for _, l := range bad {
		if got, err := FromLunar(l); err == nil {
			t.Errorf("FromLunar(%v) = %v, want error", l, got)
		}
	}
}

func TestLeapMonth(t *testing.T) {
	for y, want := range map[int]int{2020: 4, 2023: 2, 2025: 6, 2026: 0, 2028: 5} {
		if got, err := LeapMonth(y); err != nil || got != want {
			t.Errorf("LeapMonth(%d) = %d, %v; want %d", y, got, err, want)
		}
	}
	ms, err := LunarMonths(2025)
	if err != nil || len(ms) != 13 || !ms[6].Leap || ms[6].Month != 6 || ms[6].First != d("2025-07-25") {
		t.Errorf("LunarMonths(2025) = %+v, %v", ms, err)
	}
}

func TestNextFestival(t *testing.T) {
	tests := []struct {
		name, from, want string
	}{
		{"除夕", "2026-11-22", "2027-02-05"},
		{"春节", "2026-11-22", "2027-02-06"},
		{"中秋", "2026-11-22", "2027-09-15"},
		{"中秋节", "2026-09-25", "2026-09-25"}, // on or after
		{"国庆", "2026-11-22", "2027-10-01"},
		{"国庆节", "2026-10-01", "2026-10-01"},
		{"元旦", "2026-11-22", "2027-01-01"},
		{"圣诞", "2026-11-22", "2026-12-25"},
		{"Christmas", "2026-12-26", "2027-12-25"},
		{"christmas eve", "2026-11-22", "2026-12-24"},
		{"Valentine's Day", "2026-11-22", "2027-02-14"},
		{"Halloween", "2026-11-22", "2027-10-31"},
		{"New Year's Day", "2026-11-22", "2027-01-01"},
		{"植树节", "2026-11-22", "2027-03-12"},
		{"教师节", "2026-11-22", "2027-09-10"},
		{"除夕", "2023-06-01", "2024-02-09"}, // 腊月三十
		{"除夕", "2025-06-01", "2026-02-16"}, // 腊月廿九
		{"腊八", "2026-01-01", "2026-01-26"},
		{"小年", "2026-01-01", "2026-02-10"},
		{"元宵", "2026-01-01", "2026-03-03"},
		{"端午", "2026-01-01", "2026-06-19"},
		{"七夕", "2026-01-01", "2026-08-19"},
		{"重阳", "2026-01-01", "2026-10-18"},
		{"清明", "2026-01-01", "2026-04-05"},
		{"清明节", "2026-04-06", "2027-04-05"},
		{"龙抬头", "2026-01-01", "2026-03-20"},
	}
	for _, tc := range tests {
		t.Run(tc.name+"/"+tc.from, func(t *testing.T) {
			got, ok := NextFestival(tc.name, d(tc.from))
			if !ok || got != d(tc.want) {
				t.Errorf("NextFestival(%q, %s) = %v, %t; want %s", tc.name, tc.from, got, ok, tc.want)
			}
		})
	}
	if _, ok := NextFestival("no such day", d("2026-01-01")); ok {
		t.Error("unknown festival found")
	}
	if _, ok := NextFestival("春节", d("2999-12-31")); ok {
		t.Error("festival past MaxYear found")
	}
}

func TestFestivalDate(t *testing.T) {
	for _, name := range FestivalNames() {
		for y := 2000; y <= 2060; y++ {
			got, ok := FestivalDate(name, y)
			next, _ := NextFestival(name, NewDate(y, time.January, 1))
			switch {
			case ok && (got.Year != y || got != next):
				t.Fatalf("FestivalDate(%q, %d) = %v; NextFestival = %v", name, y, got, next)
			case !ok && next.Year == y:
				// A lunar year may skip a Gregorian one: 腊八 2004 fell on
				// 2003-12-31 and 2005-01-17.
				t.Fatalf("FestivalDate(%q, %d) = none; NextFestival = %v", name, y, next)
			}
		}
	}
	// 除夕 is always the day before 春节.
	for y := 1950; y <= 2100; y++ {
		eve, _ := FestivalDate("除夕", y)
		ny, _ := NextFestival("春节", eve)
		if eve.AddDays(1) != ny {
			t.Errorf("%d: 除夕 %v, 春节 %v", y, eve, ny)
		}
	}
}

// TestWorkdays checks the fixture testdata/workdays.txt: "date kind" lines.
func TestWorkdays(t *testing.T) {
	f, err := os.Open("testdata/workdays.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		day, want := d(fields[0]), fields[1]
		if got := Kind(day).String(); got != want {
			t.Errorf("Kind(%v) = %s, want %s (%s)", day, got, want, line)
		}
		wantWork := want == "workday" || want == "makeup-workday"
		if IsWorkday(day) != wantWork {
			t.Errorf("IsWorkday(%v) = %t", day, !wantWork)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d fixture lines", n)
	}
}

func TestCoveredYears(t *testing.T) {
	ys := CoveredYears()
	for y := 2002; y <= 2026; y++ {
		if !slices.Contains(ys, y) || !Covered(y) {
			t.Errorf("year %d not covered: %v", y, ys)
		}
	}
	if Covered(2027) || Covered(2001) {
		t.Errorf("covered years %v include 2027 or 2001", ys)
	}
	if got := EmbeddedYears(); !slices.Equal(got, []int{2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026}) {
		t.Errorf("EmbeddedYears = %v", got)
	}
}

// TestAgreesWithTyme compares our embedded schedules with tyme4go's data day
// by day: two independent transcriptions of the same State Council notices.
func TestAgreesWithTyme(t *testing.T) {
	for _, y := range EmbeddedYears() {
		for day := NewDate(y, time.January, 1); day.Year == y; day = day.AddDays(1) {
			weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
			want := !weekend
			if h, _ := (tyme.LegalHoliday{}).FromYmd(day.Year, int(day.Month), day.Day); h != nil {
				want = h.IsWork()
			}
			if got := IsWorkday(day); got != want {
				t.Errorf("%v: IsWorkday = %t, tyme4go says %t", day, got, want)
			}
		}
	}
}

func TestBuildTableErrors(t *testing.T) {
	for _, js := range []string{
		`{`,
		`{"years":{"x":[]}}`,
		`{"years":{"2030":[{"name":"a","off":["2030-01-01"]}]}}`,
		`{"years":{"2030":[{"name":"a","off":["2030-01-02","2030-01-01"]}]}}`,
		`{"years":{"2030":[{"name":"a","off":["2030-01-01","2030-01-01"],"work":["nope"]}]}}`,
	} {
		if _, err := buildTable([]byte(js), ""); err == nil {
			t.Errorf("buildTable(%s) succeeded", js)
		}
	}
}

func BenchmarkIsWorkday(b *testing.B) {
	day := d("2026-10-08")
	for b.Loop() {
		IsWorkday(day)
	}
}

func BenchmarkIsWorkdayUncovered(b *testing.B) {
	day := d("2027-10-08")
	for b.Loop() {
		IsWorkday(day)
	}
}

func TestSolarTerms(t *testing.T) {
	for _, c := range []struct {
		name string
		y    int
		want string
	}{
		{"冬至", 2026, "2026-12-22"}, {"冬至", 2028, "2028-12-21"}, {"清明", 2028, "2028-04-04"},
		{"QINGMING", 2027, "2027-04-05"}, {"立春", 2029, "2029-02-03"}, {"小寒", 2027, "2027-01-05"},
	} {
		i, ok := SolarTermIndex(c.name)
		if !ok {
			t.Fatalf("%s: unknown", c.name)
		}
		d, err := SolarTermDate(i, c.y)
		if err != nil || d.String() != c.want {
			t.Errorf("%s %d: got %v, %v; want %s", c.name, c.y, d, err, c.want)
		}
		if !IsSolarTerm(d, i) || IsSolarTerm(d.AddDays(1), i) {
			t.Errorf("%s %d: IsSolarTerm disagrees with SolarTermDate", c.name, c.y)
		}
	}
	if d, ok := NextFestival("冬至", NewDate(2026, 11, 22)); !ok || d.String() != "2026-12-22" {
		t.Errorf("NextFestival(冬至) = %v, %v", d, ok)
	}
	if d, ok := FestivalDate("冬至", 2026); !ok || d.String() != "2026-12-22" {
		t.Errorf("FestivalDate(冬至, 2026) = %v, %v", d, ok)
	}
}
