// Package robottest fakes the DingTalk, Feishu and WeCom robot endpoints
// for tests: each checks the request exactly as its platform documents it
// (signatures computed here, independently of package robot) and answers
// as the platform does, with the platform's error codes when asked to.
package robottest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Msg is one request the fake took.
type Msg struct {
	At     time.Time // when it arrived
	Body   map[string]any
	SignOK bool // the signature (or key) was right
}

// Fake is one platform's robot endpoint.
type Fake struct {
	platform, token, secret string
	// Now, when set, bounds the timestamp: within an hour, as the platforms do.
	Now func() time.Time
	srv *httptest.Server

	mu      sync.Mutex
	msgs    []Msg
	answers []int // codes to answer next, in order; then 0

	// Received gets every message, signed right or not (buffered).
	Received chan Msg
}

// NewDingTalk, NewFeishu and NewWeCom start a fake with the robot's token
// (access_token, hook id, key) and secret ("" for none; WeCom has none).
func NewDingTalk(token, secret string) *Fake { return start("dingtalk", token, secret) }

// NewFeishu: see NewDingTalk.
func NewFeishu(token, secret string) *Fake { return start("feishu", token, secret) }

// NewWeCom: see NewDingTalk.
func NewWeCom(key string) *Fake { return start("wecom", key, "") }

func start(platform, token, secret string) *Fake {
	f := &Fake{platform: platform, token: token, secret: secret, Received: make(chan Msg, 100)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// Webhook is the robot's webhook URL as the platform shows it.
func (f *Fake) Webhook() string {
	switch f.platform {
	case "dingtalk":
		return f.srv.URL + "/robot/send?access_token=" + f.token
	case "feishu":
		return f.srv.URL + "/open-apis/bot/v2/hook/" + f.token
	}
	return f.srv.URL + "/cgi-bin/webhook/send?key=" + f.token
}

// Answer makes the next answers carry these codes (errcode or code).
func (f *Fake) Answer(codes ...int) {
	f.mu.Lock()
	f.answers = append(f.answers, codes...)
	f.mu.Unlock()
}

// Msgs returns the messages taken so far.
func (f *Fake) Msgs() []Msg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Msg(nil), f.msgs...)
}

func hmacB64(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (f *Fake) fresh(ts time.Time) bool {
	if f.Now == nil {
		return true
	}
	d := f.Now().Sub(ts)
	return d < time.Hour && d > -time.Hour
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if r.Method != http.MethodPost || json.Unmarshal(raw, &body) != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	ok := false
	switch f.platform {
	case "dingtalk":
		ok = r.URL.Path == "/robot/send" && q.Get("access_token") == f.token
		if ok && f.secret != "" {
			// q.Get has URL-decoded sign once, as the platform does.
			ms, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
			ok = err == nil && f.fresh(time.UnixMilli(ms)) &&
				hmac.Equal([]byte(q.Get("sign")), []byte(hmacB64(f.secret, q.Get("timestamp")+"\n"+f.secret)))
		}
	case "feishu":
		ok = r.URL.Path == "/open-apis/bot/v2/hook/"+f.token
		if ok && f.secret != "" {
			ts, _ := body["timestamp"].(string)
			sign, _ := body["sign"].(string)
			sec, err := strconv.ParseInt(ts, 10, 64)
			ok = err == nil && f.fresh(time.Unix(sec, 0)) && hmac.Equal([]byte(sign), []byte(hmacB64(ts+"\n"+f.secret, "")))
		}
	case "wecom":
		ok = r.URL.Path == "/cgi-bin/webhook/send" && q.Get("key") == f.token
	}
	m := Msg{At: time.Now(), Body: body, SignOK: ok}
	f.mu.Lock()
	f.msgs = append(f.msgs, m)
	code := 0
	if len(f.answers) > 0 {
		code, f.answers = f.answers[0], f.answers[1:]
	}
	f.mu.Unlock()
	select {
	case f.Received <- m:
	default:
	}
	if !ok && code == 0 {
		code = map[string]int{"dingtalk": 310000, "feishu": 19021, "wecom": 93000}[f.platform]
	}
	w.Header().Set("Content-Type", "application/json")
	if f.platform == "feishu" {
		json.NewEncoder(w).Encode(map[string]any{"code": code, "msg": map[bool]string{true: "success", false: "fail"}[code == 0], "data": map[string]any{}})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": map[bool]string{true: "ok", false: "fail"}[code == 0]})
}
