// Package apptest starts the real service (app.New on a temporary SQLite
// file, listening on loopback) for the tests of the packages that serve
// HTTP, and sends JSON requests to it.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/raasdev/raas/internal/app"
)

// App is a running service for one test.
type App struct {
	*app.App
	URL  string // base URL, e.g. http://127.0.0.1:12345
	logs *logBuffer
}

// Logs returns what the service has logged so far (slog text lines).
func (a *App) Logs() string { return a.logs.String() }

type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Start starts the service with private targets allowed and rate limiting
// off; mutate (when not nil) may change the configuration. It is stopped
// when t ends.
func Start(t testing.TB, mutate func(*app.Config)) *App {
	t.Helper()
	cfg := app.Defaults()
	cfg.DataDir, cfg.AllowPrivateTargets = t.TempDir(), true
	cfg.Ops.RateLimit = 0
	if mutate != nil {
		mutate(&cfg)
	}
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	logs := &logBuffer{}
	a := app.New(cfg, st, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	return &App{App: a, URL: "http://" + ln.Addr().String(), logs: logs}
}

// Do sends method path with body (a string or []byte as is, anything else
// marshalled; nil sends none) and header pairs, and returns the status and
// the raw answer.
func (a *App) Do(t testing.TB, method, path string, body any, hdr ...string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// JSON is Do that decodes the answer as a JSON object; it fails t when the
// answer is not one.
func (a *App) JSON(t testing.TB, method, path string, body any, hdr ...string) (int, map[string]any) {
	t.Helper()
	code, raw := a.Do(t, method, path, body, hdr...)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s → %d: answer is not a JSON object: %q", method, path, code, raw)
	}
	return code, out
}

// Token returns a new API token of the tenant named tenant.
func (a *App) Token(t testing.TB, tenant string) string {
	t.Helper()
	tok, _, err := a.Service.CreateToken(context.Background(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
