package sms

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind/remindtest"

	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
)

// TestAlibabaDocVector is the worked example of Alibaba Cloud SMS's
// signature document (SendSms with AccessKeyId testId, secret testSecret).
func TestAlibabaDocVector(t *testing.T) {
	v := url.Values{}
	for k, val := range map[string]string{
		"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123", "PhoneNumbers": "15300000001",
		"RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
		"SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466", "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
		"TemplateParam": `{"customer":"test"}`, "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25",
	} {
		v.Set(k, val)
	}
	wantSTS := "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
	if got := AlibabaStringToSign("GET", v); got != wantSTS {
		t.Fatalf("string to sign:\n got %s\nwant %s", got, wantSTS)
	}
	if got := AlibabaSignature("GET", v, "testSecret"); got != "zJDF+Lrzhj/ThnlvIToysFRq6t4=" {
		t.Fatalf("signature = %s, want zJDF+Lrzhj/ThnlvIToysFRq6t4=", got)
	}
	if got := AlibabaEncode("a b*c~d"); got != "a%20b%2Ac~d" {
		t.Fatalf("encode = %s", got)
	}
}

// TestTencentDocVector is the worked example of Tencent Cloud's "Signature
// v3" document (CVM DescribeInstances, timestamp 1551113065).
func TestTencentDocVector(t *testing.T) {
	payload := []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`)
	cr := TencentCanonicalRequest("cvm.tencentcloudapi.com", "application/json; charset=utf-8", payload)
	wantCR := "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
	if cr != wantCR {
		t.Fatalf("canonical request:\n%s\nwant\n%s", cr, wantCR)
	}
	sts := TencentStringToSign("cvm", cr, 1551113065)
	if want := "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"; sts != want {
		t.Fatalf("string to sign:\n%s\nwant\n%s", sts, want)
	}
	auth := TencentAuthorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", "Gu5t9xGARNpq86cd98joQYCN3*******", "cvm",
		"cvm.tencentcloudapi.com", "application/json; charset=utf-8", payload, 1551113065)
	want := "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
	if auth != want {
		t.Fatalf("authorization:\n%s\nwant\n%s", auth, want)
	}
}

var now0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now0 }

func TestAlibabaAgainstFakeServer(t *testing.T) {
	var got url.Values
	code := "OK"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := VerifyAlibaba(r, func(id string) (string, bool) { return "sek", id == "akid" })
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"Code": "SignatureDoesNotMatch", "Message": err.Error()})
			return
		}
		got = v
		json.NewEncoder(w).Encode(map[string]string{"Code": code, "Message": "msg", "BizId": "b", "RequestId": "r"})
	}))
	defer srv.Close()
	a := NewAlibaba(AlibabaConfig{Endpoint: srv.URL + "/", AccessKeyID: "akid", AccessKeySecret: "sek", SignName: "团队提醒", TemplateCode: "SMS_1"}, srv.Client(), fixedNow)
	m := Message{Phone: "+8613800000000", Params: []Param{{"title", "周会 at 3 * ~"}, {"time", "11-22 16:00"}}}
	if _, err := a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got.Get("PhoneNumbers") != "8613800000000" || got.Get("SignName") != "团队提醒" || got.Get("TemplateCode") != "SMS_1" ||
		got.Get("Timestamp") != "2026-11-22T08:00:00Z" || got.Get("Action") != "SendSms" {
		t.Fatalf("params: %v", got)
	}
	var tp map[string]string
	if err := json.Unmarshal([]byte(got.Get("TemplateParam")), &tp); err != nil || tp["title"] != "周会 at 3 * ~" || tp["time"] != "11-22 16:00" {
		t.Fatalf("TemplateParam %q", got.Get("TemplateParam"))
	}
	// Wrong key: the fake provider refuses, and that is permanent.
	bad := NewAlibaba(AlibabaConfig{Endpoint: srv.URL + "/", AccessKeyID: "akid", AccessKeySecret: "wrong"}, srv.Client(), fixedNow)
	_, err := bad.Send(context.Background(), m)
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Code != "SignatureDoesNotMatch" || !pe.Permanent {
		t.Fatalf("bad signature: %v", err)
	}
	for c, perm := range map[string]bool{"isv.MOBILE_NUMBER_ILLEGAL": true, "isv.BUSINESS_LIMIT_CONTROL": true, "isp.SYSTEM_ERROR": false, "Throttling.User": false} {
		code = c
		_, err := a.Send(context.Background(), m)
		if !errors.As(err, &pe) || pe.Code != c || pe.Permanent != perm {
			t.Fatalf("%s: %v (permanent %v, want %v)", c, err, pe != nil && pe.Permanent, perm)
		}
	}
}

func TestTencentAgainstFakeServer(t *testing.T) {
	var got map[string]any
	code := "Ok"
	topErr := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := VerifyTencent(r, body, func(id string) (string, bool) { return "skey", id == "sid" }, now0); err != nil {
			json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"Error": map[string]string{"Code": "AuthFailure.SignatureFailure", "Message": err.Error()}}})
			return
		}
		if r.Header.Get("X-TC-Action") != "SendSms" || r.Header.Get("X-TC-Version") != "2021-01-11" || r.Header.Get("X-TC-Region") != "ap-guangzhou" {
			t.Errorf("headers: %v", r.Header)
		}
		json.Unmarshal(body, &got)
		if topErr != "" {
			json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"Error": map[string]string{"Code": topErr, "Message": "m"}}})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"SendStatusSet": []map[string]string{{"Code": code, "Message": "m"}}, "RequestId": "r"}})
	}))
	defer srv.Close()
	tc := NewTencent(TencentConfig{Endpoint: srv.URL + "/", SecretID: "sid", SecretKey: "skey", SDKAppID: "1400000000", SignName: "团队提醒", TemplateID: "449739"}, srv.Client(), fixedNow)
	m := Message{Phone: "13800000000", Params: []Param{{"title", "周会"}, {"time", "11-22 16:00"}}}
	if _, err := tc.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if ps := got["PhoneNumberSet"].([]any); ps[0] != "+8613800000000" {
		t.Fatalf("phone %v", ps)
	}
	if p := got["TemplateParamSet"].([]any); len(p) != 2 || p[0] != "周会" || p[1] != "11-22 16:00" {
		t.Fatalf("params %v", p)
	}
	if got["SmsSdkAppId"] != "1400000000" || got["TemplateId"] != "449739" || got["SignName"] != "团队提醒" {
		t.Fatalf("body %v", got)
	}
	var pe *ProviderError
	bad := NewTencent(TencentConfig{Endpoint: srv.URL + "/", SecretID: "sid", SecretKey: "nope"}, srv.Client(), fixedNow)
	if _, err := bad.Send(context.Background(), m); !errors.As(err, &pe) || pe.Code != "AuthFailure.SignatureFailure" || !pe.Permanent {
		t.Fatalf("bad key: %v", err)
	}
	for c, perm := range map[string]bool{"InvalidParameterValue.IncorrectPhoneNumber": true, "LimitExceeded.PhoneNumberOneHourLimit": true} {
		code = c
		if _, err := tc.Send(context.Background(), m); !errors.As(err, &pe) || pe.Code != c || pe.Permanent != perm {
			t.Fatalf("%s: %v", c, err)
		}
	}
	topErr = "InternalError.Timeout"
	if _, err := tc.Send(context.Background(), m); !errors.As(err, &pe) || pe.Permanent {
		t.Fatalf("internal error should be retried: %v", err)
	}
}

type memQuota struct {
	mu    sync.Mutex
	sends map[string][]time.Time
}

func (q *memQuota) TakeSMSQuota(_ context.Context, phone, _ string, at time.Time, window time.Duration, limit int) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, t := range q.sends[phone] {
		if t.After(at.Add(-window)) {
			n++
		}
	}
	if n >= limit {
		return false, nil
	}
	q.sends[phone] = append(q.sends[phone], at)
	return true, nil
}

type recProvider struct {
	msgs []Message
	err  error
}

func (p *recProvider) Name() string { return "rec" }
func (p *recProvider) Send(_ context.Context, m Message) (int, error) {
	p.msgs = append(p.msgs, m)
	return 200, p.err
}

func delivery(t *testing.T, phone string) remind.Delivery {
	t.Helper()
	at := time.Date(2026, 11, 22, 8, 30, 0, 0, time.UTC)
	r := remind.Reminder{ID: remind.NewID(at), TenantID: "t", Title: "下午三点在三楼大会议室开产品评审会，请大家带上电脑和上周的数据报告以及会议纪要模板", TZ: "Asia/Shanghai",
		Time: &at, Recipients: []string{"u1"}, Channels: []string{remind.ChannelSMS}, Meta: map[string]string{"createrName": "张三"}}
	ds := remindtest.NotInbox(remind.Plan(r, at, map[string]remind.Recipient{"u1": {UID: "u1", Phone: phone}}, nil, at, remind.FirePolicy{Links: remindtest.Links}))
	if len(ds) != 1 {
		t.Fatalf("plan: %d deliveries", len(ds))
	}
	return ds[0]
}

func TestSenderParamsAndRateLimit(t *testing.T) {
	p := &recProvider{}
	specs, err := ParseParams("title:title,time,who:creator")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSender(p, &memQuota{sends: map[string][]time.Time{}}, fixedNow, Config{Params: specs, Limit: 2, Window: time.Hour})
	d := delivery(t, "+8613800000000")
	for i := 0; i < 2; i++ {
		if _, err := s.Send(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	ps := p.msgs[0].Params
	if len(ps) != 3 || ps[0].Name != "title" || len([]rune(ps[0].Value)) != 35 || !strings.HasSuffix(ps[0].Value, "…") ||
		ps[1].Value != "11-22 16:30" || ps[2].Name != "who" || ps[2].Value != "张三" {
		t.Fatalf("params %+v", ps)
	}
	_, err = s.Send(context.Background(), d)
	if !deliver.IsPermanent(err) || !strings.Contains(err.Error(), "rate limit") || strings.Contains(err.Error(), "13800000000") {
		t.Fatalf("third send: %v (want a permanent rate-limit error with the number masked)", err)
	}
	if len(p.msgs) != 2 {
		t.Fatalf("provider got %d messages, want 2", len(p.msgs))
	}
	if _, err := ParseParams("x:nope"); err == nil {
		t.Fatal("unknown field accepted")
	}
}

// The link field carries the recipient's page whole, however long; "-"
// when the event has no links.
func TestParamLink(t *testing.T) {
	specs, err := ParseParams("title,url:link")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSender(&recProvider{}, nil, fixedNow, Config{Params: specs})
	page := "https://raas.example/me/" + strings.Repeat("t", 80)
	for _, tc := range []struct {
		name  string
		links *remind.Links
		want  string
	}{
		{"with links", &remind.Links{Page: page}, page},
		{"without", nil, "-"},
	} {
		ps := s.Params(remind.EventData{Title: "x", TZ: "UTC", Links: tc.links})
		if len(ps) != 2 || ps[1].Name != "url" || ps[1].Value != tc.want {
			t.Errorf("%s: params %+v, want url %q", tc.name, ps, tc.want)
		}
	}
}

func TestSenderErrors(t *testing.T) {
	p := &recProvider{err: &ProviderError{Provider: "rec", Code: "isv.MOBILE_NUMBER_ILLEGAL", Permanent: true}}
	s := NewSender(p, nil, fixedNow, Config{})
	if _, err := s.Send(context.Background(), delivery(t, "123456")); !deliver.IsPermanent(err) {
		t.Fatalf("bad number: %v, want permanent", err)
	}
	p.err = errors.New("connection reset")
	if _, err := s.Send(context.Background(), delivery(t, "123456")); err == nil || deliver.IsPermanent(err) {
		t.Fatalf("network error: %v, want a retry", err)
	}
	d := delivery(t, "123456")
	d.Target = ""
	if _, err := s.Send(context.Background(), d); !deliver.IsPermanent(err) {
		t.Fatalf("no phone: %v", err)
	}
	if _, err := NewSender(Disabled{}, nil, fixedNow, Config{}).Send(context.Background(), delivery(t, "123456")); !deliver.IsPermanent(err) {
		t.Fatalf("disabled: %v", err)
	}
}
