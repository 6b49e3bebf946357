package webhook

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// The Standard Webhooks specification's worked example.
func TestSignStandardWebhooksVector(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	secret := NewSecret()
	now := time.Unix(1700000000, 0)
	body := []byte(`{"type":"reminder.fired"}`)
	sig, _ := Sign(secret, "d1", now, body)
	h := http.Header{}
	h.Set("webhook-id", "d1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", "v1,bogus "+sig)
	for _, tc := range []struct {
		name string
		body []byte
		now  time.Time
		ok   bool
	}{
		{"valid, second of two signatures", body, now, true},
		{"tampered body", []byte(`{"type":"x"}`), now, false},
		{"too old", body, now.Add(10 * time.Minute), false},
	} {
		err := Verify(secret, h, tc.body, tc.now, 5*time.Minute)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
	if err := Verify(NewSecret(), h, body, now, time.Minute); err == nil {
		t.Error("another secret verified")
	}
}

// endpoints is a store of one tenant webhook that counts lookups.
type endpoints struct {
	mu      sync.Mutex
	w       remind.Webhook
	gone    bool
	lookups int
}

func (e *endpoints) GetWebhook(_ context.Context, _, _ string) (remind.Webhook, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lookups++
	if e.gone {
		return remind.Webhook{}, remind.ErrNotFound
	}
	return e.w, nil
}

func (e *endpoints) GetRecipient(context.Context, string, string) (remind.Recipient, error) {
	return remind.Recipient{}, remind.ErrNotFound
}

func (e *endpoints) DisableWebhook(context.Context, string, string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.w.Disabled = true
	return nil
}

// TestSenderCachesEndpoints: sends within CacheFor reuse one lookup; later
// ones look again and see a deletion; a 410 forgets the cached endpoint
// at once, so the next send sees it disabled.
func TestSenderCachesEndpoints(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	ends := &endpoints{w: remind.Webhook{ID: "wh1", URL: srv.URL, Secret: NewSecret()}}
	now := time.Unix(1_800_000_000, 0)
	s := NewSender(netguard.FastClient(5*time.Second, true, 8), ends, func() time.Time { return now })
	d := remind.Delivery{ID: "d1", TenantID: "t1", Target: "wh1", Payload: []byte(`{}`)}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := s.Send(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if ends.lookups != 1 {
		t.Fatalf("%d lookups for 3 sends within CacheFor, want 1", ends.lookups)
	}
	now = now.Add(CacheFor)
	ends.gone = true
	if _, err := s.Send(ctx, d); !deliver.IsPermanent(err) || ends.lookups != 2 {
		t.Fatalf("after CacheFor, deleted endpoint: %v (%d lookups), want a permanent error after a new lookup", err, ends.lookups)
	}
	ends.gone = false
	status = http.StatusGone
	if _, err := s.Send(ctx, d); !deliver.IsGone(err) {
		t.Fatalf("410: %v", err)
	}
	status = http.StatusOK
	if _, err := s.Send(ctx, d); !deliver.IsPermanent(err) || ends.lookups != 4 {
		t.Fatalf("after 410: %v (%d lookups), want disabled after a new lookup", err, ends.lookups)
	}
}

// TestSendDoesNotFollowRedirects: an endpoint answering a redirect (each
// 3xx a server may send) gets a failed, retried attempt whose error names
// the Location, and the server it points to is never called, so the signed
// payload goes nowhere else. The client is the one the app uses, with the
// address guard off so both local servers are reachable.
func TestSendDoesNotFollowRedirects(t *testing.T) {
	var hits sync.Map // method+path → true
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Store(r.Method+" "+r.URL.Path, true) }))
	defer target.Close()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		loc := target.URL + "/stolen/" + strconv.Itoa(code)
		src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, loc, code) }))
		ends := &endpoints{w: remind.Webhook{ID: "wh1", URL: src.URL + "/hook", Secret: NewSecret()}}
		s := NewSender(netguard.FastClient(5*time.Second, true, 8), ends, time.Now)
		got, err := s.Send(context.Background(), remind.Delivery{ID: "d1", TenantID: "t1", Target: "wh1", Payload: []byte(`{"x":1}`)})
		src.Close()
		if got != code || err == nil || deliver.IsPermanent(err) || !strings.Contains(err.Error(), loc) {
			t.Errorf("%d: Send = %d, %v; want a retried failure naming %s", code, got, err, loc)
		}
	}
	hits.Range(func(k, _ any) bool {
		t.Errorf("the redirect target was called: %s", k)
		return true
	})
}

