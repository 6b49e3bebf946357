package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/wechat"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/web"
)

// fakeWeChat speaks the documented wire format of the three API calls.
type fakeWeChat struct {
	mu        sync.Mutex
	tokens    int
	templates []map[string]any
	expireNow bool // answer the next call with 42001 (token expired)
}

func (f *fakeWeChat) handler(t *testing.T) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("grant_type") != "client_credential" || q.Get("appid") != "wxapp" || q.Get("secret") != "wxsecret" {
			json.NewEncoder(w).Encode(map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
			return
		}
		f.mu.Lock()
		f.tokens++
		n := f.tokens
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"access_token": "AT" + string(rune('0'+n)), "expires_in": 7200})
	})
	check := func(w http.ResponseWriter, r *http.Request) bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		want := "AT" + string(rune('0'+f.tokens))
		if f.expireNow || r.URL.Query().Get("access_token") != want {
			f.expireNow = false
			json.NewEncoder(w).Encode(map[string]any{"errcode": 42001, "errmsg": "access_token expired"})
			return false
		}
		return true
	}
	mux.HandleFunc("POST /cgi-bin/qrcode/create", func(w http.ResponseWriter, r *http.Request) {
		if !check(w, r) {
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
			json.NewEncoder(w).Encode(map[string]any{"errcode": 40001, "errmsg": "bad request"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"ticket": "TICKET-" + body.ActionInfo.Scene.SceneStr, "expire_seconds": body.ExpireSeconds, "url": "http://weixin.qq.com/q/x"})
	})
	mux.HandleFunc("POST /cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
		if !check(w, r) {
			return
		}
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &m)
		f.mu.Lock()
		f.templates = append(f.templates, m)
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "msgid": 200228332})
	})
	// Web sign-in (网页授权): the code CODE-OK belongs to oSIGNED, 小明.
	mux.HandleFunc("GET /sns/oauth2/access_token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("appid") != "wxapp" || q.Get("secret") != "wxsecret" || q.Get("grant_type") != "authorization_code" || q.Get("code") != "CODE-OK" {
			json.NewEncoder(w).Encode(map[string]any{"errcode": 40029, "errmsg": "invalid code"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": "UAT", "expires_in": 7200, "refresh_token": "R", "openid": "oSIGNED", "scope": "snsapi_userinfo"})
	})
	mux.HandleFunc("GET /sns/userinfo", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != "UAT" || r.URL.Query().Get("openid") != "oSIGNED" {
			json.NewEncoder(w).Encode(map[string]any{"errcode": 40003, "errmsg": "invalid openid"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"openid": "oSIGNED", "nickname": "小明", "headimgurl": ""})
	})
	return mux
}

// wechatReminder stores a tenant and a WeChat-channel reminder "开会" due in
// an hour, changed by edit first when it is not nil.
func wechatReminder(t testing.TB, st *sqlite.Store, edit func(*remind.Reminder)) (remind.Tenant, remind.Reminder) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	tn := remind.Tenant{ID: remind.NewID(now), Name: "t", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour)
	rem := remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: "开会", Time: &at, TZ: tn.TZ, Start: at,
		Channels: []string{remind.ChannelWeChat}, Status: remind.StatusActive, NextFireAt: &at, Source: "wecron", CreatedAt: now, UpdatedAt: now}
	if edit != nil {
		edit(&rem)
	}
	if _, _, err := st.CreateReminder(ctx, rem, nil); err != nil {
		t.Fatal(err)
	}
	return tn, rem
}

