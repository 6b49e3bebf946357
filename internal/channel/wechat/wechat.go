// Package wechat talks to a WeChat official account through its documented
// HTTP API: an access_token from /cgi-bin/token (cached until shortly before
// it expires, refreshed when WeChat says it is invalid), parametric QR codes
// from /cgi-bin/qrcode/create (shown through showqrcode?ticket=…), template
// messages through /cgi-bin/message/template/send, and the signature and XML
// of the event callback. Sender delivers firings on remind.ChannelWeChat
// (the delivery Target is the subscriber's openid).
package wechat

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/zone"
)

// Default API addresses.
const (
	DefaultAPIBase    = "https://api.weixin.qq.com"
	DefaultShowQRBase = "https://mp.weixin.qq.com"
	DefaultOAuthBase  = "https://open.weixin.qq.com"
)

// Config names the official account.
type Config struct {
	AppID      string
	Secret     string
	Token      string // the callback token, for signatures
	AESKey     string // EncodingAESKey (43 characters): safe mode callbacks; "" plaintext mode
	TemplateID string // template message used for firings
	APIBase    string // default DefaultAPIBase
	ShowQRBase string // default DefaultShowQRBase
	OAuthBase  string // web sign-in inside WeChat's browser; default DefaultOAuthBase
}

// Enabled reports whether an official account is configured.
func (c Config) Enabled() bool { return c.AppID != "" && c.Secret != "" }

// Client calls the WeChat API.
type Client struct {
	cfg  Config
	http *http.Client
	now  func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New returns a Client.
func New(cfg Config, hc *http.Client, now func() time.Time) *Client {
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	if cfg.ShowQRBase == "" {
		cfg.ShowQRBase = DefaultShowQRBase
	}
	if cfg.OAuthBase == "" {
		cfg.OAuthBase = DefaultOAuthBase
	}
	cfg.OAuthBase = strings.TrimRight(cfg.OAuthBase, "/")
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	cfg.ShowQRBase = strings.TrimRight(cfg.ShowQRBase, "/")
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{cfg: cfg, http: hc, now: now}
}

// Config returns the client's configuration.
func (c *Client) Config() Config { return c.cfg }

// APIError is an answer with a non-zero errcode.
type APIError struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

func (e *APIError) Error() string { return fmt.Sprintf("wechat: errcode %d: %s", e.Code, e.Msg) }

func tokenInvalid(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.Code == 40001 || ae.Code == 40014 || ae.Code == 42001)
}

func (c *Client) accessToken(ctx context.Context, refresh bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !refresh && c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {c.cfg.AppID}, "secret": {c.cfg.Secret}}
	var out struct {
		APIError
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := c.call(ctx, http.MethodGet, c.cfg.APIBase+"/cgi-bin/token?"+q.Encode(), nil, &out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", errors.New("wechat: token answer without access_token")
	}
	c.token = out.AccessToken
	// Refresh a few minutes early: the token also ages on WeChat's side.
	c.expires = c.now().Add(time.Duration(out.ExpiresIn)*time.Second - 5*time.Minute)
	return c.token, nil
}

// call sends a request and decodes the JSON answer into out, which must
// embed APIError; a non-zero errcode is returned as *APIError.
func (c *Client) call(ctx context.Context, method, u string, body any, out interface{ apiErr() *APIError }) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("wechat: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("wechat: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("wechat: HTTP %d", resp.StatusCode)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("wechat: answer is not JSON: %w", err)
	}
	if ae := out.apiErr(); ae.Code != 0 {
		return &APIError{Code: ae.Code, Msg: ae.Msg}
	}
	return nil
}

func (e *APIError) apiErr() *APIError { return e }

// withToken runs fn with an access token, once more with a fresh one when
// WeChat says the token is invalid or expired.
func (c *Client) withToken(ctx context.Context, fn func(token string) error) error {
	tok, err := c.accessToken(ctx, false)
	if err != nil {
		return err
	}
	err = fn(tok)
	if tokenInvalid(err) {
		if tok, err = c.accessToken(ctx, true); err != nil {
			return err
		}
		err = fn(tok)
	}
	return err
}

// CreateQR makes a temporary parametric QR code (QR_STR_SCENE) for scene,
// valid for expire (at most 30 days, WeChat's limit), and returns its ticket.
func (c *Client) CreateQR(ctx context.Context, scene string, expire time.Duration) (string, time.Time, error) {
	if max := 30 * 24 * time.Hour; expire > max || expire <= 0 {
		expire = max
	}
	body := map[string]any{
		"expire_seconds": int(expire / time.Second),
		"action_name":    "QR_STR_SCENE",
		"action_info":    map[string]any{"scene": map[string]string{"scene_str": scene}},
	}
	var out struct {
		APIError
		Ticket        string `json:"ticket"`
		ExpireSeconds int    `json:"expire_seconds"`
		URL           string `json:"url"`
	}
	err := c.withToken(ctx, func(tok string) error {
		return c.call(ctx, http.MethodPost, c.cfg.APIBase+"/cgi-bin/qrcode/create?access_token="+url.QueryEscape(tok), body, &out)
	})
	if err != nil {
		return "", time.Time{}, err
	}
	if out.Ticket == "" {
		return "", time.Time{}, errors.New("wechat: qrcode answer without ticket")
	}
	exp := c.now().Add(time.Duration(out.ExpireSeconds) * time.Second)
	if out.ExpireSeconds == 0 {
		exp = c.now().Add(expire)
	}
	return out.Ticket, exp, nil
}

