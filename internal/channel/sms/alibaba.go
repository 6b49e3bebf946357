package sms

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// AlibabaEndpoint is Alibaba Cloud SMS's public endpoint.
const AlibabaEndpoint = "https://dysmsapi.aliyuncs.com/"

// AlibabaConfig configures the Alibaba Cloud SMS adapter.
type AlibabaConfig struct {
	Endpoint        string // default AlibabaEndpoint
	AccessKeyID     string
	AccessKeySecret string
	RegionID        string // default cn-hangzhou
	SignName        string // the approved sign name (签名)
	TemplateCode    string // the approved template, e.g. SMS_123456789
	// Signature is the request signature method: AlibabaSignatureRPC
	// (default, "rpc") or AlibabaSignatureV3 ("v3", ACS3-HMAC-SHA256).
	Signature string
}

// Alibaba sends through Alibaba Cloud SMS's SendSms (API version
// 2017-05-25), RPC style: a form-encoded POST signed with HMAC-SHA1 over the
// percent-encoded, sorted parameters (signature version 1.0), as the
// provider's "request signatures" document describes; or, with Signature
// "v3", the parameters in the query string and the ACS3-HMAC-SHA256
// Authorization header of the "V3 request structure and signature" document.
type Alibaba struct {
	cfg    AlibabaConfig
	client *http.Client
	now    func() time.Time
	nonce  func() string
}

