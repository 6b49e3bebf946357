package sms

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestAlibabaV3DocVector is the fixed-parameter example of Alibaba Cloud's
// "V3 request structure and signature" document (ECS RunInstances, key
// YourAccessKeyId/YourAccessKeySecret, 2023-10-26T10:22:32Z).
func TestAlibabaV3DocVector(t *testing.T) {
	q := url.Values{"ImageId": {"win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"}, "RegionId": {"cn-shanghai"}}
	h := map[string]string{
		"host":                  "ecs.cn-shanghai.aliyuncs.com",
		"x-acs-action":          "RunInstances",
		"x-acs-version":         "2014-05-26",
		"x-acs-date":            "2023-10-26T10:22:32Z",
		"x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
		"x-acs-content-sha256":  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	}
	if got := sha256Hex(nil); got != h["x-acs-content-sha256"] {
		t.Fatalf("hash of the empty body %s", got)
	}
	cr, signed := AlibabaV3CanonicalRequest("POST", "/", q, h)
	wantCR := "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n" +
		"host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
		"x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n\n" +
		"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if cr != wantCR {
		t.Fatalf("canonical request:\n%s\nwant\n%s", cr, wantCR)
	}
	if signed != "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version" {
		t.Fatalf("signed headers %s", signed)
	}
	if sts := AlibabaV3StringToSign(cr); sts != "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259" {
		t.Fatalf("string to sign %q", sts)
	}
	want := "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version," +
		"Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
	if got := AlibabaV3Authorization("YourAccessKeyId", "YourAccessKeySecret", "POST", "/", q, h); got != want {
		t.Fatalf("authorization:\n%s\nwant\n%s", got, want)
	}
	if got := AlibabaV3Query(url.Values{"b": {"x y*~"}, "a": {"2", "1"}, "c": {""}}); got != "a=1&a=2&b=x%20y%2A~&c=" {
		t.Fatalf("canonical query %s", got)
	}
}

// TestAlibabaV3AgainstFakeServer sends real SMS requests with the V3
// signature to a fake Alibaba Cloud that verifies them.
func TestAlibabaV3AgainstFakeServer(t *testing.T) {
	var got url.Values
	var hdr http.Header
	code := "OK"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := VerifyAlibaba(r, func(id string) (string, bool) { return "sek", id == "akid" })
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"Code": "SignatureDoesNotMatch", "Message": err.Error()})
			return
		}
		got, hdr = v, r.Header.Clone()
		json.NewEncoder(w).Encode(map[string]string{"Code": code, "Message": "msg", "BizId": "b", "RequestId": "r"})
	}))
	defer srv.Close()
	cfg := AlibabaConfig{Endpoint: srv.URL + "/", AccessKeyID: "akid", AccessKeySecret: "sek", SignName: "团队提醒", TemplateCode: "SMS_1", Signature: AlibabaSignatureV3}
	a := NewAlibaba(cfg, srv.Client(), fixedNow)
	m := Message{Phone: "+8613800000000", Params: []Param{{"title", "周会 at 3 * ~ & = +"}, {"time", "11-22 16:00"}}}
	if _, err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got.Get("PhoneNumbers") != "8613800000000" || got.Get("SignName") != "团队提醒" || got.Get("TemplateCode") != "SMS_1" ||
		got.Get("Action") != "SendSms" || got.Get("Version") != "2017-05-25" || got.Get("AccessKeyId") != "akid" || got.Has("Signature") {
		t.Fatalf("params: %v", got)
	}
	if hdr.Get("x-acs-date") != "2026-11-22T08:00:00Z" || hdr.Get("x-acs-signature-nonce") == "" || !strings.HasPrefix(hdr.Get("Authorization"), "ACS3-HMAC-SHA256 Credential=akid,") {
		t.Fatalf("headers: %v", hdr)
	}
	var tp map[string]string
	if err := json.Unmarshal([]byte(got.Get("TemplateParam")), &tp); err != nil || tp["title"] != "周会 at 3 * ~ & = +" {
		t.Fatalf("TemplateParam %q", got.Get("TemplateParam"))
	}
	var pe *ProviderError
	bad := NewAlibaba(AlibabaConfig{Endpoint: srv.URL + "/", AccessKeyID: "akid", AccessKeySecret: "wrong", Signature: AlibabaSignatureV3}, srv.Client(), fixedNow)
	if _, err := bad.Send(context.Background(), m); !errors.As(err, &pe) || pe.Code != "SignatureDoesNotMatch" || !pe.Permanent {
		t.Fatalf("wrong secret: %v", err)
	}
	code = "isp.SYSTEM_ERROR"
	if _, err := a.Send(context.Background(), m); !errors.As(err, &pe) || pe.Code != code || pe.Permanent {
		t.Fatalf("system error: %v", err)
	}
}

// TestVerifyAlibabaV3Refuses tampers with a validly signed request in the
// ways the fake provider has to notice.
func TestVerifyAlibabaV3Refuses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	a := NewAlibaba(AlibabaConfig{Endpoint: srv.URL + "/", AccessKeyID: "akid", AccessKeySecret: "sek", SignName: "s", TemplateCode: "SMS_1", Signature: AlibabaSignatureV3}, nil, fixedNow)
	secretOf := func(id string) (string, bool) { return "sek", id == "akid" }
	signed := func() *http.Request {
		req, err := a.alibabaV3Request(context.Background(), Message{Phone: "13800000000", Params: []Param{{"title", "t"}}})
		if err != nil {
			t.Fatal(err)
		}
		// As the server sees it.
		in := httptest.NewRequest(req.Method, req.URL.String(), strings.NewReader(""))
		in.Header = req.Header.Clone()
		return in
	}
	if _, err := VerifyAlibaba(signed(), secretOf); err != nil {
		t.Fatalf("untouched request refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(r *http.Request)
	}{
		{"phone number changed", func(r *http.Request) {
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "13800000000", "13900000000", 1)
		}},
		{"action changed", func(r *http.Request) { r.Header.Set("x-acs-action", "SendBatchSms") }},
		{"body added", func(r *http.Request) {
			r.Body = httptest.NewRequest("POST", "/", strings.NewReader("PhoneNumbers=1")).Body
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}},
		{"unsigned x-acs header", func(r *http.Request) { r.Header.Set("x-acs-security-token", "x") }},
		{"date not signed", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-acs-date;", "", 1))
		}},
		{"unknown key", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Credential=akid", "Credential=other", 1))
		}},
		{"another host", func(r *http.Request) { r.Host = "dysmsapi.aliyuncs.com" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := signed()
			tc.tamper(r)
			if _, err := VerifyAlibaba(r, secretOf); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
