package recur

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/calendar"
	"github.com/teambition/rrule-go"
)

// ErrInvalid is wrapped by every error Parse returns.
var ErrInvalid = errors.New("recur: invalid rule")

// ErrStartRange is wrapped, besides ErrInvalid, by Parse's error for a
// dtstart outside the years MinStartYear–MaxStartYear: the fault is the
// anchor, not the rule.
var ErrStartRange = errors.New("recur: dtstart out of range")

// The years a dtstart may lie in.
const (
	MinStartYear = minYear
	MaxStartYear = maxYear
)

// Limits that keep every rule cheap to evaluate.
const (
	maxInterval = 100000
	maxCount    = 100000
	minYear     = 1900
	maxYear     = 2999 // the lunar and workday calendars stop here
)

func invalid(part, format string, args ...any) error {
	return fmt.Errorf("%w: recur: %s: %s", ErrInvalid, part, fmt.Sprintf(format, args...))
}

// Validate reports whether rrule parses with dtstart; see Parse.
func Validate(rule string, dtstart time.Time) error {
	_, err := Parse(rule, dtstart)
	return err
}

var weekdays = map[string]rrule.Weekday{
	"MO": rrule.MO, "TU": rrule.TU, "WE": rrule.WE, "TH": rrule.TH, "FR": rrule.FR, "SA": rrule.SA, "SU": rrule.SU,
}

var freqs = map[string]rrule.Frequency{
	"YEARLY": rrule.YEARLY, "MONTHLY": rrule.MONTHLY, "WEEKLY": rrule.WEEKLY,
	"DAILY": rrule.DAILY, "HOURLY": rrule.HOURLY, "MINUTELY": rrule.MINUTELY,
}

type lunarMonthSel struct {
	month int
	leap  bool
}

// Parse parses an RRULE value ("FREQ=...;..."; a leading "RRULE:" is
// tolerated) anchored at dtstart. dtstart.Location() is the rule's zone;
// dtstart's wall clock gives the default hour/minute/second and the first
// candidate. Errors wrap ErrInvalid and name the offending part, e.g.
// `recur: BYMONTHDAY: 32 out of range`.
func Parse(rule string, dtstart time.Time) (*Rule, error) {
	s := strings.TrimSpace(rule)
	if len(s) >= 6 && strings.EqualFold(s[:6], "RRULE:") {
		s = s[6:]
	}
	if s == "" {
		return nil, invalid("RRULE", "empty")
	}
	if y := dtstart.Year(); y < minYear || y > maxYear {
		return nil, fmt.Errorf("%w: %w: year %d is not in %d–%d", ErrInvalid, ErrStartRange, y, minYear, maxYear)
	}
	loc := dtstart.Location()
	dtstart = dtstart.Truncate(time.Second)
	r := &Rule{loc: loc, dtstart: dtstart, startWall: wallOf(dtstart), interval: 1, wkst: rrule.MO}

	parts := map[string]string{}
	for _, p := range strings.Split(s, ";") {
		name, value, ok := strings.Cut(p, "=")
		name = strings.ToUpper(strings.TrimSpace(name))
		value = strings.ToUpper(strings.TrimSpace(value))
		if !ok || name == "" {
			return nil, invalid("RRULE", "part %q is not NAME=VALUE", p)
		}
		if _, dup := parts[name]; dup {
			return nil, invalid(name, "given twice")
		}
		if value == "" {
			return nil, invalid(name, "empty value")
		}
		parts[name] = value
	}

	fv, ok := parts["FREQ"]
	if !ok {
		return nil, invalid("FREQ", "missing")
	}
	if fv == "SECONDLY" {
		return nil, invalid("FREQ", "SECONDLY not accepted: reminders fire at most once a minute")
	}
	if r.freq, ok = freqs[fv]; !ok {
		return nil, invalid("FREQ", "unknown frequency %q", fv)
	}
	r.freqName = fv

	var err error
	for name, v := range parts {
		switch name {
		case "FREQ":
		case "INTERVAL":
			r.interval, err = intIn(name, v, 1, maxInterval)
		case "COUNT":
			r.count, err = intIn(name, v, 1, maxCount)
		case "UNTIL":
			r.untilWall, r.until, err = parseUntil(v, loc)
		case "BYSECOND":
			r.bysecond, err = intList(name, v, 0, 59, false)
			if err == nil && len(r.bysecond) > 1 {
				err = invalid(name, "more than one value fires more often than once a minute")
			}
		case "BYMINUTE":
			r.byminute, err = intList(name, v, 0, 59, false)
		case "BYHOUR":
			r.byhour, err = intList(name, v, 0, 23, false)
		case "BYMONTHDAY":
			r.bymonthday, err = intList(name, v, 1, 31, true)
		case "BYYEARDAY":
			r.byyearday, err = intList(name, v, 1, 366, true)
		case "BYWEEKNO":
			r.byweekno, err = intList(name, v, 1, 53, true)
		case "BYSETPOS":
			r.bysetpos, err = intList(name, v, 1, 366, true)
		case "BYMONTH":
			r.bymonthRaw = v
		case "BYDAY":
			r.byday, r.bydayStr, err = parseByDay(v)
		case "WKST":
			wd, found := weekdays[v]
			if !found {
				err = invalid(name, "unknown weekday %q", v)
			}
			r.wkst, r.wkstStr = wd, v
		case "RSCALE":
			switch v {
			case "GREGORIAN":
			case "CHINESE":
				r.chinese = true
			default:
				err = invalid(name, "unsupported calendar %q (GREGORIAN, CHINESE)", v)
			}
		case "SKIP":
			if v != "OMIT" && v != "BACKWARD" && v != "FORWARD" {
				err = invalid(name, "unknown value %q (OMIT, BACKWARD, FORWARD)", v)
			}
			r.skip = v
		case "X-SOLARTERM":
			i, found := calendar.SolarTermIndex(v)
			if !found {
				err = invalid(name, "unknown solar term %q", v)
			}
			r.solarTerm = i + 1
		case "X-WORKDAY":
			if v != "CN" && v != "CN-OFF" {
				err = invalid(name, "unknown value %q (CN, CN-OFF)", v)
			}
			r.workday = v
		default:
			err = invalid(name, "unknown part")
		}
		if err != nil {
			return nil, err
		}
	}
	if err := r.check(parts); err != nil {
		return nil, err
	}
	if r.chinese {
		r.initChinese()
	} else {
		r.initGregorian()
	}
	return r, nil
}

