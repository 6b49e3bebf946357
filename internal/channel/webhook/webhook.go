// Package webhook delivers firings over HTTP following the Standard Webhooks
// convention: headers webhook-id (the delivery id, stable across retries),
// webhook-timestamp and webhook-signature "v1,<base64 HMAC-SHA256>" of
// "id.timestamp.body" with the endpoint's secret.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a new signing secret with a 24-byte key.
func NewSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Sign returns the webhook-signature value for a message.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	return sign(key, id, ts.Unix(), body), nil
}

// secretKey decodes a signing secret into its HMAC key.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("webhook: bad secret: %w", err)
	}
	return key, nil
}

// sign is Sign with the key decoded, writing the signed content
// ("id.timestamp.body") without formatting.
func sign(key []byte, id string, unix int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	var head [96]byte
	b := append(head[:0], id...)
	b = append(b, '.')
	b = strconv.AppendInt(b, unix, 10)
	b = append(b, '.')
	m.Write(b)
	m.Write(body)
	var sum [sha256.Size]byte
	var out [3 + 44]byte // "v1," and the base64 of 32 bytes
	copy(out[:], "v1,")
	base64.StdEncoding.Encode(out[3:], m.Sum(sum[:0]))
	return string(out[:])
}

// Verify checks a received message's signature header against secret and
// that its timestamp is within tolerance of now.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, tsv := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(tsv, 10, 64)
	if id == "" || err != nil {
		return errors.New("webhook: missing webhook-id or webhook-timestamp")
	}
	ts := time.Unix(sec, 0)
	if d := now.Sub(ts); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside tolerance")
	}
	want, err := Sign(secret, id, ts, body)
	if err != nil {
		return err
	}
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhook: signature mismatch")
}

// Endpoints resolves a delivery's target to a URL and secret: tenant
// webhooks by id, recipients' own webhooks through their record.
type Endpoints interface {
	GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error)
	GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error)
	DisableWebhook(ctx context.Context, tenantID, id string) error
}

// Sender posts deliveries to webhooks.
type Sender struct {
	client *fasthttp.Client
	ends   Endpoints
	now    func() time.Time

	// cache keeps endpoints looked up in the last CacheFor: a herd sends
	// thousands of deliveries to one endpoint a second, and a store read
	// for each was a quarter of the webhook fire path's CPU.
	mu    sync.Mutex
	cache map[endpointKey]endpoint
}

const userAgent = "RaaS-Webhooks/1"

// CacheFor is how long a looked-up endpoint (URL, secret, disabled) is
// reused: an endpoint deleted, disabled or re-keyed through the API may
// still be used by sends starting within this time.
const CacheFor = time.Second

// maxCached bounds the cache; past it, it starts afresh.
const maxCached = 10000

type endpoint struct {
	url, secret string
	key         []byte // secret decoded; nil when it does not decode
	badURL      error  // why url cannot be posted to; nil when it can
	disabled    bool
	at          time.Time
}

// prepared returns e with its secret decoded and its URL checked once, for
// every send it serves.
func (e endpoint) prepared() endpoint {
	e.key, _ = secretKey(e.secret)
	e.badURL = remind.CheckURL("webhook URL", e.url) // nil for "": a recipient without one is refused by Send
	return e
}

// NewSender returns a Sender posting with client, which should guard
// addresses and follow no redirects (netguard.FastClient).
func NewSender(client *fasthttp.Client, ends Endpoints, now func() time.Time) *Sender {
	return &Sender{client: client, ends: ends, now: now, cache: map[endpointKey]endpoint{}}
}

