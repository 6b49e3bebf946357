package calendar

import (
	"testing"
	"time"
)

func TestDayNumber(t *testing.T) {
	for day := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() <= 3010; day = day.AddDate(0, 0, 1) {
		d := DateOf(day)
		n := int(day.Unix() / 86400) // exact: day is a UTC midnight
		if got := d.dayNumber(); got != n {
			t.Fatalf("%v.dayNumber() = %d, want %d", d, got, n)
		}
		if got := dateOfDay(n); got != d {
			t.Fatalf("dateOfDay(%d) = %v, want %v", n, got, d)
		}
		if !d.valid() {
			t.Fatalf("%v not valid", d)
		}
	}
	for _, d := range []Date{{2026, 2, 29}, {2026, 2, 30}, {2026, 4, 31}, {2026, 0, 1}, {2026, 13, 1}, {2026, 1, 0}, {2026, 1, 32}} {
		if d.valid() {
			t.Errorf("%v valid", d)
		}
	}
}
