// Package importer loads reminders from a CSV or JSON Lines file into a
// RaaS server through batch creates. Each line's idempotency key is derived
// from the file and the line, so an import interrupted and run again
// creates nothing twice: lines already imported are answered as replays.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/client"
)

// Columns are the fields a line may have (CSV header names, JSON keys).
var Columns = []string{"text", "time", "title", "desc", "rrule", "recipients", "channels", "tz"}

// Line is one reminder read from a file.
type Line struct {
	No   int // 1-based line number in the file (for CSV, the record's first line)
	Item client.BatchItem
	Err  error // the line cannot be read: it is reported and not sent
}

// Format is how a file is written.
type Format string

// Formats.
const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
)

// FormatOf picks the format from a file name: .csv is CSV; .jsonl, .ndjson
// and .json are JSON Lines.
func FormatOf(name string) (Format, error) {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".csv"):
		return CSV, nil
	case strings.HasSuffix(n, ".jsonl"), strings.HasSuffix(n, ".ndjson"), strings.HasSuffix(n, ".json"):
		return JSONL, nil
	}
	return "", fmt.Errorf("cannot tell the format of %s: name it .csv or .jsonl, or give --format", name)
}

// Reader yields a file's lines one at a time.
type Reader struct {
	format Format
	csv    *csv.Reader
	cols   []string // CSV header
	sc     *bufio.Scanner
	line   int // JSONL: lines read
}

// NewReader reads r in format f. A CSV file starts with a header naming
// its columns (any of Columns, in any order).
func NewReader(r io.Reader, f Format) (*Reader, error) {
	switch f {
	case CSV:
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.TrimLeadingSpace = true
		head, err := cr.Read()
		if err != nil {
			return nil, fmt.Errorf("line 1: the CSV header: %w", err)
		}
		for i, h := range head {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if !known(h) {
				return nil, fmt.Errorf("line 1: unknown column %q (known: %s)", h, strings.Join(Columns, ", "))
			}
			head[i] = h
		}
		return &Reader{format: f, csv: cr, cols: head}, nil
	case JSONL:
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		return &Reader{format: f, sc: sc}, nil
	}
	return nil, fmt.Errorf("unknown format %q (csv or jsonl)", f)
}

func known(col string) bool {
	for _, c := range Columns {
		if c == col {
			return true
		}
	}
	return false
}

// Next returns the next line; io.EOF after the last. Blank lines are
// skipped. An error other than io.EOF means the file cannot be read on.
func (r *Reader) Next() (Line, error) {
	if r.format == CSV {
		for {
			rec, err := r.csv.Read()
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return Line{}, fmt.Errorf("line %d: %w", pe.StartLine, pe.Err)
				}
				return Line{}, err
			}
			no, _ := r.csv.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			fields := map[string]string{}
			l := Line{No: no}
			if len(rec) > len(r.cols) {
				l.Err = fmt.Errorf("%d fields, but the header names %d columns", len(rec), len(r.cols))
				return l, nil
			}
			for i, v := range rec {
				fields[r.cols[i]] = v
			}
			l.Item, l.Err = item(fields)
			return l, nil
		}
	}
	for r.sc.Scan() {
		r.line++
		b := bytes.TrimSpace(r.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		l := Line{No: r.line}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			l.Err = errors.New("not a JSON object")
			return l, nil
		}
		fields := map[string]string{}
		for k, v := range raw {
			if !known(k) {
				l.Err = fmt.Errorf("%s: not a known field (known: %s)", k, strings.Join(Columns, ", "))
				return l, nil
			}
			fields[k], l.Err = jsonField(k, v)
			if l.Err != nil {
				return l, nil
			}
		}
		l.Item, l.Err = item(fields)
		return l, nil
	}
	if err := r.sc.Err(); err != nil {
		return Line{}, fmt.Errorf("line %d: %w", r.line+1, err)
	}
	return Line{}, io.EOF
}

// jsonField reads a JSON value as the text a CSV cell would hold: a string,
// a number (time in Unix milliseconds), or an array of strings (joined with
// commas) for recipients and channels.
func jsonField(k string, v json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, nil
	}
	var n json.Number
	if k == "time" && json.Unmarshal(v, &n) == nil {
		return n.String(), nil
	}
	var list []string
	if (k == "recipients" || k == "channels") && json.Unmarshal(v, &list) == nil {
		return strings.Join(list, ","), nil
	}
	if string(v) == "null" {
		return "", nil
	}
	return "", fmt.Errorf("%s: must be a string", k)
}