// NewAlibaba returns the adapter; client may be nil (http.DefaultClient).
func NewAlibaba(cfg AlibabaConfig, client *http.Client, now func() time.Time) *Alibaba {
	if cfg.Endpoint == "" {
		cfg.Endpoint = AlibabaEndpoint
	}
	if cfg.RegionID == "" {
		cfg.RegionID = "cn-hangzhou"
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &Alibaba{cfg: cfg, client: client, now: now, nonce: func() string { return remind.NewToken(16) }}
}

// Name implements Provider.
func (a *Alibaba) Name() string { return "alibaba" }

// templateParams returns SendSms's own parameters for m.
func (a *Alibaba) templateParams(m Message) (url.Values, error) {
	tp := make(map[string]string, len(m.Params))
	for _, p := range m.Params {
		tp[p.Name] = p.Value
	}
	tpj, err := json.Marshal(tp)
	if err != nil {
		return nil, err
	}
	return url.Values{"PhoneNumbers": {strings.TrimPrefix(m.Phone, "+")}, "SignName": {a.cfg.SignName},
		"TemplateCode": {a.cfg.TemplateCode}, "TemplateParam": {string(tpj)}}, nil
}

// params returns the signed request parameters for m (RPC signature).
func (a *Alibaba) params(m Message) (url.Values, error) {
	v, err := a.templateParams(m)
	if err != nil {
		return nil, err
	}
	v.Set("AccessKeyId", a.cfg.AccessKeyID)
	v.Set("Action", "SendSms")
	v.Set("Format", "JSON")
	v.Set("RegionId", a.cfg.RegionID)
	v.Set("SignatureMethod", "HMAC-SHA1")
	v.Set("SignatureNonce", a.nonce())
	v.Set("SignatureVersion", "1.0")
	v.Set("Timestamp", a.now().UTC().Format("2006-01-02T15:04:05Z"))
	v.Set("Version", "2017-05-25")
	v.Set("Signature", AlibabaSignature(http.MethodPost, v, a.cfg.AccessKeySecret))
	return v, nil
}

// rpcRequest builds a SendSms request with the RPC signature.
func (a *Alibaba) rpcRequest(ctx context.Context, m Message) (*http.Request, error) {
	v, err := a.params(m)
	if err != nil {
		return nil, err
	}
	body := alibabaQuery(v) // Alibaba's encoding: %20 for spaces, as signed
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.Endpoint, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// Send implements Provider.
func (a *Alibaba) Send(ctx context.Context, m Message) (int, error) {
	build := a.rpcRequest
	if a.cfg.Signature == AlibabaSignatureV3 {
		build = a.alibabaV3Request
	}
	req, err := build(ctx, m)
	if err != nil {
		return 0, &ProviderError{Provider: "alibaba", Code: "BadEndpoint", Message: err.Error(), Permanent: true}
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("sms: alibaba: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var out struct {
		Code      string `json:"Code"`
		Message   string `json:"Message"`
		BizID     string `json:"BizId"`
		RequestID string `json:"RequestId"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Code == "" {
		if resp.StatusCode >= 500 {
			return resp.StatusCode, fmt.Errorf("sms: alibaba: HTTP %d", resp.StatusCode)
		}
		return resp.StatusCode, &ProviderError{Provider: "alibaba", Code: fmt.Sprintf("HTTP%d", resp.StatusCode), Message: "unreadable answer", Permanent: resp.StatusCode >= 400}
	}
	if out.Code == "OK" {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, &ProviderError{Provider: "alibaba", Code: out.Code, Message: out.Message,
		Permanent: alibabaPermanent(resp.StatusCode, out.Code)}
}

// alibabaPermanent says whether retrying a refusal is useless: system
// errors (isp.*), throttling of the API and 5xx are worth a retry; bad
// numbers, templates, signs, keys, balance and per-number flow control
// (isv.BUSINESS_LIMIT_CONTROL) are not.
func alibabaPermanent(status int, code string) bool {
	switch {
	case status >= 500, strings.HasPrefix(code, "isp."), strings.HasPrefix(code, "Throttling"),
		code == "ServiceUnavailable", code == "InternalError", code == "SignatureNonceUsed":
		return false
	}
	return true
}

// AlibabaEncode percent-encodes s as Alibaba's RPC signature requires:
// RFC 3986 unreserved characters stay, everything else is %XY in UTF-8
// (so a space is %20, '*' is %2A and '~' stays).
func AlibabaEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// alibabaQuery is the canonicalized query string: parameters but Signature,
// sorted by name, each name=value percent-encoded, joined by '&'.
func alibabaQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(AlibabaEncode(k))
		b.WriteByte('=')
		b.WriteString(AlibabaEncode(v.Get(k)))
	}
	if sig := v.Get("Signature"); sig != "" {
		b.WriteString("&Signature=")
		b.WriteString(AlibabaEncode(sig))
	}
	return b.String()
}

// AlibabaStringToSign returns METHOD&%2F&encode(canonicalized query).
func AlibabaStringToSign(method string, v url.Values) string {
	q := v
	if v.Has("Signature") {
		q = url.Values{}
		for k, vs := range v {
			if k != "Signature" {
				q[k] = vs
			}
		}
	}
	return method + "&" + AlibabaEncode("/") + "&" + AlibabaEncode(alibabaQuery(q))
}

// AlibabaSignature returns base64(HMAC-SHA1(secret+"&", string to sign)).
func AlibabaSignature(method string, v url.Values, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(AlibabaStringToSign(method, v)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyAlibaba checks a SendSms request the way Alibaba Cloud does: with
// the RPC method, the Signature parameter must equal the signature of the
// other parameters under the secret of the AccessKeyId (looked up by
// secretOf); with an "Authorization: ACS3-HMAC-SHA256 …" header, the V3
// signature is checked instead (see verifyAlibabaV3). It returns the
// request's parameters. Fake providers in tests use it.
func VerifyAlibaba(r *http.Request, secretOf func(accessKeyID string) (string, bool)) (url.Values, error) {
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, acs3+" ") {
		return verifyAlibabaV3(r, auth, secretOf)
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	v := r.Form
	secret, ok := secretOf(v.Get("AccessKeyId"))
	if !ok {
		return v, errors.New("InvalidAccessKeyId.NotFound")
	}
	if v.Get("SignatureMethod") != "HMAC-SHA1" || v.Get("SignatureVersion") != "1.0" {
		return v, errors.New("unsupported signature method or version")
	}
	want := AlibabaSignature(r.Method, v, secret)
	if !hmac.Equal([]byte(want), []byte(v.Get("Signature"))) {
		return v, errors.New("SignatureDoesNotMatch")
	}
	return v, nil
}
