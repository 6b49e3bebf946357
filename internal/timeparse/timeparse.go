// Package timeparse reads the time of a reminder from its text, in Chinese and
// English: absolute and relative dates, weekdays, parts of day, festivals and
// lunar dates, intervals and recurrences (as RRULEs for package recur).
//
// It is pure: the present, the zone and the language are arguments.
//
// How it works: a scanner folds the text (ASCII case, full-width digits,
// traditional characters and Cantonese words such as 聽日, 今個, 下晝 to
// the simplified Mandarin the components read, rune for rune),
// then at each place where a component may start it chains components —
// 明天 | 下午 | 三点一刻, or every | Monday and Wednesday | at 10 — each a
// small matcher that fills fields of one expression and refuses to overwrite
// a field another set. The expression with most components (then the
// longest) wins, and a resolver turns it into instants (a one-off by the
// shape of its date, see shapeOf and dayOf; a rule by a step per
// frequency, see resolveRecur): recurrences become
// RRULEs whose occurrences come from package recur, festivals and lunar
// dates come from package calendar.
//
// Choices where the text does not say:
//   - Reminders look forward. A passed time of day means tomorrow's; a
//     passed date without a year means next year's; 周五 said on a Friday
//     with no time means next Friday; 这周五 said on Sunday means the coming one.
//   - An hour from 1 to 12 without 上午/下午/am/pm is the next one of h and
//     h+12 today (三点 at 14:40 is 15:00); on another day, or repeating,
//     1-6 are afternoon hours and 7-12 morning ones (明天3点 is 15:00).
//   - 晚上12点 / 半夜 hours belong to the next date (今晚12点 is tomorrow 00:00).
//   - Date-only phrases fire at Options.DateHour:DateMinute with grain day;
//     a part of day alone (明天下午) fires at a representative hour (下午 15,
//     晚上 20 …) with grain hour.
//   - 下周X and "next X" are X of the next Monday-to-Sunday week.
//   - 过几天, 一会儿, "in a few days", "in a moment" are not times: ErrNoTime.
//   - 每隔一天/一周/一个月 is every other day/week/month; 每隔N (N≥2) is
//     every N. 每周末 and "every weekend" are Saturday and Sunday.
//   - 工作日 follows China's official calendar (X-WORKDAY=CN); the English
//     "every weekday" is Monday to Friday.
//   - 八月十五 without 农历 is the Gregorian date; 每年农历…三十 uses
//     SKIP=BACKWARD so a 30th falls back to the 29th in short months.
//   - A clock or date said a few Chinese words after the rest of the time
//     joins it (明天提醒我下午三点开会, 每年生日3月8日) unless those words
//     start a time of their own; the words go to the title.
//   - 每季度 with a day (每季度第一天, every quarter on the 1st) follows the
//     calendar quarters; 每年清明 / 每年冬至 are yearly rules kept to the
//     solar term's date (X-SOLARTERM).
//   - A range of dates (12月1日到3日, 下周一到周三) fires on its first day
//     and ends on its last; 周一到周五 without 下/这 stays a weekly rule.
//   - A duration is added to now to the second ("in 2 hours" at 14:40:27
//     is 16:40:27); a clock that says its seconds (18:30:15, 7点5分30秒)
//     keeps them, and both answer with grain "second".
//   - A bare recurrence word (daily, weekly …) yields to any other time in
//     the text: "3分钟后…Weekly report due" is a one-off, the word is title.
//     When it opens the text and the time is a bare clock or weekday
//     ("Daily standup at 9:30", "Weekly review on Friday at 4pm"), it
//     makes that time repeat; so does a recurrence without a clock that
//     opens the text and a bare clock said later (每周五 report due 下午5点,
//     every monday: team sync at 10am), the words between going to the
//     title. "Monthly report on the 1st" and "yearly checkup on march 3"
//     repeat on that day. "Mon-Fri at 9" (a weekday range with a clock
//     and no week named) is weekly on those days; without a clock ("from
//     monday to wednesday") it stays a range of dates.
//   - A month named alone ("September") is its first day, next year's once
//     passed; "half seven" is the British 7:30; 830 p.m. and 1030am are
//     clocks only with am/pm said (a bare 830 is not a time); "quarter of
//     5" is 4:45 (the American "of"), but "of" after a number is not.
//   - 第N天 counts today as the first day (第二天 is tomorrow); after a
//     year (2031年第100天) it is the Nth day of that year. 上旬/中旬/下旬
//     start on the 1st, 11th and 21st, 月中 is the 15th.
//   - A 时辰 fires at its start (丑时 01:00, 子时 23:00); 正 is its middle
//     hour (申时正 16:00) and N刻 adds N quarters of an hour from the start
//     (午时三刻 11:45).
//   - Numeric dates: 20310307, 2031 03 07, 2031/3/7 and ISO 8601 (an
//     offset or Z is honoured, the answer is in the reminder's zone); two
//     two-digit numbers with a hyphen (03-07) are month-day, 3-5 stays a
//     range; M/D is month/day in both languages, and D/M/Y only when the
//     first number cannot be a month (31/12/2026). A bare M.D (3.7, 3·7)
//     is a date in Chinese text only after a blank, punctuation or 在/到 …,
//     never before a unit (3.5小时, 4.8分), so versions and prices stay.
//   - A range fires at its start and keeps its end (Schedule.End; a daily
//     rule inside a range of dates also gets it as UNTIL): 9~11点半 and
//     3-5pm take the end's part of day or am/pm for a bare start;
//     13:20至次日05:40 ends the next day; "from 12 to 14 Aug" and "Aug
//     12-14" are days of that month. A bare English "3-5" says nothing.
//   - A weekday said beside a date (明天（周五）, 11月27日周五, Dec 25
//     (Fri), Friday, Nov 27, 周五（11月27日）) confirms it; when it
//     disagrees the date is kept, being the more specific, and
//     Schedule.Warnings says so.
//   - Lunar dates: a lunar month without a day is its first day (农历八月,
//     腊月); a day written with 廿 or 卅 makes the date lunar (六月廿五);
//     闰六月 without a year is the next year that has that leap month; a
//     year said with a lunar festival is the lunar year (2031年大年三十 is
//     the eve that ends lunar 2031, in February 2032); a lunar day without
//     a month (农历十五, 初一) is this lunar month's or the next's; day 30
//     of a 29-day month is its last day (腊月三十 is 除夕). All 24 solar terms
//     are dates by name, except where the word is weather (下大雪, 小雪天).
//   - A zone named in the text (5pm CEST, 9am PST, UTC+8, 北京时间晚上8点)
//     is where the whole time is read, its date words included ("monday
//     9am PST" is Monday in Los Angeles); the answer is in the reminder's
//     zone. Abbreviations stand for their region and its daylight-saving
//     rules (9am PST in July is 9am PDT); CST is US Central, since a
//     Chinese writer says 北京时间.
//   - Holidays: the US and UK named days (fixed, nth weekday, Easter by the
//     Gregorian computus and the days counted from it) and China's
//     official 节日 and 纪念日, in English and Chinese; a year said with
//     the name (2031年父亲节, labor day 2031, 2030 thanksgiving) is that
//     year's; "next easter" and "this christmas" are the coming one, "next
//     year's christmas" next year's.
//   - A date said without a clock and a clock said without a date join
//     when at most 40 characters and no sentence break lie between them
//     ("tomorrow meeting with bob at 3pm", "dec 5 party at 8pm"); the
//     words between go to the title.
//   - Only the first 4096 characters are searched, which bounds the work.
package timeparse

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Grain says how precisely a Schedule pins its time.
type Grain string