// TestSendSignsVerifiably: what Send posts verifies with the endpoint's
// secret on the receiving side, with the headers Standard Webhooks names.
func TestSendSignsVerifiably(t *testing.T) {
	secret := NewSecret()
	got := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := Verify(secret, r.Header, body, time.Now(), time.Minute)
		if err == nil && (r.Header.Get("webhook-id") != "d1" || r.Header.Get("Content-Type") != "application/json" || string(body) != `{"x":1}`) {
			err = fmt.Errorf("headers %v, body %s", r.Header, body)
		}
		got <- err
	}))
	defer srv.Close()
	s := NewSender(netguard.FastClient(5*time.Second, true, 8), &endpoints{w: remind.Webhook{ID: "wh1", URL: srv.URL, Secret: secret}}, time.Now)
	if _, err := s.Send(context.Background(), remind.Delivery{ID: "d1", TenantID: "t1", Target: "wh1", Payload: []byte(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	bad := NewSender(netguard.FastClient(5*time.Second, true, 8), &endpoints{w: remind.Webhook{ID: "wh1", URL: srv.URL, Secret: "whsec_***"}}, time.Now)
	if _, err := bad.Send(context.Background(), remind.Delivery{ID: "d2", TenantID: "t1", Target: "wh1", Payload: []byte(`{}`)}); !deliver.IsPermanent(err) {
		t.Fatalf("a secret that does not decode: %v, want a permanent error", err)
	}
}

// TestSendAnswers: how each answer of an endpoint (or its URL) becomes an
// attempt's outcome. A body over the client's limit is not read, but its
// status still counts.
func TestSendAnswers(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		name       string
		url        string // "" for the test server's
		answer     func(w http.ResponseWriter)
		code       int
		permanent  bool
		ok         bool
		retryAfter time.Duration
	}{
		{name: "204", answer: func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }, code: 204, ok: true},
		{name: "200 with a megabyte", answer: func(w http.ResponseWriter) { _, _ = io.WriteString(w, big) }, code: 200, ok: true},
		{name: "500 with a megabyte", answer: func(w http.ResponseWriter) { w.WriteHeader(500); _, _ = io.WriteString(w, big) }, code: 500},
		{name: "429 with Retry-After", answer: func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		}, code: 429, retryAfter: 7 * time.Second},
		{name: "503", answer: func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) }, code: 503},
		{name: "not http", url: "ftp://example.com/hook", permanent: true},
		{name: "no host", url: "http:///hook", permanent: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.answer(w) }))
			defer srv.Close()
			u := cmp.Or(tc.url, srv.URL)
			s := NewSender(netguard.FastClient(5*time.Second, true, 8), &endpoints{w: remind.Webhook{ID: "wh1", URL: u, Secret: NewSecret()}}, time.Now)
			code, err := s.Send(context.Background(), remind.Delivery{ID: "d1", TenantID: "t1", Target: "wh1", Payload: []byte(`{}`)})
			if code != tc.code || (err == nil) != tc.ok || deliver.IsPermanent(err) != tc.permanent {
				t.Fatalf("Send = %d, %v; want %d, ok %v, permanent %v", code, err, tc.code, tc.ok, tc.permanent)
			}
			if after, _ := deliver.RetryAfterOf(err); after != tc.retryAfter {
				t.Fatalf("retry after %v, want %v", after, tc.retryAfter)
			}
		})
	}
}

// TestSendResendsOnAConnectionClosedWhileIdle: a receiver that closes a
// kept-alive connection without saying so (many proxies do, on their own
// idle timeout) costs no failed attempt: the request goes again once, on a
// new connection, as net/http does. Each connection here answers one
// request and is then closed.
func TestSendResendsOnAConnectionClosedWhileIdle(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var served, conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				r, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, r.Body)
				served.Add(1)
				_, _ = io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
			}()
		}
	}()
	s := NewSender(netguard.FastClient(5*time.Second, true, 1), &endpoints{w: remind.Webhook{ID: "wh1", URL: "http://" + ln.Addr().String() + "/hook", Secret: NewSecret()}}, time.Now)
	for i := range 5 {
		if _, err := s.Send(context.Background(), remind.Delivery{ID: fmt.Sprint("d", i), TenantID: "t1", Target: "wh1", Payload: []byte(`{}`)}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if served.Load() != 5 || conns.Load() < 5 {
		t.Fatalf("%d requests served on %d connections, want 5 on 5 or more", served.Load(), conns.Load())
	}
}
