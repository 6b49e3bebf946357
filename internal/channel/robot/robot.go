// Package robot delivers firings to the group robots of the Chinese
// workplace suites, written to their documents:
//
//   - DingTalk custom robot: POST https://oapi.dingtalk.com/robot/send?access_token=…,
//     with a secret: &timestamp=<ms>&sign=<URL-encoded Base64(HMAC-SHA256(key=secret,
//     msg=timestamp+"\n"+secret))>; a markdown body; errcode answers.
//   - Feishu/Lark custom bot: POST https://open.feishu.cn/open-apis/bot/v2/hook/<id>,
//     with a secret: "timestamp" (s) and "sign" = Base64(HMAC-SHA256(key=timestamp+"\n"+secret,
//     msg="")) in the body; an interactive card; code answers.
//   - WeCom group robot: POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…;
//     a markdown body; errcode answers.
//
// The webhook URL and secret are the recipient's (remind.Contacts); the
// secret is stored sealed and opened only here. Neither is ever put in an
// error: errors end up in the delivery's last_error and the logs.
package robot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
)

// DingTalkSign returns the DingTalk custom robot's sign query value
// (already URL-encoded) for a timestamp in milliseconds.
func DingTalkSign(secret string, timestampMS int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestampMS, 10) + "\n" + secret))
	return url.QueryEscape(base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

// FeishuSign returns the Feishu/Lark custom bot's sign for a timestamp in
// seconds: the HMAC is keyed by timestamp+"\n"+secret over an empty message.
func FeishuSign(secret string, timestamp int64) string {
	m := hmac.New(sha256.New, []byte(strconv.FormatInt(timestamp, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Recipients looks the delivery's recipient up.
type Recipients interface {
	GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error)
}

// Opener opens sealed secrets (secretbox.Box).
type Opener interface {
	Open(sealed string) (string, error)
}

// Config configures a Sender.
type Config struct {
	// CheckURL refuses a webhook URL at send time (netguard.CheckURL under
	// the server's policy); the client's dialer checks the address again.
	CheckURL func(ctx context.Context, raw string) error
}

// Sender delivers on one platform's robots.
type Sender struct {
	p      platform
	client *http.Client
	recips Recipients
	box    Opener
	cfg    Config
	now    func() time.Time

	mu   sync.Mutex
	sent map[string][]time.Time // robot (address key) -> recent sends, for the platform's rate limit
}

// NewDingTalk, NewFeishu and NewWeCom return the platforms' senders. The
// client must guard addresses (netguard.Client) and follow no redirects.
func NewDingTalk(client *http.Client, recips Recipients, box Opener, now func() time.Time, cfg Config) *Sender {
	return newSender(dingtalk{}, client, recips, box, now, cfg)
}

// NewFeishu: see NewDingTalk.
func NewFeishu(client *http.Client, recips Recipients, box Opener, now func() time.Time, cfg Config) *Sender {
	return newSender(feishu{}, client, recips, box, now, cfg)
}

// NewWeCom: see NewDingTalk.
func NewWeCom(client *http.Client, recips Recipients, box Opener, now func() time.Time, cfg Config) *Sender {
	return newSender(wecom{}, client, recips, box, now, cfg)
}

func newSender(p platform, client *http.Client, recips Recipients, box Opener, now func() time.Time, cfg Config) *Sender {
	return &Sender{p: p, client: client, recips: recips, box: box, cfg: cfg, now: now, sent: map[string][]time.Time{}}
}

// platform is what differs between the three.
type platform interface {
	channel() string
	// request builds the URL and body of one message.
	request(webhook, secret string, now time.Time, d remind.Delivery, ev remind.EventData) (string, []byte, error)
	// answer maps the platform's answer code to nil, a retry or a
	// permanent failure.
	answer(a answer) error
	// limits are the platform's documented per-robot send rates.
	limits() []limit
}

type limit struct {
	n   int
	per time.Duration
}

// answer is the union of the platforms' answer bodies.
type answer struct {
	ErrCode    *int   `json:"errcode"` // DingTalk, WeCom
	ErrMsg     string `json:"errmsg"`
	Code       *int   `json:"code"` // Feishu
	Msg        string `json:"msg"`
	StatusCode *int   `json:"StatusCode"` // Feishu's older answer
}

// Send posts one delivery to the recipient's robot.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	ch := s.p.channel()
	rc, err := s.recips.GetRecipient(ctx, d.TenantID, d.Recipient)
	if errors.Is(err, remind.ErrNotFound) {
		return 0, deliver.Permanent(errors.New("recipient was deleted"))
	}
	if err != nil {
		return 0, err
	}
	rb := rc.Contacts.Robot(ch)
	if rb == nil || rb.Webhook == "" {
		return 0, deliver.Permanent(fmt.Errorf("recipient has no %s robot", ch))
	}
	if s.cfg.CheckURL != nil {
		if err := s.cfg.CheckURL(ctx, rb.Webhook); err != nil {
			return 0, deliver.Permanent(fmt.Errorf("%s webhook refused: %w", ch, err))
		}
	}
	secret, err := s.box.Open(rb.SealedSecret)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("%s: %w", ch, err))
	}
	ev, err := remind.DecodeEvent(d.Payload)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("%s: payload: %w", ch, err))
	}
	key := remind.AddressKey(rb.Webhook)
	now := s.now()
	if wait := s.reserve(key, now); wait > 0 {
		return 0, deliver.RetryAfter(fmt.Errorf("%s robot: holding back to its documented send rate", ch), wait)
	}
	u, body, err := s.p.request(rb.Webhook, secret, now, d, ev.Data)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("%s: %w", ch, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("%s: the webhook is not a usable URL", ch))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "RaaS-Robots/1")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s: %s", ch, redact(err))
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	code := resp.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		return code, deliver.RetryAfter(fmt.Errorf("%s answered 429", ch), retryAfter(resp.Header, s.p.limits()))
	case code >= 500:
		return code, fmt.Errorf("%s answered %d", ch, code)
	case code >= 300 && code < 400:
		return code, deliver.Permanent(fmt.Errorf("%s answered %d (a redirect): register the final webhook URL", ch, code))
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil || (a.ErrCode == nil && a.Code == nil && a.StatusCode == nil) {
		if code >= 400 {
			return code, deliver.Permanent(fmt.Errorf("%s answered %d", ch, code))
		}
		return code, fmt.Errorf("%s answered %d with no answer code", ch, code)
	}
	return code, s.p.answer(a)
}

