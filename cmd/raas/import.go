package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/raasdev/raas/client"
	"github.com/raasdev/raas/internal/importer"
)

// runImport is `raas remind import FILE`: every line of a CSV or JSON
// Lines file becomes a reminder, created in batches. Each line's key is
// derived from the file's path and the line number, so running the same
// command again after an interruption resumes: lines already imported are
// answered as replays and not created twice.
func runImport(ctx context.Context, c *client.Client, path string, format string, batch int, asJSON bool, stdout, stderr io.Writer) int {
	if format == "" {
		f, err := importer.FormatOf(path)
		if err != nil {
			fmt.Fprintln(stderr, "raas remind import:", err)
			return 2
		}
		format = string(f)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		fmt.Fprintln(stderr, "raas remind import:", err)
		return 1
	}
	total, err := countLines(abs, importer.Format(format))
	if err != nil {
		fmt.Fprintln(stderr, "raas remind import:", err)
		return 1
	}
	f, err := os.Open(abs)
	if err != nil {
		fmt.Fprintln(stderr, "raas remind import:", err)
		return 1
	}
	defer f.Close()
	r, err := importer.NewReader(f, importer.Format(format))
	if err != nil {
		fmt.Fprintf(stderr, "raas remind import: %s: %v\n", path, err)
		return 1
	}
	o := importer.Options{Batch: batch, KeyPrefix: importer.KeyPrefix(abs)}
	var bar *progressbar.ProgressBar
	if file, ok := stderr.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("lines"),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		o.Progress = func(done int, _ importer.Summary) { _ = bar.Set(done) }
	} else {
		last := time.Time{}
		o.Progress = func(done int, s importer.Summary) {
			if time.Since(last) >= time.Second || done >= total {
				last = time.Now()
				fmt.Fprintf(stderr, "imported %d/%d lines: %d created, %d already there, %d failed\n", done, total, s.Created, s.Replayed, len(s.Failed))
			}
		}
	}
	s, err := importer.Import(ctx, c, r, o)
	if bar != nil {
		_ = bar.Finish()
	}
	for _, fl := range s.Failed {
		if fl.Field != "" {
			fmt.Fprintf(stderr, "%s:%d: %s: %s\n", path, fl.Line, fl.Field, fl.Message)
		} else {
			fmt.Fprintf(stderr, "%s:%d: %s\n", path, fl.Line, fl.Message)
		}
	}
	if asJSON {
		if s.Failed == nil {
			s.Failed = []importer.Failure{}
		}
		out := struct {
			importer.Summary
			Error string `json:"error,omitempty"`
		}{Summary: s}
		if err != nil {
			out.Error = err.Error()
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(out)
	} else {
		fmt.Fprintf(stdout, "%s: %d lines: %d created, %d already there, %d failed\n", path, s.Lines, s.Created, s.Replayed, len(s.Failed))
	}
	if err != nil {
		var e *client.Error
		switch {
		case errors.Is(err, context.Canceled):
			fmt.Fprintf(stderr, "raas remind import: interrupted after line %d; run the same command again to resume (lines already imported are not created twice)\n", s.LastLine)
		case errors.As(err, &e):
			fmt.Fprintf(stderr, "raas remind import: %s (%s); run the same command again to resume\n", e.Message, e.Code)
		default:
			fmt.Fprintf(stderr, "raas remind import: %v; run the same command again to resume\n", err)
		}
		return 1
	}
	if len(s.Failed) > 0 {
		return 1
	}
	return 0
}

// countLines counts a file's lines (a CSV header aside), for the
// progress bar's total; blank lines and CSV records spanning lines make it
// an estimate.
func countLines(path string, f importer.Format) (int, error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	buf := make([]byte, 256<<10)
	n, last := 0, byte('\n')
	for {
		k, err := file.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	if f == importer.CSV {
		n--
	}
	return max(n, 1), nil
}
