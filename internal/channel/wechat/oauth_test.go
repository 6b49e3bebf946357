package wechat

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// oauthFake answers /sns/oauth2/access_token and /sns/userinfo as WeChat
// documents them, for the one code it knows.
func oauthFake(t *testing.T, tokenAnswer, infoAnswer string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch r.URL.Path {
		case "/sns/oauth2/access_token":
			if q.Get("appid") != "wxapp" || q.Get("secret") != "sec" || q.Get("grant_type") != "authorization_code" {
				t.Errorf("token request %v", q)
			}
			if q.Get("code") != "CODE1" {
				w.Write([]byte(`{"errcode":40029,"errmsg":"invalid code"}`))
				return
			}
			w.Write([]byte(tokenAnswer))
		case "/sns/userinfo":
			if q.Get("access_token") != "UAT" || q.Get("openid") != "oUSER" {
				w.Write([]byte(`{"errcode":40003,"errmsg":"invalid openid"}`))
				return
			}
			w.Write([]byte(infoAnswer))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOAuth(t *testing.T) {
	const userinfoScope = `{"access_token":"UAT","expires_in":7200,"refresh_token":"R","openid":"oUSER","scope":"snsapi_userinfo"}`
	for _, tc := range []struct {
		name, token, info, code string
		want                    OAuthUser
		wantErr                 func(error) bool
	}{
		{"nickname", userinfoScope, `{"openid":"oUSER","nickname":"小明","headimgurl":""}`, "CODE1", OAuthUser{OpenID: "oUSER", Nickname: "小明"}, nil},
		{"userinfo fails: the openid is enough", userinfoScope, `{"errcode":48001,"errmsg":"api unauthorized"}`, "CODE1", OAuthUser{OpenID: "oUSER"}, nil},
		{"base scope: no userinfo call", `{"access_token":"UAT","openid":"oUSER","scope":"snsapi_base"}`, `{"nickname":"never read"}`, "CODE1", OAuthUser{OpenID: "oUSER"}, nil},
		{"bad code", userinfoScope, "", "CODE2", OAuthUser{}, func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.Code == 40029 }},
		{"snapshot", `{"access_token":"UAT","openid":"oSNAP","scope":"snsapi_userinfo","is_snapshotuser":1}`, "", "CODE1", OAuthUser{}, func(err error) bool { return errors.Is(err, ErrSnapshotUser) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := oauthFake(t, tc.token, tc.info)
			c := New(Config{AppID: "wxapp", Secret: "sec", APIBase: srv.URL}, srv.Client(), time.Now)
			got, err := c.OAuthUser(context.Background(), tc.code)
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("OAuthUser = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestOAuthURL(t *testing.T) {
	c := New(Config{AppID: "wx&app", Secret: "s"}, nil, time.Now)
	u := c.OAuthURL("https://raas.example/s/tok/wechat/back?x=1", "st&1")
	if !strings.HasPrefix(u, DefaultOAuthBase+"/connect/oauth2/authorize?appid=wx%26app&redirect_uri=") || !strings.HasSuffix(u, "#wechat_redirect") {
		t.Fatalf("OAuthURL = %s", u)
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query()
	if q.Get("redirect_uri") != "https://raas.example/s/tok/wechat/back?x=1" || q.Get("scope") != "snsapi_userinfo" || q.Get("state") != "st&1" || q.Get("response_type") != "code" {
		t.Fatalf("query %v", q)
	}
}
