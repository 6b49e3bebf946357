package describe_test

import (
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/recur"
	"github.com/raasdev/raas/internal/remind"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestSchedule(t *testing.T) {
	loc := shanghai(t)
	// Friday 28 Nov 2026, 21:00 in Shanghai: the anchor of the rules.
	start := time.Date(2026, 11, 27, 21, 0, 0, 0, loc)
	once := time.Date(2026, 11, 28, 15, 0, 0, 0, loc)
	cases := []struct {
		name     string
		rrule    string
		time     *time.Time
		deferMin int
		zh, en   string
	}{
		{"one-off", "", &once, 0, "2026年11月28日（周六）15:00", "Sat 28 Nov 2026 at 15:00"},
		{"one-off early", "", &once, -10, "2026年11月28日（周六）15:00（提前10分钟提醒）", "Sat 28 Nov 2026 at 15:00 (reminded 10 minutes early)"},
		{"mon wed fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=21;BYMINUTE=0", nil, 0, "每周一、三、五 21:00", "Every Mon, Wed and Fri at 21:00"},
		{"byday order", "FREQ=WEEKLY;BYDAY=FR,MO", nil, 0, "每周一、五 21:00", "Every Mon and Fri at 21:00"},
		{"one weekday from start", "FREQ=WEEKLY", nil, 0, "每周五 21:00", "Every Friday at 21:00"},
		{"fortnightly", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", nil, 0, "每2周的周二 21:00", "Every 2 weeks on Tuesday at 21:00"},
		{"working week", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30", nil, 0, "每周一至周五 09:30", "Every weekday (Mon–Fri) at 09:30"},
		{"daily", "FREQ=DAILY;BYHOUR=8;BYMINUTE=0", nil, 0, "每天 08:00", "Every day at 08:00"},
		{"every 3 days", "FREQ=DAILY;INTERVAL=3", nil, 0, "每3天 21:00", "Every 3 days at 21:00"},
		{"twice a day", "FREQ=DAILY;BYHOUR=18,9;BYMINUTE=0", nil, 0, "每天 09:00、18:00", "Every day at 09:00 and 18:00"},
		{"workday", "FREQ=DAILY;BYHOUR=8;BYMINUTE=30;X-WORKDAY=CN", nil, 0, "工作日 08:30（中国法定工作日）", "Every working day at 08:30 (China's official calendar)"},
		{"day off", "FREQ=DAILY;BYHOUR=10;BYMINUTE=0;X-WORKDAY=CN-OFF", nil, 0, "休息日 10:00（中国法定节假日及周末）", "Every day off at 10:00 (weekends and holidays in China)"},
		{"weekly on workdays", "FREQ=WEEKLY;BYDAY=MO;X-WORKDAY=CN", nil, 0, "每周一 21:00（仅中国法定工作日）", "Every Monday at 21:00, on China's working days only"},
		{"monthly first", "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0", nil, 0, "每月1日 09:00", "Every month on the 1st at 09:00"},
		{"monthly last day", "FREQ=MONTHLY;BYMONTHDAY=-1", nil, 0, "每月最后一天 21:00", "Every month on the last day at 21:00"},
		{"monthly from start", "FREQ=MONTHLY", nil, 0, "每月27日 21:00", "Every month on the 27th at 21:00"},
		{"quarterly", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1,15", nil, 0, "每3个月的1日、15日 21:00", "Every 3 months on the 1st and 15th at 21:00"},
		{"second tuesday", "FREQ=MONTHLY;BYDAY=2TU", nil, 0, "每月第2个周二 21:00", "Every month on the 2nd Tue at 21:00"},
		{"last friday", "FREQ=MONTHLY;BYDAY=-1FR", nil, 0, "每月最后一个周五 21:00", "Every month on the last Fri at 21:00"},
		{"yearly", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=5", nil, 0, "每年4月5日 21:00", "Every year on 5 Apr at 21:00"},
		{"yearly from start", "FREQ=YEARLY", nil, 0, "每年11月27日 21:00", "Every year on 27 Nov at 21:00"},
		{"mothers day", "FREQ=YEARLY;BYMONTH=5;BYDAY=2SU", nil, 0, "每年5月第2个周日 21:00", "Every year on the 2nd Sun of May at 21:00"},
		{"solar term", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=3,4,5,6;X-SOLARTERM=QINGMING;BYHOUR=9;BYMINUTE=0", nil, 0, "每年清明 09:00", "Every year on the solar term Qingming (清明) at 09:00"},
		{"lunar monthly", "RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0", nil, 0, "每月农历初一 09:00", "Every lunar month on day 1 at 09:00"},
		{"lunar mid-autumn", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15", nil, 0, "每年农历八月十五 21:00", "Every year on day 15 of the 8th lunar month at 21:00"},
		{"chuxi", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1;BYHOUR=20;BYMINUTE=0", nil, 0, "每年除夕 20:00", "Every year on Chinese New Year's Eve (除夕) at 20:00"},
		{"lunar leap", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=6L;BYMONTHDAY=21", nil, 0, "每年农历闰六月廿一 21:00", "Every year on day 21 of the leap 6th lunar month at 21:00"},
		{"lunar from start", "RSCALE=CHINESE;FREQ=YEARLY", nil, 0, "每年农历十月十九 21:00", "Every year on day 19 of the 10th lunar month at 21:00"},
		{"hourly", "FREQ=HOURLY;BYMINUTE=30", nil, 0, "每小时的第30分钟", "Every hour at :30"},
		{"office hours", "FREQ=HOURLY;BYMINUTE=0;BYHOUR=9,10,11", nil, 0, "每小时的第0分钟（9、10、11点）", "Every hour at :00 (in hours 9, 10 and 11)"},
		{"every 15 minutes", "FREQ=MINUTELY;INTERVAL=15", nil, 0, "每15分钟", "Every 15 minutes"},
		{"count", "FREQ=DAILY;COUNT=5", nil, 0, "每天 21:00，共5次", "Every day at 21:00, 5 times"},
		{"until", "FREQ=DAILY;UNTIL=20261231T155959Z", nil, 0, "每天 21:00，至2026年12月31日", "Every day at 21:00, until 31 Dec 2026"},
		{"early by an hour", "FREQ=WEEKLY;BYDAY=MO", nil, -60, "每周一 21:00（提前1小时提醒）", "Every Monday at 21:00 (reminded 1 hour early)"},
		{"setpos is shown as itself", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", nil, 0, "自定义重复（FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1）", "Custom repetition (FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.rrule != "" {
				if err := recur.Validate(c.rrule, start); err != nil {
					t.Fatalf("the case's rule is not valid: %v", err)
				}
			}
			r := remind.Reminder{RRule: c.rrule, TZ: "Asia/Shanghai", Start: start, Time: c.time, DeferMin: c.deferMin}
			if got := describe.Schedule(r, describe.ZH); got != c.zh {
				t.Errorf("zh: got %q, want %q", got, c.zh)
			}
			if got := describe.Schedule(r, describe.EN); got != c.en {
				t.Errorf("en: got %q, want %q", got, c.en)
			}
		})
	}
}

func TestSentence(t *testing.T) {
	loc := shanghai(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	next := time.Date(2026, 11, 27, 15, 0, 0, 0, loc)
	later := time.Date(2027, 1, 8, 15, 0, 0, 0, loc)
	cases := []struct {
		name   string
		r      remind.Reminder
		zh, en string
	}{
		{"weekly", remind.Reminder{RRule: "FREQ=WEEKLY;BYDAY=FR", Start: next, NextFireAt: &next, Recipients: []string{"alice"}},
			"我会在 11月27日（周五）15:00（Asia/Shanghai）提醒 alice，之后每周五。",
			"I will remind alice on Friday 27 Nov at 15:00 (Asia/Shanghai), then every Friday."},
		{"times that differ are said", remind.Reminder{RRule: "FREQ=DAILY;BYHOUR=9,15;BYMINUTE=0", Start: next, NextFireAt: &next, Recipients: []string{"alice", "bob"}},
			"我会在 11月27日（周五）15:00（Asia/Shanghai）提醒 alice、bob，之后每天 09:00、15:00。",
			"I will remind alice, bob on Friday 27 Nov at 15:00 (Asia/Shanghai), then every day at 09:00 and 15:00."},
		{"one-off next year", remind.Reminder{Time: &later, NextFireAt: &later, Recipients: []string{"alice"}},
			"我会在 2027年1月8日（周五）15:00（Asia/Shanghai）提醒 alice。",
			"I will remind alice on Friday 8 Jan 2027 at 15:00 (Asia/Shanghai)."},
		{"no recipients", remind.Reminder{Time: &next, NextFireAt: &next},
			"我会在 11月27日（周五）15:00（Asia/Shanghai）触发这个提醒。",
			"I will fire this reminder on Friday 27 Nov at 15:00 (Asia/Shanghai)."},
		{"done", remind.Reminder{Time: &next, Status: remind.StatusDone},
			"这个提醒已没有要触发的时间。", "This reminder has nothing left to fire."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.r.TZ = "Asia/Shanghai"
			if c.r.Status == "" {
				c.r.Status = remind.StatusActive
			}
			if got := describe.Sentence(c.r, describe.ZH, now); got != c.zh {
				t.Errorf("zh: got %q, want %q", got, c.zh)
			}
			if got := describe.Sentence(c.r, describe.EN, now); got != c.en {
				t.Errorf("en: got %q, want %q", got, c.en)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	for in, want := range map[string]describe.Lang{
		"":                             describe.EN,
		"zh-CN,zh;q=0.9,en;q=0.8":      describe.ZH,
		"en-US,en;q=0.9,zh-CN;q=0.8":   describe.EN,
		"fr-FR,fr;q=0.9,zh;q=0.5":      describe.ZH,
		"de":                           describe.EN,
		"en;q=0.2, zh-Hant-TW;q=0.7":   describe.ZH,
		"ZH-cn":                        describe.ZH,
		"en;q=bogus,zh;q=0.1,ja":       describe.EN,
		"zh;q=0,en;q=0.1":              describe.EN,
		"zh;q=0":                       describe.EN,
		strings.Repeat("zh-CN,", 1000): describe.ZH,
	} {
		if got := describe.Negotiate(in); got != want {
			t.Errorf("Negotiate(%.40q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzSchedule: any rule recur accepts gets words, never a panic, and
// never an empty string.
func FuzzSchedule(f *testing.F) {
	for _, s := range []string{"FREQ=WEEKLY;BYDAY=MO,WE,FR", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=5L;BYMONTHDAY=-1", "FREQ=MONTHLY;BYDAY=-2SU", "FREQ=HOURLY;BYHOUR=1;BYMINUTE=5,6"} {
		f.Add(s)
	}
	start := time.Date(2026, 2, 17, 9, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, rule string) {
		if recur.Validate(rule, start) != nil {
			return
		}
		r := remind.Reminder{RRule: rule, TZ: "UTC", Start: start}
		for _, l := range []describe.Lang{describe.ZH, describe.EN} {
			if describe.Schedule(r, l) == "" {
				t.Fatalf("no words for %q", rule)
			}
		}
	})
}
