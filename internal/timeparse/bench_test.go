package timeparse

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

type benchCase struct {
	c    testCase
	ref  time.Time
	opts Options
}

func benchCases(b testing.TB, lang string) []benchCase {
	var out []benchCase
	for _, c := range loadCases(b, "testdata/dev_cases.jsonl") {
		if lang != "" && c.Lang != lang {
			continue
		}
		ref, err := time.Parse(time.RFC3339, c.Ref)
		if err != nil {
			b.Fatal(err)
		}
		o := DefaultOptions(ref)
		o.Lang = c.Lang
		out = append(out, benchCase{c, ref, o})
	}
	return out
}

// BenchmarkParse parses every dev phrase once per iteration; ns/phrase is
// the mean cost of one phrase.
func BenchmarkParse(b *testing.B) {
	for _, set := range []struct{ name, lang string }{{"all", ""}, {"en", "en"}, {"zh", "zh"}} {
		cases := benchCases(b, set.lang)
		b.Run(set.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i := range cases {
					Parse(cases[i].c.Text, cases[i].opts)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cases)), "ns/phrase")
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range loadCases(f, "testdata/dev_cases.jsonl") {
		f.Add(c.Text)
	}
	for _, s := range []string{"", "每", "每隔", "下下下下周", "差差五分八点", "12/", "2026-13-45", "at", "in", "from 3 to",
		"每年农历闰四月初一", "三十一号", "二月三十日", "every 0 days", "每0天", "99999999999999999999点", "\xff\xfe", "９９：９９"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 22, 14, 40, 0, 0, time.FixedZone("CST", 8*3600))
	f.Fuzz(func(t *testing.T, text string) {
		// No timed assertion here: on a loaded machine it failed on inputs
		// that parse in microseconds. A parse that runs away is caught by
		// the fuzzer's own hang detection; BenchmarkLargeInput keeps the
		// cost of long inputs in sight.
		s, err := Parse(text, DefaultOptions(now))
		if err != nil {
			if !errors.Is(err, ErrNoTime) && s.Time != (time.Time{}) {
				t.Fatalf("error %v with a schedule", err)
			}
			return
		}
		if len(s.Next) == 0 || !s.Next[0].Equal(s.Time) {
			t.Fatalf("%q: Next %v does not start at Time %v", text, s.Next, s.Time)
		}
		if !slicesContains(text, s.Matched) || s.Matched == "" {
			t.Fatalf("%q: matched %q is not in the text", text, s.Matched)
		}
		if _, err := s.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCaseInvariants checks FuzzParse's invariants, without its timing,
// on the phrases of every case file: Next starts at Time, Matched is part
// of the text, the answer marshals.
func TestCaseInvariants(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.jsonl")
	for _, file := range files {
		for _, c := range loadCases(t, file) {
			s, err := parseCase(c)
			if err != nil {
				continue
			}
			if len(s.Next) == 0 || !s.Next[0].Equal(s.Time) {
				t.Errorf("%s %q: Next %v does not start at Time %v", file, c.Text, s.Next, s.Time)
			}
			if s.Matched == "" || !slicesContains(c.Text, s.Matched) {
				t.Errorf("%s %q: matched %q is not in the text", file, c.Text, s.Matched)
			}
			if s.End != nil && s.End.Before(s.Time) {
				t.Errorf("%s %q: end %v before time %v", file, c.Text, s.End, s.Time)
			}
			if _, err := s.MarshalJSON(); err != nil {
				t.Error(err)
			}
		}
	}
}

func slicesContains(text, sub string) bool {
	for i := 0; i+len(sub) <= len(text); i++ {
		if text[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// largeInputs are a mebibyte of each chunk repeated.
func largeInputs() map[string]string {
	chunks := []string{"明天下午三点", "每周一三五", "1", "点", "a ", "in 2 ", "每", "差", "from 3 to ", "二十", "🙂"}
	out := make(map[string]string, len(chunks))
	for _, ch := range chunks {
		var b []byte
		for len(b) < 1<<20 {
			b = append(b, ch...)
		}
		out[ch] = string(b)
	}
	return out
}

// TestLargeInput: a mebibyte of text parses without a panic and answers
// (a runaway parse is stopped by the test timeout; its cost is measured by
// BenchmarkLargeInput, not asserted on a clock).
func TestLargeInput(t *testing.T) {
	now := time.Date(2026, 11, 22, 14, 40, 0, 0, time.FixedZone("CST", 8*3600))
	for ch, text := range largeInputs() {
		s, err := Parse(text, DefaultOptions(now))
		if err == nil && s.Matched == "" {
			t.Errorf("%q×%d: a schedule with nothing matched", ch, len(text)/len(ch))
		}
	}
}

// BenchmarkLargeInput: a mebibyte of each repeated chunk.
func BenchmarkLargeInput(b *testing.B) {
	now := time.Date(2026, 11, 22, 14, 40, 0, 0, time.FixedZone("CST", 8*3600))
	inputs := largeInputs()
	for b.Loop() {
		for _, text := range inputs {
			Parse(text, DefaultOptions(now))
		}
	}
}
