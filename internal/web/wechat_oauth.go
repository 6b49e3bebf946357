package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/raasdev/raas/internal/channel/wechat"
	"github.com/raasdev/raas/internal/remind"
)

// The subscribe page opened inside WeChat's own browser (a poster shared
// in a chat, a link in a group) cannot ask its reader to scan a code on
// the same screen. It offers WeChat's web sign-in instead (网页授权,
// snsapi_userinfo): WeChat asks the reader, then sends them back with a
// code that the server exchanges for their openid and nickname, and they
// are subscribed as if they had scanned the code. A state cookie ties the
// return to the browser that left, so a crafted return link subscribes
// nobody.

const wechatStateCookie = "raas_wx_state"

// wechatSignIn sends the reader to WeChat's sign-in, remembering a fresh
// state in a cookie scoped to this link's WeChat paths.
func (w *Web) wechatSignIn(rw http.ResponseWriter, r *http.Request) {
	l, _, err := w.uc.Subscribable(r.Context(), r.PathValue("token"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	state := remind.NewToken(16)
	http.SetCookie(rw, &http.Cookie{Name: wechatStateCookie, Value: state, Path: "/s/" + l.Token + "/wechat",
		MaxAge: 600, HttpOnly: true, Secure: strings.HasPrefix(w.cfg.PublicURL, "https://"), SameSite: http.SameSiteLaxMode})
	rw.Header().Set("Cache-Control", "no-store")
	http.Redirect(rw, r, w.cfg.WeChat.OAuthURL(w.PageURL(l)+"/wechat/back", state), http.StatusFound)
}

// wechatBack is where WeChat sends the reader back: with a code when they
// allowed it, without one when they declined.
func (w *Web) wechatBack(rw http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	q := r.URL.Query()
	c, err := r.Cookie(wechatStateCookie)
	if err != nil || q.Get("state") == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(q.Get("state"))) != 1 {
		w.message(rw, http.StatusBadRequest, messagePage{Heading: "请重新打开 / Please start again",
			Message: "这次登录已过期或不是从本页开始的。打开订阅页再试一次。This sign-in expired or did not start on this page: open the subscribe page and try again.",
			LinkURL: "/s/" + token, LinkText: "返回订阅页 / Back to the subscribe page"})
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: wechatStateCookie, Value: "", Path: "/s/" + token + "/wechat", MaxAge: -1, HttpOnly: true})
	l, rem, err := w.uc.Subscribable(r.Context(), token)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	code := q.Get("code")
	if code == "" {
		w.message(rw, http.StatusOK, messagePage{Heading: "未订阅 / Not subscribed",
			Message: "你没有允许微信登录，所以没有订阅。You did not allow WeChat to sign you in, so nothing was subscribed.",
			Title:   rem.Title, LinkURL: "/s/" + token, LinkText: "返回订阅页 / Back to the subscribe page"})
		return
	}
	u, err := w.cfg.WeChat.OAuthUser(r.Context(), code)
	switch {
	case errors.Is(err, wechat.ErrSnapshotUser):
		w.message(rw, http.StatusOK, messagePage{Heading: "请打开完整页面 / Open the full page",
			Message: "这是朋友圈快照页，不能订阅。点底部「使用完整服务」后再试。This is a snapshot of the page, which cannot subscribe: tap “use the full service” at the bottom and try again."})
		return
	case err != nil:
		w.cfg.Log.Warn("web: wechat sign-in", "err", err)
		w.message(rw, http.StatusBadGateway, messagePage{Heading: "微信没有回应 / WeChat did not answer",
			Message: "请稍后再试。Please try again in a moment.", LinkURL: "/s/" + token, LinkText: "返回订阅页 / Back to the subscribe page"})
		return
	}
	sb, err := w.uc.SubscribeConfirmed(r.Context(), l, remind.ChannelWeChat, u.OpenID, u.OpenID, u.Nickname)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	p := messagePage{Heading: "订阅成功 / Subscribed", Title: rem.Title,
		Message: "提醒到时由公众号发给你" + nameSuffix(sb.Name) + "。关注公众号才能收到。The account will send you the reminder when it is due; follow it to receive it.",
		LinkURL: w.unsubscribeURL(sb), LinkText: "退订 / Unsubscribe"}
	if w.cfg.WeChatFollowURL != "" {
		p.LinkURL, p.LinkText = w.cfg.WeChatFollowURL, "关注公众号 / Follow the account"
	}
	w.message(rw, http.StatusOK, p)
}

// nameSuffix is "（小明）" for a nickname, "" for none.
func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return "（" + name + "）"
}
