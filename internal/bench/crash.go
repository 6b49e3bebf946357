package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/remind"
)

// child is a `raas serve` process of this same binary.
type child struct {
	cmd  *exec.Cmd
	url  string
	args []string
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startChild runs `raas serve` and returns once /readyz answers 200, with
// the time that took.
func startChild(ctx context.Context, addr string, args []string) (*child, time.Duration, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, 0, err
	}
	c := &child{url: "http://" + addr, args: args}
	c.cmd = exec.Command(exe, append([]string{"serve", "--addr", addr, "--log-level", "warn"}, args...)...)
	c.cmd.Stderr = os.Stderr
	start := time.Now()
	if err := c.cmd.Start(); err != nil {
		return nil, 0, err
	}
	for time.Since(start) < 5*time.Minute && ctx.Err() == nil {
		resp, err := http.Get(c.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c, time.Since(start), nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.kill()
	return nil, 0, fmt.Errorf("bench: raas serve did not become ready")
}

func (c *child) kill() {
	if c.cmd.ProcessState == nil {
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
		_ = c.cmd.Wait()
	}
}

func (c *child) stop() {
	if c.cmd.ProcessState == nil {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		_ = c.cmd.Wait()
	}
}

func token(ctx context.Context, storeArgs []string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, exe, append([]string{"token", "create", "--tenant", "bench-" + remind.NewToken(4)}, storeArgs...)...).Output()
	return strings.TrimSpace(string(out)), err
}

var httpClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func post(url, token string, body any) (map[string]any, int, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode >= 300 {
		return out, resp.StatusCode, fmt.Errorf("bench: POST %s: %d %s", url, resp.StatusCode, raw)
	}
	return out, resp.StatusCode, nil
}

// createHTTP creates reminders due at the given times through the HTTP
// API, and returns creates per second and each create's latency.
func createHTTP(ctx context.Context, url, token string, due []time.Time, conc int, progress io.Writer) (float64, []time.Duration, error) {
	lat := make([]time.Duration, len(due))
	rate, err := createConcurrently(ctx, len(due), conc, progress, func(i int) error {
		t0 := time.Now()
		if _, _, err := post(url+"/v1/reminders", token, map[string]any{"title": "bench", "time": due[i].UnixMilli()}); err != nil {
			return err
		}
		lat[i] = time.Since(t0)
		return nil
	})
	return rate, lat, err
}

// Crash runs a herd against a child `raas serve`, kills it with SIGKILL when
// about half the herd has arrived, and counts what arrives: lost must be 0.
// On SQLite the child is restarted; on PostgreSQL a second child runs
// beside it from the start and takes over (heartbeats). TakeoverS says how
// long after the restart, or the kill, the last delivery arrived.
func Crash(ctx context.Context, o Options) Result {
	o.defaults()
	res := Result{System: "raas", Store: storeName(o.DB), Sink: "webhook", Workload: "crash", Config: "default", N: o.N, Version: version(),
		Settings: "lease=5s; SIGKILL when half the herd has arrived; SQLite: restarted, PostgreSQL: a second instance takes over"}
	fail := func(err error) Result { res.Error = err.Error(); res.Lost = -1; return res }
	dir, err := os.MkdirTemp("", "raas-bench-crash")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	storeArgs := []string{"--data", dir}
	if o.DB != "" {
		storeArgs = []string{"--db", o.DB}
	}
	args := append([]string{"--allow-private-targets", "--lease", "5s", "--rate-limit", "0"}, storeArgs...)
	addr, err := freeAddr()
	if err != nil {
		return fail(err)
	}
	c, _, err := startChild(ctx, addr, args)
	if err != nil {
		return fail(err)
	}
	defer func() { c.kill() }()
	if o.DB != "" {
		addr2, err := freeAddr()
		if err != nil {
			return fail(err)
		}
		survivor, _, err := startChild(ctx, addr2, args)
		if err != nil {
			return fail(err)
		}
		defer survivor.kill()
	}
	tok, err := token(ctx, storeArgs)
	if err != nil {
		return fail(err)
	}
	rec := newRecorder()
	sink, err := startWebhookSink(rec)
	if err != nil {
		return fail(err)
	}
	defer sink.Close()
	if _, _, err := post(c.url+"/v1/webhooks", tok, map[string]any{"url": sink.URL}); err != nil {
		return fail(err)
	}
	at := time.Now().Add(o.Lead).Truncate(time.Millisecond)
	due := make([]time.Time, o.N)
	for i := range due {
		due[i] = at
	}
	if res.CreatePerS, _, err = createHTTP(ctx, c.url, tok, due, o.Concurrency, o.Progress); err != nil {
		return fail(err)
	}
	if time.Now().After(at) {
		return fail(fmt.Errorf("creating took longer than the lead; raise --lead"))
	}
	for rec.count() < o.N/2 && time.Since(at) < o.Timeout && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	c.kill()
	restart := time.Now()
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "killed with %d of %d delivered\n", rec.count(), o.N)
	}
	if o.DB == "" {
		var startup time.Duration
		if c, startup, err = startChild(ctx, addr, args); err != nil {
			return fail(err)
		}
		res.StartupS = startup.Seconds()
	}
	rec.wait(ctx, o.N, o.Timeout)
	rec.lateness(&res)
	if last := rec.last(); last.After(restart) {
		res.TakeoverS = last.Sub(restart).Seconds()
	}
	return res
}

