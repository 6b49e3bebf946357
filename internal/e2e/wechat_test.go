package e2e

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/wechat"
)

// fakeWeChat is the WeChat official account platform for tests: the API
// calls RaaS makes (token, parametric QR codes, template messages), and
// the callbacks WeChat makes when a user scans a code, signed and — with
// an EncodingAESKey — encrypted as WeChat's 消息加解密 document describes.
type fakeWeChat struct {
	t        *testing.T
	appID    string
	secret   string
	token    string // callback token
	crypter  *wechat.Crypter
	mu       sync.Mutex
	scenes   map[string]string // ticket → scene
	accessTk string
	sent     []map[string]any // template messages
}

func newFakeWeChat(t *testing.T, aesKey string) (*fakeWeChat, *httptest.Server) {
	f := &fakeWeChat{t: t, appID: "wx-e2e", secret: "wx-secret", token: "cb-token", scenes: map[string]string{}, accessTk: "AT-e2e"}
	if aesKey != "" {
		c, err := wechat.NewCrypter(f.token, aesKey, f.appID)
		if err != nil {
			t.Fatal(err)
		}
		f.crypter = c
	}
	mux := http.NewServeMux()
	fail := func(w http.ResponseWriter, code int, msg string) {
		json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
	}
	mux.HandleFunc("GET /cgi-bin/token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("grant_type") != "client_credential" || q.Get("appid") != f.appID || q.Get("secret") != f.secret {
			fail(w, 40013, "invalid appid")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": f.accessTk, "expires_in": 7200})
	})
	mux.HandleFunc("POST /cgi-bin/qrcode/create", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != f.accessTk {
			fail(w, 40001, "invalid credential")
			return
		}
		var body struct {
			ExpireSeconds int    `json:"expire_seconds"`
			ActionName    string `json:"action_name"`
			ActionInfo    struct {
				Scene struct {
					SceneStr string `json:"scene_str"`
				} `json:"scene"`
			} `json:"action_info"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ActionName != "QR_STR_SCENE" || body.ActionInfo.Scene.SceneStr == "" {
			fail(w, 40001, "bad request")
			return
		}
		f.mu.Lock()
		ticket := fmt.Sprintf("gQH-%d", len(f.scenes)+1)
		f.scenes[ticket] = body.ActionInfo.Scene.SceneStr
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"ticket": ticket, "expire_seconds": body.ExpireSeconds, "url": "http://weixin.qq.com/q/x"})
	})
	mux.HandleFunc("POST /cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != f.accessTk {
			fail(w, 40001, "invalid credential")
			return
		}
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			fail(w, 47001, "data format error")
			return
		}
		f.mu.Lock()
		f.sent = append(f.sent, m)
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "msgid": 1})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeWeChat) config(base string, aesKey string) wechat.Config {
	return wechat.Config{AppID: f.appID, Secret: f.secret, Token: f.token, AESKey: aesKey, TemplateID: "TPL-e2e", APIBase: base, ShowQRBase: base}
}

// callback posts a message to the callback URL as WeChat would; forge
// posts it in plaintext whatever the mode. It returns the status and body.
func (f *fakeWeChat) callback(callbackURL string, msg []byte, forge bool) (int, []byte) {
	f.t.Helper()
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), strconv.FormatInt(time.Now().UnixNano()%1e9, 10)
	q := url.Values{"signature": {wechat.Sign(f.token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "openid": {"o"}}
	body := msg
	if f.crypter != nil && !forge {
		var sig string
		var err error
		if body, sig, err = f.crypter.Envelope(msg, "gh_e2e", ts, nonce); err != nil {
			f.t.Fatal(err)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", sig)
	}
	resp, err := http.Post(callbackURL+"?"+q.Encode(), "text/xml", strings.NewReader(string(body)))
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// scan is a user following the account through the QR code of ticket: the
// subscribe event goes to the callback, and the passive reply (decrypted
// in safe mode, where it must come encrypted) is returned.
func (f *fakeWeChat) scan(callbackURL, ticket, openid string) (toUser, content string) {
	f.t.Helper()
	f.mu.Lock()
	scene, ok := f.scenes[ticket]
	f.mu.Unlock()
	if !ok {
		f.t.Fatalf("no QR code with ticket %q", ticket)
	}
	ev := `<xml><ToUserName><![CDATA[gh_e2e]]></ToUserName><FromUserName><![CDATA[` + openid + `]]></FromUserName><CreateTime>` +
		strconv.FormatInt(time.Now().Unix(), 10) + `</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>` +
		`<EventKey><![CDATA[qrscene_` + scene + `]]></EventKey><Ticket><![CDATA[` + ticket + `]]></Ticket></xml>`
	code, body := f.callback(callbackURL, []byte(ev), false)
	if code != http.StatusOK {
		f.t.Fatalf("subscribe event: %d %s", code, body)
	}
	if f.crypter != nil {
		plain, err := f.crypter.OpenReply(body)
		if err != nil {
			f.t.Fatalf("safe mode reply does not open: %v\n%s", err, body)
		}
		if strings.Contains(string(body), openid) {
			f.t.Fatalf("safe mode reply shows the openid in clear: %s", body)
		}
		body = plain
	}
	var reply struct {
		ToUserName string
		MsgType    string
		Content    string
	}
	if err := xml.Unmarshal(body, &reply); err != nil || reply.MsgType != "text" {
		f.t.Fatalf("reply %q: %v", body, err)
	}
	return reply.ToUserName, reply.Content
}

func (f *fakeWeChat) templates() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.sent...)
}

// TestWeChatSubscribeByScan runs the subscribe-by-scan flow against the
// fake WeChat platform in plaintext mode and in safe mode: a reminder made
// through the WeCron API gets a WeChat QR code, a user scans it (the
// callback subscribes them and replies), the reminder fires as a template
// message to their openid, and the unsubscribe link of the reply works.
func TestWeChatSubscribeByScan(t *testing.T) {
	for _, mode := range []struct{ name, aesKey string }{
		{"plaintext", ""},
		{"safe mode", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			fake, srv := newFakeWeChat(t, mode.aesKey)
			a := startApp(t, func(c *app.Config) { c.WeCron.WeChat = fake.config(srv.URL, mode.aesKey) })
			cb := a.URL + "/wechat/callback"

			// URL verification (the same in every mode).
			ts, nonce := "1700000000", "v1"
			if code, _, b := get(t, cb+"?signature="+wechat.Sign(fake.token, ts, nonce)+"&timestamp="+ts+"&nonce="+nonce+"&echostr=e2e-echo"); code != 200 || string(b) != "e2e-echo" {
				t.Fatalf("verification: %d %q", code, b)
			}

			code, r := wecron(t, "POST", a.URL+"/reminds/api/", a.Token, map[string]any{"title": "周会", "time": time.Now().Add(time.Hour).UnixMilli()})
			if code != 200 {
				t.Fatalf("create: %d %v", code, r)
			}
			id := r["id"].(string)
			qr, _ := r["participate_qrcode"].(string)
			ticket, ok := strings.CutPrefix(qr, srv.URL+"/cgi-bin/showqrcode?ticket=")
			if !ok {
				t.Fatalf("participate_qrcode %q is not a WeChat QR code", qr)
			}
			ticket, _ = url.QueryUnescape(ticket)

			if mode.aesKey != "" {
				// A forged plaintext event is refused and subscribes nobody.
				forged := `<xml><FromUserName><![CDATA[evil]]></FromUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[x]]></EventKey></xml>`
				if code, b := fake.callback(cb, []byte(forged), true); code != http.StatusForbidden {
					t.Fatalf("plaintext event in safe mode: %d %s", code, b)
				}
			}

			to, content := fake.scan(cb, ticket, "openid-e2e")
			if to != "openid-e2e" || !strings.Contains(content, "周会") {
				t.Fatalf("reply to %q: %q", to, content)
			}
			_, rem := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
			if rs, _ := rem["recipients"].([]any); len(rs) != 1 {
				t.Fatalf("recipients after the scan: %v", rem["recipients"])
			}

			// Fire in a second: a template message to the openid.
			if code, body := do(t, "PATCH", a.URL+"/v1/reminders/"+id, a.Token, map[string]any{"time": time.Now().Add(time.Second).UnixMilli()}); code != 200 {
				t.Fatalf("PATCH: %d %v", code, body)
			}
			deadline := time.Now().Add(15 * time.Second)
			for len(fake.templates()) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("no template message")
				}
				time.Sleep(50 * time.Millisecond)
			}
			m := fake.templates()[0]
			data, _ := m["data"].(map[string]any)
			kw1, _ := data["keyword1"].(map[string]any)
			if m["touser"] != "openid-e2e" || m["template_id"] != "TPL-e2e" || kw1["value"] != "周会" {
				t.Fatalf("template message %v", m)
			}

			unsubscribeVia(t, linkWith(t, content, "/subscribe/unsubscribe/"))
		})
	}
}
