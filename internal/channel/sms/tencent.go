package sms

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TencentEndpoint is Tencent Cloud SMS's public endpoint.
const TencentEndpoint = "https://sms.tencentcloudapi.com/"

// TencentConfig configures the Tencent Cloud SMS adapter.
type TencentConfig struct {
	Endpoint    string // default TencentEndpoint
	SecretID    string
	SecretKey   string
	Region      string // default ap-guangzhou
	SDKAppID    string // the SMS application's SdkAppId
	SignName    string // the approved sign name (签名内容)
	TemplateID  string // the approved template id
	CountryCode string // prefixed to numbers without '+' (default 86)
}

// Tencent sends through Tencent Cloud SMS's SendSms (API 3.0, version
// 2021-01-11): a JSON POST signed with TC3-HMAC-SHA256 over the canonical
// request (content-type and host signed), as the provider's "Signature v3"
// document describes.
type Tencent struct {
	cfg    TencentConfig
	client *http.Client
	now    func() time.Time
}

// NewTencent returns the adapter; client may be nil (http.DefaultClient).
func NewTencent(cfg TencentConfig, client *http.Client, now func() time.Time) *Tencent {
	if cfg.Endpoint == "" {
		cfg.Endpoint = TencentEndpoint
	}
	if cfg.Region == "" {
		cfg.Region = "ap-guangzhou"
	}
	if cfg.CountryCode == "" {
		cfg.CountryCode = "86"
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &Tencent{cfg: cfg, client: client, now: now}
}

// Name implements Provider.
func (t *Tencent) Name() string { return "tencent" }

const tencentContentType = "application/json; charset=utf-8"

// Send implements Provider.
func (t *Tencent) Send(ctx context.Context, m Message) (int, error) {
	phone := m.Phone
	if !strings.HasPrefix(phone, "+") {
		phone = "+" + t.cfg.CountryCode + phone
	}
	vals := make([]string, len(m.Params))
	for i, p := range m.Params {
		vals[i] = p.Value
	}
	body, err := json.Marshal(map[string]any{
		"PhoneNumberSet": []string{phone}, "SmsSdkAppId": t.cfg.SDKAppID, "SignName": t.cfg.SignName,
		"TemplateId": t.cfg.TemplateID, "TemplateParamSet": vals,
	})
	if err != nil {
		return 0, err
	}
	u, err := url.Parse(t.cfg.Endpoint)
	if err != nil {
		return 0, &ProviderError{Provider: "tencent", Code: "BadEndpoint", Message: err.Error(), Permanent: true}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.cfg.Endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, &ProviderError{Provider: "tencent", Code: "BadEndpoint", Message: err.Error(), Permanent: true}
	}
	ts := t.now().Unix()
	req.Header.Set("Content-Type", tencentContentType)
	req.Header.Set("X-TC-Action", "SendSms")
	req.Header.Set("X-TC-Version", "2021-01-11")
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-TC-Region", t.cfg.Region)
	req.Header.Set("Authorization", TencentAuthorization(t.cfg.SecretID, t.cfg.SecretKey, "sms", u.Host, tencentContentType, body, ts))
	resp, err := t.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("sms: tencent: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var out struct {
		Response struct {
			Error *struct {
				Code    string `json:"Code"`
				Message string `json:"Message"`
			} `json:"Error"`
			SendStatusSet []struct {
				Code        string `json:"Code"`
				Message     string `json:"Message"`
				PhoneNumber string `json:"PhoneNumber"`
			} `json:"SendStatusSet"`
			RequestID string `json:"RequestId"`
		} `json:"Response"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		if resp.StatusCode >= 500 {
			return resp.StatusCode, fmt.Errorf("sms: tencent: HTTP %d", resp.StatusCode)
		}
		return resp.StatusCode, &ProviderError{Provider: "tencent", Code: fmt.Sprintf("HTTP%d", resp.StatusCode), Message: "unreadable answer", Permanent: resp.StatusCode >= 400}
	}
	if e := out.Response.Error; e != nil {
		return resp.StatusCode, &ProviderError{Provider: "tencent", Code: e.Code, Message: e.Message, Permanent: tencentPermanent(e.Code)}
	}
	if len(out.Response.SendStatusSet) == 0 {
		if resp.StatusCode >= 500 {
			return resp.StatusCode, fmt.Errorf("sms: tencent: HTTP %d", resp.StatusCode)
		}
		return resp.StatusCode, &ProviderError{Provider: "tencent", Code: "NoSendStatus", Message: "the answer has no send status"}
	}
	st := out.Response.SendStatusSet[0]
	if !strings.EqualFold(st.Code, "Ok") {
		return resp.StatusCode, &ProviderError{Provider: "tencent", Code: st.Code, Message: st.Message, Permanent: tencentPermanent(st.Code)}
	}
	return resp.StatusCode, nil
}

// tencentPermanent says whether retrying a refusal is useless: internal
// errors and API rate limiting are worth a retry; bad numbers, templates,
// signs, keys and per-number limits (LimitExceeded.*) are not.
func tencentPermanent(code string) bool {
	for _, p := range []string{"InternalError", "RequestLimitExceeded", "ResourceUnavailable", "FailedOperation.JsonParseFail"} {
		if strings.HasPrefix(code, p) {
			return false
		}
	}
	return true
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TencentCanonicalRequest returns the canonical request of a JSON POST to
// "/" with content-type and host signed.
func TencentCanonicalRequest(host, contentType string, payload []byte) string {
	return "POST\n/\n\n" + "content-type:" + contentType + "\nhost:" + host + "\n\n" + "content-type;host\n" + sha256hex(payload)
}

// TencentStringToSign returns the TC3-HMAC-SHA256 string to sign.
func TencentStringToSign(service, canonicalRequest string, ts int64) string {
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	return "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + date + "/" + service + "/tc3_request\n" + sha256hex([]byte(canonicalRequest))
}

// TencentSignature returns hex(HMAC-SHA256(SecretSigning, StringToSign))
// with SecretSigning derived from the key, the date and the service.
func TencentSignature(secretKey, service, stringToSign string, ts int64) string {
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	k := hmacSHA256([]byte("TC3"+secretKey), date)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "tc3_request")
	return hex.EncodeToString(hmacSHA256(k, stringToSign))
}

// TencentAuthorization returns the Authorization header of a signed request.
func TencentAuthorization(secretID, secretKey, service, host, contentType string, payload []byte, ts int64) string {
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	sts := TencentStringToSign(service, TencentCanonicalRequest(host, contentType, payload), ts)
	return "TC3-HMAC-SHA256 Credential=" + secretID + "/" + date + "/" + service + "/tc3_request, SignedHeaders=content-type;host, Signature=" +
		TencentSignature(secretKey, service, sts, ts)
}

// VerifyTencent checks a SendSms request the way Tencent Cloud does: the
// Authorization header must carry the signature of the request under the
// key of its SecretId (looked up by keyOf), with a timestamp within five
// minutes of now and the common headers present. Fake providers in tests use it.
func VerifyTencent(r *http.Request, body []byte, keyOf func(secretID string) (string, bool), now time.Time) error {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "TC3-HMAC-SHA256 ")
	if !ok {
		return errors.New("AuthFailure.SignatureFailure: not TC3-HMAC-SHA256")
	}
	parts := map[string]string{}
	for _, p := range strings.Split(rest, ", ") {
		k, v, _ := strings.Cut(p, "=")
		parts[k] = v
	}
	cred := strings.Split(parts["Credential"], "/")
	if len(cred) != 4 || cred[3] != "tc3_request" {
		return errors.New("AuthFailure.SignatureFailure: bad credential")
	}
	key, ok := keyOf(cred[0])
	if !ok {
		return errors.New("AuthFailure.SecretIdNotFound")
	}
	if parts["SignedHeaders"] != "content-type;host" {
		return errors.New("AuthFailure.SignatureFailure: unexpected signed headers")
	}
	for _, h := range []string{"X-TC-Action", "X-TC-Version", "X-TC-Region", "X-TC-Timestamp"} {
		if r.Header.Get(h) == "" {
			return fmt.Errorf("MissingParameter: %s", h)
		}
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return errors.New("AuthFailure.SignatureExpire")
	}
	if cred[1] != time.Unix(ts, 0).UTC().Format("2006-01-02") {
		return errors.New("AuthFailure.SignatureFailure: credential date does not match the timestamp")
	}
	sts := TencentStringToSign(cred[2], TencentCanonicalRequest(r.Host, r.Header.Get("Content-Type"), body), ts)
	if !hmac.Equal([]byte(TencentSignature(key, cred[2], sts, ts)), []byte(parts["Signature"])) {
		return errors.New("AuthFailure.SignatureFailure")
	}
	return nil
}
