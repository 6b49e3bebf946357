package calendar

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/6tail/tyme4go/tyme"
)

// The memoised tables are checked against tyme4go asked directly, the way
// this package asked it before the tables existed.

// TestLunarYearsAgreeWithTyme compares, year by year from 1950 to 2100, every
// month of the lunar year (number, leap flag, length, Gregorian first day)
// and the leap month with tyme4go's own answer.
func TestLunarYearsAgreeWithTyme(t *testing.T) {
	for y := 1950; y <= 2100; y++ {
		ly, err := tyme.LunarYear{}.FromYear(y)
		if err != nil {
			t.Fatal(err)
		}
		want := ly.GetMonths()
		got, err := LunarMonths(y)
		if err != nil || len(got) != len(want) {
			t.Fatalf("LunarMonths(%d) = %d months, %v; tyme4go has %d", y, len(got), err, len(want))
		}
		for i, m := range want {
			sd := m.GetFirstJulianDay().GetSolarDay()
			first := NewDate(sd.GetYear(), time.Month(sd.GetMonth()), sd.GetDay())
			mm := m.GetMonthWithLeap()
			w := LunarMonth{Year: y, Month: abs(mm), Leap: mm < 0, Days: m.GetDayCount(), First: first}
			if got[i] != w {
				t.Errorf("LunarMonths(%d)[%d] = %+v, tyme4go %+v", y, i, got[i], w)
			}
			if n, err := LunarMonthDays(y, w.Month, w.Leap); err != nil || n != w.Days {
				t.Errorf("LunarMonthDays(%d, %d, %t) = %d, %v; want %d", y, w.Month, w.Leap, n, err, w.Days)
			}
			for _, day := range []int{1, w.Days} {
				if g, err := FromLunar(LunarDate{y, w.Month, w.Leap, day}); err != nil || g != first.AddDays(day-1) {
					t.Errorf("FromLunar(%d-%d%s-%d) = %v, %v; want %v", y, w.Month, map[bool]string{true: "L"}[w.Leap], day, g, err, first.AddDays(day-1))
				}
			}
			if _, err := FromLunar(LunarDate{y, w.Month, w.Leap, w.Days + 1}); err == nil {
				t.Errorf("FromLunar(%d-%d leap %t day %d) succeeded", y, w.Month, w.Leap, w.Days+1)
			}
		}
		if l, err := LeapMonth(y); err != nil || l != ly.GetLeapMonth() {
			t.Errorf("LeapMonth(%d) = %d, %v; tyme4go %d", y, l, err, ly.GetLeapMonth())
		}
		for m := 1; m <= 12; m++ {
			_, err := FromLunar(LunarDate{y, m, true, 1})
			if (err == nil) != (m == ly.GetLeapMonth()) {
				t.Errorf("FromLunar(%d-L%02d-01): err %v, tyme4go's leap month is %d", y, m, err, ly.GetLeapMonth())
			}
		}
	}
}

// TestToLunarAgreesWithTyme checks every day from 1950 to 2100 both ways.
// Lunar to Gregorian: every day of every lunar month as tyme4go dates it
// (LunarDay.GetSolarDay: the month's first Julian day plus the day), which
// must convert back with ToLunar and FromLunar and, month after month, cover
// the Gregorian days without gap or overlap. Gregorian to lunar: tyme4go's
// SolarDay.GetLunarDay on the first and last day of every month, where an
// error would show; it takes about 0.1 ms a day (100 s for all 55,000 days
// under -race), so CALENDAR_EXHAUSTIVE=1 asks it for every day.
func TestToLunarAgreesWithTyme(t *testing.T) {
	exhaustive := os.Getenv("CALENDAR_EXHAUSTIVE") != ""
	tymeToLunar := func(d Date) LunarDate {
		sd, err := tyme.SolarDay{}.FromYmd(d.Year, int(d.Month), d.Day)
		if err != nil {
			t.Fatal(err)
		}
		ld := sd.GetLunarDay()
		mm := ld.GetLunarMonth().GetMonthWithLeap()
		return LunarDate{ld.GetYear(), abs(mm), mm < 0, ld.GetDay()}
	}
	var next Date // the Gregorian day the next lunar day must fall on
	for y := 1950; y <= 2100; y++ {
		ly, err := tyme.LunarYear{}.FromYear(y)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ly.GetMonths() {
			jd := m.GetFirstJulianDay()
			mm := m.GetMonthWithLeap()
			n := m.GetDayCount()
			for day := 1; day <= n; day++ {
				sd := jd.Next(day - 1).GetSolarDay()
				d := Date{sd.GetYear(), time.Month(sd.GetMonth()), sd.GetDay()}
				l := LunarDate{y, abs(mm), mm < 0, day}
				if !next.IsZero() && d != next {
					t.Fatalf("lunar %v is %v, expected %v", l, d, next)
				}
				next = d.AddDays(1)
				if got, err := ToLunar(d); err != nil || got != l {
					t.Errorf("ToLunar(%v) = %v, %v; tyme4go dates %v on it", d, got, err, l)
				}
				if got, err := FromLunar(l); err != nil || got != d {
					t.Errorf("FromLunar(%v) = %v, %v; tyme4go %v", l, got, err, d)
				}
				if (exhaustive || day == 1 || day == n) && d.Year >= 1950 && d.Year <= 2100 {
					if want := tymeToLunar(d); want != l {
						t.Errorf("ToLunar(%v) = %v, tyme4go's SolarDay.GetLunarDay %v", d, l, want)
					}
				}
			}
		}
	}
	if next.Year != 2101 {
		t.Errorf("lunar years 1950–2100 end on %v", next)
	}
	for _, d := range []Date{{1900, 12, 31}, {3000, 1, 1}, {2026, 2, 30}, {2026, 13, 1}} {
		if got, err := ToLunar(d); err == nil {
			t.Errorf("ToLunar(%v) = %v, want error", d, got)
		}
	}
	// The ends of the supported range, where the lunar year before the first
	// Gregorian year and the last lunar year are needed.
	for _, d := range []Date{{1901, 1, 1}, {2999, 12, 31}} {
		if got, err := ToLunar(d); err != nil || got != tymeToLunar(d) {
			t.Errorf("ToLunar(%v) = %v, %v; tyme4go %v", d, got, err, tymeToLunar(d))
		}
	}
}

