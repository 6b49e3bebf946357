// Command peerbench measures how late scheduled jobs start in a peer job
// queue (asynq on Redis, River on PostgreSQL) when N jobs fall due at one
// instant (herd) or evenly over a window (spread). It prints exactly one JSON
// line on stdout; progress goes to stderr.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raasdev/raas/bench/peers/internal/result"
	"github.com/raasdev/raas/bench/peers/internal/stats"
)

// system is one peer job queue under test.
type system interface {
	Store() string
	Module() string // Go module path whose version is reported
	Settings() string
	// Prepare brings the store to a clean state (schema present, no jobs).
	Prepare(ctx context.Context) error
	// Start starts the consumers; each job start is reported to tr.
	Start(ctx context.Context, tr *tracker) error
	// Enqueue inserts job i scheduled at at[i], for every i.
	Enqueue(ctx context.Context, at []time.Time) error
	// Stop stops the consumers and releases connections.
	Stop(ctx context.Context)
}

// tracker records the first start time and the number of runs of each job.
type tracker struct {
	first     []atomic.Int64 // Unix ns of the first run, 0 if not run
	runs      []atomic.Int32
	delivered atomic.Int64
	dups      atomic.Int64
	last      atomic.Int64 // Unix ns of the latest first run
	done      chan struct{}
	once      sync.Once
}

func newTracker(n int) *tracker {
	return &tracker{first: make([]atomic.Int64, n), runs: make([]atomic.Int32, n), done: make(chan struct{})}
}

// record notes that job i started at now. Unknown ids are ignored.
func (t *tracker) record(i int, now time.Time) {
	if i < 0 || i >= len(t.runs) {
		return
	}
	if t.runs[i].Add(1) > 1 {
		t.dups.Add(1)
		return
	}
	ns := now.UnixNano()
	t.first[i].Store(ns)
	for {
		old := t.last.Load()
		if ns <= old || t.last.CompareAndSwap(old, ns) {
			break
		}
	}
	if t.delivered.Add(1) == int64(len(t.runs)) {
		t.once.Do(func() { close(t.done) })
	}
}

