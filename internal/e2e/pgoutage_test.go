package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/testenv"
)

// pgServer is a PostgreSQL server of one test's own, in a temporary
// directory, so the test can stop and start it without touching the shared
// server the other tests use.
type pgServer struct {
	bin, dir, port string
	asUser         []string // runuser prefix when running as root (initdb refuses root)
}

// startOwnPostgres makes and starts a throw-away cluster. Without the
// server binaries it skips, except in CI, where it fails.
func startOwnPostgres(t *testing.T) *pgServer {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		testenv.Missing(t, "the PostgreSQL server binaries (/usr/lib/postgresql/*/bin)", "apt-get install -y postgresql")
	}
	p := &pgServer{bin: filepath.Dir(bins[len(bins)-1])}
	dir, err := os.MkdirTemp("", "raas-pg-*")
	if err != nil {
		t.Fatal(err)
	}
	p.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root without a postgres user to run the server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	p.port = port
	p.run(t, "initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
	p.start(t)
	t.Cleanup(func() { _ = p.pgCtl("stop", "-m", "immediate") })
	return p
}

func (p *pgServer) command(name string, args ...string) *exec.Cmd {
	full := append(append(append([]string{}, p.asUser...), filepath.Join(p.bin, name)), args...)
	return exec.Command(full[0], full[1:]...)
}

func (p *pgServer) run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := p.command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

func (p *pgServer) pgCtl(args ...string) error {
	all := append([]string{"-D", filepath.Join(p.dir, "data"), "-w", "-t", "60"}, args...)
	out, err := p.command("pg_ctl", all...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %v: %w\n%s", args, err, out)
	}
	return nil
}

func (p *pgServer) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", p.port, p.dir)
	if err := p.pgCtl("-l", filepath.Join(p.dir, "log"), "-o", opts, "start"); err != nil {
		t.Fatal(err)
	}
}

func (p *pgServer) stop(t *testing.T) {
	t.Helper()
	if err := p.pgCtl("stop", "-m", "fast"); err != nil {
		t.Fatal(err)
	}
}

func (p *pgServer) url() string {
	return "postgres://postgres@127.0.0.1:" + p.port + "/postgres?sslmode=disable"
}

// TestPostgresOutageLosesNothing stops the PostgreSQL server in the middle
// of a herd of 10,000 reminders falling due, keeps it down for 3 s, and
// starts it again. While it is down /readyz says not ready; once it is back
// every reminder arrives and /readyz is ready again.
func TestPostgresOutageLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a PostgreSQL server of its own")
	}
	pg := startOwnPostgres(t)
	a := startApp(t, func(c *app.Config) { c.DB = pg.url(); c.Ops.RateLimit = 0 })
	s := newSink(t, nil)
	if status, out := do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": s.URL}); status != http.StatusCreated {
		t.Fatalf("webhook: %d %v", status, out)
	}
	ctx := context.Background()
	tn, err := a.Service.Authenticate(ctx, a.Token)
	if err != nil {
		t.Fatal(err)
	}
	const n = 10000
	start := time.Now().Add(time.Duration(n)*3*time.Millisecond + 3*time.Second)
	window := 3 * time.Second
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				due := start.Add(time.Duration(int64(window) * int64(i) / n))
				if _, _, err := a.Service.CreateReminder(ctx, tn, service.CreateInput{Title: strconv.Itoa(i), Time: &due}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if time.Now().After(start) {
		t.Fatalf("creating %d reminders overran the herd's start", n)
	}
	ready := func() int {
		resp, err := http.Get(a.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitUntil(t, time.Until(start)+5*time.Second, "the herd starts arriving", func() bool { return len(s.Calls()) > 0 })
	pg.stop(t)
	waitUntil(t, 10*time.Second, "/readyz says not ready while the database is down", func() bool { return ready() == http.StatusServiceUnavailable })
	down := time.Now()
	waitUntil(t, 10*time.Second, "3 s of outage", func() bool { return time.Since(down) > 3*time.Second })
	pg.start(t)
	waitUntil(t, 30*time.Second, "/readyz ready again", func() bool { return ready() == http.StatusOK })
	got := map[string]bool{}
	waitUntil(t, 120*time.Second, fmt.Sprintf("all %d reminders delivered", n), func() bool {
		for _, c := range s.Calls() {
			var ev struct {
				Data struct{ Title string } `json:"data"`
			}
			_ = json.Unmarshal(c.Body, &ev)
			got[ev.Data.Title] = true
		}
		return len(got) >= n
	})
	t.Logf("outage mid-herd: %d reminders, %d webhook calls (duplicates %d)", n, len(s.Calls()), len(s.Calls())-len(got))
}
