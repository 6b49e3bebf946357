package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app"
)

// TestMetrics checks /metrics after a reminder fired and was delivered:
// the raas_ families, route patterns (never raw paths) as labels.
func TestMetrics(t *testing.T) {
	a := startApp(t, nil)
	do(t, "PUT", a.URL+"/v1/recipients/m1", a.Token, map[string]any{"name": "M"})
	code, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "now", "time": time.Now().UnixMilli(), "recipients": []string{"m1"}, "channels": []string{"inbox"}})
	if code != 201 {
		t.Fatalf("create: %d %v", code, r)
	}
	do(t, "GET", a.URL+"/v1/reminders/"+r["id"].(string), a.Token, nil)
	var text string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(a.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text = string(b)
		if strings.Contains(text, `raas_deliveries_total{channel="inbox",outcome="delivered"} 1`) {
			break
		}
	}
	for _, want := range []string{
		`raas_deliveries_total{channel="inbox",outcome="delivered"} 1`,
		`raas_firings_total{outcome="on_time"} 1`,
		`raas_firing_lateness_seconds_bucket{le="0.001"}`,
		`raas_firing_lateness_seconds_bucket{le="60"}`,
		`raas_firing_lateness_seconds_count 1`, // one delivery, observed when it was first sent
		`raas_http_request_duration_seconds_count{code="2xx",method="POST",route="POST /v1/reminders"} 1`,
		`route="GET /v1/reminders/{id}"`,
		`raas_store_duration_seconds_count{op="FireDue"}`,
		`raas_reminders_pending `,
		`raas_retry_queue_depth 0`,
		`raas_deliveries_pending `,
		`raas_build_info{version=`,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			family := want[:strings.IndexAny(want+" ", "{ ")]
			t.Errorf("/metrics lacks %q; it has:\n%s", want, grepLines(text, family))
		}
	}
	if regexp.MustCompile(`route="[^"]*/v1/reminders/[0-9A-Za-z]{10,}`).MatchString(text) {
		t.Error("a raw path is used as a route label")
	}
}

// TestRequestLimits checks the 1 MiB body limit, the 64 KiB header limit
// and the per-token rate limit.
func TestRequestLimits(t *testing.T) {
	a := startApp(t, func(c *app.Config) { c.Ops.RateLimit, c.Ops.RateBurst = 1, 5 })
	big := `{"title":"` + strings.Repeat("x", 1<<20) + `"}`
	if code, body := do(t, "POST", a.URL+"/v1/reminders", a.Token, big); code != 413 || body["error"].(map[string]any)["code"] != "too_large" {
		t.Fatalf("1 MiB body: %d %v", code, body)
	}
	req, _ := http.NewRequest("GET", a.URL+"/v1/tenant", nil)
	req.Header.Set("Authorization", "Bearer "+a.Token)
	req.Header.Set("X-Big", strings.Repeat("h", 80<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("80 KiB of headers: %d, want 431", resp.StatusCode)
	}
	var last *http.Response
	for i := 0; i < 10; i++ {
		req, _ := http.NewRequest("GET", a.URL+"/v1/tenant", nil)
		req.Header.Set("Authorization", "Bearer "+a.Token)
		last, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		last.Body.Close()
		if last.StatusCode == 429 {
			break
		}
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("rate limit: %d Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	// Another token is not limited; health checks never are.
	if code, _ := do(t, "GET", a.URL+"/healthz", a.Token, nil); code != 200 {
		t.Fatalf("healthz limited: %d", code)
	}
}

// TestServeSIGTERM builds the binary, runs `raas serve`, and checks that
// SIGTERM stops it cleanly (exit 0, a "stopped" log line), that a restart
// keeps what was written, and that tokens never reach the logs.
func TestServeSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "raas")
	build := exec.Command("go", "build", "-o", bin, "github.com/raasdev/raas/cmd/raas")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	out, err := exec.Command(bin, "token", "create", "--data", data).Output()
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(out))

	start := func() (*exec.Cmd, string, *syncBuf, chan error) {
		cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0", "--log-level", "debug")
		cmd.Env = append(os.Environ(), "RAAS_ALLOW_PRIVATE_TARGETS=true")
		logs := &syncBuf{}
		pr, pw := io.Pipe()
		cmd.Stderr = pw
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		addr := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(pr)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				logs.Write(append(sc.Bytes(), '\n'))
				var l struct{ Msg, Addr string }
				if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "raas serving" {
					addr <- l.Addr
				}
			}
		}()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait(); pw.Close() }()
		select {
		case a := <-addr:
			return cmd, "http://" + a, logs, done
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, logs.String())
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("serve did not start\n%s", logs.String())
		}
		return nil, "", nil, nil
	}
	stop := func(cmd *exec.Cmd, logs *syncBuf, done chan error) {
		t.Helper()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("serve did not stop within 30 s of SIGTERM\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond) // let the reader drain the pipe
		if !strings.Contains(logs.String(), `"msg":"stopped"`) {
			t.Fatalf("no \"stopped\" log line:\n%s", logs.String())
		}
	}

	cmd, url, logs, done := start()
	code, r := do(t, "POST", url+"/v1/reminders", token, map[string]any{"title": "survives restarts", "time": time.Now().Add(time.Hour).UnixMilli()})
	if code != 201 {
		t.Fatalf("create: %d %v", code, r)
	}
	// Credentials in a query string or an Authorization header must never be logged.
	const secretQ, secretH = "QUERYSECRET0123456789", "HEADERSECRET0123456789"
	for _, c := range []struct{ path, auth string }{
		{"/openapi/workbench/teamremind/detail?accessToken=" + secretQ, ""},
		{"/v1/reminders?accessToken=" + secretQ, "Bearer " + secretH},
		{"/reminds/api/x/", "Token " + secretH},
		{"/nowhere?token=" + secretQ, "Basic " + secretH},
	} {
		req, _ := http.NewRequest("GET", url+c.path, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	do(t, "GET", url+"/v1/tenant", token, nil)
	stop(cmd, logs, done)
	for _, s := range []string{secretQ, secretH, token} {
		if strings.Contains(logs.String(), s) {
			t.Fatalf("a credential reached the logs:\n%s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), `"request_id"`) {
		t.Error("request log lines carry no request_id")
	}

	cmd, url, logs, done = start()
	code, got := do(t, "GET", url+"/v1/reminders/"+r["id"].(string), token, nil)
	if code != 200 || got["title"] != "survives restarts" {
		t.Fatalf("after restart: %d %v", code, got)
	}
	stop(cmd, logs, done)
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// grepLines returns the lines of text that start with prefix.
func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
