package recur

import "testing"

// Benchmarks of the next-occurrence computation the scheduler runs for every
// firing, one per kind of rule, each asked from a fixed instant the way the
// scheduler asks from a just-fired occurrence. The plain Gregorian rule is the
// baseline the calendar extensions are measured against.

func benchRule(b *testing.B, rule, start, after string, n int) {
	b.Helper()
	sh := mustLoad(b, "Asia/Shanghai")
	r, err := Parse(rule, at(sh, start))
	if err != nil {
		b.Fatal(err)
	}
	now := at(sh, after)
	b.ReportAllocs()
	for b.Loop() {
		if n == 1 {
			if _, ok := r.After(now); !ok {
				b.Fatal("none")
			}
			continue
		}
		if got := r.Next(now, n); len(got) != n {
			b.Fatalf("got %d occurrences, want %d", len(got), n)
		}
	}
}

// Baseline: a plain Gregorian yearly rule.
func BenchmarkGregorianYearlyAfter(b *testing.B) {
	benchRule(b, "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15", "2020-01-01 09:00", "2026-11-22 10:00", 1)
}

// 中秋 (lunar 8/15) every year: the herd case.
func BenchmarkLunarYearlyAfter(b *testing.B) {
	benchRule(b, "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15", "2020-01-01 09:00", "2026-11-22 10:00", 1)
}

func BenchmarkLunarYearlyNext10(b *testing.B) {
	benchRule(b, "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15", "2020-01-01 09:00", "2026-11-22 10:00", 10)
}

// 初一 of every lunar month, leap months included.
func BenchmarkLunarMonthlyAfter(b *testing.B) {
	benchRule(b, "RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=1", "2020-01-01 08:00", "2026-11-22 10:00", 1)
}

func BenchmarkLunarMonthlyNext12(b *testing.B) {
	benchRule(b, "RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=1", "2020-01-01 08:00", "2026-11-22 10:00", 12)
}

// A leap month that most years lack, moved to the 6th month by SKIP=BACKWARD
// (闰六月 exists in 2025 and then not until 2044 or so).
func BenchmarkLunarLeapSkipAfter(b *testing.B) {
	benchRule(b, "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=6L;BYMONTHDAY=30;SKIP=BACKWARD", "2020-01-01 08:00", "2026-11-22 10:00", 1)
}

// A leap month under SKIP=OMIT: the search walks years until one has it.
func BenchmarkLunarLeapOmitAfter(b *testing.B) {
	benchRule(b, "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=6L;BYMONTHDAY=1", "2020-01-01 08:00", "2026-11-22 10:00", 1)
}

// Every working day, from the day before the National Day week (next one is
// 8 days later) and from a year without a published schedule.
func BenchmarkWorkdayDailyAfter(b *testing.B) {
	benchRule(b, "FREQ=DAILY;X-WORKDAY=CN", "2020-01-01 09:00", "2026-09-30 10:00", 1)
}

func BenchmarkWorkdayDailyAfterUncovered(b *testing.B) {
	benchRule(b, "FREQ=DAILY;X-WORKDAY=CN", "2020-01-01 09:00", "2031-09-30 10:00", 1)
}

func BenchmarkWorkdayDailyNext20(b *testing.B) {
	benchRule(b, "FREQ=DAILY;X-WORKDAY=CN", "2020-01-01 09:00", "2026-09-30 10:00", 20)
}

// 清明 every year, as timeparse writes it.
func BenchmarkSolarTermYearlyAfter(b *testing.B) {
	benchRule(b, "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=3,4,5,6;X-SOLARTERM=QINGMING", "2020-01-01 09:00", "2026-11-22 10:00", 1)
}

// Parse plus After, the way nextfire and the v1 create path use a rule.
func BenchmarkLunarYearlyParseAfter(b *testing.B) {
	sh := mustLoad(b, "Asia/Shanghai")
	start, now := at(sh, "2020-01-01 09:00"), at(sh, "2026-11-22 10:00")
	b.ReportAllocs()
	for b.Loop() {
		r, err := Parse("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15", start)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := r.After(now); !ok {
			b.Fatal("none")
		}
	}
}
