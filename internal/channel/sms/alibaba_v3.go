package sms

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Alibaba signature methods (AlibabaConfig.Signature).
const (
	AlibabaSignatureRPC = "rpc" // signature version 1.0, HMAC-SHA1 over the sorted parameters
	AlibabaSignatureV3  = "v3"  // ACS3-HMAC-SHA256 in the Authorization header
)

const acs3 = "ACS3-HMAC-SHA256"

// alibabaV3Request builds a SendSms request signed with the V3 method of
// Alibaba Cloud's "V3 request structure and signature" document: the
// parameters in the query string, an empty body, x-acs-* headers and an
// ACS3-HMAC-SHA256 Authorization header.
func (a *Alibaba) alibabaV3Request(ctx context.Context, m Message) (*http.Request, error) {
	q, err := a.templateParams(m)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(a.cfg.Endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("sms: alibaba endpoint %q: %w", a.cfg.Endpoint, errors.Join(err, errors.New("no host")))
	}
	u.RawQuery = AlibabaV3Query(q) // sent exactly as signed
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		return nil, err
	}
	h := map[string]string{
		"host":                  u.Host,
		"x-acs-action":          "SendSms",
		"x-acs-version":         "2017-05-25",
		"x-acs-date":            a.now().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": a.nonce(),
		"x-acs-content-sha256":  sha256Hex(nil),
	}
	for k, v := range h {
		if k != "host" {
			req.Header.Set(k, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", AlibabaV3Authorization(a.cfg.AccessKeyID, a.cfg.AccessKeySecret, http.MethodPost, u.EscapedPath(), q, h))
	return req, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// AlibabaV3Query is the canonical query string of the V3 method: names
// sorted, names and values percent-encoded as AlibabaEncode does, joined
// by '&' (a name without a value is "name=").
func AlibabaV3Query(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		if len(vs) == 0 {
			vs = []string{""}
		}
		for _, v := range vs {
			parts = append(parts, AlibabaEncode(k)+"="+AlibabaEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

// alibabaV3URI is the canonical URI: the path, "/" when empty.
func alibabaV3URI(escapedPath string) string {
	if escapedPath == "" {
		return "/"
	}
	return escapedPath
}

// AlibabaV3CanonicalRequest returns the canonical request and the signed
// header list of the V3 method: method, canonical URI, canonical query,
// the headers (lower-case names, trimmed values, sorted, each "name:value\n"),
// the signed header names joined by ';', and the hex SHA-256 of the body
// (the x-acs-content-sha256 header), each on its own line. headers holds
// the headers to sign, names in lower case.
func AlibabaV3CanonicalRequest(method, escapedPath string, query url.Values, headers map[string]string) (canonical, signedHeaders string) {
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	lower := make(map[string]string, len(headers))
	for k, v := range headers {
		lower[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	var ch strings.Builder
	for _, n := range names {
		ch.WriteString(n + ":" + lower[n] + "\n")
	}
	signedHeaders = strings.Join(names, ";")
	canonical = strings.Join([]string{method, alibabaV3URI(escapedPath), AlibabaV3Query(query), ch.String(), signedHeaders, lower["x-acs-content-sha256"]}, "\n")
	return canonical, signedHeaders
}

// AlibabaV3StringToSign is "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)).
func AlibabaV3StringToSign(canonical string) string {
	return acs3 + "\n" + sha256Hex([]byte(canonical))
}

// AlibabaV3Authorization returns the Authorization header value:
// ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=…,Signature=hex(HMAC-SHA256(secret, string to sign)).
func AlibabaV3Authorization(accessKeyID, secret, method, escapedPath string, query url.Values, headers map[string]string) string {
	canonical, signed := AlibabaV3CanonicalRequest(method, escapedPath, query, headers)
	return acs3 + " Credential=" + accessKeyID + ",SignedHeaders=" + signed + ",Signature=" + alibabaV3Sign(secret, canonical)
}

func alibabaV3Sign(secret, canonical string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(AlibabaV3StringToSign(canonical)))
	return hex.EncodeToString(mac.Sum(nil))
}

// verifyAlibabaV3 checks an ACS3-HMAC-SHA256 request as Alibaba Cloud does:
// the body matches x-acs-content-sha256, every x-acs-* header and host are
// signed, and the signature is that of the canonical request under the
// secret of the Credential. It returns the query and form parameters with
// AccessKeyId, Action and Version added from the Credential and the
// x-acs-action and x-acs-version headers.
func verifyAlibabaV3(r *http.Request, auth string, secretOf func(accessKeyID string) (string, bool)) (url.Values, error) {
	fields := map[string]string{}
	for _, f := range strings.Split(strings.TrimPrefix(auth, acs3+" "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		fields[k] = v
	}
	v := r.URL.Query()
	v.Set("AccessKeyId", fields["Credential"])
	v.Set("Action", r.Header.Get("x-acs-action"))
	v.Set("Version", r.Header.Get("x-acs-version"))
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return v, err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return v, err
		}
		for k, vs := range form {
			v[k] = append(v[k], vs...)
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	secret, ok := secretOf(fields["Credential"])
	if !ok {
		return v, errors.New("InvalidAccessKeyId.NotFound")
	}
	if r.Header.Get("x-acs-content-sha256") != sha256Hex(body) {
		return v, errors.New("ContentSha256NotMatch")
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	set := map[string]bool{}
	for _, h := range signed {
		set[h] = true
	}
	for _, h := range []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"} {
		if !set[h] {
			return v, fmt.Errorf("SignatureDoesNotMatch: %s is not signed", h)
		}
	}
	for name := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-acs-") && !set[n] {
			return v, fmt.Errorf("SignatureDoesNotMatch: %s is not signed", n)
		}
	}
	headers := make(map[string]string, len(signed))
	for _, h := range signed {
		if h == "host" {
			headers[h] = r.Host
		} else {
			headers[h] = r.Header.Get(h)
		}
	}
	canonical, _ := AlibabaV3CanonicalRequest(r.Method, r.URL.EscapedPath(), r.URL.Query(), headers)
	if !hmac.Equal([]byte(alibabaV3Sign(secret, canonical)), []byte(fields["Signature"])) {
		return v, errors.New("SignatureDoesNotMatch")
	}
	return v, nil
}