// endpoint resolves d's target, from the cache when fresh. Lookup errors
// (not found included) are not cached.
func (s *Sender) endpoint(ctx context.Context, d remind.Delivery) (endpoint, error) {
	key := cacheKey(d)
	now := s.now()
	s.mu.Lock()
	e, ok := s.cache[key]
	s.mu.Unlock()
	if ok && now.Sub(e.at) < CacheFor && now.Sub(e.at) >= 0 {
		return e, nil
	}
	if d.Recipient == "" {
		w, err := s.ends.GetWebhook(ctx, d.TenantID, d.Target)
		if errors.Is(err, remind.ErrNotFound) {
			return e, deliver.Permanent(errors.New("webhook endpoint was deleted"))
		}
		if err != nil {
			return e, err
		}
		e = endpoint{url: w.URL, secret: w.Secret, disabled: w.Disabled, at: now}.prepared()
	} else {
		rc, err := s.ends.GetRecipient(ctx, d.TenantID, d.Recipient)
		if errors.Is(err, remind.ErrNotFound) {
			return e, deliver.Permanent(errors.New("recipient was deleted"))
		}
		if err != nil {
			return e, err
		}
		e = endpoint{url: rc.WebhookURL, secret: rc.WebhookSecret, at: now}.prepared()
	}
	s.mu.Lock()
	if len(s.cache) >= maxCached {
		clear(s.cache)
	}
	s.cache[key] = e
	s.mu.Unlock()
	return e, nil
}

func (s *Sender) forget(d remind.Delivery) {
	s.mu.Lock()
	delete(s.cache, cacheKey(d))
	s.mu.Unlock()
}

// endpointKey names an endpoint: a tenant webhook or a recipient's own.
type endpointKey struct{ tenant, recipient, target string }

// cacheKey names d's endpoint (a struct, so a lookup allocates nothing).
func cacheKey(d remind.Delivery) endpointKey {
	return endpointKey{d.TenantID, d.Recipient, d.Target}
}

// Send posts one delivery. 2xx is success; 410 disables a tenant endpoint and
// fails the delivery; any other answer or a timeout is retried (429 and 503
// honour Retry-After). Redirects are not followed (the client must not; see
// netguard.Client): a 3xx is a failed attempt whose error names the
// Location, as Standard Webhooks senders do, so the signed payload goes to
// the registered URL only.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	e, err := s.endpoint(ctx, d)
	if err != nil {
		return 0, err
	}
	switch {
	case d.Recipient == "" && e.disabled:
		return 0, deliver.Permanent(errors.New("webhook endpoint is disabled"))
	case d.Recipient != "" && e.url == "":
		return 0, deliver.Permanent(errors.New("recipient has no webhook_url"))
	}
	if e.key == nil {
		if _, err := secretKey(e.secret); err != nil {
			return 0, deliver.Permanent(err)
		}
	}
	if e.badURL != nil {
		return 0, deliver.Permanent(e.badURL)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	unix := s.now().Unix()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(e.url)
	req.Header.SetMethod(http.MethodPost)
	req.Header.SetContentType("application/json")
	req.Header.SetUserAgent(userAgent)
	req.Header.Set("webhook-id", d.ID)
	var ts [20]byte
	req.Header.SetBytesV("webhook-timestamp", strconv.AppendInt(ts[:0], unix, 10))
	req.Header.Set("webhook-signature", sign(e.key, d.ID, unix, d.Payload))
	req.SetBodyRaw(d.Payload)
	if deadline, ok := ctx.Deadline(); ok {
		err = s.client.DoDeadline(req, resp, deadline)
	} else {
		err = s.client.Do(req, resp) // the client's own timeouts
	}
	// An answer whose body is over the client's limit (64 KiB) still
	// has its status, which is all that decides the outcome.
	if err != nil && !errors.Is(err, fasthttp.ErrBodyTooLarge) {
		return 0, err
	}
	code := resp.StatusCode()
	switch {
	case code >= 200 && code < 300:
		return code, nil
	case code == http.StatusGone:
		s.forget(d)
		if d.Recipient == "" {
			if err := s.ends.DisableWebhook(ctx, d.TenantID, d.Target); err != nil {
				return code, fmt.Errorf("webhook: 410, and disabling the endpoint failed: %w", err)
			}
		}
		return code, deliver.Gone(fmt.Errorf("webhook answered %d: endpoint disabled", code))
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		err := fmt.Errorf("webhook answered %d", code)
		if secs, perr := strconv.Atoi(string(resp.Header.Peek("Retry-After"))); perr == nil && secs > 0 {
			return code, deliver.RetryAfter(err, time.Duration(secs)*time.Second)
		}
		return code, err
	}
	if code >= 300 && code < 400 {
		return code, fmt.Errorf("webhook answered %s; register the final URL", netguard.RedirectOf(code, string(resp.Header.Peek("Location"))))
	}
	return code, fmt.Errorf("webhook answered %d", code)
}
