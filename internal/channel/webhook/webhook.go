// Package webhook delivers firings over HTTP following the Standard Webhooks
// convention: headers webhook-id (the delivery id, stable across retries),
// webhook-timestamp and webhook-signature "v1,<base64 HMAC-SHA256>" of
// "id.timestamp.body" with the endpoint's secret.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

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
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return "", fmt.Errorf("webhook: bad secret: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts.Unix())
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
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
	client *http.Client
	ends   Endpoints
	now    func() time.Time

	// cache keeps endpoints looked up in the last CacheFor: a herd sends
	// thousands of deliveries to one endpoint a second, and a store read
	// for each was a quarter of the webhook fire path's CPU.
	mu    sync.Mutex
	cache map[string]endpoint
}

// CacheFor is how long a looked-up endpoint (URL, secret, disabled) is
// reused: an endpoint deleted, disabled or re-keyed through the API may
// still be used by sends starting within this time.
const CacheFor = time.Second

// maxCached bounds the cache; past it, it starts afresh.
const maxCached = 10000

type endpoint struct {
	url, secret string
	disabled    bool
	at          time.Time
}

// NewSender returns a Sender using client (which should guard addresses; see netguard).
func NewSender(client *http.Client, ends Endpoints, now func() time.Time) *Sender {
	return &Sender{client: client, ends: ends, now: now, cache: map[string]endpoint{}}
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
		e = endpoint{url: w.URL, secret: w.Secret, disabled: w.Disabled, at: now}
	} else {
		rc, err := s.ends.GetRecipient(ctx, d.TenantID, d.Recipient)
		if errors.Is(err, remind.ErrNotFound) {
			return e, deliver.Permanent(errors.New("recipient was deleted"))
		}
		if err != nil {
			return e, err
		}
		e = endpoint{url: rc.WebhookURL, secret: rc.WebhookSecret, at: now}
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

// cacheKey names d's endpoint: a tenant webhook or a recipient's own.
func cacheKey(d remind.Delivery) string {
	return d.TenantID + "\x00" + d.Recipient + "\x00" + d.Target
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
	url, secret := e.url, e.secret
	ts := s.now()
	sig, err := Sign(secret, d.ID, ts, d.Payload)
	if err != nil {
		return 0, deliver.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, deliver.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "RaaS-Webhooks/1")
	req.Header.Set("webhook-id", d.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	code := resp.StatusCode
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
		if secs, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && secs > 0 {
			return code, deliver.RetryAfter(err, time.Duration(secs)*time.Second)
		}
		return code, err
	}
	if code >= 300 && code < 400 {
		return code, fmt.Errorf("webhook answered %s; register the final URL", netguard.Redirect(resp))
	}
	return code, fmt.Errorf("webhook answered %d", code)
}