// reserve records a send to robot at now, or returns how long to wait
// first so as to stay within the platform's documented rate.
func (s *Sender) reserve(robot string, now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	lims := s.p.limits()
	longest := time.Duration(0)
	for _, l := range lims {
		longest = max(longest, l.per)
	}
	kept := s.sent[robot][:0]
	for _, t := range s.sent[robot] {
		if now.Sub(t) < longest && !t.After(now) {
			kept = append(kept, t)
		}
	}
	var wait time.Duration
	for _, l := range lims {
		in := 0
		var oldest time.Time
		for i := len(kept) - 1; i >= 0; i-- {
			if now.Sub(kept[i]) < l.per {
				in++
				oldest = kept[i]
			}
		}
		if in >= l.n {
			wait = max(wait, oldest.Add(l.per).Sub(now))
		}
	}
	if wait > 0 {
		s.sent[robot] = kept
		return wait
	}
	s.sent[robot] = append(kept, now)
	if len(s.sent) > 10000 {
		clear(s.sent)
	}
	return 0
}

// retryAfter reads a 429's Retry-After (seconds), else waits the
// platform's shortest window.
func retryAfter(h http.Header, lims []limit) time.Duration {
	if secs, err := strconv.Atoi(h.Get("Retry-After")); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	return lims[len(lims)-1].per
}

// redact turns a client error into text without the request URL (which
// holds the robot's access token or key).
func redact(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

func codeOf(ps ...*int) int {
	for _, p := range ps {
		if p != nil {
			return *p
		}
	}
	return 0
}