// TestSolarTermsAgreeWithTyme checks, day by day from 2000 to 2100, which
// solar term (if any) falls on the day, against tyme4go's dates of all 24
// terms of every year.
func TestSolarTermsAgreeWithTyme(t *testing.T) {
	type key struct {
		d Date
		i int
	}
	want := map[key]bool{}
	for ty := 2000; ty <= 2101; ty++ {
		for i := range 24 {
			sd := tyme.SolarTerm{}.FromIndex(ty, i).GetSolarDay()
			d := Date{sd.GetYear(), time.Month(sd.GetMonth()), sd.GetDay()}
			want[key{d, i}] = true
			if got := solarTermOf(ty, i); got != d {
				t.Errorf("solarTermOf(%d, %d) = %v, tyme4go %v", ty, i, got, d)
			}
			if d.Year >= 2000 && d.Year <= 2100 {
				if got, err := SolarTermDate(i, d.Year); err != nil || got != d {
					t.Errorf("SolarTermDate(%s, %d) = %v, %v; tyme4go %v", SolarTermCode(i), d.Year, got, err, d)
				}
			}
		}
	}
	for d := NewDate(2000, 1, 1); d.Year <= 2100; d = d.AddDays(1) {
		for i := range 24 {
			if got := IsSolarTerm(d, i); got != want[key{d, i}] {
				t.Errorf("IsSolarTerm(%v, %s) = %t, tyme4go %t", d, SolarTermCode(i), got, !got)
			}
		}
	}
}

// TestTablesConcurrent fills a fresh set of tables from several goroutines
// at once (run with -race) and checks they all see the same answers.
func TestTablesConcurrent(t *testing.T) {
	tb := new(yearTables)
	const workers = 4
	results := make([][]lunarYear, workers)
	terms := make([][]Date, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for y := 2020; y <= 2030; y++ {
				ly, err := tb.lunarYear(y + w%2) // overlapping years, in different orders
				if err != nil {
					t.Error(err)
					return
				}
				results[w] = append(results[w], *ly)
				terms[w] = append(terms[w], tb.solarTerm(y, 7))
			}
		})
	}
	wg.Wait()
	for w := 2; w < workers; w++ {
		for i := range results[w] {
			if results[w][i] != results[w%2][i] || terms[w][i] != terms[w%2][i] {
				t.Errorf("worker %d year %d: %+v/%v, worker %d saw %+v/%v", w, i, results[w][i], terms[w][i], w%2, results[w%2][i], terms[w%2][i])
			}
		}
	}
	if _, err := tb.lunarYear(minLunarYear - 1); err == nil {
		t.Error("lunar year before the range accepted")
	}
	if _, err := tb.lunarYear(maxLunarYear + 1); err == nil {
		t.Error("lunar year after the range accepted")
	}
}

func BenchmarkToLunar(b *testing.B) {
	day := d("2026-09-25")
	for b.Loop() {
		if _, err := ToLunar(day); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLunarMonths(b *testing.B) {
	for b.Loop() {
		if _, err := LunarMonths(2026); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSolarTermDate(b *testing.B) {
	for b.Loop() {
		if _, err := SolarTermDate(7, 2027); err != nil {
			b.Fatal(err)
		}
	}
}