func TestWeChatSubscribeAndSend(t *testing.T) {
	fake := &fakeWeChat{}
	api := httptest.NewServer(fake.handler(t))
	defer api.Close()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	tn, rem := wechatReminder(t, st, func(r *remind.Reminder) { r.Desc, r.ExternalURL = "三楼", "https://example.com/e" })
	wx := wechat.New(wechat.Config{AppID: "wxapp", Secret: "wxsecret", Token: "cbtoken", TemplateID: "TPL", APIBase: api.URL, ShowQRBase: "https://mp.example"}, api.Client(), time.Now)
	w := web.New(web.Config{PublicURL: "https://raas.test", WeChat: wx, WeChatToken: "cbtoken"}, st, st)
	mux := http.NewServeMux()
	w.Register(mux)

	l, err := w.Link(ctx, tn.ID, rem.ID)
	if err != nil {
		t.Fatal(err)
	}
	qr, err := w.QRCodeURL(ctx, l)
	if err != nil || qr != "https://mp.example/cgi-bin/showqrcode?ticket="+url.QueryEscape("TICKET-"+l.Token) {
		t.Fatalf("QRCodeURL = %q, %v", qr, err)
	}
	l2, _ := w.Link(ctx, tn.ID, rem.ID)
	if again, _ := w.QRCodeURL(ctx, l2); again != qr || fake.tokens != 1 {
		t.Fatalf("ticket not reused (%q) or token not cached (%d fetches)", again, fake.tokens)
	}

	// Verification of the callback URL.
	sign := func(ts, nonce string) string { return wechat.Sign("cbtoken", ts, nonce) }
	req := httptest.NewRequest("GET", "/wechat/callback?signature="+sign("1", "n")+"&timestamp=1&nonce=n&echostr=hello", nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.String() != "hello" {
		t.Fatalf("echostr: %d %q", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/wechat/callback?signature=bad&timestamp=1&nonce=n&echostr=hello", nil))
	if rec.Code != 403 {
		t.Fatalf("bad signature: %d", rec.Code)
	}

	// A follow through the QR code subscribes the openid.
	event := `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[openid-1]]></FromUserName><CreateTime>1</CreateTime>` +
		`<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_` + l.Token + `]]></EventKey><Ticket><![CDATA[x]]></Ticket></xml>`
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", "/wechat/callback?signature="+sign("2", "m")+"&timestamp=2&nonce=m", strings.NewReader(event)))
	var reply struct {
		ToUserName string
		Content    string
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &reply); err != nil || rec.Code != 200 || reply.ToUserName != "openid-1" || !strings.Contains(reply.Content, "开会") || !strings.Contains(reply.Content, "/subscribe/unsubscribe/") {
		t.Fatalf("subscribe reply: %d %q %v", rec.Code, rec.Body, err)
	}
	got, _ := st.GetReminder(ctx, tn.ID, rem.ID)
	if len(got.Recipients) != 1 {
		t.Fatalf("recipients %v", got.Recipients)
	}
	rc, err := st.GetRecipient(ctx, tn.ID, got.Recipients[0])
	if err != nil || rc.WeChatOpenID != "openid-1" {
		t.Fatalf("recipient %+v %v", rc, err)
	}

	// Firing sends a template message (after refreshing an expired token).
	var d []remind.Delivery
	for _, x := range remind.Plan(got, *rem.Time, map[string]remind.Recipient{rc.UID: rc}, nil, *rem.Time, remind.FirePolicy{}) {
		if x.Channel != remind.ChannelInbox { // every recipient's inbox item: not this test's
			d = append(d, x)
		}
	}
	if len(d) != 1 || d[0].Channel != remind.ChannelWeChat {
		t.Fatalf("planned %+v", d)
	}
	fake.expireNow = true
	if _, err := wechat.NewSender(wx, w).Send(ctx, d[0]); err != nil {
		t.Fatal(err)
	}
	if len(fake.templates) != 1 {
		t.Fatalf("%d template messages", len(fake.templates))
	}
	m := fake.templates[0]
	data, _ := m["data"].(map[string]any)
	if m["touser"] != "openid-1" || m["template_id"] != "TPL" || m["url"] != "https://example.com/e" || !strings.Contains(data["remark"].(map[string]any)["value"].(string), "/subscribe/unsubscribe/") {
		t.Fatalf("template message %v", m)
	}
}

// TestWeChatReplySaysTheSchedule: following a repeating reminder's code is
// answered with its schedule in words; following one that is over says so
// and subscribes no one.
func TestWeChatReplySaysTheSchedule(t *testing.T) {
	fake := &fakeWeChat{}
	api := httptest.NewServer(fake.handler(t))
	defer api.Close()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	tn, rem := wechatReminder(t, st, func(r *remind.Reminder) {
		r.Time, r.RRule = nil, "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=21;BYMINUTE=0"
	})
	wx := wechat.New(wechat.Config{AppID: "wxapp", Secret: "wxsecret", Token: "cbtoken", TemplateID: "TPL", APIBase: api.URL, ShowQRBase: "https://mp.example"}, api.Client(), time.Now)
	w := web.New(web.Config{PublicURL: "https://raas.test", WeChat: wx, WeChatToken: "cbtoken"}, st, st)
	mux := http.NewServeMux()
	w.Register(mux)
	l, err := w.Link(ctx, tn.ID, rem.ID)
	if err != nil {
		t.Fatal(err)
	}
	follow := func(openid string) string {
		t.Helper()
		event := `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[` + openid + `]]></FromUserName><CreateTime>1</CreateTime>` +
			`<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_` + l.Token + `]]></EventKey></xml>`
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("POST", "/wechat/callback?signature="+wechat.Sign("cbtoken", "2", "m")+"&timestamp=2&nonce=m", strings.NewReader(event)))
		var reply struct{ Content string }
		if err := xml.Unmarshal(rec.Body.Bytes(), &reply); err != nil || rec.Code != 200 {
			t.Fatalf("reply: %d %q %v", rec.Code, rec.Body, err)
		}
		return reply.Content
	}
	if got := follow("openid-1"); !strings.Contains(got, "每周一、三、五 21:00") {
		t.Fatalf("reply to a repeating reminder: %q", got)
	}
	if _, err := st.ModifyReminder(ctx, tn.ID, rem.ID, time.Now(), "", func(r *remind.Reminder) error {
		r.Status, r.NextFireAt = remind.StatusDone, nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := follow("openid-2"); !strings.Contains(got, "已结束") {
		t.Fatalf("reply to an over reminder: %q", got)
	}
	if _, err := st.GetSubscriber(ctx, tn.ID, store.SubscriberID(rem.ID, remind.ChannelWeChat, "openid-2")); err == nil {
		t.Fatal("an over reminder took a subscriber")
	}
}

// TestWeChatSignInInsideWeChat: inside WeChat's browser the subscribe page
// offers WeChat's sign-in instead of a code the same phone cannot scan;
// coming back with a code subscribes the reader under their nickname, and
// a return that did not start in this browser, or a declined sign-in,
// subscribes nobody.
func TestWeChatSignInInsideWeChat(t *testing.T) {
	fake := &fakeWeChat{}
	api := httptest.NewServer(fake.handler(t))
	defer api.Close()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	tn, rem := wechatReminder(t, st, nil)
	wx := wechat.New(wechat.Config{AppID: "wxapp", Secret: "wxsecret", Token: "cbtoken", TemplateID: "TPL", APIBase: api.URL,
		ShowQRBase: "https://mp.example", OAuthBase: "https://open.example"}, api.Client(), time.Now)
	const follow = "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA"
	w := web.New(web.Config{PublicURL: "https://raas.test", WeChat: wx, WeChatToken: "cbtoken", WeChatFollowURL: follow}, st, st)
	mux := http.NewServeMux()
	w.Register(mux)
	l, err := w.Link(ctx, tn.ID, rem.ID)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}

	page := get("/s/" + l.Token)
	if page.Code != 200 || !strings.Contains(page.Body.String(), `id="wechat-signin" href="/s/`+l.Token+`/wechat"`) || strings.Contains(page.Body.String(), "showqrcode") {
		t.Fatalf("page inside WeChat: %d\n%s", page.Code, page.Body)
	}
	// Outside WeChat the page shows the code to scan.
	req := httptest.NewRequest("GET", "/s/"+l.Token, nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "showqrcode") || strings.Contains(rec.Body.String(), "wechat-signin") {
		t.Fatalf("page outside WeChat:\n%s", rec.Body)
	}

	start := get("/s/" + l.Token + "/wechat")
	loc, err := url.Parse(start.Header().Get("Location"))
	if start.Code != http.StatusFound || err != nil || loc.Host != "open.example" || loc.Path != "/connect/oauth2/authorize" || loc.Fragment != "wechat_redirect" {
		t.Fatalf("sign-in start: %d %q", start.Code, start.Header().Get("Location"))
	}
	state := loc.Query().Get("state")
	if loc.Query().Get("redirect_uri") != "https://raas.test/s/"+l.Token+"/wechat/back" || loc.Query().Get("appid") != "wxapp" || len(state) < 16 {
		t.Fatalf("sign-in start query: %v", loc.Query())
	}
	var cookie *http.Cookie
	for _, c := range start.Result().Cookies() {
		if c.Name == "raas_wx_state" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != state || !cookie.HttpOnly || !cookie.Secure || cookie.Path != "/s/"+l.Token+"/wechat" {
		t.Fatalf("state cookie %+v", cookie)
	}

	recipients := func() []string {
		got, err := st.GetReminder(ctx, tn.ID, rem.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Recipients
	}
	// Returns that subscribe nobody: no cookie, a state of another
	// browser, a declined sign-in, a code WeChat does not know.
	for _, bad := range []struct {
		name   string
		path   string
		cookie *http.Cookie
		code   int
	}{
		{"no cookie", "/s/" + l.Token + "/wechat/back?code=CODE-OK&state=" + state, nil, 400},
		{"other state", "/s/" + l.Token + "/wechat/back?code=CODE-OK&state=forged", cookie, 400},
		{"declined", "/s/" + l.Token + "/wechat/back?state=" + state, cookie, 200},
		{"unknown code", "/s/" + l.Token + "/wechat/back?code=CODE-BAD&state=" + state, cookie, 502},
	} {
		var cs []*http.Cookie
		if bad.cookie != nil {
			cs = append(cs, bad.cookie)
		}
		if rec := get(bad.path, cs...); rec.Code != bad.code {
			t.Errorf("%s: %d, want %d\n%s", bad.name, rec.Code, bad.code, rec.Body)
		}
		if r := recipients(); len(r) != 0 {
			t.Fatalf("%s subscribed %v", bad.name, r)
		}
	}

	back := get("/s/"+l.Token+"/wechat/back?code=CODE-OK&state="+state, cookie)
	body := back.Body.String()
	if back.Code != 200 || !strings.Contains(body, "小明") || !strings.Contains(body, `href="`+strings.ReplaceAll(follow, "&", "&amp;")+`"`) {
		t.Fatalf("after sign-in: %d\n%s", back.Code, body)
	}
	r := recipients()
	if len(r) != 1 {
		t.Fatalf("recipients %v", r)
	}
	rc, err := st.GetRecipient(ctx, tn.ID, r[0])
	if err != nil || rc.WeChatOpenID != "oSIGNED" || rc.Name != "小明" {
		t.Fatalf("recipient %+v %v", rc, err)
	}
	subs, err := st.ListSubscribers(ctx, tn.ID, rem.ID)
	if err != nil || len(subs) != 1 || subs[0].Name != "小明" || subs[0].State != remind.SubscriberConfirmed {
		t.Fatalf("subscribers %+v %v", subs, err)
	}
}
