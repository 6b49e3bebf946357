package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

const (
	riverInsertBatch = 5000 // jobs per InsertManyFast (COPY FROM) call
	riverPoolConns   = 10
)

type riverArgs struct {
	I int `json:"i"`
}

func (riverArgs) Kind() string { return "peerbench" }

type riverWorker struct {
	river.WorkerDefaults[riverArgs]
	tr *tracker
}

func (w *riverWorker) Work(_ context.Context, job *river.Job[riverArgs]) error {
	w.tr.record(job.Args.I, time.Now())
	return nil
}

type riverSys struct {
	url    string
	tuned  bool
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
}

func newRiver(url string, tuned bool) *riverSys { return &riverSys{url: url, tuned: tuned} }

func (r *riverSys) Store() string  { return "postgres" }
func (r *riverSys) Module() string { return "github.com/riverqueue/river" }

func (r *riverSys) Settings() string {
	extra := fmt.Sprintf("; scheduler interval 5s (not configurable in this version; moves jobs due within the next interval); insert: InsertManyFast batches of %d; pgxpool MaxConns=%d; river_job truncated", riverInsertBatch, riverPoolConns)
	if r.tuned {
		return "FetchPollInterval=20ms, FetchCooldown=2ms, MaxWorkers=1000" + extra
	}
	return "defaults: FetchPollInterval=1s, FetchCooldown=100ms, MaxWorkers=100" + extra
}

func (r *riverSys) config(workers *river.Workers) *river.Config {
	cfg := &river.Config{
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 100}},
		Workers: workers,
	}
	if r.tuned {
		cfg.FetchPollInterval = 20 * time.Millisecond
		cfg.FetchCooldown = 2 * time.Millisecond
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1000}}
	}
	return cfg
}

// ensureDB creates the database named in the URL if it does not exist.
func ensureDB(ctx context.Context, url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return err
	}
	name := cfg.Database
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	log.Printf("creating database %s", name)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

func (r *riverSys) Prepare(ctx context.Context) error {
	if err := ensureDB(ctx, r.url); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	pcfg, err := pgxpool.ParseConfig(r.url)
	if err != nil {
		return err
	}
	pcfg.MaxConns = riverPoolConns
	r.pool, err = pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return err
	}
	mig, err := rivermigrate.New(riverpgxv5.New(r.pool), nil)
	if err != nil {
		return err
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// river_leader too, so a leader left by a killed run does not delay
	// the scheduler (which runs on the leader only).
	_, err = r.pool.Exec(ctx, "TRUNCATE river_job, river_leader")
	return err
}

func (r *riverSys) Start(ctx context.Context, tr *tracker) error {
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &riverWorker{tr: tr}); err != nil {
		return err
	}
	var err error
	r.client, err = river.NewClient(riverpgxv5.New(r.pool), r.config(workers))
	if err != nil {
		return err
	}
	// Not ctx: Start's context bounds the client's whole life.
	return r.client.Start(context.WithoutCancel(ctx))
}

func (r *riverSys) Enqueue(ctx context.Context, at []time.Time) error {
	batch := make([]river.InsertManyParams, 0, riverInsertBatch)
	for i := 0; i < len(at); i += riverInsertBatch {
		batch = batch[:0]
		for j := i; j < min(i+riverInsertBatch, len(at)); j++ {
			batch = append(batch, river.InsertManyParams{Args: riverArgs{I: j}, InsertOpts: &river.InsertOpts{ScheduledAt: at[j]}})
		}
		if _, err := r.client.InsertManyFast(ctx, batch); err != nil {
			return fmt.Errorf("insert jobs %d..%d: %w", i, i+len(batch)-1, err)
		}
	}
	return nil
}

func (r *riverSys) Stop(ctx context.Context) {
	if r.client != nil {
		if err := r.client.Stop(ctx); err != nil {
			log.Printf("river stop: %v", err)
		}
	}
	if r.pool != nil {
		r.pool.Close()
	}
}
