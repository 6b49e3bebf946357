package webpush

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// failingFile is a real temporary file whose writes fail or stop short.
type failingFile struct {
	*os.File
	write func(f *os.File, b []byte) (int, error)
}

func (f failingFile) Write(b []byte) (int, error) { return f.write(f.File, b) }

// TestVAPIDKeyWriteFailureLeavesNoFile: a write of the key file that fails,
// stops short, or whose sync or close fails is an error, and neither the key
// file nor the file aside is left, so the next start makes a whole pair
// instead of reading a torn one (issue 13, item 11).
func TestVAPIDKeyWriteFailureLeavesNoFile(t *testing.T) {
	boom := errors.New("disk full")
	for _, tc := range []struct {
		name  string
		write func(f *os.File, b []byte) (int, error)
		want  error // nil: any error
	}{
		{"error", func(*os.File, []byte) (int, error) { return 0, boom }, boom},
		{"partial, error", func(f *os.File, b []byte) (int, error) { n, _ := f.Write(b[:len(b)/2]); return n, boom }, boom},
		{"short, no error", func(f *os.File, b []byte) (int, error) { return f.Write(b[:len(b)/2]) }, io.ErrShortWrite},
		{"nothing at all", func(*os.File, []byte) (int, error) { return 0, nil }, io.ErrShortWrite},
		{"closed under it", func(f *os.File, b []byte) (int, error) { f.Close(); return len(b), nil }, nil}, // Sync and Close fail
	} {
		name, write := tc.name, tc.write
		dir := t.TempDir()
		path := filepath.Join(dir, "vapid.json")
		_, created, err := loadOrCreate(path, func(dir, pattern string) (keyFile, error) {
			f, err := os.CreateTemp(dir, pattern)
			return failingFile{File: f, write: write}, err
		})
		if err == nil || created {
			t.Errorf("%s: created %v, err %v; want an error", name, created, err)
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want it to wrap %v", name, err, tc.want)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%s: files left behind: %v", name, left)
		}
		// The next start makes and keeps a whole pair.
		k, created, err := LoadOrCreateVAPIDKeys(path)
		if err != nil || !created || k.Check() != nil {
			t.Errorf("%s: next start: %v %v %v", name, k, created, err)
		}
	}
}