// Capacity loads `pending` reminders due in the coming year straight into
// a SQLite store, then measures the serving process with them pending:
// start-up time, resident memory, create latency (against an empty store
// too) and the lateness of a small herd fired meanwhile.
func Capacity(ctx context.Context, o Options, pending int) Result {
	o.defaults()
	res := Result{System: "raas", Store: storeName(o.DB), Sink: "webhook", Workload: "capacity", Config: "default", Pending: pending, Version: version()}
	fail := func(err error) Result { res.Error = err.Error(); return res }
	if o.DB != "" {
		return fail(fmt.Errorf("capacity loads SQLite only; run it without --db"))
	}
	empty, _, err := capacityRun(ctx, o, 0, &Result{})
	if err != nil {
		return fail(err)
	}
	res.EmptyCreateMS = empty
	if _, _, err := capacityRun(ctx, o, pending, &res); err != nil {
		return fail(err)
	}
	return res
}

func capacityRun(ctx context.Context, o Options, pending int, res *Result) (float64, float64, error) {
	dir, err := os.MkdirTemp("", "raas-bench-capacity")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	if err := load(ctx, dir, pending, o.Progress); err != nil {
		return 0, 0, err
	}
	addr, err := freeAddr()
	if err != nil {
		return 0, 0, err
	}
	c, startup, err := startChild(ctx, addr, []string{"--data", dir, "--allow-private-targets", "--rate-limit", "0"})
	if err != nil {
		return 0, 0, err
	}
	defer c.stop()
	res.StartupS = startup.Seconds()
	tok, err := token(ctx, []string{"--data", dir})
	if err != nil {
		return 0, 0, err
	}
	// Create latency: 500 one at a time, due far away.
	due := make([]time.Time, 500)
	for i := range due {
		due[i] = time.Now().Add(48 * time.Hour)
	}
	_, lat, err := createHTTP(ctx, c.url, tok, due, 1, nil)
	if err != nil {
		return 0, 0, err
	}
	ls := make([]float64, len(lat))
	for i, l := range lat {
		ls[i] = float64(l.Microseconds()) / 1000
	}
	sort.Float64s(ls)
	res.CreateP50MS, res.CreateP99MS = Percentile(ls, 50), Percentile(ls, 99)
	// Fire a herd of 1000 to a webhook with the rest pending.
	rec := newRecorder()
	sink, err := startWebhookSink(rec)
	if err != nil {
		return 0, 0, err
	}
	defer sink.Close()
	if _, _, err := post(c.url+"/v1/webhooks", tok, map[string]any{"url": sink.URL}); err != nil {
		return 0, 0, err
	}
	at := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
	herd := make([]time.Time, 1000)
	for i := range herd {
		herd[i] = at
	}
	if _, _, err := createHTTP(ctx, c.url, tok, herd, 8, nil); err != nil {
		return 0, 0, err
	}
	res.N = len(herd)
	rec.wait(ctx, len(herd), 30*time.Second)
	rec.lateness(res)
	res.RSSBytes = rssBytes(c.cmd.Process.Pid)
	for _, f := range []string{"raas.db", "raas.db-wal"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			res.DBBytes += st.Size()
		}
	}
	return res.CreateP50MS, res.CreateP99MS, nil
}

type bulkLoader interface {
	BulkCreateReminders(ctx context.Context, rs []remind.Reminder) error
}

// load writes n pending reminders due over the coming year into the
// SQLite store under dir.
// pendingAt is when the i-th of n pending reminders is due: spread evenly
// over the year that starts an hour from now, so none falls due while the
// capacity run measures. (Written as year·i/n in int64 nanoseconds this
// overflowed past the 292nd reminder, and about half of every load was
// due in the past and fired during the measures.)
func pendingAt(now time.Time, i, n int) time.Time {
	const year = 365 * 24 * time.Hour
	return now.Add(time.Hour + time.Duration(float64(year)*float64(i)/float64(n)))
}

func load(ctx context.Context, dir string, n int, progress io.Writer) error {
	cfg := app.Defaults()
	cfg.DataDir = dir
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if n == 0 {
		return nil
	}
	bl, ok := st.(bulkLoader)
	if !ok {
		return fmt.Errorf("bench: this store cannot bulk-load")
	}
	now := time.Now()
	tenant := remind.Tenant{ID: remind.NewID(now), Name: "capacity", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tenant); err != nil {
		return err
	}
	const batch = 20000
	rs := make([]remind.Reminder, 0, batch)
	for i := 0; i < n; i++ {
		at := pendingAt(now, i, n)
		// Ids made a millisecond apart, as if created over time: appends to the indexes, as in real use.
		created := now.Add(-time.Duration(n-i) * time.Millisecond)
		rs = append(rs, remind.Reminder{ID: remind.NewID(created), TenantID: tenant.ID, Title: "pending", Time: &at, TZ: remind.DefaultTZ,
			Start: at, Status: remind.StatusActive, NextFireAt: &at, Source: "bench", CreatedAt: now, UpdatedAt: now})
		if len(rs) == batch || i == n-1 {
			if err := bl.BulkCreateReminders(ctx, rs); err != nil {
				return err
			}
			rs = rs[:0]
			if progress != nil && (i+1)%1000000 == 0 {
				fmt.Fprintf(progress, "loaded %d/%d pending\n", i+1, n)
			}
		}
	}
	return nil
}
