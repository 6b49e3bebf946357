package remind

import (
	"fmt"
	"time"
)

// QuietHours is a daily span of wall-clock time, "HH:MM-HH:MM", in which a
// recipient gets nothing but urgent reminders. Start after End wraps
// midnight ("22:00-07:30").
type QuietHours struct {
	Start, End int // minutes after midnight; Start != End
}

// ParseQuietHours reads "HH:MM-HH:MM".
func ParseQuietHours(s string) (QuietHours, error) {
	var q QuietHours
	digits := func(i int) (int, bool) {
		if s[i] < '0' || s[i] > '9' || s[i+1] < '0' || s[i+1] > '9' {
			return 0, false
		}
		return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
	}
	if len(s) != len("00:00-00:00") || s[2] != ':' || s[5] != '-' || s[8] != ':' {
		return q, fmt.Errorf("must be HH:MM-HH:MM, e.g. 22:00-07:30")
	}
	h1, ok1 := digits(0)
	m1, ok2 := digits(3)
	h2, ok3 := digits(6)
	m2, ok4 := digits(9)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return q, fmt.Errorf("must be HH:MM-HH:MM, e.g. 22:00-07:30")
	}
	if h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 {
		return q, fmt.Errorf("must be HH:MM-HH:MM with hours 00–23 and minutes 00–59")
	}
	q = QuietHours{Start: h1*60 + m1, End: h2*60 + m2}
	if q.Start == q.End {
		return q, fmt.Errorf("must end at another time than it starts")
	}
	return q, nil
}

// String returns q as "HH:MM-HH:MM".
func (q QuietHours) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

// Inside reports whether t falls within q in loc.
func (q QuietHours) Inside(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	sec := lt.Hour()*3600 + lt.Minute()*60 + lt.Second()
	start, end := q.Start*60, q.End*60
	if start < end {
		return sec >= start && sec < end
	}
	return sec >= start || sec < end
}

// Hold returns when a firing at t may reach someone with quiet hours q in
// loc: t itself when it is outside them, else the first instant at or after
// their end. The answer is never inside q nor before t, across midnight and
// daylight-saving changes.
func (q QuietHours) Hold(t time.Time, loc *time.Location) time.Time {
	if !q.Inside(t, loc) {
		return t
	}
	lt := t.In(loc)
	sec := lt.Hour()*3600 + lt.Minute()*60 + lt.Second()
	day := lt
	if sec >= q.End*60 { // in the evening part of a span that wraps midnight
		day = lt.AddDate(0, 0, 1)
	}
	end := time.Date(day.Year(), day.Month(), day.Day(), q.End/60, q.End%60, 0, 0, loc)
	if le := end.In(loc); le.Hour()*60+le.Minute() != q.End {
		// The end's wall-clock time is skipped (clocks spring forward):
		// the first instant after the jump ends the quiet hours.
		end = shiftAt(end, loc)
	} else if !end.After(t) {
		// t is in an hour the clocks repeat (fall back) and the end read
		// as wall-clock time is its first pass: count the wall-clock
		// distance from t instead.
		d := (q.End*60 - sec + 86400) % 86400
		end = lt.Truncate(time.Second).Add(time.Duration(d) * time.Second)
	}
	// After a jump the wall clock may read as quiet again (a span that
	// covers nearly the whole day): step on to the next end.
	for i := 0; i < 2*24*60 && q.Inside(end, loc); i++ {
		end = end.Add(time.Minute)
	}
	return end
}

// shiftAt returns the instant, in the three hours up to t, at which loc's
// offset last changed (to the one t has), or t when it did not change.
func shiftAt(t time.Time, loc *time.Location) time.Time {
	offset := func(x time.Time) int { _, o := x.In(loc).Zone(); return o }
	lo, hi := t.Add(-3*time.Hour), t
	want := offset(hi)
	if offset(lo) == want {
		return t
	}
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if offset(mid) == want {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi.Truncate(time.Second)
}
