package importer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/raasdev/raas/client"
	"github.com/raasdev/raas/internal/app/apptest"
	"github.com/raasdev/raas/internal/importer"
)

type want struct {
	created int
	failed  map[int]string // line → field at fault ("" when none is named)
}

var files = map[string]want{
	"reminders.csv":   {5, map[int]string{8: "time", 9: "tz", 10: "title", 11: "time"}},
	"reminders.jsonl": {4, map[int]string{5: "time", 6: "colour", 7: "", 8: "tz", 9: "time"}},
}

func open(t *testing.T, name string) *importer.Reader {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	format, err := importer.FormatOf(name)
	if err != nil {
		t.Fatal(err)
	}
	r, err := importer.NewReader(f, format)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func failedLines(s importer.Summary) map[int]string {
	m := map[int]string{}
	for _, f := range s.Failed {
		m[f.Line] = f.Field
	}
	return m
}

// TestImportFiles imports each test file into a real server: every good
// line is created, every bad one reported with its line and field; a
// second run creates nothing (every line replays).
func TestImportFiles(t *testing.T) {
	for name, w := range files {
		t.Run(name, func(t *testing.T) {
			a := apptest.Start(t, nil)
			c := client.New(a.URL, a.Token(t, "import"))
			ctx := context.Background()
			o := importer.Options{Batch: 2, KeyPrefix: importer.KeyPrefix("/data/" + name)}
			s, err := importer.Import(ctx, c, open(t, name), o)
			if err != nil {
				t.Fatal(err)
			}
			if s.Created != w.created || s.Replayed != 0 || !reflect.DeepEqual(failedLines(s), w.failed) {
				t.Fatalf("first run: %+v, want %d created and failures %v", s, w.created, w.failed)
			}
			again, err := importer.Import(ctx, c, open(t, name), o)
			if err != nil {
				t.Fatal(err)
			}
			if again.Created != 0 || again.Replayed != w.created || len(again.Failed) != len(w.failed) {
				t.Fatalf("second run: %+v, want every good line replayed", again)
			}
			page, err := c.ListReminders(ctx, client.ListOptions{Limit: 100})
			if err != nil || len(page.Data) != w.created {
				t.Fatalf("%d reminders on the server, want %d (%v)", len(page.Data), w.created, err)
			}
		})
	}
}

// interrupting cancels the import after its first batch, as ^C would.
type interrupting struct {
	c      *client.Client
	cancel context.CancelFunc
	calls  int
}

func (i *interrupting) CreateBatch(ctx context.Context, items []client.BatchItem) ([]client.BatchResult, error) {
	i.calls++
	res, err := i.c.CreateBatch(ctx, items)
	if i.calls == 1 {
		i.cancel()
	}
	return res, err
}

// TestImportResumes interrupts an import after its first batch and runs it
// again: the lines of the first batch replay, the rest are created, and
// the server holds each good line once.
func TestImportResumes(t *testing.T) {
	a := apptest.Start(t, nil)
	c := client.New(a.URL, a.Token(t, "import"))
	o := importer.Options{Batch: 3, KeyPrefix: importer.KeyPrefix("/data/reminders.csv")}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := importer.Import(ctx, &interrupting{c: c, cancel: cancel}, open(t, "reminders.csv"), o)
	if !errors.Is(err, context.Canceled) || s.Created != 3 || s.LastLine != 4 {
		t.Fatalf("interrupted run: %+v %v, want 3 created up to line 4", s, err)
	}
	s, err = importer.Import(context.Background(), c, open(t, "reminders.csv"), o)
	if err != nil || s.Created != 2 || s.Replayed != 3 {
		t.Fatalf("resumed run: %+v %v, want 2 created and 3 replayed", s, err)
	}
	page, err := c.ListReminders(context.Background(), client.ListOptions{Limit: 100})
	if err != nil || len(page.Data) != 5 {
		t.Fatalf("%d reminders on the server, want 5 (%v)", len(page.Data), err)
	}
}

// TestReaderRefusals: a file the reader cannot start on is refused whole,
// naming the line.
func TestReaderRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    importer.Format
		body string
	}{
		{"unknown column", importer.CSV, "title,when\nx,y\n"},
		{"empty CSV", importer.CSV, ""},
		{"unknown format", "xml", "<a/>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := importer.NewReader(stringsReader(tc.body), tc.f); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := importer.FormatOf("x.txt"); err == nil {
		t.Fatal("FormatOf(x.txt) accepted")
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
