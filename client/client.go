// Package client is the Go client of the RaaS v1 API: typed requests and
// answers, context on every call, errors as *Error, and safe retries (a
// create carries one generated Idempotency-Key across all its attempts).
// VerifyWebhook checks the signature of the webhooks RaaS sends.
//
//	c := client.New("https://raas.example.com", os.Getenv("RAAS_TOKEN"))
//	r, err := c.CreateReminder(ctx, client.ReminderInput{Text: "明天下午三点开会", Recipients: []string{"alice"}})
package client

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one RaaS server with one API token. It is safe for
// concurrent use.
type Client struct {
	base       string
	token      string
	http       *http.Client
	maxRetries int
	backoff    time.Duration
	userAgent  string
	language   string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (default: one with a 30 s timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithRetries sets how many times a failed call is retried (default 3; 0 disables).
func WithRetries(n int) Option { return func(c *Client) { c.maxRetries = n } }

// WithBackoff sets the first retry delay, doubled on each retry (default 250 ms).
func WithBackoff(d time.Duration) Option { return func(c *Client) { c.backoff = d } }

// WithLanguage sets the Accept-Language header, the language of the
// server's words (a reminder's schedule_text): "zh" or "en" (the default).
func WithLanguage(lang string) Option { return func(c *Client) { c.language = lang } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the server at baseURL (e.g. "http://127.0.0.1:8080").
func New(baseURL, token string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), token: token, http: &http.Client{Timeout: 30 * time.Second},
		maxRetries: 3, backoff: 250 * time.Millisecond, userAgent: "raas-go-client"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Error is an error answer of the API: {"error":{"code","message","field"}}.
type Error struct {
	Status     int           // HTTP status
	Code       string        // e.g. "invalid_argument", "not_found", "rate_limited"
	Message    string        // for people
	Field      string        // the input field at fault, when one is
	RetryAfter time.Duration // from Retry-After on 429 and 503
}

// Error implements error.
func (e *Error) Error() string {
	s := fmt.Sprintf("raas: %d %s: %s", e.Status, e.Code, e.Message)
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s
}

// IsNotFound reports whether err is an API answer 404.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// newKey returns a random Idempotency-Key.
func newKey() string {
	b := make([]byte, 16)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// do sends one call, retrying when that is safe: on 429 always (the server
// did nothing), on network errors and 5xx when retry is true (idempotent
// methods, and creates carrying an Idempotency-Key). in is sent as JSON;
// the answer is decoded into out.
func (c *Client) do(ctx context.Context, method, path string, in, out any, hdr http.Header, retry bool) error {
	_, err := c.doH(ctx, method, path, in, out, hdr, retry)
	return err
}

// doH is do that also returns the answer's header.
func (c *Client) doH(ctx context.Context, method, path string, in, out any, hdr http.Header, retry bool) (http.Header, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("raas: encode request: %w", err)
		}
	}
	for attempt := 0; ; attempt++ {
		got, wait, err := c.once(ctx, method, path, body, out, hdr)
		if err == nil {
			return got, nil
		}
		var apiErr *Error
		isAPI := errors.As(err, &apiErr)
		retriable := ctx.Err() == nil && attempt < c.maxRetries &&
			((isAPI && apiErr.Status == http.StatusTooManyRequests) ||
				(retry && (!isAPI || apiErr.Status >= 500)))
		if !retriable {
			return nil, err
		}
		d := c.backoff << attempt
		d = d/2 + rand.N(d/2+1) // jitter: spread retries of many clients
		if wait > d {
			d = wait
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

// once sends one request; wait is the server's Retry-After, if any.
func (c *Client) once(ctx context.Context, method, path string, body []byte, out any, hdr http.Header) (http.Header, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, 0, fmt.Errorf("raas: %w", err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if c.language != "" {
		req.Header.Set("Accept-Language", c.language)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("raas: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, 0, fmt.Errorf("raas: %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode >= 400 {
		e := &Error{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
		var eb struct {
			Error struct{ Code, Message, Field string }
		}
		if json.Unmarshal(raw, &eb) == nil && eb.Error.Code != "" {
			e.Code, e.Message, e.Field = eb.Error.Code, eb.Error.Message, eb.Error.Field
		} else {
			e.Code, e.Message = "http_"+strconv.Itoa(resp.StatusCode), strings.TrimSpace(string(raw))
		}
		return nil, e.RetryAfter, e
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, 0, fmt.Errorf("raas: %s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.Header, 0, nil
}

// retryAfter reads a Retry-After of seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func esc(s string) string { return url.PathEscape(s) }
