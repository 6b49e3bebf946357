package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/raasdev/raas/internal/bench"
)

// runBench implements `raas bench herd|spread|crash|capacity|floor`: one JSON
// line per run on stdout, progress on stderr.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: raas bench herd|spread|crash|capacity|floor [flags]")
		return 2
	}
	fs := newFlagSet("bench "+args[0], stderr)
	var o bench.Options
	fs.IntVar(&o.N, "n", 100000, "number of reminders")
	fs.DurationVar(&o.Over, "over", 0, "spread: the window the reminders are spread over (default 60s)")
	fs.StringVar(&o.DB, "db", "", "database URL (default: a fresh SQLite file)")
	fs.StringVar(&o.Sink, "sink", "inproc", "inproc (the scheduler alone) or webhook (a loopback HTTP receiver)")
	fs.DurationVar(&o.Lead, "lead", 0, "time from start until the reminders fall due (default: from --n)")
	fs.IntVar(&o.Concurrency, "concurrency", 8, "concurrent creates")
	fs.IntVar(&o.Batch, "batch", 0, "herd: create through POST /v1/reminders/batch, this many reminders a request (up to 1000; 0: one create a call, through the service)")
	fs.DurationVar(&o.Timeout, "timeout", 0, "how long to wait for deliveries after the last is due (default 60s)")
	pending := fs.Int("pending", 10000000, "capacity: pending reminders to hold")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	dueprofile := fs.String("dueprofile", "", "herd: write a CPU profile of the fire path only (from T until the last delivery) to this file")
	heapprofile := fs.String("heapprofile", "", "herd: write a heap profile taken at T (what is held for the herd before it fires) to this file")
	memLimit := memoryLimitFlag(fs) // the bench runs RaaS in this process, as serve does
	if err := fs.parse(args[1:]); err != nil {
		return 2
	}
	if err := applyMemoryLimit(*memLimit); err != nil {
		fmt.Fprintln(stderr, "raas bench:", err)
		return 2
	}
	if !*quiet {
		o.Progress = stderr
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "raas bench:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "raas bench:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	if *dueprofile != "" {
		f, err := os.Create(*dueprofile)
		if err != nil {
			fmt.Fprintln(stderr, "raas bench:", err)
			return 1
		}
		defer f.Close()
		o.DueProfile = f
	}
	if *heapprofile != "" {
		f, err := os.Create(*heapprofile)
		if err != nil {
			fmt.Fprintln(stderr, "raas bench:", err)
			return 1
		}
		defer f.Close()
		o.HeapProfile = f
	}
	var res bench.Result
	switch args[0] {
	case "herd":
		res = bench.Herd(ctx, o)
	case "spread":
		res = bench.Spread(ctx, o)
	case "crash":
		res = bench.Crash(ctx, o)
	case "capacity":
		res = bench.Capacity(ctx, o, *pending)
	case "floor":
		res = bench.Floor(ctx, o)
	default:
		fmt.Fprintf(stderr, "raas bench: unknown workload %q\n", args[0])
		return 2
	}
	if err := res.Print(stdout); err != nil {
		return 1
	}
	if res.Error != "" {
		return 1
	}
	return 0
}