func main() {
	var (
		sysName   = flag.String("system", "asynq", "asynq|river")
		workload  = flag.String("workload", "herd", "herd|spread")
		n         = flag.Int("n", 100000, "number of jobs")
		over      = flag.Duration("over", 60*time.Second, "spread window")
		config    = flag.String("config", "default", "default|tuned")
		lead      = flag.Duration("lead", 10*time.Second, "how far in the future the (first) scheduled time is; enqueueing must finish before it")
		redisAddr = flag.String("redis", "127.0.0.1:6379", "Redis address (asynq)")
		redisDB   = flag.Int("redis-db", 13, "dedicated Redis DB number (asynq); flushed at start")
		pgURL     = flag.String("pg", "postgres://postgres@127.0.0.1:5432/raas_bench_river?sslmode=disable", "PostgreSQL URL (river); database created if missing")
		timeout   = flag.Duration("timeout", 15*time.Minute, "bound for the whole run")
		drainWait = flag.Duration("drain-wait", 5*time.Minute, "how long to wait after the last scheduled time for all jobs to run")
	)
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetPrefix("peerbench: ")

	res := result.Result{System: *sysName, Workload: *workload, Config: *config, N: *n}
	fail := func(err error) {
		res.Error = err.Error()
		emit(res)
		os.Exit(1)
	}
	if *n < 1 {
		fail(errors.New("--n must be at least 1"))
	}
	if *workload != "herd" && *workload != "spread" {
		fail(fmt.Errorf("unknown --workload %q", *workload))
	}
	if *config != "default" && *config != "tuned" {
		fail(fmt.Errorf("unknown --config %q", *config))
	}
	tuned := *config == "tuned"
	var sys system
	switch *sysName {
	case "asynq":
		sys = newAsynq(*redisAddr, *redisDB, tuned)
	case "river":
		sys = newRiver(*pgURL, tuned)
	default:
		fail(fmt.Errorf("unknown --system %q", *sysName))
	}
	res.Store, res.Settings, res.Version = sys.Store(), sys.Settings(), moduleVersion(sys.Module())

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	if err := sys.Prepare(ctx); err != nil {
		fail(fmt.Errorf("prepare: %w", err))
	}
	tr := newTracker(*n)
	if err := sys.Start(ctx, tr); err != nil {
		fail(fmt.Errorf("start: %w", err))
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		sctx, scancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer scancel()
		sys.Stop(sctx)
	}
	defer stop()

	start := time.Now()
	// The first scheduled time is on a whole second: asynq keeps ProcessAt
	// with one-second resolution, and a whole second is fair to both.
	first := start.Add(*lead).Truncate(time.Second).Add(time.Second)
	var at []time.Time
	if *workload == "herd" {
		at = make([]time.Time, *n)
		for i := range at {
			at[i] = first
		}
	} else {
		res.OverS = over.Seconds()
		at = stats.Spread(first, *over, *n)
	}
	lastSched := at[len(at)-1]
	log.Printf("%s %s %s n=%d: enqueueing, first due %s (in %s)", *sysName, *workload, *config, *n,
		first.Format("15:04:05.000"), time.Until(first).Round(time.Millisecond))

	ectx, ecancel := context.WithDeadline(ctx, first)
	t0 := time.Now()
	err := sys.Enqueue(ectx, at)
	enqDur := time.Since(t0)
	ecancel()
	res.CreatePerS = float64(int(float64(*n)/enqDur.Seconds()*10)) / 10
	if err == nil && time.Now().After(first) {
		err = errors.New("deadline")
	}
	if err != nil {
		stop()
		fail(fmt.Errorf("enqueueing %d jobs did not finish before the first scheduled time (%s after start, lead %s): %w",
			*n, enqDur.Round(time.Millisecond), *lead, err))
	}
	log.Printf("enqueued %d in %s (%.0f/s); %s of lead left", *n, enqDur.Round(time.Millisecond), res.CreatePerS,
		time.Until(first).Round(time.Millisecond))

	// Wait for every job to run, bounded by drain-wait after the last due time.
	waitUntil := lastSched.Add(*drainWait)
	wctx, wcancel := context.WithDeadline(ctx, waitUntil)
	tick := time.NewTicker(2 * time.Second)
wait:
	for {
		select {
		case <-tr.done:
			break wait
		case <-wctx.Done():
			log.Printf("stopped waiting: %v", wctx.Err())
			break wait
		case <-tick.C:
			log.Printf("delivered %d/%d", tr.delivered.Load(), *n)
		}
	}
	tick.Stop()
	wcancel()
	// A short grace period to catch duplicate runs of jobs already delivered.
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
	stop()

	sched := make([]int64, *n)
	startNs := make([]int64, *n)
	started := make([]bool, *n)
	for i := range sched {
		sched[i] = at[i].UnixNano()
		startNs[i] = tr.first[i].Load()
		started[i] = tr.runs[i].Load() > 0
	}
	s := stats.Summarize(stats.Lateness(sched, startNs, started))
	res.Delivered = int(tr.delivered.Load())
	res.Duplicates = int(tr.dups.Load())
	res.Lost = *n - res.Delivered
	res.P50Ms, res.P99Ms, res.MaxMs = stats.Ms(s.P50), stats.Ms(s.P99), stats.Ms(s.Max)
	minMs, early := stats.Ms(s.Min), s.Early
	res.MinMs, res.Early = &minMs, &early
	if last := tr.last.Load(); last > 0 {
		res.DrainS = float64(int(time.Duration(last-lastSched.UnixNano()).Seconds()*1000)) / 1000
	}
	if res.Lost > 0 {
		res.Error = fmt.Sprintf("%d jobs did not run within %s after the last scheduled time", res.Lost, *drainWait)
	}
	emit(res)
}

func emit(r result.Result) {
	b, err := json.Marshal(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b))
}

// moduleVersion is the version of module path linked into this binary.
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return "unknown"
}
