package importer_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/importer"
)

// FuzzReader reads any bytes as CSV and as JSON Lines: it never panics,
// line numbers only grow, and every line read is either refused with a
// reason or makes a create with something to schedule from.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"reminders.csv", "reminders.jsonl"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("time,title\n\"unterminated,x\n"))
	f.Add([]byte(`{"time":1e400}` + "\n" + `{"recipients":[1,2]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []importer.Format{importer.CSV, importer.JSONL} {
			r, err := importer.NewReader(bytes.NewReader(data), format)
			if err != nil {
				continue
			}
			last := 0
			for i := 0; i < 10000; i++ {
				l, err := r.Next()
				if errors.Is(err, io.EOF) || err != nil {
					break
				}
				if l.No <= last {
					t.Fatalf("%s: line %d after line %d", format, l.No, last)
				}
				last = l.No
				if l.Err != nil {
					if l.Err.Error() == "" {
						t.Fatalf("%s line %d: an error without a reason", format, l.No)
					}
					continue
				}
				in := l.Item.ReminderInput
				if in.Time == nil && in.RRule == "" && strings.TrimSpace(in.Text+in.Desc+in.Title) == "" {
					t.Fatalf("%s line %d: nothing to schedule from, and no error", format, l.No)
				}
			}
		}
	})
}
