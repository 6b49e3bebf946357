package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

const (
	asynqTaskType     = "peerbench"
	asynqEnqueueConns = 64 // enqueue goroutines: asynq has no batch enqueue
)

type asynqSys struct {
	addr  string
	db    int
	cfg   asynq.Config
	srv   *asynq.Server
	cli   *asynq.Client
	tuned bool
}

func newAsynq(addr string, db int, tuned bool) *asynqSys {
	cfg := asynq.Config{LogLevel: asynq.WarnLevel}
	if tuned {
		cfg.Concurrency = 100
		cfg.DelayedTaskCheckInterval = 100 * time.Millisecond
		cfg.TaskCheckInterval = 10 * time.Millisecond
	}
	return &asynqSys{addr: addr, db: db, cfg: cfg, tuned: tuned}
}

func (a *asynqSys) Store() string  { return "redis" }
func (a *asynqSys) Module() string { return "github.com/hibiken/asynq" }

func (a *asynqSys) Settings() string {
	enq := fmt.Sprintf("enqueue: Client.Enqueue+ProcessAt from %d goroutines (no batch API); redis db %d flushed", asynqEnqueueConns, a.db)
	if a.tuned {
		return "Concurrency=100, DelayedTaskCheckInterval=100ms, TaskCheckInterval=10ms; " + enq
	}
	return "defaults: Concurrency=NumCPU(2), DelayedTaskCheckInterval=5s, TaskCheckInterval=1s; " + enq
}

func (a *asynqSys) opt(pool int) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{Addr: a.addr, DB: a.db, PoolSize: pool}
}

func (a *asynqSys) Prepare(ctx context.Context) error {
	rc := redis.NewClient(&redis.Options{Addr: a.addr, DB: a.db})
	defer rc.Close()
	return rc.FlushDB(ctx).Err()
}

func (a *asynqSys) Start(ctx context.Context, tr *tracker) error {
	a.srv = asynq.NewServer(a.opt(0), a.cfg)
	h := asynq.HandlerFunc(func(_ context.Context, t *asynq.Task) error {
		now := time.Now()
		i, err := strconv.Atoi(string(t.Payload()))
		if err != nil {
			return fmt.Errorf("bad payload %q: %w", t.Payload(), err)
		}
		tr.record(i, now)
		return nil
	})
	return a.srv.Start(h)
}

func (a *asynqSys) Enqueue(ctx context.Context, at []time.Time) error {
	a.cli = asynq.NewClient(a.opt(asynqEnqueueConns))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range asynqEnqueueConns {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(at) {
					return
				}
				task := asynq.NewTask(asynqTaskType, []byte(strconv.Itoa(i)))
				if _, err := a.cli.EnqueueContext(ctx, task, asynq.ProcessAt(at[i])); err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("enqueue job %d: %w", i, err); cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return firstErr
}

func (a *asynqSys) Stop(ctx context.Context) {
	if a.srv != nil {
		a.srv.Shutdown()
	}
	if a.cli != nil {
		a.cli.Close()
	}
}
