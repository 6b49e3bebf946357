package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// BenchmarkSign is the signature of one webhook-sized message.
func BenchmarkSign(b *testing.B) {
	secret, body := NewSecret(), make([]byte, 600)
	ts := time.Unix(1_800_000_000, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(secret, "dlv_01JDZ8Q6W4M3X9K2B7N5C1V0RT", ts, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSend is one send to a loopback receiver that answers 204, the
// endpoint cached: request building, signing and the HTTP exchange.
func BenchmarkSend(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	ends := &endpoints{w: remind.Webhook{ID: "wh1", URL: srv.URL, Secret: NewSecret()}}
	s := NewSender(netguard.FastClient(5*time.Second, true, 8), ends, time.Now)
	d := remind.Delivery{ID: "dlv_01JDZ8Q6W4M3X9K2B7N5C1V0RT", TenantID: "t1", Target: "wh1", Payload: make([]byte, 600)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Send(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
}
