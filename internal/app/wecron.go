package app

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/raasdev/raas/internal/api/wecron"
	"github.com/raasdev/raas/internal/channel/email"
	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/channel/wechat"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/web"
)

// WeCronConfig configures the WeCron API, the subscribe pages and posters,
// and the e-mail and WeChat channels (Web Push: see WebPushConfig).
type WeCronConfig struct {
	// PosterFont is a CJK font file (.ttc/.otf/.ttf); "" searches the
	// Debian paths in web.FontPaths (fonts-noto-cjk, fonts-wqy-microhei…).
	PosterFont string
	// SMTP enables e-mail subscriptions and the email channel when Host is set.
	SMTP email.Config
	// WeChat enables the WeChat official account when AppID and Secret are set.
	WeChat wechat.Config
	// WeChatFollowURL is the account's profile page (https), where people
	// who subscribed inside WeChat's browser are sent to follow it.
	WeChatFollowURL string
}

// registerWeCron adds the email and WeChat senders, the subscribe pages and
// the WeCron API.
func (a *App) registerWeCron() {
	cfg := a.Config.WeCron
	font, path, err := web.LoadFont(cfg.PosterFont)
	switch {
	case errors.Is(err, web.ErrNoCJKFont):
		a.Log.Warn("posters will show no Chinese", "err", err)
	case err != nil:
		a.Log.Error("poster font", "err", err)
		font, _, _ = web.LoadFont("")
	default:
		a.Log.Debug("poster font", "path", path)
	}
	subs := a.Store
	wc := web.Config{PublicURL: a.Config.PublicURL, Font: font, Now: a.now, Log: a.Log,
		Notice: func(ctx context.Context, sb remind.Subscriber) {
			if err := a.Service.NoticeSubscription(ctx, sb); err != nil {
				a.Log.Warn("could not tell the owner of a subscriber", "reminder", sb.ReminderID, "err", err)
			}
		}}
	var mailer *email.Mailer
	if cfg.SMTP.Host != "" {
		if mailer, err = email.New(cfg.SMTP); err != nil {
			a.Log.Error("smtp: e-mail is off", "err", err)
		} else {
			wc.Mailer = mailer
		}
	}
	var wx *wechat.Client
	wxOn := cfg.WeChat.Enabled()
	if wxOn && cfg.WeChat.APIBase != "" {
		if err := a.checkEndpoint("--wechat-api-base", cfg.WeChat.APIBase); err != nil {
			a.Log.Error("wechat is off", "err", err)
			wxOn = false
		}
	}
	if wxOn {
		wx = wechat.New(cfg.WeChat, netguard.NoRedirects(10*time.Second), a.now)
		wc.WeChat, wc.WeChatToken = wx, cfg.WeChat.Token
		if u, err := url.Parse(cfg.WeChatFollowURL); cfg.WeChatFollowURL != "" && (err != nil || u.Scheme != "https" || u.Host == "") {
			a.Log.Error("--wechat-follow-url is not an https URL; not shown", "url", cfg.WeChatFollowURL)
		} else {
			wc.WeChatFollowURL = cfg.WeChatFollowURL
		}
		if cfg.WeChat.AESKey != "" { // safe mode: encrypted callbacks only
			if wc.WeChatCrypto, err = wechat.NewCrypter(cfg.WeChat.Token, cfg.WeChat.AESKey, cfg.WeChat.AppID); err != nil {
				a.Log.Error("wechat is off: --wechat-aes-key", "err", err)
				wx, wc.WeChat, wc.WeChatToken, wc.WeChatCrypto = nil, nil, "", nil
			}
		}
	}
	push, pushOn := a.webPushConfig() // webpush.go
	if pushOn {
		wc.VAPIDPublicKey, wc.AllowHTTPPush = push.Keys.Public, a.Config.AllowPrivateTargets
	}
	w := web.New(wc, subs, a.Store)
	a.pages = w
	if mailer != nil {
		a.Senders[remind.ChannelEmail] = email.NewSender(mailer, w)
	}
	if wx != nil {
		a.Senders[remind.ChannelWeChat] = wechat.NewSender(wx, w)
	}
	if pushOn {
		client := netguard.Client(a.Config.WebhookTimeout, a.Config.AllowPrivateTargets)
		a.Senders[remind.ChannelWebPush] = webpush.NewSender(push, client, subs, w, a.now).WithRecipients(pushRecipients{a.Store, a.Service})
	}
	w.Register(a.Mux)
	wecron.New(a.Service, w, a.Config.PublicURL, a.Log).Register(a.Mux)
}

// pushRecipients gives the web push sender named recipients' browsers
// (remind.Contacts.WebPush) and forgets one whose push service says it is
// gone.
type pushRecipients struct {
	st  store.Store
	svc *service.Service
}

func (p pushRecipients) GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error) {
	return p.st.GetRecipient(ctx, tenantID, uid)
}

func (p pushRecipients) DropPush(ctx context.Context, tenantID, uid, key string) error {
	return p.svc.DropPush(ctx, tenantID, uid, key)
}