// ShowQRURL returns the URL of the QR code image of a ticket.
func (c *Client) ShowQRURL(ticket string) string {
	return c.cfg.ShowQRBase + "/cgi-bin/showqrcode?ticket=" + url.QueryEscape(ticket)
}

// OAuthURL returns the address that, opened in WeChat's own browser, asks
// the user to let the account know who they are (scope snsapi_userinfo:
// the openid and the nickname) and then sends them to redirect with a code
// and state (WeChat's web sign-in, 网页授权).
func (c *Client) OAuthURL(redirect, state string) string {
	// WeChat reads the parameters in this order and wants the fragment.
	return c.cfg.OAuthBase + "/connect/oauth2/authorize?appid=" + url.QueryEscape(c.cfg.AppID) +
		"&redirect_uri=" + url.QueryEscape(redirect) + "&response_type=code&scope=snsapi_userinfo&state=" +
		url.QueryEscape(state) + "#wechat_redirect"
}

// OAuthUser is who signed in through OAuthURL.
type OAuthUser struct {
	OpenID   string
	Nickname string // "" when WeChat gave none
}

// ErrSnapshotUser is OAuthUser's answer for a page opened in WeChat's
// snapshot mode (朋友圈快照页): the openid is a stand-in, not the user's.
var ErrSnapshotUser = errors.New("wechat: the page was opened as a snapshot; open it in full to sign in")

// OAuthUser exchanges the code WeChat gave the redirect for the user's
// openid (/sns/oauth2/access_token) and reads their nickname
// (/sns/userinfo). A nickname that cannot be read is not an error: the
// openid is what subscribing needs.
func (c *Client) OAuthUser(ctx context.Context, code string) (OAuthUser, error) {
	q := url.Values{"appid": {c.cfg.AppID}, "secret": {c.cfg.Secret}, "code": {code}, "grant_type": {"authorization_code"}}
	var tok struct {
		APIError
		AccessToken  string `json:"access_token"`
		OpenID       string `json:"openid"`
		Scope        string `json:"scope"`
		SnapshotUser int    `json:"is_snapshotuser"`
	}
	if err := c.call(ctx, http.MethodGet, c.cfg.APIBase+"/sns/oauth2/access_token?"+q.Encode(), nil, &tok); err != nil {
		return OAuthUser{}, err
	}
	if tok.SnapshotUser == 1 {
		return OAuthUser{}, ErrSnapshotUser
	}
	if tok.OpenID == "" {
		return OAuthUser{}, errors.New("wechat: sign-in answer without openid")
	}
	u := OAuthUser{OpenID: tok.OpenID}
	if !strings.Contains(tok.Scope, "snsapi_userinfo") || tok.AccessToken == "" {
		return u, nil
	}
	var info struct {
		APIError
		Nickname string `json:"nickname"`
	}
	q = url.Values{"access_token": {tok.AccessToken}, "openid": {tok.OpenID}, "lang": {"zh_CN"}}
	if err := c.call(ctx, http.MethodGet, c.cfg.APIBase+"/sns/userinfo?"+q.Encode(), nil, &info); err == nil {
		u.Nickname = info.Nickname
	}
	return u, nil
}

// TemplateMessage is a template message to one user.
type TemplateMessage struct {
	ToUser     string                   `json:"touser"`
	TemplateID string                   `json:"template_id"`
	URL        string                   `json:"url,omitempty"`
	Data       map[string]TemplateValue `json:"data"`
}

// TemplateValue is one field of a template message.
type TemplateValue struct {
	Value string `json:"value"`
}

// SendTemplate sends a template message. Errors that retrying cannot fix
// (the user unfollowed: 43004; a bad openid: 40003) are deliver.Permanent.
func (c *Client) SendTemplate(ctx context.Context, m TemplateMessage) error {
	var out struct {
		APIError
		MsgID int64 `json:"msgid"`
	}
	err := c.withToken(ctx, func(tok string) error {
		return c.call(ctx, http.MethodPost, c.cfg.APIBase+"/cgi-bin/message/template/send?access_token="+url.QueryEscape(tok), m, &out)
	})
	var ae *APIError
	if errors.As(err, &ae) && (ae.Code == 43004 || ae.Code == 40003 || ae.Code == 40037) {
		return deliver.Permanent(err)
	}
	return err
}

