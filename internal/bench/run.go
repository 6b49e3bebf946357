package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
)

// Options configure a workload.
type Options struct {
	N           int
	Over        time.Duration // spread window
	DB          string        // database URL; "" means a fresh SQLite file
	Sink        string        // "inproc" or "webhook"
	Lead        time.Duration // time from the start until the first reminder is due; 0 picks one from N
	Concurrency int           // concurrent creates
	Timeout     time.Duration // bound on waiting for deliveries after the last is due
	Progress    io.Writer     // progress lines; nil for none
	Config      app.Config    // base configuration (Defaults() when zero)
	// DueProfile, when set, receives a CPU profile of the herd from just
	// before T until the last delivery: the fire path without the creates.
	DueProfile io.Writer
}

func (o *Options) defaults() {
	if o.Sink == "" {
		o.Sink = "inproc"
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Lead <= 0 {
		o.Lead = 5*time.Second + time.Duration(o.N)*400*time.Microsecond
	}
	if o.Config.Addr == "" {
		o.Config = app.Defaults()
	}
}

func storeName(db string) string {
	if strings.HasPrefix(db, "postgres") {
		return "postgres"
	}
	return "sqlite"
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 7 {
				return s.Value[:7]
			}
		}
		return bi.Main.Version
	}
	return "dev"
}

// inproc is RaaS running inside the bench process with a sink attached.
type inproc struct {
	app    *app.App
	tenant remind.Tenant
	rec    *recorder
	sink   *webhookSink
	dir    string
}

func startInproc(ctx context.Context, o Options) (*inproc, error) {
	cfg := o.Config
	cfg.Addr, cfg.AllowPrivateTargets = "127.0.0.1:0", true
	dir := ""
	if o.DB == "" {
		d, err := os.MkdirTemp("", "raas-bench")
		if err != nil {
			return nil, err
		}
		dir, cfg.DataDir = d, d
	}
	cfg.DB = o.DB
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	p := &inproc{app: a, rec: newRecorder(), dir: dir}
	url := "https://sink.example/hook"
	switch o.Sink {
	case "inproc":
		a.Senders[remind.ChannelWebhook] = deliver.SenderFunc(func(_ context.Context, d remind.Delivery) (int, error) {
			p.rec.record(d.ID, d.DueAt, time.Now())
			return 200, nil
		})
	case "webhook":
		if p.sink, err = startWebhookSink(p.rec); err != nil {
			return nil, err
		}
		url = p.sink.URL
	default:
		return nil, fmt.Errorf("bench: unknown sink %q (inproc or webhook)", o.Sink)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	if err := a.Start(ctx, ln); err != nil {
		return nil, err
	}
	if p.tenant, err = a.Service.EnsureTenant(ctx, "bench-"+remind.NewToken(4)); err != nil {
		return nil, err
	}
	if _, err := a.Service.CreateWebhook(ctx, p.tenant, url); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *inproc) stop() {
	_ = p.app.Stop(context.Background())
	if p.sink != nil {
		p.sink.Close()
	}
	if p.dir != "" {
		os.RemoveAll(p.dir)
	}
}

// createConcurrently runs create(i) for every i < n from conc goroutines,
// stopping at the first error, with progress every 20,000, and returns
// creates per second.
func createConcurrently(ctx context.Context, n, conc int, progress io.Writer, create func(i int) error) (float64, error) {
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := create(i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				if progress != nil && (i+1)%20000 == 0 {
					fmt.Fprintf(progress, "created %d/%d\n", i+1, n)
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds(), firstErr
}

// createAll creates one reminder per due time through the service (the
// create path every API uses), concurrently, and returns creates per second.
func createAll(ctx context.Context, svc *service.Service, t remind.Tenant, due []time.Time, conc int, progress io.Writer) (float64, error) {
	return createConcurrently(ctx, len(due), conc, progress, func(i int) error {
		at := due[i]
		_, _, err := svc.CreateReminder(ctx, t, service.CreateInput{Title: "bench", Time: &at, Source: "bench"})
		return err
	})
}

// Herd creates N reminders all due at one instant T and measures how late
// each fires against T.
func Herd(ctx context.Context, o Options) Result {
	o.defaults()
	res := Result{System: "raas", Store: storeName(o.DB), Sink: o.Sink, Workload: "herd", Config: "default", N: o.N, Version: version(),
		Settings: fmt.Sprintf("batch=500 workers=%d lease=%s", o.Config.Workers, o.Config.Lease)}
	p, err := startInproc(ctx, o)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer p.stop()
	at := time.Now().Add(o.Lead).Truncate(time.Millisecond)
	due := make([]time.Time, o.N)
	for i := range due {
		due[i] = at
	}
	res.CreatePerS, err = createAll(ctx, p.app.Service, p.tenant, due, o.Concurrency, o.Progress)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if time.Now().After(at) {
		res.Error = "creating took longer than the lead; raise --lead"
		return res
	}
	time.Sleep(time.Until(at.Add(-20 * time.Millisecond)))
	if o.DueProfile != nil {
		if err := pprof.StartCPUProfile(o.DueProfile); err == nil {
			defer pprof.StopCPUProfile()
		}
	}
	p.rec.wait(ctx, o.N, o.Timeout)
	p.rec.lateness(&res)
	return res
}

// Spread creates N reminders evenly over a window and measures each one's
// lateness against its own time.
func Spread(ctx context.Context, o Options) Result {
	o.defaults()
	if o.Over <= 0 {
		o.Over = 60 * time.Second
	}
	res := Result{System: "raas", Store: storeName(o.DB), Sink: o.Sink, Workload: "spread", Config: "default", N: o.N, Version: version(),
		Settings: fmt.Sprintf("over=%s", o.Over)}
	p, err := startInproc(ctx, o)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer p.stop()
	first := time.Now().Add(o.Lead).Truncate(time.Millisecond)
	due := make([]time.Time, o.N)
	for i := range due {
		due[i] = first.Add(time.Duration(int64(o.Over) * int64(i) / int64(o.N)))
	}
	res.CreatePerS, err = createAll(ctx, p.app.Service, p.tenant, due, o.Concurrency, o.Progress)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if time.Now().After(first) {
		res.Error = "creating took longer than the lead; raise --lead"
		return res
	}
	time.Sleep(time.Until(due[len(due)-1]))
	p.rec.wait(ctx, o.N, o.Timeout)
	p.rec.lateness(&res)
	return res
}
