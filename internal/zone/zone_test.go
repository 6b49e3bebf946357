package zone

import (
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	for _, tc := range []struct {
		name, want string // want "" means an error
	}{
		{"Asia/Shanghai", "Asia/Shanghai"},
		{"America/New_York", "America/New_York"},
		{"", "UTC"},
		{"UTC", "UTC"},
		{"Mars/Olympus_Mons", ""},
		{"../../etc/passwd", ""},
		{"/etc/localtime", ""},
		{strings.Repeat("A", 65), ""},
	} {
		for range 2 { // the second time from the cache
			loc, err := Load(tc.name)
			switch {
			case tc.want == "" && err == nil:
				t.Errorf("Load(%q) = %v, want an error", tc.name, loc)
			case tc.want != "" && err != nil:
				t.Errorf("Load(%q): %v", tc.name, err)
			case tc.want != "" && loc.String() != tc.want:
				t.Errorf("Load(%q) = %v, want %s", tc.name, loc, tc.want)
			}
		}
		if got := OrUTC(tc.name).String(); tc.want == "" && got != "UTC" || tc.want != "" && got != tc.want {
			t.Errorf("OrUTC(%q) = %s", tc.name, got)
		}
	}
}

// TestLoadCaches: the second Load of a name returns the very location the
// first one loaded.
func TestLoadCaches(t *testing.T) {
	a, err := Load("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Load("Europe/Paris")
	if a != b {
		t.Fatal("second Load returned a different *time.Location: not cached")
	}
	if _, ok := cache.Load("Mars/Olympus_Mons"); ok {
		t.Fatal("an unknown name was cached")
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load("Asia/Shanghai"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadLocation is what every call cost before.
func BenchmarkLoadLocation(b *testing.B) {
	for b.Loop() {
		if _, err := time.LoadLocation("Asia/Shanghai"); err != nil {
			b.Fatal(err)
		}
	}
}