// check enforces the RFC 5545 / 7529 combinations and this service's limits.
func (r *Rule) check(parts map[string]string) error {
	has := func(p string) bool { _, ok := parts[p]; return ok }
	if has("COUNT") && has("UNTIL") {
		return invalid("UNTIL", "COUNT and UNTIL are mutually exclusive")
	}
	if has("SKIP") && !has("RSCALE") {
		return invalid("SKIP", "allowed only with RSCALE (RFC 7529)")
	}
	if r.bymonthRaw != "" {
		var err error
		if r.bymonth, r.lunarMonths, err = parseByMonth(r.bymonthRaw, r.chinese); err != nil {
			return err
		}
	}
	if r.chinese && r.solarTerm != 0 {
		return invalid("X-SOLARTERM", "not supported with RSCALE=CHINESE")
	}
	if r.chinese {
		if r.freq != rrule.YEARLY && r.freq != rrule.MONTHLY {
			return invalid("RSCALE", "CHINESE supports FREQ=YEARLY and FREQ=MONTHLY only")
		}
		for _, p := range []string{"BYDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"} {
			if has(p) {
				return invalid(p, "not supported with RSCALE=CHINESE")
			}
		}
		for _, d := range r.bymonthday {
			if d > 30 || d < -30 {
				return invalid("BYMONTHDAY", "%d out of range for a lunar month", d)
			}
		}
		return nil
	}
	if has("BYWEEKNO") && r.freq != rrule.YEARLY {
		return invalid("BYWEEKNO", "allowed only with FREQ=YEARLY")
	}
	if has("BYYEARDAY") && (r.freq == rrule.DAILY || r.freq == rrule.WEEKLY || r.freq == rrule.MONTHLY) {
		return invalid("BYYEARDAY", "not allowed with FREQ=%s", r.freqName)
	}
	if has("BYMONTHDAY") && r.freq == rrule.WEEKLY {
		return invalid("BYMONTHDAY", "not allowed with FREQ=WEEKLY")
	}
	if has("BYSETPOS") {
		others := 0
		for p := range parts {
			if strings.HasPrefix(p, "BY") && p != "BYSETPOS" {
				others++
			}
		}
		if others == 0 {
			return invalid("BYSETPOS", "needs another BYxxx part")
		}
	}
	for _, wd := range r.byday {
		if wd.N() != 0 && r.freq != rrule.MONTHLY && r.freq != rrule.YEARLY {
			return invalid("BYDAY", "ordinal weekdays need FREQ=MONTHLY or YEARLY")
		}
		if wd.N() != 0 && r.freq == rrule.YEARLY && has("BYWEEKNO") {
			return invalid("BYDAY", "ordinal weekdays not allowed with BYWEEKNO")
		}
		if (wd.N() > 5 || wd.N() < -5) && (r.freq == rrule.MONTHLY || has("BYMONTH")) {
			return invalid("BYDAY", "ordinal %d out of range for a month", wd.N())
		}
	}
	return nil
}

func intIn(part, v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalid(part, "%q is not a number", v)
	}
	if n < lo || n > hi {
		return 0, invalid(part, "%d out of range", n)
	}
	return n, nil
}

// intList parses "1,2,-3"; signed allows -hi..-lo as well as lo..hi.
func intList(part, v string, lo, hi int, signed bool) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimPrefix(f, "+"))
		if err != nil {
			return nil, invalid(part, "%q is not a number", f)
		}
		if !(n >= lo && n <= hi) && !(signed && n <= -lo && n >= -hi) {
			return nil, invalid(part, "%d out of range", n)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) > 400 {
		return nil, invalid(part, "too many values")
	}
	return out, nil
}

