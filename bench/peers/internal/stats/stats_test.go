package stats

import (
	"testing"
	"time"
)

func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single p50", ms(7), 50, 7 * time.Millisecond},
		{"single p99", ms(7), 99, 7 * time.Millisecond},
		{"two p50 is lower", ms(1, 2), 50, 1 * time.Millisecond},
		{"four p50", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"four p99 is max", ms(1, 2, 3, 4), 99, 4 * time.Millisecond},
		{"hundred p50", hundred, 50, 50 * time.Millisecond},
		{"hundred p99", hundred, 99, 99 * time.Millisecond},
		{"hundred p100", hundred, 100, 100 * time.Millisecond},
		{"p0 is min", ms(3, 4), 0, 3 * time.Millisecond},
		{"negative values", ms(-5, -1, 2), 50, -1 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percentile(tc.sorted, tc.p); got != tc.want {
				t.Fatalf("Percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
			}
		})
	}
}

func TestLatenessAndSummarize(t *testing.T) {
	base := time.Unix(1000, 0).UnixNano()
	tests := []struct {
		name      string
		scheduled []int64
		start     []int64
		started   []bool
		want      Summary
	}{
		{
			name:      "none ran",
			scheduled: []int64{base, base},
			start:     []int64{0, 0},
			started:   []bool{false, false},
			want:      Summary{},
		},
		{
			name:      "skips jobs that did not run",
			scheduled: []int64{base, base, base},
			start:     []int64{base + int64(10*time.Millisecond), 0, base + int64(30*time.Millisecond)},
			started:   []bool{true, false, true},
			want:      Summary{Count: 2, Min: 10 * time.Millisecond, P50: 10 * time.Millisecond, P99: 30 * time.Millisecond, Max: 30 * time.Millisecond},
		},
		{
			name:      "early jobs are negative and counted",
			scheduled: []int64{base, base + int64(time.Second), base},
			start:     []int64{base - int64(200*time.Millisecond), base + int64(time.Second), base + int64(5*time.Millisecond)},
			started:   []bool{true, true, true},
			want:      Summary{Count: 3, Min: -200 * time.Millisecond, P50: 0, P99: 5 * time.Millisecond, Max: 5 * time.Millisecond, Early: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Summarize(Lateness(tc.scheduled, tc.start, tc.started))
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSpread(t *testing.T) {
	start := time.Unix(100, 0)
	tests := []struct {
		name  string
		over  time.Duration
		n     int
		first time.Time
		last  time.Time
	}{
		{"one job at start", time.Minute, 1, start, start},
		{"two jobs at both ends", time.Minute, 2, start, start.Add(time.Minute)},
		{"many jobs end at start+over", 20 * time.Second, 5000, start, start.Add(20 * time.Second)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Spread(start, tc.over, tc.n)
			if len(got) != tc.n || !got[0].Equal(tc.first) || !got[tc.n-1].Equal(tc.last) {
				t.Fatalf("Spread: len %d first %v last %v", len(got), got[0], got[len(got)-1])
			}
			for i := 1; i < len(got); i++ {
				if got[i].Before(got[i-1]) {
					t.Fatalf("not ascending at %d", i)
				}
			}
		})
	}
}

func TestMs(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want float64
	}{
		{1500 * time.Microsecond, 1.5},
		{-2 * time.Millisecond, -2},
		{1234567 * time.Nanosecond, 1.235},
	}
	for _, tc := range tests {
		if got := Ms(tc.d); got != tc.want {
			t.Errorf("Ms(%v) = %v, want %v", tc.d, got, tc.want)
		}
	}
}
