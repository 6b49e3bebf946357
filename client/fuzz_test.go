package client_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/client"
	"github.com/raasdev/raas/internal/channel/webhook"
)

// FuzzVerifyWebhook checks VerifyWebhook against the server's signer
// (internal/channel/webhook.Sign) and against an independent HMAC:
//   - a message signed by the server verifies (round trip), with the
//     fuzzed header's signatures beside it too;
//   - the same message with a changed body or id, or a timestamp beyond
//     WebhookTolerance, does not;
//   - a fuzzed signature header verifies only if one of its v1 values
//     holds the message's true HMAC: nothing else forges one;
//   - every refusal is one of the documented errors, and nothing panics.
func FuzzVerifyWebhook(f *testing.F) {
	f.Add([]byte("0123456789abcdef01234567"), "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", int64(1674087231), []byte(`{"type":"contact.created"}`), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	f.Add([]byte{}, "", int64(0), []byte{}, "")
	f.Add([]byte("k"), "id", int64(-1), []byte("x"), "v1, v1,= v2,abc v1,AAAA")
	f.Add([]byte("k"), "a.b", int64(1e12), []byte("\x00\xff"), "v1,"+strings.Repeat("A", 44)+" v1a,x")
	f.Fuzz(func(t *testing.T, key []byte, id string, ts int64, body []byte, sigs string) {
		if ts < -1e15 || ts > 1e15 {
			return // time.Unix's range
		}
		secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
		now := time.Unix(ts, 0)
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
		mac.Write(body)
		want := mac.Sum(nil)

		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		h.Set("webhook-signature", sigs)
		err := client.VerifyWebhook(secret, h, body, now)
		if err == nil && !holds(h.Get("webhook-signature"), want) {
			t.Fatalf("verified %q without the message's HMAC", sigs)
		}
		if err != nil && !errors.Is(err, client.ErrWebhookHeaders) && !errors.Is(err, client.ErrWebhookSignature) {
			t.Fatalf("refused with an undocumented error: %v", err)
		}

		// The server's own signature, among the fuzzed ones.
		sig, err := webhook.Sign(secret, id, now, body)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		if sig != "v1,"+base64.StdEncoding.EncodeToString(want) {
			t.Fatalf("Sign = %q, want the HMAC of id.timestamp.body", sig)
		}
		h.Set("webhook-signature", strings.TrimSpace(sigs+" "+sig))
		headerOK := id != "" && h.Get("webhook-id") == id
		err = client.VerifyWebhook(secret, h, body, now.Add(client.WebhookTolerance))
		switch {
		case headerOK && err != nil:
			t.Fatalf("the server's signature %q did not verify: %v", sig, err)
		case !headerOK && !errors.Is(err, client.ErrWebhookHeaders):
			t.Fatalf("id %q: %v, want ErrWebhookHeaders", id, err)
		}
		if !headerOK {
			return
		}
		if err := client.VerifyWebhook(secret, h, append(body[:len(body):len(body)], 'x'), now); !errors.Is(err, client.ErrWebhookSignature) && !holds(sigs, macOf(key, id, ts, append(body[:len(body):len(body)], 'x'))) {
			t.Fatalf("a changed body: %v", err)
		}
		if err := client.VerifyWebhook(secret, h, body, now.Add(client.WebhookTolerance+time.Second)); !errors.Is(err, client.ErrWebhookTimestamp) {
			t.Fatalf("a stale timestamp: %v", err)
		}
		if err := client.VerifyWebhook(secret, h, body, now.Add(-client.WebhookTolerance-time.Second)); !errors.Is(err, client.ErrWebhookTimestamp) {
			t.Fatalf("a timestamp from the future: %v", err)
		}
	})
}

func macOf(key []byte, id string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return m.Sum(nil)
}

// holds reports whether a signature header has a v1 value decoding to mac.
func holds(header string, mac []byte) bool {
	for _, s := range strings.Fields(header) {
		v, b64, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, mac) {
			return true
		}
	}
	return false
}
