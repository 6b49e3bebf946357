package timeparse

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testCase is one line of a cases file (the format of the public dev set, testdata/dev_cases.jsonl).
type testCase struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Lang   string `json:"lang"`
	Ref    string `json:"ref"`
	Text   string `json:"text"`
	Expect struct {
		Time        string   `json:"time"`
		Grain       Grain    `json:"grain"`
		Occurrences []string `json:"occurrences"`
		End         string   `json:"end"`
		Title       *string  `json:"title"`
		None        bool     `json:"none"`
		Warn        *bool    `json:"warn"` // whether the answer carries warnings (our own files only)
	} `json:"expect"`
}

func loadCases(t testing.TB, path string) []testCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []testCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var c testCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// truncGrain cuts t down to the start of its grain (weeks start on Monday).
func truncGrain(t time.Time, g Grain) time.Time {
	y, m, d := t.Date()
	switch g {
	case GrainMinute:
		return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, t.Location())
	case GrainHour:
		return time.Date(y, m, d, t.Hour(), 0, 0, 0, t.Location())
	case GrainDay:
		return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	case GrainWeek:
		wd := (int(t.Weekday()) + 6) % 7
		return time.Date(y, m, d-wd, 0, 0, 0, 0, t.Location())
	case GrainMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, t.Location())
	case GrainYear:
		return time.Date(y, 1, 1, 0, 0, 0, 0, t.Location())
	}
	return t
}

func sameAt(got time.Time, want string, g Grain) error {
	w, err := time.Parse(time.RFC3339, want)
	if err != nil {
		return err
	}
	got = got.In(w.Location())
	if !truncGrain(got, g).Equal(truncGrain(w, g)) {
		return fmt.Errorf("got %s, want %s at %s", got.Format(time.RFC3339), want, g)
	}
	return nil
}

// checkCase checks a Parse answer the way the README says.
func checkCase(c testCase, s Schedule, err error) error {
	if c.Expect.None {
		if !errors.Is(err, ErrNoTime) {
			return fmt.Errorf("want no time, got %v (%v, matched %q)", s.Time, err, s.Matched)
		}
		return nil
	}
	if err != nil {
		return err
	}
	g := c.Expect.Grain
	if e := sameAt(s.Time, c.Expect.Time, g); e != nil {
		return fmt.Errorf("time: %w (matched %q, rrule %q)", e, s.Matched, s.RRule)
	}
	if len(c.Expect.Occurrences) > 0 {
		if len(s.Next) < len(c.Expect.Occurrences) {
			return fmt.Errorf("occurrences: got %d (%v), want %d (rrule %q)", len(s.Next), s.Next, len(c.Expect.Occurrences), s.RRule)
		}
		for i, o := range c.Expect.Occurrences {
			if e := sameAt(s.Next[i], o, g); e != nil {
				return fmt.Errorf("occurrence %d: %w (rrule %q)", i, e, s.RRule)
			}
		}
	}
	if c.Expect.End != "" {
		if s.End == nil {
			return fmt.Errorf("end: none, want %s", c.Expect.End)
		}
		if e := sameAt(*s.End, c.Expect.End, g); e != nil {
			return fmt.Errorf("end: %w", e)
		}
	}
	if c.Expect.Warn != nil && *c.Expect.Warn != (len(s.Warnings) > 0) {
		return fmt.Errorf("warnings: got %q, want some: %v", s.Warnings, *c.Expect.Warn)
	}
	if c.Expect.Title != nil && s.Title != *c.Expect.Title {
		return fmt.Errorf("title: got %q, want %q", s.Title, *c.Expect.Title)
	}
	return nil
}

func parseCase(c testCase) (Schedule, error) {
	ref, err := time.Parse(time.RFC3339, c.Ref)
	if err != nil {
		return Schedule{}, err
	}
	o := DefaultOptions(ref)
	if c.Lang != "" {
		o.Lang = c.Lang
	}
	return Parse(c.Text, o)
}

// caseFiles are the repository's own case files (testdata), and only
// those: a test does not read files from outside the repository.
func caseFiles(t testing.TB) []string {
	files, _ := filepath.Glob("testdata/*.jsonl")
	return files
}

// minCases is how many cases each file of testdata must hold at least, so
// that a truncated or lost file fails the test instead of passing quietly.
var minCases = map[string]int{
	"dev_cases.jsonl":            55,
	"f09_ranges.jsonl":           60,
	"f10_mixed_text.jsonl":       69,
	"f03_holidays.jsonl":         123,
	"f04_time_zones.jsonl":       66,
	"f07_lunar_terms.jsonl":      80,
	"f11_weekday_confirms.jsonl": 60,
	"f01_traditional.jsonl":      91,
	"f05_en_idioms.jsonl":        105,
	"f08_numeric_dates.jsonl":    62,
	"f06_zh_relative.jsonl":      80,
	"own_cases.jsonl":            684,
	"f02_seconds.jsonl":          49,
}

func TestCases(t *testing.T) {
	seen := map[string]bool{}
	for _, file := range caseFiles(t) {
		cases := loadCases(t, file)
		if filepath.Dir(file) == "testdata" {
			base := filepath.Base(file)
			seen[base] = true
			want, ok := minCases[base]
			if !ok {
				t.Errorf("%s: not listed in minCases", file)
			}
			if len(cases) < want {
				t.Errorf("%s: %d cases loaded, want at least %d", file, len(cases), want)
			}
		}
		pass := 0
		for _, c := range cases {
			s, err := parseCase(c)
			if e := checkCase(c, s, err); e != nil {
				t.Errorf("%s %s %q: %v", filepath.Base(file), c.ID, c.Text, e)
				continue
			}
			pass++
		}
		t.Logf("%s: %d/%d pass", file, pass, len(cases))
	}
	for base := range minCases {
		if !seen[base] {
			t.Errorf("testdata/%s: missing", base)
		}
	}
}
