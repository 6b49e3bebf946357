package recur

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/calendar"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOccurrences(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	london := mustLoad(t, "Europe/London")
	sh := mustLoad(t, "Asia/Shanghai")
	tests := []struct {
		name  string
		rule  string
		loc   *time.Location
		start string // dtstart, local
		after string // query, local
		want  []string
	}{
		{"daily 09:00 across NY spring forward", "FREQ=DAILY", ny, "2026-03-06 09:00", "2026-03-06 09:00",
			[]string{"2026-03-07T09:00:00-05:00", "2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"}},
		{"daily 09:00 across NY fall back", "FREQ=DAILY", ny, "2026-10-30 09:00", "2026-10-31 00:00",
			[]string{"2026-10-31T09:00:00-04:00", "2026-11-01T09:00:00-05:00", "2026-11-02T09:00:00-05:00"}},
		{"02:30 in the NY gap fires at 03:30 EDT", "FREQ=DAILY", ny, "2026-03-07 02:30", "2026-03-07 03:00",
			[]string{"2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"}},
		{"01:30 in the NY fold is the first one", "FREQ=DAILY", ny, "2026-10-31 01:30", "2026-10-31 02:00",
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
		{"weekly London across BST end", "FREQ=WEEKLY;BYDAY=SU", london, "2026-10-18 08:00", "2026-10-18 08:00",
			[]string{"2026-10-25T08:00:00Z", "2026-11-01T08:00:00Z"}},
		{"London 01:30 gap", "FREQ=DAILY;BYHOUR=1;BYMINUTE=30", london, "2026-03-28 00:00", "2026-03-28 00:00",
			[]string{"2026-03-28T01:30:00Z", "2026-03-29T02:30:00+01:00", "2026-03-30T01:30:00+01:00"}},
		{"hourly across NY gap keeps wall clock", "FREQ=HOURLY;INTERVAL=1", ny, "2026-03-08 00:00", "2026-03-08 00:00",
			[]string{"2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"}},
		{"BYMONTHDAY=31 skips short months", "FREQ=MONTHLY;BYMONTHDAY=31", sh, "2026-01-31 08:00", "2026-01-31 08:00",
			[]string{"2026-03-31T08:00:00+08:00", "2026-05-31T08:00:00+08:00", "2026-07-31T08:00:00+08:00"}},
		{"monthly from the 31st", "FREQ=MONTHLY", sh, "2026-08-31 08:00", "2026-08-31 08:00",
			[]string{"2026-10-31T08:00:00+08:00", "2026-12-31T08:00:00+08:00"}},
		{"BYMONTHDAY=-1 last day", "FREQ=MONTHLY;BYMONTHDAY=-1", sh, "2028-01-01 08:00", "2028-01-01 08:00",
			[]string{"2028-01-31T08:00:00+08:00", "2028-02-29T08:00:00+08:00", "2028-03-31T08:00:00+08:00"}},
		{"Feb 29 yearly", "FREQ=YEARLY", sh, "2024-02-29 10:00", "2024-02-29 10:00",
			[]string{"2028-02-29T10:00:00+08:00", "2032-02-29T10:00:00+08:00"}},
		{"far from dtstart (re-anchored)", "FREQ=DAILY;INTERVAL=3", sh, "2000-01-01 07:00", "2026-06-01 00:00",
			[]string{"2026-06-01T07:00:00+08:00", "2026-06-04T07:00:00+08:00"}}, // 9648 days = 3×3216
		{"minutely interval 90 re-anchored", "FREQ=MINUTELY;INTERVAL=90", sh, "2026-01-01 00:00", "2026-06-01 00:00",
			[]string{"2026-06-01T01:30:00+08:00", "2026-06-01T03:00:00+08:00"}},
		{"second Tuesday", "FREQ=MONTHLY;BYDAY=2TU", ny, "2026-01-01 10:00", "2026-01-01 10:00",
			[]string{"2026-01-13T10:00:00-05:00", "2026-02-10T10:00:00-05:00"}},
		{"last workday-ish BYSETPOS", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", ny, "2026-01-01 17:00", "2026-01-01 17:00",
			[]string{"2026-01-30T17:00:00-05:00", "2026-02-27T17:00:00-05:00"}},
		{"COUNT stops", "FREQ=DAILY;COUNT=3", sh, "2026-01-01 09:00", "2026-01-01 12:00",
			[]string{"2026-01-02T09:00:00+08:00", "2026-01-03T09:00:00+08:00"}},
		{"dtstart itself is an occurrence", "FREQ=DAILY;COUNT=2", sh, "2026-01-01 09:00", "2025-12-31 00:00",
			[]string{"2026-01-01T09:00:00+08:00", "2026-01-02T09:00:00+08:00"}},
		{"UNTIL inclusive", "FREQ=DAILY;UNTIL=20260103T010000Z", sh, "2026-01-01 09:00", "2026-01-01 09:00",
			[]string{"2026-01-02T09:00:00+08:00", "2026-01-03T09:00:00+08:00"}},
		{"never: Feb 30", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", sh, "2026-01-01 09:00", "2026-01-01 09:00", nil},
		{"never: hourly phase", "FREQ=HOURLY;INTERVAL=2;BYHOUR=1", sh, "2026-01-01 00:00", "2026-01-01 00:00", nil},

		// 2026 National Day: Sep 20 (Sun) worked, Sep 25–27 and Oct 1–7 off, Oct 10 (Sat) worked.
		{"workdays across National Day 2026", "FREQ=DAILY;X-WORKDAY=CN", sh, "2026-09-18 09:00", "2026-09-18 09:00",
			[]string{"2026-09-20T09:00:00+08:00", "2026-09-21T09:00:00+08:00", "2026-09-22T09:00:00+08:00",
				"2026-09-23T09:00:00+08:00", "2026-09-24T09:00:00+08:00", "2026-09-28T09:00:00+08:00",
				"2026-09-29T09:00:00+08:00", "2026-09-30T09:00:00+08:00", "2026-10-08T09:00:00+08:00",
				"2026-10-09T09:00:00+08:00", "2026-10-10T09:00:00+08:00", "2026-10-12T09:00:00+08:00"}},
		{"rest days across National Day 2026", "FREQ=DAILY;X-WORKDAY=CN-OFF", sh, "2026-09-18 10:00", "2026-09-18 10:00",
			[]string{"2026-09-19T10:00:00+08:00", "2026-09-25T10:00:00+08:00", "2026-09-26T10:00:00+08:00",
				"2026-09-27T10:00:00+08:00", "2026-10-01T10:00:00+08:00"}},
		{"workday COUNT counts kept days", "FREQ=DAILY;COUNT=2;X-WORKDAY=CN", sh, "2026-09-30 09:00", "2026-09-01 00:00",
			[]string{"2026-09-30T09:00:00+08:00", "2026-10-08T09:00:00+08:00"}},

		// Solar terms: 清明 on Apr 5 2027, Apr 4 2028 and 2029.
		{"清明 yearly", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=3,4,5,6;X-SOLARTERM=QINGMING", sh, "2026-11-22 09:00", "2026-11-22 09:00",
			[]string{"2027-04-05T09:00:00+08:00", "2028-04-04T09:00:00+08:00", "2029-04-04T09:00:00+08:00"}},

		// Lunar rules.
		{"除夕 yearly", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1", sh, "2024-01-01 20:00", "2024-01-01 00:00",
			[]string{"2024-02-09T20:00:00+08:00", "2025-01-28T20:00:00+08:00", "2026-02-16T20:00:00+08:00", "2027-02-05T20:00:00+08:00"}},
		{"每月初一", "RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=1", sh, "2025-06-01 08:00", "2025-06-01 08:00",
			[]string{"2025-06-25T08:00:00+08:00", "2025-07-25T08:00:00+08:00", "2025-08-23T08:00:00+08:00"}},
		{"闰六月 only in leap years", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=6L;BYMONTHDAY=1", sh, "2020-01-01 08:00", "2020-01-01 08:00",
			[]string{"2025-07-25T08:00:00+08:00"}},
		{"lunar 30th omitted in 29-day months", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30", sh, "2023-01-01 08:00", "2023-01-01 08:00",
			[]string{"2023-01-21T08:00:00+08:00", "2024-02-09T08:00:00+08:00", "2030-02-02T08:00:00+08:00"}}, // 腊月 2024–2028 have 29 days
		{"lunar 30th SKIP=BACKWARD", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30;SKIP=BACKWARD", sh, "2024-01-01 08:00", "2024-01-01 08:00",
			[]string{"2024-02-09T08:00:00+08:00", "2025-01-28T08:00:00+08:00", "2026-02-16T08:00:00+08:00"}},
		{"lunar default from dtstart with BYHOUR", "RSCALE=CHINESE;FREQ=YEARLY;BYHOUR=7", sh, "2026-04-19 20:00", "2026-04-19 20:00",
			[]string{"2027-04-09T07:00:00+08:00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.rule, at(tc.loc, tc.start))
			if err != nil {
				t.Fatal(err)
			}
			n := len(tc.want)
			if n == 0 {
				n = 1
			}
			got := r.Next(at(tc.loc, tc.after), n)
			var gs []string
			for _, g := range got {
				gs = append(gs, g.Format(time.RFC3339))
			}
			if strings.Join(gs, " ") != strings.Join(tc.want, " ") {
				t.Errorf("%s from %s after %s:\n got  %v\n want %v", tc.rule, tc.start, tc.after, gs, tc.want)
			}
			first, ok := r.After(at(tc.loc, tc.after))
			if ok != (len(tc.want) > 0) || ok && first.Format(time.RFC3339) != tc.want[0] {
				t.Errorf("After = %v, %t", first, ok)
			}
		})
	}
}

// TestLunarBirthday checks 每年农历三月初三 against the calendar package.
func TestLunarBirthday(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	r, err := Parse("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3", at(sh, "2000-04-07 09:30"))
	if err != nil {
		t.Fatal(err)
	}
	got := r.Next(at(sh, "2020-01-01 00:00"), 20)
	if len(got) != 20 {
		t.Fatalf("got %d occurrences", len(got))
	}
	for i, g := range got {
		want, err := calendar.FromLunar(calendar.LunarDate{Year: 2020 + i, Month: 3, Day: 3})
		if err != nil {
			t.Fatal(err)
		}
		if calendar.DateOf(g) != want || g.Hour() != 9 || g.Minute() != 30 {
			t.Errorf("year %d: got %v, want %v 09:30", 2020+i, g, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	start := at(sh, "2026-01-01 09:00")
	tests := []struct{ rule, part string }{
		{"", "RRULE"},
		{"FREQ=SECONDLY", "FREQ"},
		{"FREQ=FORTNIGHTLY", "FREQ"},
		{"INTERVAL=2", "FREQ"},
		{"FREQ=DAILY;FOO=1", "FOO"},
		{"FREQ=DAILY;FREQ=DAILY", "FREQ"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY: 32 out of range"},
		{"FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"},
		{"FREQ=YEARLY;BYMONTH=13", "BYMONTH"},
		{"FREQ=DAILY;BYHOUR=24", "BYHOUR"},
		{"FREQ=MINUTELY;BYSECOND=0,30", "BYSECOND"},
		{"FREQ=DAILY;INTERVAL=0", "INTERVAL"},
		{"FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z", "UNTIL"},
		{"FREQ=DAILY;UNTIL=tomorrow", "UNTIL"},
		{"FREQ=DAILY;BYDAY=XX", "BYDAY"},
		{"FREQ=DAILY;BYDAY=1MO", "BYDAY"},
		{"FREQ=MONTHLY;BYDAY=6MO", "BYDAY"},
		{"FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY"},
		{"FREQ=DAILY;BYWEEKNO=1", "BYWEEKNO"},
		{"FREQ=DAILY;BYSETPOS=1", "BYSETPOS"},
		{"FREQ=YEARLY;BYMONTH=8L", "BYMONTH"},
		{"FREQ=YEARLY;SKIP=OMIT", "SKIP"},
		{"RSCALE=HEBREW;FREQ=YEARLY", "RSCALE"},
		{"RSCALE=CHINESE;FREQ=DAILY", "RSCALE"},
		{"RSCALE=CHINESE;FREQ=YEARLY;BYMONTHDAY=31", "BYMONTHDAY"},
		{"RSCALE=CHINESE;FREQ=MONTHLY;BYDAY=MO", "BYDAY"},
		{"FREQ=DAILY;X-WORKDAY=US", "X-WORKDAY"},
		{"FREQ=YEARLY;X-SOLARTERM=SPRING", "X-SOLARTERM"},
		{"RSCALE=CHINESE;FREQ=YEARLY;X-SOLARTERM=QINGMING", "X-SOLARTERM"},
		{"FREQ=DAILY;WKST=XX", "WKST"},
		{"FREQ", "RRULE"},
		{"FREQ=DAILY;COUNT=1000001", "COUNT"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.rule, start)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "recur: "+tc.part) {
			t.Errorf("Parse(%q) = %v; want ErrInvalid naming %q", tc.rule, err, tc.part)
		}
		if Validate(tc.rule, start) == nil {
			t.Errorf("Validate(%q) = nil", tc.rule)
		}
	}
	if _, err := Parse("FREQ=DAILY", time.Date(3500, 1, 1, 0, 0, 0, 0, sh)); !errors.Is(err, ErrInvalid) {
		t.Errorf("year 3500 accepted: %v", err)
	}
}

func TestString(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	tests := []struct{ in, want string }{
		{"RRULE:freq=daily;interval=1", "FREQ=DAILY"},
		{"BYDAY=+1mo,FR;FREQ=MONTHLY;INTERVAL=2", "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO,FR"},
		{"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1;RSCALE=CHINESE", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1"},
		{"RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8L;SKIP=FORWARD", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8L;SKIP=FORWARD"},
		{"FREQ=DAILY;X-WORKDAY=cn;UNTIL=20270101T000000Z", "FREQ=DAILY;UNTIL=20270101T000000Z;X-WORKDAY=CN"},
		{"FREQ=WEEKLY;WKST=SU;BYDAY=TU,TH", "FREQ=WEEKLY;BYDAY=TU,TH;WKST=SU"},
	}
	for _, tc := range tests {
		r, err := Parse(tc.in, at(sh, "2026-01-01 09:00"))
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if got := r.String(); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
		r2, err := Parse(r.String(), at(sh, "2026-01-01 09:00"))
		if err != nil || r2.String() != r.String() {
			t.Errorf("round trip of %q: %v, %v", tc.want, r2, err)
		}
	}
}

// TestNeverBounded checks rules that can never fire give up quickly.
func TestNeverBounded(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	for _, rule := range []string{
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31",
		"FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=DAILY;INTERVAL=7;BYDAY=TU",
		"FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
		"RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=1L;BYMONTHDAY=1",
		"FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1;X-WORKDAY=CN",
	} {
		start := time.Now()
		r, err := Parse(rule, at(sh, "2025-03-03 09:00")) // a Monday, a non-leap year
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := r.After(at(sh, "2026-01-01 00:00")); ok && !strings.Contains(rule, "1L") {
			t.Errorf("%s: unexpected occurrence %v", rule, got)
		}
		if d := time.Since(start); d > 10*time.Second { // generous: -race on a shared 2-core machine
			t.Errorf("%s took %v", rule, d)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FREQ=DAILY", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
		"RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1", "FREQ=DAILY;X-WORKDAY=CN",
		"FREQ=HOURLY;INTERVAL=5;BYHOUR=1,3", "FREQ=MINUTELY;INTERVAL=7;BYMINUTE=0,30",
		"FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=1", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
	} {
		f.Add(s, int64(1767229200))
	}
	sh, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rule string, unix int64) {
		start := time.Unix(unix%(100*365*86400), 0).In(sh).AddDate(30, 0, 0)
		r, err := Parse(rule, start)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		got := r.Next(start.Add(-time.Hour), 5) // a runaway rule is stopped by the fuzzer's hang detection, not a clock
		for i := 1; i < len(got); i++ {
			if !got[i].After(got[i-1]) {
				t.Fatalf("%s: not increasing: %v", rule, got)
			}
		}
		if _, err := Parse(r.String(), start); err != nil {
			t.Fatalf("String %q does not parse: %v", r.String(), err)
		}
	})
}

func BenchmarkAfterDaily(b *testing.B) {
	sh := mustLoad(b, "Asia/Shanghai")
	r, err := Parse("FREQ=DAILY", at(sh, "2020-01-01 09:00"))
	if err != nil {
		b.Fatal(err)
	}
	now := at(sh, "2026-11-22 10:00")
	for b.Loop() {
		if _, ok := r.After(now); !ok {
			b.Fatal("none")
		}
	}
}

func BenchmarkAfterWorkday(b *testing.B) {
	sh := mustLoad(b, "Asia/Shanghai")
	r, err := Parse("FREQ=DAILY;X-WORKDAY=CN", at(sh, "2020-01-01 09:00"))
	if err != nil {
		b.Fatal(err)
	}
	now := at(sh, "2026-09-30 10:00") // next workday is 8 days later
	for b.Loop() {
		if _, ok := r.After(now); !ok {
			b.Fatal("none")
		}
	}
}

func BenchmarkAfterLunarYearly(b *testing.B) {
	sh := mustLoad(b, "Asia/Shanghai")
	r, err := Parse("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1", at(sh, "2020-01-01 20:00"))
	if err != nil {
		b.Fatal(err)
	}
	now := at(sh, "2026-11-22 10:00")
	for b.Loop() {
		if _, ok := r.After(now); !ok {
			b.Fatal("none")
		}
	}
}
