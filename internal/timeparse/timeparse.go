// Package timeparse reads the time of a reminder from its text, in Chinese and
// English: absolute and relative dates, weekdays, parts of day, festivals and
// lunar dates, intervals and recurrences (as RRULEs for package recur).
//
// It is pure: the present, the zone and the language are arguments.
package timeparse

import (
	"encoding/json"
	"errors"
	"time"
)

// Grain says how precisely a Schedule pins its time.
type Grain string

// The grains, finest first.
const (
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
	Lang       string         // "zh", "en", "" or "auto"
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
}

// ErrNoTime is returned by Parse when the text holds no time.
var ErrNoTime = errors.New("no time found")

type scheduleJSON struct {
	Time    string   `json:"time"`
	Grain   Grain    `json:"grain"`
	RRule   string   `json:"rrule,omitempty"`
	Next    []string `json:"next"`
	End     string   `json:"end,omitempty"`
	Title   string   `json:"title"`
	Matched string   `json:"matched"`
}

// MarshalJSON writes the contract's object, times in RFC 3339 in the zone of
// s.Time. It never fails.
func (s Schedule) MarshalJSON() ([]byte, error) {
	loc := s.Time.Location()
	j := scheduleJSON{Time: s.Time.Format(time.RFC3339), Grain: s.Grain, RRule: s.RRule,
		Title: s.Title, Matched: s.Matched, Next: make([]string, 0, len(s.Next))}
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
	sch.Title = title(text[:bs], text[be:])
	return sch, nil
}