// item makes the create of one line's fields.
func item(f map[string]string) (client.BatchItem, error) {
	in := client.ReminderInput{
		Title: f["title"], Desc: f["desc"], Text: f["text"], RRule: f["rrule"], TZ: strings.TrimSpace(f["tz"]),
		Recipients: list(f["recipients"]), Channels: list(f["channels"]),
	}
	if s := strings.TrimSpace(f["time"]); s != "" {
		t, err := ParseTime(s)
		if err != nil {
			return client.BatchItem{}, fmt.Errorf("time: %w", err)
		}
		in.Time = &t
	}
	if in.Time == nil && in.RRule == "" && strings.TrimSpace(in.Text+in.Desc+in.Title) == "" {
		return client.BatchItem{}, errors.New("give a text, a time or an rrule")
	}
	return client.BatchItem{ReminderInput: in}, nil
}

// ParseTime reads an RFC 3339 time or Unix milliseconds.
func ParseTime(s string) (time.Time, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, errors.New("must be an RFC 3339 time like 2026-12-01T09:30:00+08:00 or Unix milliseconds")
	}
	return t, nil
}

// list splits "a, b;c" into [a b c].
func list(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// KeyPrefix is the start of the keys of a file's lines: the file's
// absolute path, hashed (so it fits a key and says nothing of the path).
func KeyPrefix(absPath string) string {
	sum := sha256.Sum256([]byte(absPath))
	return "import:" + hex.EncodeToString(sum[:8])
}

// BatchCreator is what an import needs of the client.
type BatchCreator interface {
	CreateBatch(ctx context.Context, items []client.BatchItem) ([]client.BatchResult, error)
}

// Failure is a line not imported.
type Failure struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Summary counts an import.
type Summary struct {
	Lines    int       `json:"lines"`    // lines read (blank ones aside)
	Created  int       `json:"created"`  // reminders created now
	Replayed int       `json:"replayed"` // lines imported before (by an earlier, interrupted run)
	Failed   []Failure `json:"failed"`   // lines refused, by the reader or the server
	LastLine int       `json:"last_line"`
}

// Options configure Import.
type Options struct {
	Batch     int                       // reminders per request (1–client.MaxBatch; default the most)
	KeyPrefix string                    // keys are KeyPrefix:LINE
	Progress  func(done int, s Summary) // after each batch; done counts the lines sent or refused so far
}

// Import reads every line of r and creates its reminder, Batch lines a
// request. It stops at the first error that is not one line's (a request
// failing after the client's retries, an unreadable file, ctx done),
// returning the summary so far: running it again resumes, since lines
// already created replay.
func Import(ctx context.Context, c BatchCreator, r *Reader, o Options) (Summary, error) {
	if o.Batch <= 0 || o.Batch > client.MaxBatch {
		o.Batch = client.MaxBatch
	}
	var s Summary
	var pending []Line
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		items := make([]client.BatchItem, len(pending))
		for i, l := range pending {
			items[i] = l.Item
		}
		res, err := c.CreateBatch(ctx, items)
		if err != nil {
			return fmt.Errorf("lines %d–%d: %w", pending[0].No, pending[len(pending)-1].No, err)
		}
		if len(res) != len(items) {
			return fmt.Errorf("lines %d–%d: %d answers for %d reminders", pending[0].No, pending[len(pending)-1].No, len(res), len(items))
		}
		for i, rr := range res {
			switch {
			case rr.Error != nil:
				s.Failed = append(s.Failed, Failure{Line: pending[i].No, Field: rr.Error.Field, Message: rr.Error.Message})
			case rr.Replayed:
				s.Replayed++
			default:
				s.Created++
			}
		}
		s.LastLine = pending[len(pending)-1].No
		pending = pending[:0]
		if o.Progress != nil {
			o.Progress(s.Lines, s)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s, err
		}
		s.Lines++
		if l.Err != nil {
			msg := l.Err.Error()
			field := ""
			if k, rest, ok := strings.Cut(msg, ": "); ok && k != "" && !strings.ContainsAny(k, " \t") {
				field, msg = k, rest
			}
			s.Failed = append(s.Failed, Failure{Line: l.No, Field: field, Message: msg})
			continue
		}
		l.Item.IdempotencyKey = o.KeyPrefix + ":" + strconv.Itoa(l.No)
		pending = append(pending, l)
		if len(pending) == o.Batch {
			if err := flush(); err != nil {
				return s, err
			}
		}
	}
	return s, flush()
}