func parseByMonth(v string, chinese bool) ([]int, []lunarMonthSel, error) {
	var months []int
	var lunar []lunarMonthSel
	for _, f := range strings.Split(v, ",") {
		leap := strings.HasSuffix(f, "L")
		if leap && !chinese {
			return nil, nil, invalid("BYMONTH", "leap month %q needs RSCALE=CHINESE", f)
		}
		n, err := strconv.Atoi(strings.TrimSuffix(f, "L"))
		if err != nil {
			return nil, nil, invalid("BYMONTH", "%q is not a month", f)
		}
		if n < 1 || n > 12 {
			return nil, nil, invalid("BYMONTH", "%d out of range", n)
		}
		sel := lunarMonthSel{n, leap}
		if !slices.Contains(lunar, sel) {
			lunar = append(lunar, sel)
			if !leap && !slices.Contains(months, n) {
				months = append(months, n)
			}
		}
	}
	return months, lunar, nil
}

func parseByDay(v string) ([]rrule.Weekday, []string, error) {
	var out []rrule.Weekday
	var strs []string
	for _, f := range strings.Split(v, ",") {
		if len(f) < 2 {
			return nil, nil, invalid("BYDAY", "%q is not a weekday", f)
		}
		wd, ok := weekdays[f[len(f)-2:]]
		if !ok {
			return nil, nil, invalid("BYDAY", "%q is not a weekday", f)
		}
		n := 0
		if num := f[:len(f)-2]; num != "" {
			var err error
			n, err = strconv.Atoi(strings.TrimPrefix(num, "+"))
			if err != nil || n == 0 || n > 53 || n < -53 {
				return nil, nil, invalid("BYDAY", "%q has a bad ordinal", f)
			}
		}
		canon := f[len(f)-2:]
		if n != 0 {
			canon = strconv.Itoa(n) + canon
		}
		if slices.Contains(strs, canon) {
			continue
		}
		strs = append(strs, canon)
		out = append(out, wd.Nth(n))
	}
	return out, strs, nil
}

func parseUntil(v string, loc *time.Location) (wall, instant time.Time, err error) {
	switch {
	case strings.HasSuffix(v, "Z"):
		t, e := time.Parse("20060102T150405Z", v)
		if e != nil {
			return wall, instant, invalid("UNTIL", "%q is not a UTC date-time", v)
		}
		instant = t
		wall = wallOf(t.In(loc))
	case len(v) == 8:
		t, e := time.Parse("20060102", v)
		if e != nil {
			return wall, instant, invalid("UNTIL", "%q is not a date", v)
		}
		wall = t.Add(24*time.Hour - time.Second) // the whole day is included
		instant = localize(wall, loc)
	default:
		t, e := time.Parse("20060102T150405", v)
		if e != nil {
			return wall, instant, invalid("UNTIL", "%q is not a date-time", v)
		}
		wall = t
		instant = localize(wall, loc)
	}
	if y := wall.Year(); y < minYear || y > maxYear+1 {
		return wall, instant, invalid("UNTIL", "year %d out of range", y)
	}
	return wall, instant, nil
}

// String returns the rule in canonical form: parts in a fixed order, upper
// case, defaults (INTERVAL=1, WKST=MO) left out, UNTIL in UTC.
func (r *Rule) String() string {
	var b []string
	add := func(name, v string) { b = append(b, name+"="+v) }
	ints := func(name string, xs []int) {
		if len(xs) == 0 {
			return
		}
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = strconv.Itoa(x)
		}
		add(name, strings.Join(s, ","))
	}
	if r.chinese {
		add("RSCALE", "CHINESE")
	}
	add("FREQ", r.freqName)
	if r.interval > 1 {
		add("INTERVAL", strconv.Itoa(r.interval))
	}
	if r.count > 0 {
		add("COUNT", strconv.Itoa(r.count))
	}
	if !r.until.IsZero() {
		add("UNTIL", r.until.UTC().Format("20060102T150405Z"))
	}
	if len(r.lunarMonths) > 0 {
		s := make([]string, len(r.lunarMonths))
		for i, m := range r.lunarMonths {
			s[i] = strconv.Itoa(m.month)
			if m.leap {
				s[i] += "L"
			}
		}
		add("BYMONTH", strings.Join(s, ","))
	}
	ints("BYWEEKNO", r.byweekno)
	ints("BYYEARDAY", r.byyearday)
	ints("BYMONTHDAY", r.bymonthday)
	if len(r.bydayStr) > 0 {
		add("BYDAY", strings.Join(r.bydayStr, ","))
	}
	ints("BYHOUR", r.byhour)
	ints("BYMINUTE", r.byminute)
	ints("BYSECOND", r.bysecond)
	ints("BYSETPOS", r.bysetpos)
	if r.wkstStr != "" && r.wkstStr != "MO" {
		add("WKST", r.wkstStr)
	}
	if r.skip != "" && r.skip != "OMIT" {
		add("SKIP", r.skip)
	}
	if r.workday != "" {
		add("X-WORKDAY", r.workday)
	}
	if r.solarTerm != 0 {
		add("X-SOLARTERM", calendar.SolarTermCode(r.solarTerm-1))
	}
	return strings.Join(b, ";")
}