// The grains, finest first.
const (
	GrainSecond Grain = "second"
	GrainMinute Grain = "minute"
	GrainHour   Grain = "hour"
	GrainDay    Grain = "day"
	GrainWeek   Grain = "week"
	GrainMonth  Grain = "month"
	GrainYear   Grain = "year"
)

// Options are the arguments of Parse besides the text.
type Options struct {
	Now        time.Time
	Loc        *time.Location // nil: Now.Location()
	Lang       string         // "zh", "en", "" or "auto"; both grammars run regardless (people mix them)
	DateHour   int            // hour for date-only phrases
	DateMinute int
}

// DefaultOptions returns Options for now, in now's zone, any language, with
// date-only phrases firing at 09:00.
func DefaultOptions(now time.Time) Options {
	return Options{Now: now, Loc: now.Location(), Lang: "auto", DateHour: 9}
}

// Schedule is what Parse read: when a reminder fires and how it repeats.
type Schedule struct {
	Time    time.Time   // first fire instant
	Grain   Grain       // how precisely the text pinned Time
	RRule   string      // "" for one-off; else an RRULE anchored at Time
	Next    []time.Time // next three occurrences (one-off: just Time)
	End     *time.Time  // end of an interval ("from 3 to 5pm"), nil otherwise
	Title   string      // the text without its time words and filler
	Matched string      // the time span as it appears in the text
	// Warnings say where the text contradicts itself and which reading
	// was kept: 明天（周五） when tomorrow is a Monday.
	Warnings []string
}