// CheckSignature reports whether signature is the SHA-1 of the sorted,
// concatenated token, timestamp and nonce (the callback's signature).
func CheckSignature(token, signature, timestamp, nonce string) bool {
	if token == "" || signature == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(Sign(token, timestamp, nonce)), []byte(signature)) == 1
}

// Sign returns the callback signature for token, timestamp and nonce.
func Sign(token, timestamp, nonce string) string { return sortedSHA1(token, timestamp, nonce) }

// sortedSHA1 is WeChat's signature scheme: the hex SHA-1 of the parts,
// sorted and concatenated.
func sortedSHA1(parts ...string) string {
	sort.Strings(parts)
	h := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(h[:])
}

// Event is a callback message (only the fields RaaS uses).
type Event struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"` // the user's openid
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Event        string   `xml:"Event"`
	EventKey     string   `xml:"EventKey"`
	Ticket       string   `xml:"Ticket"`
}

// Scene returns the QR scene of a subscribe (EventKey "qrscene_…") or SCAN
// event, and false for other messages.
func (e Event) Scene() (string, bool) {
	if e.MsgType != "event" {
		return "", false
	}
	switch e.Event {
	case "subscribe":
		s, ok := strings.CutPrefix(e.EventKey, "qrscene_")
		return s, ok && s != ""
	case "SCAN":
		return e.EventKey, e.EventKey != ""
	}
	return "", false
}

type cdata struct {
	Text string
}

// MarshalXML writes c as CDATA, as WeChat's samples do, unless it holds
// something CDATA cannot carry unchanged: a CR (XML parsers read it as LF),
// invalid UTF-8, or a character XML does not allow. Then it is written as
// escaped text, with what XML does not allow replaced by U+FFFD, so every
// reply is well-formed and an openid comes back exactly as it came.
func (c cdata) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if !utf8.ValidString(c.Text) || strings.ContainsFunc(c.Text, func(r rune) bool { return r == '\r' || !xmlChar(r) }) {
		return e.EncodeElement(c.Text, start)
	}
	return e.EncodeElement(struct {
		Text string `xml:",cdata"`
	}{c.Text}, start)
}

// xmlChar reports whether XML 1.0 allows r (its Char production).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// TextReply returns the XML of a passive text reply to e.
func TextReply(e Event, text string, now time.Time) []byte {
	v := struct {
		XMLName      xml.Name `xml:"xml"`
		ToUserName   cdata
		FromUserName cdata
		CreateTime   int64
		MsgType      cdata
		Content      cdata
	}{ToUserName: cdata{e.FromUserName}, FromUserName: cdata{e.ToUserName}, CreateTime: now.Unix(), MsgType: cdata{"text"}, Content: cdata{text}}
	b, _ := xml.Marshal(v) // plain strings: cannot fail
	return b
}

// Links gives the unsubscribe link of a delivery's recipient; see email.Links.
type Links interface {
	UnsubscribeURL(ctx context.Context, d remind.Delivery) (string, error)
}

// Sender delivers firings as template messages with the fields first,
// keyword1 (title), keyword2 (time), keyword3 (description) and remark
// (the unsubscribe link), opening external_url when tapped.
type Sender struct {
	c     *Client
	links Links
}

// NewSender returns a Sender; links may be nil.
func NewSender(c *Client, links Links) *Sender { return &Sender{c: c, links: links} }

// Send sends one delivery.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	if d.Target == "" {
		return 0, deliver.Permanent(errors.New("wechat: no openid"))
	}
	ev, err := remind.DecodeEvent(d.Payload)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("wechat: payload: %w", err))
	}
	unsub := ""
	if s.links != nil {
		if unsub, err = s.links.UnsubscribeURL(ctx, d); err != nil {
			return 0, err
		}
	}
	loc := zone.OrUTC(ev.Data.TZ)
	remark := ""
	if unsub != "" {
		remark = "退订：" + unsub
	}
	m := TemplateMessage{ToUser: d.Target, TemplateID: s.c.cfg.TemplateID, URL: ev.Data.ExternalURL, Data: map[string]TemplateValue{
		"first":    {"提醒"},
		"keyword1": {ev.Data.Title},
		"keyword2": {ev.Data.Occurrence.In(loc).Format("2006-01-02 15:04")},
		"keyword3": {ev.Data.Desc},
		"remark":   {remark},
	}}
	if err := s.c.SendTemplate(ctx, m); err != nil {
		return 0, err
	}
	return http.StatusOK, nil
}

// ParseEvent decodes a callback message.
func ParseEvent(body []byte) (Event, error) {
	var e Event
	if err := xml.Unmarshal(body, &e); err != nil {
		return e, fmt.Errorf("wechat: event: %w", err)
	}
	return e, nil
}
