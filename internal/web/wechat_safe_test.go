package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/wechat"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/web"
)

const safeKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

// TestWeChatSafeModeCallback posts encrypted callbacks as WeChat does in
// safe mode: a good one subscribes and gets an encrypted reply; bad ones
// are refused with 403 or 400 and change nothing.
func TestWeChatSafeModeCallback(t *testing.T) {
	fake := &fakeWeChat{}
	api := httptest.NewServer(fake.handler(t))
	defer api.Close()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	tn, rem := wechatReminder(t, st, nil)
	cfg := wechat.Config{AppID: "wxapp", Secret: "wxsecret", Token: "cbtoken", AESKey: safeKey, APIBase: api.URL, ShowQRBase: "https://mp.example"}
	wx := wechat.New(cfg, api.Client(), time.Now)
	crypter, err := wechat.NewCrypter(cfg.Token, cfg.AESKey, cfg.AppID)
	if err != nil {
		t.Fatal(err)
	}
	w := web.New(web.Config{PublicURL: "https://raas.test", WeChat: wx, WeChatToken: "cbtoken", WeChatCrypto: crypter}, st, st)
	mux := http.NewServeMux()
	w.Register(mux)
	l, err := w.Link(ctx, tn.ID, rem.ID)
	if err != nil {
		t.Fatal(err)
	}

	scan := func(openid string) []byte {
		return []byte(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[` + openid + `]]></FromUserName><CreateTime>1</CreateTime>` +
			`<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[` + l.Token + `]]></EventKey><Ticket><![CDATA[x]]></Ticket></xml>`)
	}
	post := func(q url.Values, body []byte) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("POST", "/wechat/callback?"+q.Encode(), strings.NewReader(string(body))))
		return rec
	}
	// query is what WeChat puts in the URL of a safe-mode POST.
	query := func(ts, nonce, msgSig string) url.Values {
		return url.Values{"signature": {wechat.Sign("cbtoken", ts, nonce)}, "timestamp": {ts}, "nonce": {nonce},
			"openid": {"x"}, "encrypt_type": {"aes"}, "msg_signature": {msgSig}}
	}
	recipients := func() int {
		got, err := st.GetReminder(ctx, tn.ID, rem.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(got.Recipients)
	}

	other, _ := wechat.NewCrypter("cbtoken", safeKey, "wxother")
	otherKey, _ := wechat.NewCrypter("cbtoken", strings.Repeat("A", 43), "wxapp")
	for _, tc := range []struct {
		name string
		req  func() (url.Values, []byte)
		code int
	}{
		{"wrong msg_signature", func() (url.Values, []byte) {
			b, _, _ := crypter.Envelope(scan("evil-1"), "gh_1", "10", "n")
			return query("10", "n", strings.Repeat("0", 40)), b
		}, http.StatusForbidden},
		{"signature of another nonce", func() (url.Values, []byte) {
			b, sig, _ := crypter.Envelope(scan("evil-2"), "gh_1", "10", "n")
			return query("10", "m", sig), b
		}, http.StatusForbidden},
		{"plaintext body", func() (url.Values, []byte) {
			q := query("10", "n", "")
			q.Del("encrypt_type")
			q.Del("msg_signature")
			return q, scan("evil-3")
		}, http.StatusForbidden},
		{"wrong appid", func() (url.Values, []byte) {
			b, sig, _ := other.Envelope(scan("evil-4"), "gh_1", "10", "n")
			return query("10", "n", sig), b
		}, http.StatusBadRequest},
		{"another key", func() (url.Values, []byte) {
			b, sig, _ := otherKey.Envelope(scan("evil-5"), "gh_1", "10", "n")
			return query("10", "n", sig), b
		}, http.StatusBadRequest},
		{"not XML", func() (url.Values, []byte) { return query("10", "n", "x"), []byte("{}") }, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, b := tc.req()
			if rec := post(q, b); rec.Code != tc.code {
				t.Fatalf("%d %q, want %d", rec.Code, rec.Body, tc.code)
			}
			if n := recipients(); n != 0 {
				t.Fatalf("%d recipients after a refused callback", n)
			}
		})
	}

	// A good scan subscribes and the reply is sealed for WeChat.
	body, sig, err := crypter.Envelope(scan("openid-1"), "gh_1", "20", "nonce-2")
	if err != nil {
		t.Fatal(err)
	}
	rec := post(query("20", "nonce-2", sig), body)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "openid-1") {
		t.Fatalf("encrypted scan: %d %q (the reply must not show the openid in clear)", rec.Code, rec.Body)
	}
	plain, err := crypter.OpenReply(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("reply does not open: %v\n%s", err, rec.Body)
	}
	var reply struct {
		ToUserName string
		MsgType    string
		Content    string
	}
	if err := xml.Unmarshal(plain, &reply); err != nil || reply.ToUserName != "openid-1" || reply.MsgType != "text" || !strings.Contains(reply.Content, "开会") {
		t.Fatalf("reply %q %v", plain, err)
	}
	if n := recipients(); n != 1 {
		t.Fatalf("%d recipients after the scan", n)
	}

	// URL verification stays as in plaintext mode (echostr in clear).
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/wechat/callback?signature="+wechat.Sign("cbtoken", "1", "n")+"&timestamp=1&nonce=n&echostr=hello", nil))
	if rec.Code != 200 || rec.Body.String() != "hello" {
		t.Fatalf("echostr: %d %q", rec.Code, rec.Body)
	}
}
