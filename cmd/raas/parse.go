package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/timeparse"
	"github.com/raasdev/raas/internal/zone"
)

// runParse is "raas parse": it reads the time of one reminder text, or of
// every case in a --jsonl file, and prints the schedule as JSON. It exits 0
// when a time was found, 1 when not (or when any case of a file failed to
// parse with an error other than "no time"), 2 on bad usage.
func runParse(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nowFlag := fs.String("now", "", "the present moment, RFC 3339 (default: the real present)")
	tzFlag := fs.String("tz", "", "IANA time zone (default: the fixed offset of --now)")
	langFlag := fs.String("lang", "auto", "language of the text: zh, en or auto")
	jsonlFlag := fs.String("jsonl", "", "read cases (one JSON object a line, with id, text, ref, lang) from FILE, - for stdin")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: raas parse [--now RFC3339] [--tz ZONE] [--lang zh|en|auto] TEXT\n       raas parse --jsonl FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch *langFlag {
	case "zh", "en", "auto", "":
	default:
		fmt.Fprintf(stderr, "raas parse: --lang must be zh, en or auto, not %q\n", *langFlag)
		return 2
	}
	var loc *time.Location
	if *tzFlag != "" {
		l, err := zone.Load(*tzFlag)
		if err != nil {
			fmt.Fprintf(stderr, "raas parse: --tz: %v\n", err)
			return 2
		}
		loc = l
	}
	now := time.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "raas parse: --now: %v\n", err)
			return 2
		}
		now = t
	}
	if *jsonlFlag != "" {
		if fs.NArg() != 0 {
			fs.Usage()
			return 2
		}
		return parseJSONL(ctx, *jsonlFlag, loc, *langFlag, stdout, stderr)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	text := strings.Join(fs.Args(), " ")
	return printParse(stdout, stderr, "", text, now, loc, *langFlag)
}

func options(now time.Time, loc *time.Location, lang string) timeparse.Options {
	o := timeparse.DefaultOptions(now)
	if loc != nil {
		o.Loc = loc
		o.Now = now.In(loc)
	}
	o.Lang = lang
	return o
}

// answer is one line of output: the schedule's own fields, with the case id
// in --jsonl mode, or an error.
func answer(id string, s *timeparse.Schedule, err error) ([]byte, error) {
	var body []byte
	if err != nil {
		body, _ = json.Marshal(struct {
			Error string `json:"error"`
		}{err.Error()})
	} else {
		b, e := s.MarshalJSON()
		if e != nil {
			return nil, e
		}
		body = b
	}
	if id == "" {
		return body, nil
	}
	idJSON, _ := json.Marshal(id)
	return append(append([]byte(`{"id":`), idJSON...), append([]byte{','}, body[1:]...)...), nil
}

func printParse(stdout, stderr io.Writer, id, text string, now time.Time, loc *time.Location, lang string) int {
	s, err := timeparse.Parse(text, options(now, loc, lang))
	b, e := answer(id, &s, err)
	if e != nil {
		fmt.Fprintf(stderr, "raas parse: %v\n", e)
		return 1
	}
	fmt.Fprintf(stdout, "%s\n", b)
	if err != nil {
		if !errors.Is(err, timeparse.ErrNoTime) {
			fmt.Fprintf(stderr, "raas parse: %v\n", err)
		}
		return 1
	}
	return 0
}

type jsonlCase struct {
	ID   string `json:"id"`
	Lang string `json:"lang"`
	Ref  string `json:"ref"`
	Now  string `json:"now"`
	TZ   string `json:"tz"`
	Text string `json:"text"`
}

// parseJSONL answers every case of a file, one line each, in order. A case
// without a time is an answer, not a failure; a malformed line is reported
// as an error answer and makes the exit code 1.
func parseJSONL(ctx context.Context, path string, loc *time.Location, lang string, stdout, stderr io.Writer) int {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "raas parse: %v\n", err)
			return 1
		}
		defer f.Close()
		r = f
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	code := 0
	for line := 1; sc.Scan(); line++ {
		if ctx.Err() != nil {
			return 1
		}
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		var c jsonlCase
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			b, _ := answer(fmt.Sprintf("line %d", line), nil, fmt.Errorf("bad case: %v", err))
			w.Write(append(b, '\n'))
			code = 1
			continue
		}
		now := time.Now()
		ref := c.Ref
		if ref == "" {
			ref = c.Now
		}
		if ref != "" {
			t, err := time.Parse(time.RFC3339, ref)
			if err != nil {
				b, _ := answer(c.ID, nil, fmt.Errorf("bad ref: %v", err))
				w.Write(append(b, '\n'))
				code = 1
				continue
			}
			now = t
		}
		cloc := loc
		if c.TZ != "" {
			l, err := zone.Load(c.TZ)
			if err != nil {
				b, _ := answer(c.ID, nil, fmt.Errorf("bad tz: %v", err))
				w.Write(append(b, '\n'))
				code = 1
				continue
			}
			cloc = l
		}
		clang := lang
		if clang == "auto" || clang == "" {
			clang = c.Lang
		}
		s, err := timeparse.Parse(c.Text, options(now, cloc, clang))
		b, e := answer(c.ID, &s, err)
		if e != nil {
			fmt.Fprintf(stderr, "raas parse: %s: %v\n", c.ID, e)
			code = 1
			continue
		}
		w.Write(append(b, '\n'))
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "raas parse: %v\n", err)
		return 1
	}
	return code
}
