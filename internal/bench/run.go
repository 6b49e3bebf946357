package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raasdev/raas/client"
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
	Batch       int           // herd: create through POST /v1/reminders/batch, this many a request (0: one at a time, through the service)
	Timeout     time.Duration // bound on waiting for deliveries after the last is due
	Progress    io.Writer     // progress lines; nil for none
	Config      app.Config    // base configuration (Defaults() when zero)
	// DueProfile, when set, receives a CPU profile of the herd from just
	// before T until the last delivery: the fire path without the creates.
	DueProfile io.Writer
	// HeapProfile, when set, receives a heap profile taken at T, after a
	// GC: what the process holds for the herd before it fires.
	HeapProfile io.Writer
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
		per := 400 * time.Microsecond
		if o.Batch > 0 {
			per = 60 * time.Microsecond
		}
		o.Lead = 5*time.Second + time.Duration(o.N)*per
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
// each fires against T. With the webhook sink the HTTP floor is measured
// right before and after (withFloor).
func Herd(ctx context.Context, o Options) Result {
	o.defaults()
	if o.Sink == "webhook" {
		return withFloor(ctx, o, func() Result { return herd(ctx, o) })
	}
	return herd(ctx, o)
}

func herd(ctx context.Context, o Options) Result {
	res := Result{System: "raas", Store: storeName(o.DB), Sink: o.Sink, Workload: "herd", Config: "default", N: o.N, Version: version(),
		Settings: fmt.Sprintf("batch=500 workers=%d lease=%s", o.Config.Workers, o.Config.Lease), Batch: o.Batch}
	if o.Batch > 0 {
		o.Config.Ops.RateLimit = 0 // the bench is the tenant's only client; a batch counts once anyway
	}
	p, err := startInproc(ctx, o)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer p.stop()
	at := time.Now().Add(o.Lead).Truncate(time.Millisecond)
	if o.Batch > 0 {
		res.CreatePerS, err = createBatches(ctx, p, at, o)
	} else {
		due := make([]time.Time, o.N)
		for i := range due {
			due[i] = at
		}
		res.CreatePerS, err = createAll(ctx, p.app.Service, p.tenant, due, o.Concurrency, o.Progress)
	}
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if time.Now().After(at) {
		res.Error = "creating took longer than the lead; raise --lead"
		return res
	}
	time.Sleep(time.Until(at.Add(-20 * time.Millisecond)))
	res.PeakRSSAtTBytes = peakRSS()
	if o.HeapProfile != nil {
		runtime.GC()
		_ = pprof.WriteHeapProfile(o.HeapProfile)
	}
	if o.DueProfile != nil {
		if err := pprof.StartCPUProfile(o.DueProfile); err == nil {
			defer pprof.StopCPUProfile()
		}
	}
	p.rec.wait(ctx, o.N, o.Timeout)
	p.rec.lateness(&res)
	res.PeakRSSBytes = peakRSS()
	return res
}

// createBatches creates o.N reminders due at at through the batch endpoint
// of the running app, o.Batch a request, o.Concurrency requests at once,
// with the Go client, and returns creates per second.
func createBatches(ctx context.Context, p *inproc, at time.Time, o Options) (float64, error) {
	tok, _, err := p.app.Service.CreateToken(ctx, p.tenant.Name)
	if err != nil {
		return 0, err
	}
	c := client.New("http://"+p.app.Addr(), tok, client.WithHTTPClient(&http.Client{Timeout: 5 * time.Minute}))
	batches := (o.N + o.Batch - 1) / o.Batch
	var created atomic.Int64
	var reported atomic.Int64
	rate, err := createConcurrently(ctx, batches, o.Concurrency, nil, func(b int) error {
		n := min(o.Batch, o.N-b*o.Batch)
		items := make([]client.BatchItem, n)
		for i := range items {
			items[i].Title, items[i].Time = "bench", &at
		}
		res, err := c.CreateBatch(ctx, items)
		if err != nil {
			return err
		}
		for i, r := range res {
			if r.Error != nil {
				return fmt.Errorf("batch %d item %d: %w", b, i, r.Error)
			}
		}
		done := created.Add(int64(n))
		if o.Progress != nil && done/100000 > reported.Load() {
			reported.Store(done / 100000)
			fmt.Fprintf(o.Progress, "created %d/%d\n", done, o.N)
		}
		return nil
	})
	return rate * float64(o.N) / float64(batches), err
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
