package app

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/raasdev/raas/internal/channel/wechat"
)

func testApp(t *testing.T, cfg Config) *App {
	t.Helper()
	cfg.DataDir = t.TempDir()
	st, err := OpenStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := New(cfg, st, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { st.Close() })
	return a
}

// TestRateLimitHoldsAgainstRandomCredentials is issue 13's probe, through
// the whole handler: 600 requests each with a fresh random bearer token
// pass only as many times as one address's unauthenticated budget allows
// (then 429); a real token is limited by its tenant's budget, not its
// address's; public endpoints and the sign-in page spend the address budget.
func TestRateLimitHoldsAgainstRandomCredentials(t *testing.T) {
	cfg := Defaults()
	cfg.Ops.Metrics = false
	cfg.Ops.RateLimit, cfg.Ops.RateBurst = 0.001, 50 // no refill while the test runs
	cfg.Ops.AnonRateLimit, cfg.Ops.AnonRateBurst = 0.001, 10
	a := testApp(t, cfg)
	h := a.Handler()
	do := func(method, path, addr, auth string) int {
		r := httptest.NewRequest(method, path, nil)
		r.RemoteAddr = addr
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	counts := map[int]int{}
	for range 600 {
		counts[do("GET", "/v1/reminders", "203.0.113.1:5000", fmt.Sprintf("Bearer raas_%032x", rand.Uint64()))]++
	}
	if counts[401] != 10 || counts[429] != 590 {
		t.Fatalf("600 random credentials: %v; want 10 refused (the address budget), 590 limited", counts)
	}

	token, _, err := a.Service.CreateToken(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for range 60 {
		if do("GET", "/v1/reminders", "203.0.113.1:5000", "Bearer "+token) == 200 {
			ok++
		}
	}
	if ok != 50 {
		t.Fatalf("the tenant, from the exhausted address: %d of 60 served, want its budget of 50", ok)
	}

	for _, path := range []string{"/dashboard/login", "/openapi/token", "/s/nosuchlink", "/reminds/api/0123456789abcdef0123456789abcdef/share_post"} {
		codes := map[int]int{}
		addr := fmt.Sprintf("198.51.100.%d:1", len(path))
		for range 15 {
			codes[do("GET", path, addr, "Bearer raas_random")]++
		}
		if codes[429] != 5 {
			t.Errorf("%s: %v; want the last 5 of 15 limited", path, codes)
		}
	}
	if code := do("GET", "/healthz", "203.0.113.1:5000", ""); code != 200 {
		t.Fatalf("/healthz from a limited address: %d", code)
	}
}

// TestWeChatCallbacksHaveTheirOwnBudget: WeChat's servers carry every
// subscriber's events, so signed callbacks are not held to one address's
// small anonymous budget; unsigned ones are.
func TestWeChatCallbacksHaveTheirOwnBudget(t *testing.T) {
	cfg := Defaults()
	cfg.Ops.Metrics = false
	cfg.Ops.RateLimit, cfg.Ops.RateBurst = 0.001, 50
	cfg.Ops.AnonRateLimit, cfg.Ops.AnonRateBurst = 0.001, 5
	cfg.WeCron.WeChat = wechat.Config{AppID: "wxapp", Secret: "s", Token: "cbtoken"}
	a := testApp(t, cfg)
	h := a.Handler()
	get := func(q string) int {
		r := httptest.NewRequest("GET", "/wechat/callback?"+q, nil)
		r.RemoteAddr = "101.226.103.1:1000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	signed := url.Values{"timestamp": {"1"}, "nonce": {"n"}, "echostr": {"e"}, "signature": {wechat.Sign("cbtoken", "1", "n")}}.Encode()
	codes := map[int]int{}
	for range 40 {
		codes[get(signed)]++
	}
	if codes[200] != 40 {
		t.Fatalf("signed callbacks: %v; want all 40 served (beyond the address budget of 5)", codes)
	}
	codes = map[int]int{}
	for range 10 {
		codes[get("timestamp=1&nonce=n&signature=bad")]++
	}
	if codes[403] != 5 || codes[429] != 5 {
		t.Fatalf("badly signed callbacks: %v; want 5 refused, then 5 limited", codes)
	}
}
