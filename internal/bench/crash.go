package bench

import (
	"context"
	"time"
)

// Crash runs a herd against a child `raas serve`, kills it with SIGKILL
// midway and restarts it; lost must be 0.
func Crash(ctx context.Context, o Options) Result {
	o.defaults()
	return Result{System: "raas", Workload: "crash", N: o.N, Error: "not built yet", Lost: -1, DrainS: time.Duration(0).Seconds()}
}

// Capacity holds many pending reminders and measures what they cost.
func Capacity(ctx context.Context, o Options, pending int) Result {
	o.defaults()
	return Result{System: "raas", Workload: "capacity", Pending: pending, Error: "not built yet"}
}
