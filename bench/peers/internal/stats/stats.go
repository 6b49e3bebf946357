// Package stats holds the lateness and percentile math shared by the peer
// benchmarks. Lateness is start − scheduled, signed: a negative value means a
// job ran before its scheduled time.
package stats

import (
	"math"
	"slices"
	"time"
)

// Summary is the lateness distribution of the jobs that ran.
type Summary struct {
	Count int
	Min   time.Duration
	P50   time.Duration
	P99   time.Duration
	Max   time.Duration
	Early int // jobs whose lateness was negative (ran before their time)
}

// Percentile returns the nearest-rank percentile p (0 < p <= 100) of sorted,
// which must be sorted ascending. It returns 0 for an empty slice.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	if p >= 100 {
		return sorted[n-1]
	}
	rank := int(math.Ceil(p / 100 * float64(n))) // 1-based nearest rank
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// Lateness returns start[i] − scheduled[i] for every job i that ran
// (started[i] true). scheduled and start are Unix nanoseconds.
func Lateness(scheduled, start []int64, started []bool) []time.Duration {
	out := make([]time.Duration, 0, len(scheduled))
	for i := range scheduled {
		if !started[i] {
			continue
		}
		out = append(out, time.Duration(start[i]-scheduled[i]))
	}
	return out
}

// Summarize sorts late in place and returns its distribution.
func Summarize(late []time.Duration) Summary {
	slices.Sort(late)
	s := Summary{Count: len(late)}
	if len(late) == 0 {
		return s
	}
	s.Min = late[0]
	s.P50 = Percentile(late, 50)
	s.P99 = Percentile(late, 99)
	s.Max = late[len(late)-1]
	for _, d := range late {
		if d >= 0 {
			break
		}
		s.Early++
	}
	return s
}

// Ms converts a duration to milliseconds with microsecond resolution.
func Ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// Spread returns n schedule times evenly over [start, start+over]: the first
// at start, the last at start+over (a single job is at start).
func Spread(start time.Time, over time.Duration, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range n {
		var off time.Duration
		if n > 1 {
			off = time.Duration(int64(over) * int64(i) / int64(n-1))
		}
		out[i] = start.Add(off)
	}
	return out
}
