package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/webhook"
)

// testApp is a running service for one test.
type testApp struct {
	*app.App
	URL   string // base URL, e.g. http://127.0.0.1:12345
	Token string // an API token of tenant "t1"
}

// startApp starts the real service on a temp SQLite file with private
// targets allowed (sinks are on loopback); mutate may change the config.
func startApp(t *testing.T, mutate func(*app.Config)) *testApp {
	t.Helper()
	return startAppTB(t, mutate)
}

// startAppTB is startApp for tests, benchmarks and fuzz targets alike.
func startAppTB(t testing.TB, mutate func(*app.Config)) *testApp {
	t.Helper()
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.AllowPrivateTargets = true
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
	if mutate != nil {
		mutate(&cfg)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(&testWriter{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a := app.New(cfg, st, log)
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	token, _, err := a.Service.CreateToken(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	return &testApp{App: a, URL: "http://" + ln.Addr().String(), Token: token}
}

type testWriter struct{ t testing.TB }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// do sends a request with a bearer token (when token != "") and a JSON body
// (when body != nil: a string or []byte is sent as is, anything else is
// marshalled), and returns the status and the decoded JSON answer.
func do(t *testing.T, method, url, token string, body any, hdr ...string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
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
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object: %q", method, url, raw)
		}
	}
	return resp.StatusCode, out
}

// hookCall is one request a sink received.
type hookCall struct {
	At     time.Time
	Header http.Header
	Body   []byte
}

// sink is a webhook receiver that verifies nothing by itself and records
// every call; respond decides the status of call n (1-based).
type sink struct {
	*httptest.Server
	mu      sync.Mutex
	calls   []hookCall
	respond func(n int) int
	notify  chan struct{}
}

func newSink(t *testing.T, respond func(n int) int) *sink {
	s := &sink{respond: respond, notify: make(chan struct{}, 1024)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.calls = append(s.calls, hookCall{At: time.Now(), Header: r.Header.Clone(), Body: b})
		n := len(s.calls)
		s.mu.Unlock()
		code := http.StatusOK
		if s.respond != nil {
			code = s.respond(n)
		}
		w.WriteHeader(code)
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sink) Calls() []hookCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hookCall(nil), s.calls...)
}

// waitCalls waits until the sink has at least n calls or the timeout passes.
func (s *sink) waitCalls(t *testing.T, n int, timeout time.Duration) []hookCall {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if c := s.Calls(); len(c) >= n {
			return c
		}
		select {
		case <-s.notify:
		case <-deadline:
			t.Fatalf("sink got %d calls, want %d within %s", len(s.Calls()), n, timeout)
		}
	}
}

// verifyCall checks a call's Standard Webhooks signature with secret.
func verifyCall(t *testing.T, secret string, c hookCall) {
	t.Helper()
	if err := webhook.Verify(secret, c.Header, c.Body, time.Now(), 5*time.Minute); err != nil {
		t.Fatalf("webhook signature: %v", err)
	}
}

// event decodes a call's body.
func event(t *testing.T, c hookCall) map[string]any {
	t.Helper()
	var ev struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(c.Body, &ev); err != nil {
		t.Fatalf("webhook body: %v", err)
	}
	if ev.Type != "reminder.fired" {
		t.Fatalf("event type %q", ev.Type)
	}
	return ev.Data
}
