package remind

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseQuietHours(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want QuietHours
		ok   bool
	}{
		{"22:00-07:30", QuietHours{22 * 60, 7*60 + 30}, true},
		{"00:00-23:59", QuietHours{0, 23*60 + 59}, true},
		{"13:05-14:00", QuietHours{13*60 + 5, 14 * 60}, true},
		{"22:00-22:00", QuietHours{}, false},
		{"24:00-07:00", QuietHours{}, false},
		{"22:60-07:00", QuietHours{}, false},
		{"+1:00-07:00", QuietHours{}, false},
		{"22:00–07:00", QuietHours{}, false}, // en dash
		{"2200-0700", QuietHours{}, false},
		{"", QuietHours{}, false},
	} {
		got, err := ParseQuietHours(tc.in)
		if (err == nil) != tc.ok || tc.ok && got != tc.want {
			t.Errorf("ParseQuietHours(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
}

func TestQuietHoursHoldExamples(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	q := QuietHours{22 * 60, 7*60 + 30}
	for _, tc := range []struct {
		name string
		q    QuietHours
		at   time.Time
		loc  *time.Location
		want time.Time
	}{
		{"evening wraps to next morning", q, time.Date(2030, 1, 1, 23, 10, 0, 0, sh), sh, time.Date(2030, 1, 2, 7, 30, 0, 0, sh)},
		{"early morning same day", q, time.Date(2030, 1, 2, 3, 0, 0, 0, sh), sh, time.Date(2030, 1, 2, 7, 30, 0, 0, sh)},
		{"at the start is inside", q, time.Date(2030, 1, 2, 22, 0, 0, 0, sh), sh, time.Date(2030, 1, 3, 7, 30, 0, 0, sh)},
		{"at the end is outside", q, time.Date(2030, 1, 2, 7, 30, 0, 0, sh), sh, time.Date(2030, 1, 2, 7, 30, 0, 0, sh)},
		{"daytime untouched", q, time.Date(2030, 1, 2, 12, 0, 0, 0, sh), sh, time.Date(2030, 1, 2, 12, 0, 0, 0, sh)},
		{"read in the zone, not UTC", q, time.Date(2030, 1, 2, 15, 0, 0, 0, time.UTC), sh, time.Date(2030, 1, 3, 7, 30, 0, 0, sh)},
		{"end in the skipped hour (spring forward)", QuietHours{0, 2*60 + 30}, time.Date(2030, 3, 10, 1, 0, 0, 0, ny), ny, time.Date(2030, 3, 10, 3, 0, 0, 0, ny)},
		{"second 1:15 of fall back", QuietHours{22 * 60, 1*60 + 30}, time.Date(2030, 11, 3, 6, 15, 0, 0, time.UTC), ny, time.Date(2030, 11, 3, 6, 30, 0, 0, time.UTC)},
	} {
		if got := tc.q.Hold(tc.at, tc.loc); !got.Equal(tc.want) {
			t.Errorf("%s: Hold(%v) = %v, want %v", tc.name, tc.at.In(tc.loc), got.In(tc.loc), tc.want.In(tc.loc))
		}
	}
}

// Property, over many generated spans, zones and instants (DST years
// included): a held firing is never inside the quiet hours, never earlier
// than the firing, moved only when the firing was inside, and never more
// than a day and an hour later.
func TestQuietHoursHoldProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	var zones []*time.Location
	for _, name := range []string{"UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, loc)
	}
	base := time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
	held := 0
	for i := 0; i < 200000; i++ {
		q := QuietHours{Start: rng.IntN(24 * 60), End: rng.IntN(24 * 60)}
		if q.Start == q.End {
			continue
		}
		if i%3 == 0 { // whole hours hit DST edges often
			q.Start, q.End = q.Start/60*60, q.End/60*60
			if q.Start == q.End {
				continue
			}
		}
		loc := zones[rng.IntN(len(zones))]
		at := base.Add(time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
		if i%2 == 0 {
			at = at.Truncate(time.Minute)
		}
		got := q.Hold(at, loc)
		inside := q.Inside(at, loc)
		switch {
		case q.Inside(got, loc):
			t.Fatalf("%v in %s: held to %v, inside quiet hours", at.In(loc), q, got.In(loc))
		case got.Before(at):
			t.Fatalf("%v in %s: held to %v, earlier", at.In(loc), q, got.In(loc))
		case !inside && !got.Equal(at):
			t.Fatalf("%v in %s: outside, but moved to %v", at.In(loc), q, got.In(loc))
		case got.Sub(at) > 25*time.Hour:
			t.Fatalf("%v in %s: held to %v, more than a day", at.In(loc), q, got.In(loc))
		}
		if inside {
			held++
		}
	}
	if held == 0 {
		t.Fatal("no generated firing fell inside quiet hours")
	}
}
