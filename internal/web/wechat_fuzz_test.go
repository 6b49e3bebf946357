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

// FuzzWeChatCallback posts callback messages (seeds in
// testdata/fuzz/FuzzWeChatCallback, where "SCENE" stands for a live
// subscribe token) to the real handler, signed, in plaintext mode and
// sealed in safe mode: the answer is never a 5xx; a message that is not
// XML is a 400; and any reply is well-formed XML (opened first in safe
// mode) addressed to the message's sender.
func FuzzWeChatCallback(f *testing.F) {
	fake := &fakeWeChat{}
	apiSrv := httptest.NewServer(fake.handler(nil))
	f.Cleanup(apiSrv.Close)
	ctx := context.Background()
	st := sqlitetest.Open(f)
	tn, rem := wechatReminder(f, st, nil)
	cfg := wechat.Config{AppID: "wxapp", Secret: "wxsecret", Token: "cbtoken", AESKey: safeKey, APIBase: apiSrv.URL, ShowQRBase: "https://mp.example"}
	wx := wechat.New(cfg, apiSrv.Client(), time.Now)
	crypter, err := wechat.NewCrypter(cfg.Token, cfg.AESKey, cfg.AppID)
	if err != nil {
		f.Fatal(err)
	}
	muxes := map[bool]*http.ServeMux{}
	var token string
	for _, safe := range []bool{false, true} {
		c := web.Config{PublicURL: "https://raas.test", WeChat: wx, WeChatToken: "cbtoken"}
		if safe {
			c.WeChatCrypto = crypter
		}
		w := web.New(c, st, st)
		mux := http.NewServeMux()
		w.Register(mux)
		muxes[safe] = mux
		l, err := w.Link(ctx, tn.ID, rem.ID)
		if err != nil {
			f.Fatal(err)
		}
		token = l.Token
	}
	f.Fuzz(func(t *testing.T, msg []byte, safe bool, nonce string) {
		msg = []byte(strings.ReplaceAll(string(msg), "SCENE", token))
		q := url.Values{"signature": {wechat.Sign("cbtoken", "1700000000", nonce)}, "timestamp": {"1700000000"}, "nonce": {nonce}}
		body := msg
		if safe {
			env, sig, err := crypter.Envelope(msg, "gh_1", "1700000000", nonce)
			if err != nil {
				t.Fatal(err)
			}
			body = env
			q.Set("encrypt_type", "aes")
			q.Set("msg_signature", sig)
		}
		rec := httptest.NewRecorder()
		muxes[safe].ServeHTTP(rec, httptest.NewRequest("POST", "/wechat/callback?"+q.Encode(), strings.NewReader(string(body))))
		ev, perr := wechat.ParseEvent(msg)
		switch {
		case rec.Code >= 500:
			t.Fatalf("%q: %d %q", msg, rec.Code, rec.Body)
		case perr != nil:
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("%q is not XML (%v) but answered %d", msg, perr, rec.Code)
			}
			return
		case rec.Code != http.StatusOK:
			t.Fatalf("%q: %d %q", msg, rec.Code, rec.Body)
		case rec.Body.String() == "success":
			if _, ok := ev.Scene(); ok && ev.FromUserName != "" {
				t.Fatalf("%q: a scan answered without a reply", msg)
			}
			return
		}
		out := rec.Body.Bytes()
		if safe {
			if out, err = crypter.OpenReply(out); err != nil {
				t.Fatalf("%q: the sealed reply does not open: %v", msg, err)
			}
		}
		var reply struct{ ToUserName, MsgType, Content string }
		if err := xml.Unmarshal(out, &reply); err != nil || reply.ToUserName != ev.FromUserName || reply.MsgType != "text" || reply.Content == "" {
			t.Fatalf("%q: reply %q (%+v, %v), want a text to %q", msg, out, reply, err, ev.FromUserName)
		}
	})
}