// ErrNoTime is returned by Parse when the text holds no time.
var ErrNoTime = errors.New("no time found")

// ErrNowRange is returned by Parse when Options.Now (in Options.Loc) lies
// outside the years MinNowYear–MaxNowYear.
var ErrNowRange = errors.New("timeparse: now out of range")

// The years Options.Now may lie in. The rules and calendars the parser
// builds on (internal/recur, internal/calendar) end with 2999, and no
// phrase reaches more than a century past now; nothing fires before 1970.
const (
	MinNowYear = 1970
	MaxNowYear = 2899
)

type scheduleJSON struct {
	Time     string   `json:"time"`
	Grain    Grain    `json:"grain"`
	RRule    string   `json:"rrule,omitempty"`
	Next     []string `json:"next"`
	End      string   `json:"end,omitempty"`
	Title    string   `json:"title"`
	Matched  string   `json:"matched"`
	Warnings []string `json:"warnings,omitempty"`
}

// MarshalJSON writes the contract's object, times in RFC 3339 in the zone of
// s.Time. It never fails.
func (s Schedule) MarshalJSON() ([]byte, error) {
	loc := s.Time.Location()
	j := scheduleJSON{Time: s.Time.Format(time.RFC3339), Grain: s.Grain, RRule: s.RRule,
		Title: s.Title, Matched: s.Matched, Next: make([]string, 0, len(s.Next)), Warnings: s.Warnings}
	for _, t := range s.Next {
		j.Next = append(j.Next, t.In(loc).Format(time.RFC3339))
	}
	if s.End != nil {
		j.End = s.End.In(loc).Format(time.RFC3339)
	}
	return json.Marshal(j)
}

// Parse reads the first time expression in text. It returns ErrNoTime when
// there is none, or an error wrapping a recurrence problem when the rule it
// built cannot be expanded.
func Parse(text string, opts Options) (Schedule, error) {
	loc := opts.Loc
	if loc == nil {
		loc = opts.Now.Location()
	}
	if y := opts.Now.In(loc).Year(); y < MinNowYear || y > MaxNowYear {
		return Schedule{}, fmt.Errorf("%w: year %d is not in %d–%d", ErrNowRange, y, MinNowYear, MaxNowYear)
	}
	lang := opts.Lang
	if lang != "zh" && lang != "en" {
		lang = ""
	}
	s := newScanner(text, lang)
	e, start, end, ok := s.find()
	if !ok {
		return Schedule{}, ErrNoTime
	}
	r := resolver{now: opts.Now.In(loc), loc: loc, dateHour: opts.DateHour, dateMinute: opts.DateMinute}
	sch, err := r.resolve(&e)
	if err != nil {
		return Schedule{}, err
	}
	bs, be := s.off[start], s.off[end]
	sch.Matched = text[bs:be]
	after := text[be:]
	if s.gap[1] > s.gap[0] {
		// the words inside the time (明天提醒我下午三点开会) belong to the title
		after = text[s.off[s.gap[0]]:s.off[s.gap[1]]] + trimBefore(after)
	}
	sch.Title = title(text[:bs], after)
	return sch, nil
}
