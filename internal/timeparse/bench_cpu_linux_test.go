package timeparse

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkParseCPU is BenchmarkParse measured in CPU time of the parsing
// thread rather than wall time, so that a machine shared with other work
// (whose load inflates wall time by tens of percent) still gives a figure
// that compares across runs: cpu-ns/phrase. GC work on other threads is
// not counted.
func BenchmarkParseCPU(b *testing.B) {
	for _, set := range []struct{ name, lang string }{{"all", ""}, {"en", "en"}, {"zh", "zh"}} {
		cases := benchCases(b, set.lang)
		b.Run(set.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			start := threadCPU()
			for b.Loop() {
				for i := range cases {
					Parse(cases[i].c.Text, cases[i].opts)
				}
			}
			b.ReportMetric(float64((threadCPU()-start).Nanoseconds())/float64(b.N*len(cases)), "cpu-ns/phrase")
		})
	}
}
