// Package web serves the pages people reach without an API token: a
// reminder's subscribe page (/s/{token}, the page its QR code encodes), its
// QR code and .ics file, the e-mail double opt-in (the confirm link, and an
// unsubscribe page whose button, or an RFC 8058 one-click POST, ends a
// subscription), posters, and the WeChat official account callback.
// Templates and assets are embedded; html/template does the escaping.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"golang.org/x/image/font/opentype"

	"github.com/raasdev/raas/internal/channel/email"
	"github.com/raasdev/raas/internal/channel/wechat"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/web/htmlpage"
	"github.com/raasdev/raas/internal/zone"
)

//go:embed templates/*.html templates/*.txt
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

var (
	pages     = template.Must(template.ParseFS(templateFS, "templates/*.html"))
	textPages = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/*.txt"))
)

// SubscriptionStore is what the pages need of the store (see remind.Subscriber).
type SubscriptionStore interface {
	CreateSubscribeLink(ctx context.Context, l remind.SubscribeLink) (remind.SubscribeLink, error)
	SubscribeLinkByToken(ctx context.Context, token string) (remind.SubscribeLink, error)
	SubscribeLinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error)
	SubscribeLinkByReminder(ctx context.Context, reminderID string) (remind.SubscribeLink, error)
	SetWeChatTicket(ctx context.Context, token, ticket string, expireAt time.Time) error
	PutSubscriber(ctx context.Context, sb remind.Subscriber) (remind.Subscriber, error)
	GetSubscriber(ctx context.Context, tenantID, id string) (remind.Subscriber, error)
	SubscriberByToken(ctx context.Context, token string) (remind.Subscriber, error)
	ConfirmSubscriber(ctx context.Context, token string, at time.Time) (remind.Subscriber, error)
	Unsubscribe(ctx context.Context, token string, at time.Time) (remind.Subscriber, error)
	CalendarFeedOf(ctx context.Context, f store.CalendarFeed) (store.CalendarFeed, error)
	CalendarFeedByToken(ctx context.Context, token string) (store.CalendarFeed, error)
}

// Reminders reads reminders, and the tenants who invite to them.
type Reminders interface {
	GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error)
	ListReminders(ctx context.Context, tenantID string, q store.ListQuery) ([]remind.Reminder, error)
	GetTenant(ctx context.Context, id string) (remind.Tenant, error)
}

// Mailer sends mail (the confirmation mails).
type Mailer interface {
	Send(ctx context.Context, msg email.Message) error
}

// WeChat makes parametric QR codes and signs people in inside WeChat's
// browser (wechat.Client).
type WeChat interface {
	CreateQR(ctx context.Context, scene string, expire time.Duration) (string, time.Time, error)
	ShowQRURL(ticket string) string
	OAuthURL(redirect, state string) string
	OAuthUser(ctx context.Context, code string) (wechat.OAuthUser, error)
}

// WeChatCrypto opens and seals safe-mode (encrypted) callback messages
// (wechat.Crypter); errors wrap wechat.ErrSignature for a bad msg_signature.
type WeChatCrypto interface {
	Open(msgSignature, timestamp, nonce string, body []byte) ([]byte, error)
	Seal(msg []byte, timestamp, nonce string) ([]byte, error)
}

// Config holds the pages' dependencies and settings.
type Config struct {
	PublicURL   string         // base of every link, without a trailing slash
	Font        *opentype.Font // poster font (see LoadFont)
	Mailer      Mailer         // nil: no e-mail subscriptions
	WeChat      WeChat         // nil: no WeChat official account
	WeChatToken string         // the callback token
	// WeChatFollowURL is the official account's profile page (the 关注 link,
	// https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=…): after
	// subscribing inside WeChat's browser, people are sent there to follow
	// the account, without which template messages cannot reach them. "": none.
	WeChatFollowURL string
	Now             func() time.Time
	Log             *slog.Logger

	// WeChatCrypto, when set, makes the callback safe mode only: POSTs must
	// be encrypted (encrypt_type=aes) and replies are encrypted.
	WeChatCrypto WeChatCrypto

	// Notice hears of every subscriber who joined or left (the owner's
	// notices, service.Service.NoticeSubscription); nil: nobody.
	Notice service.Notice

	// VAPIDPublicKey is the server's Web Push key; "" means no web push.
	VAPIDPublicKey string
	AllowHTTPPush  bool // accept http push endpoints and private addresses (--allow-private-targets: tests, private networks)
}

// Web serves the pages.
type Web struct {
	cfg     Config
	uc      *service.Subscriptions // the subscribe use cases
	rems    Reminders
	html    htmlpage.Renderer
	images  imageCache // posters and QR codes by ETag (images.go)
	fontTag string
	cop     *http.CrossOriginProtection // refuses cross-origin browser POSTs (unsubscribe)
}

// New returns the pages' handler set.
func New(cfg Config, subs SubscriptionStore, rems Reminders) *Web {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Font == nil {
		cfg.Font, _, _ = LoadFont("") // a CJK font when installed, else Go's own
	}
	img := "'self'"
	if cfg.WeChat != nil {
		if u, err := url.Parse(cfg.WeChat.ShowQRURL("x")); err == nil {
			img += " " + u.Scheme + "://" + u.Host
		}
	}
	csp := "default-src 'none'; style-src 'self'; script-src 'self'; img-src " + img + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	if cfg.VAPIDPublicKey != "" {
		csp += "; connect-src 'self'" // webpush.js posts the subscription
	}
	page := htmlpage.Renderer{Templates: pages, CSP: csp, Referrer: "no-referrer", Log: cfg.Log} // the URLs carry secrets
	w := &Web{cfg: cfg, rems: rems, html: page, fontTag: fontTag(cfg.Font), cop: http.NewCrossOriginProtection()}
	var confirmer service.Confirmer // nil: no e-mail subscriptions
	if cfg.Mailer != nil {
		confirmer = w
	}
	w.uc = service.NewSubscriptions(subs, rems, confirmer, cfg.Now)
	w.uc.OnChange(cfg.Notice)
	return w
}

// Register adds the pages' routes to mux.
func (w *Web) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /s/{token}", w.page)
	mux.HandleFunc("GET /s/{token}/qr.png", w.qr)
	mux.HandleFunc("GET /s/{token}/poster.png", w.poster) // images.go
	mux.HandleFunc("GET /s/{token}/calendar.ics", w.calendar)
	mux.HandleFunc("GET /c/{token}/calendar.ics", w.recipientFeed) // feed.go
	mux.HandleFunc("POST /s/{token}/email", w.subscribeEmail)
	mux.HandleFunc("GET /subscribe/confirm/{token}", w.confirm)
	mux.HandleFunc("GET /subscribe/unsubscribe/{token}", w.unsubscribePage)
	mux.HandleFunc("POST /subscribe/unsubscribe/{token}", w.unsubscribe)
	sub, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /s-assets/", http.StripPrefix("/s-assets/", http.FileServerFS(sub)))
	w.registerWebPush(mux) // webpush.go
	if w.cfg.WeChat != nil {
		mux.HandleFunc("GET /s/{token}/wechat", w.wechatSignIn)    // wechat_oauth.go
		mux.HandleFunc("GET /s/{token}/wechat/back", w.wechatBack) // wechat_oauth.go
		mux.HandleFunc("GET /wechat/callback", w.wechatVerify)
		mux.HandleFunc("POST /wechat/callback", w.wechatEvent)
	}
}

// ---- links

// Link returns the reminder's subscribe link, making one (a new 128-bit
// token) the first time.
func (w *Web) Link(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error) {
	return w.uc.LinkOf(ctx, tenantID, reminderID)
}

// PageURL is the subscribe page of a link: what the QR codes encode.
func (w *Web) PageURL(l remind.SubscribeLink) string { return w.cfg.PublicURL + "/s/" + l.Token }

// QRCodeURL returns the URL of the link's QR code image: with a WeChat
// official account, a WeChat parametric QR code (made, or remade when less
// than a day of it is left); otherwise a PNG of the subscribe page's URL.
func (w *Web) QRCodeURL(ctx context.Context, l remind.SubscribeLink) (string, error) {
	if w.cfg.WeChat == nil {
		return w.PageURL(l) + "/qr.png", nil
	}
	ticket, err := w.ticket(ctx, l)
	if err != nil {
		return "", err
	}
	return w.cfg.WeChat.ShowQRURL(ticket), nil
}

func (w *Web) ticket(ctx context.Context, l remind.SubscribeLink) (string, error) {
	if l.WeChatTicket != "" && l.WeChatExpireAt.After(w.cfg.Now().Add(24*time.Hour)) {
		return l.WeChatTicket, nil
	}
	ticket, exp, err := w.cfg.WeChat.CreateQR(ctx, l.Token, 30*24*time.Hour)
	if err != nil {
		return "", fmt.Errorf("web: wechat qr: %w", err)
	}
	if err := w.uc.KeepWeChatTicket(ctx, l.Token, ticket, exp); err != nil {
		return "", fmt.Errorf("web: wechat qr: %w", err)
	}
	return ticket, nil
}

// When returns the moment a reminder's page shows: its next occurrence,
// else its time, else its start.
func When(r remind.Reminder) time.Time {
	switch {
	case r.NextFireAt != nil:
		return r.Occurrence(*r.NextFireAt)
	case r.Time != nil:
		return *r.Time
	}
	return r.Start
}

// whenText is what mails and WeChat replies say of when a reminder fires:
// its next time, and for a repeating one its schedule in words
// ("2026-12-01 周二 09:30 (Asia/Shanghai)，每周二 09:30").
func whenText(rem remind.Reminder) string {
	s := FormatWhen(rem, When(rem))
	if rem.Recurring() {
		s += "，" + describe.Schedule(rem, describe.ZH)
	}
	return s
}

// UnsubscribeURL implements email.Links and wechat.Links: subscribers'
// deliveries carry their one-click unsubscribe link, and a delivery to a
// subscriber who has left fails for good instead of going out.
func (w *Web) UnsubscribeURL(ctx context.Context, d remind.Delivery) (string, error) {
	if !strings.HasPrefix(d.Recipient, "sub-") {
		return "", nil
	}
	sb, err := w.uc.ConfirmedSubscriber(ctx, d.TenantID, d.Recipient)
	if errors.Is(err, service.ErrUnsubscribed) {
		return "", deliver.Permanent(err)
	}
	if err != nil {
		return "", err
	}
	return w.unsubscribeURL(sb), nil
}

func (w *Web) unsubscribeURL(sb remind.Subscriber) string {
	return w.cfg.PublicURL + "/subscribe/unsubscribe/" + sb.Token
}

// ---- pages

func (w *Web) render(rw http.ResponseWriter, code int, name string, data any) {
	w.html.Render(rw, code, name, data)
}

type messagePage struct {
	PageTitle, Heading, Message, Title, LinkURL, LinkText string
}

func (w *Web) message(rw http.ResponseWriter, code int, p messagePage) {
	if p.PageTitle == "" {
		p.PageTitle = p.Heading
	}
	w.render(rw, code, "message.html", p)
}

func (w *Web) fail(rw http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, service.ErrCancelled):
		w.message(rw, http.StatusGone, messagePage{Heading: "提醒已取消 / Cancelled", Message: "组织者取消了这个提醒，不会再发出，也不能再订阅。The organiser cancelled this reminder: it will not fire again and takes no subscriptions."})
		return
	case errors.Is(err, service.ErrOver):
		w.message(rw, http.StatusGone, messagePage{Heading: "提醒已结束 / Over", Message: "这个提醒已经没有以后的时间，不能再订阅。This reminder has nothing left to fire, so it takes no subscriptions."})
		return
	}
	switch remind.CodeOf(err) {
	case remind.CodeNotFound:
		w.message(rw, http.StatusNotFound, messagePage{Heading: "找不到 / Not found", Message: "这个链接无效或提醒已删除。This link is not valid, or the reminder was deleted."})
	case remind.CodeInvalid:
		w.message(rw, http.StatusBadRequest, messagePage{Heading: "无效输入 / Invalid input", Message: err.Error()})
	case remind.CodeConflict:
		w.message(rw, http.StatusConflict, messagePage{Heading: "无法订阅 / Cannot subscribe", Message: "这个提醒的订阅人数已满。This reminder has as many subscribers as it may have."})
	default:
		if r.Context().Err() == nil {
			w.cfg.Log.Error("web: internal error", "path", r.URL.Path, "err", err)
		}
		w.message(rw, http.StatusInternalServerError, messagePage{Heading: "出错了 / Something went wrong", Message: "请稍后再试。Please try again later."})
	}
}

type subscribePage struct {
	PageTitle, Title, Desc, ExternalURL string
	Lang                                string // "zh" or "en": the viewer's
	Inviter, Avatar                     string // the tenant's display name and avatar URL
	WhenISO, WhenText, Zone             string
	Schedule                            string // the schedule in words, in the viewer's language
	Recurring, Email, Over              bool
	EmailAction, CalendarURL            string
	WebcalURL                           template.URL // the calendar as a subscription (webcal://, which html/template would refuse as a string); made here from PublicURL and the token
	WeChatQR                            string
	InWeChat                            bool   // the page is open in WeChat's own browser
	WeChatSignIn                        string // inside WeChat's browser: the link that subscribes by WeChat's sign-in (no QR code to scan)
	WebPushKey, WebPushAction           string // "" when web push is off for the reminder
	PushBlocked                         string // why this browser cannot be notified, when the server can tell
}

func (w *Web) page(rw http.ResponseWriter, r *http.Request) {
	l, rem, err := w.uc.Link(r.Context(), r.PathValue("token"))
	if errors.Is(err, service.ErrCancelled) {
		// Name what was cancelled: the person scanned its poster.
		w.message(rw, http.StatusGone, messagePage{Heading: "提醒已取消 / Cancelled", Title: rem.Title,
			Message: "组织者取消了这个提醒，不会再发出，也不能再订阅。The organiser cancelled this reminder: it will not fire again and takes no subscriptions."})
		return
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := describe.Negotiate(r.Header.Get("Accept-Language"))
	at := When(rem)
	loc := zone.OrUTC(rem.TZ)
	title := rem.Title
	if title == "" {
		title = "提醒 / Reminder"
	}
	p := subscribePage{
		PageTitle: title, Title: title, Desc: rem.Desc, ExternalURL: rem.ExternalURL, Lang: string(lang),
		WhenISO: at.UTC().Format(time.RFC3339), WhenText: describe.Moment(at.In(loc), lang, true), Zone: loc.String(),
		Schedule: describe.Schedule(rem, lang), Recurring: rem.Recurring(), Email: w.cfg.Mailer != nil,
		Over:        rem.Status != remind.StatusActive || rem.NextFireAt == nil,
		EmailAction: "/s/" + l.Token + "/email", CalendarURL: "/s/" + l.Token + "/calendar.ics",
		WebcalURL: webcal(w.PageURL(l) + "/calendar.ics"),
		InWeChat:  strings.Contains(r.UserAgent(), "MicroMessenger"),
	}
	if t, err := w.rems.GetTenant(r.Context(), l.TenantID); err == nil {
		p.Inviter = t.DisplayName
		if p.Inviter == "" {
			p.Inviter = t.Name
		}
		if strings.HasPrefix(t.AvatarURL, "https://") {
			p.Avatar = t.AvatarURL
		}
	}
	if p.Over {
		w.render(rw, http.StatusOK, "subscribe.html", p)
		return
	}
	if w.webPushOn(rem) {
		p.WebPushKey, p.WebPushAction = w.cfg.VAPIDPublicKey, "/s/"+l.Token+"/webpush"
		p.PushBlocked = pushBlocked(r, p.InWeChat, w.cfg.PublicURL)
	}
	if w.cfg.WeChat != nil && p.InWeChat {
		// The phone showing this page cannot scan a code on its own
		// screen: sign in with WeChat instead.
		p.WeChatSignIn = "/s/" + l.Token + "/wechat"
	} else if w.cfg.WeChat != nil {
		if ticket, err := w.ticket(r.Context(), l); err == nil {
			p.WeChatQR = w.cfg.WeChat.ShowQRURL(ticket)
		} else {
			w.cfg.Log.Warn("web: wechat qr", "err", err)
		}
	}
	w.render(rw, http.StatusOK, "subscribe.html", p)
}

// webcal turns an http(s) URL of ours into the webcal:// one calendars
// subscribe to.
func webcal(u string) template.URL {
	return template.URL("webcal://" + strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"))
}

// pushBlocked says why browser notifications cannot work here, when the
// server can tell from the request: inside WeChat's browser, or on a page
// not served over https (browsers allow push only in secure contexts;
// loopback counts as one). The page's script checks the rest (iPhone
// outside a home-screen app, a browser without push).
func pushBlocked(r *http.Request, inWeChat bool, publicURL string) string {
	if inWeChat {
		return "微信内置浏览器不能显示通知：点右上角「···」选择「在浏览器打开」。WeChat's browser cannot show notifications: tap ··· and open this page in your browser."
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	// Behind a TLS-terminating proxy the request is plain http: an https
	// public URL for the very host asked for counts as https.
	pub, _ := url.Parse(publicURL)
	secure := r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" ||
		pub != nil && pub.Scheme == "https" && strings.EqualFold(pub.Host, r.Host) ||
		host == "localhost" || net.ParseIP(host) != nil && net.ParseIP(host).IsLoopback()
	if !secure {
		return "通知需要 https 网址，这个网址是 http。Notifications need an https address and this page is on http: ask the organiser to serve it over https."
	}
	return ""
}

func (w *Web) qr(rw http.ResponseWriter, r *http.Request) {
	l, _, err := w.uc.Link(r.Context(), r.PathValue("token"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	page := w.PageURL(l)
	img := newImage(func() ([]byte, error) { return QRPNG(page, 400) }, "qr", imageVersion, page, 400)
	// A link's URL never changes: a day's caching, then revalidation.
	if err := w.images.serve(rw, r, img, "public, max-age=86400"); err != nil {
		w.fail(rw, r, err)
	}
}

// calendar serves the reminder as a calendar file and live feed: a
// cancelled reminder stays in the feed as STATUS:CANCELLED, so calendars
// subscribed to it strike the event on their next refresh.
func (w *Web) calendar(rw http.ResponseWriter, r *http.Request) {
	l, rem, err := w.uc.Link(r.Context(), r.PathValue("token"))
	if errors.Is(err, service.ErrCancelled) {
		err = nil
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	body := ICS(rem, When(rem), w.PageURL(l), w.cfg.Now())
	rw.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="reminder.ics"`)
	rw.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(rw, body)
}

func (w *Web) subscribeEmail(rw http.ResponseWriter, r *http.Request) {
	if !w.uc.EmailOn() {
		w.message(rw, http.StatusNotFound, messagePage{Heading: "不支持 / Not available", Message: "这里没有配置邮件订阅。E-mail subscriptions are not set up here."})
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, 8<<10)
	sb, rem, outcome, err := w.uc.SubscribeEmail(r.Context(), r.PathValue("token"), r.PostFormValue("email"))
	switch {
	case errors.Is(err, service.ErrConfirmationNotSent):
		w.cfg.Log.Warn("web: confirmation mail", "err", err)
		w.message(rw, http.StatusBadGateway, messagePage{Heading: "发送失败 / Could not send", Message: "确认邮件没有发出去，请稍后再试。The confirmation mail could not be sent; please try again later."})
	case err != nil:
		w.fail(rw, r, err)
	case outcome == service.AlreadySubscribed:
		w.message(rw, http.StatusOK, messagePage{Heading: "已订阅 / Subscribed", Message: sb.Address + " 已经订阅了这个提醒。" + sb.Address + " is subscribed already.", Title: rem.Title})
	default:
		w.message(rw, http.StatusOK, messagePage{Heading: "请查收邮件 / Check your inbox", Message: "我们已向 " + sb.Address + " 发送确认邮件，点击其中的链接完成订阅。We sent a confirmation link to " + sb.Address + ".", Title: rem.Title})
	}
}

// SendConfirmation implements service.Confirmer: the double opt-in mail.
func (w *Web) SendConfirmation(ctx context.Context, sb remind.Subscriber, rem remind.Reminder) error {
	msg, err := w.confirmationMail(sb, rem)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return w.cfg.Mailer.Send(ctx, msg)
}

func (w *Web) confirmationMail(sb remind.Subscriber, rem remind.Reminder) (email.Message, error) {
	confirm := w.cfg.PublicURL + "/subscribe/confirm/" + sb.Token
	unsub := w.unsubscribeURL(sb)
	title := rem.Title
	if title == "" {
		title = "提醒 / Reminder"
	}
	data := map[string]string{"Title": title, "When": whenText(rem), "Confirm": confirm, "Unsubscribe": unsub}
	var tb, hb bytes.Buffer
	if err := textPages.ExecuteTemplate(&tb, "confirm.txt", data); err != nil {
		return email.Message{}, err
	}
	if err := pages.ExecuteTemplate(&hb, "confirm-mail.html", data); err != nil {
		return email.Message{}, err
	}
	msg := email.Message{To: sb.Address, Subject: "请确认订阅 / Confirm: " + strings.Join(strings.Fields(title), " "), Text: tb.String(), HTML: hb.String()}
	email.Unsubscribe(&msg, unsub)
	return msg, nil
}

func (w *Web) confirm(rw http.ResponseWriter, r *http.Request) {
	sb, rem, err := w.uc.Confirm(r.Context(), r.PathValue("token"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	zh, en := subscriberLabel(sb)
	w.message(rw, http.StatusOK, messagePage{Heading: "订阅成功 / Subscribed", Message: "提醒到时会发到 " + zh + "。The reminder will be sent to " + en + ".",
		Title: rem.Title, LinkURL: w.unsubscribeURL(sb), LinkText: "退订 / Unsubscribe"})
}

// unsubscribePage answers the unsubscribe link of a mail or message with
// a page of one button that POSTs to the same URL: a GET changes nothing,
// so mail scanners that fetch every link unsubscribe nobody.
func (w *Web) unsubscribePage(rw http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	sb, rem, err := w.uc.Subscriber(r.Context(), token)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	title := rem.Title
	if sb.State == remind.SubscriberUnsubscribed {
		w.unsubscribed(rw, sb, title)
		return
	}
	zh, en := subscriberLabel(sb)
	w.render(rw, http.StatusOK, "unsubscribe.html", struct {
		PageTitle, Who, WhoEn, Title, Action string
	}{PageTitle: "退订 / Unsubscribe", Who: zh, WhoEn: en, Title: title, Action: "/subscribe/unsubscribe/" + token})
}

// unsubscribe ends a subscription on POST: the page's button, or a mail
// client's RFC 8058 one-click POST (List-Unsubscribe=One-Click) to the
// List-Unsubscribe URL, which needs no page. The link's 128-bit token is
// what authorises it; cross-origin browser POSTs are refused besides, as
// the dashboard refuses them (mail providers' servers send no Origin).
func (w *Web) unsubscribe(rw http.ResponseWriter, r *http.Request) {
	if err := w.cop.Check(r); err != nil {
		w.message(rw, http.StatusForbidden, messagePage{Heading: "拒绝 / Refused", Message: "跨站请求被拒绝。Cross-origin request refused."})
		return
	}
	sb, err := w.uc.Unsubscribe(r.Context(), r.PathValue("token"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	w.unsubscribed(rw, sb, "")
}

func (w *Web) unsubscribed(rw http.ResponseWriter, sb remind.Subscriber, title string) {
	zh, en := subscriberLabel(sb)
	w.message(rw, http.StatusOK, messagePage{Heading: "已退订 / Unsubscribed", Message: zh + " 不会再收到这个提醒。" + en + " will not receive this reminder any more.", Title: title})
}

// subscriberLabel names a subscriber for its own pages, in Chinese and
// English: the e-mail address, or the channel. A Web Push subscription's
// address holds its keys, which no page shows; its push service's host
// tells the person which browser it is.
func subscriberLabel(sb remind.Subscriber) (zh, en string) {
	switch sb.Channel {
	case remind.ChannelEmail:
		return sb.Address, sb.Address
	case remind.ChannelWeChat:
		return "你的微信", "Your WeChat"
	case remind.ChannelWebPush:
		var sub struct {
			Endpoint string `json:"endpoint"`
		}
		if json.Unmarshal([]byte(sb.Address), &sub) == nil {
			if u, err := url.Parse(sub.Endpoint); err == nil && u.Hostname() != "" {
				return "这个浏览器（" + u.Hostname() + "）", "This browser (" + u.Hostname() + ")"
			}
		}
		return "这个浏览器", "This browser"
	}
	return "这个订阅", "This subscription"
}

// ---- WeChat callback (plaintext mode; safe mode with WeChatCrypto)

func (w *Web) wechatSigned(r *http.Request) bool {
	q := r.URL.Query()
	return wechat.CheckSignature(w.cfg.WeChatToken, q.Get("signature"), q.Get("timestamp"), q.Get("nonce"))
}

func (w *Web) wechatVerify(rw http.ResponseWriter, r *http.Request) {
	if !w.wechatAllowed(rw, r) {
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(rw, r.URL.Query().Get("echostr"))
}

func (w *Web) wechatEvent(rw http.ResponseWriter, r *http.Request) {
	if !w.wechatAllowed(rw, r) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, 64<<10))
	if err != nil {
		http.Error(rw, "bad body", http.StatusBadRequest)
		return
	}
	if body, err = w.wechatOpen(r, body); err != nil {
		w.wechatRefuse(rw, err)
		return
	}
	ev, err := wechat.ParseEvent(body)
	if err != nil {
		http.Error(rw, "bad XML", http.StatusBadRequest)
		return
	}
	scene, ok := ev.Scene()
	if !ok || ev.FromUserName == "" {
		_, _ = io.WriteString(rw, "success") // WeChat's "nothing to say"
		return
	}
	reply, err := w.wechatSubscribe(r.Context(), scene, ev.FromUserName)
	if err != nil {
		if remind.CodeOf(err) == "" {
			w.cfg.Log.Error("web: wechat subscribe", "err", err)
			http.Error(rw, "internal error", http.StatusInternalServerError) // WeChat retries
			return
		}
		switch {
		case errors.Is(err, service.ErrCancelled):
			reply = "这个提醒已取消。This reminder was cancelled."
		case errors.Is(err, service.ErrOver):
			reply = "这个提醒已结束，不能再订阅。This reminder is over and takes no subscriptions."
		default:
			reply = "这个提醒已不存在。This reminder no longer exists."
		}
	}
	out := wechat.TextReply(ev, reply, w.cfg.Now())
	if w.cfg.WeChatCrypto != nil {
		if out, err = w.cfg.WeChatCrypto.Seal(out, strconv.FormatInt(w.cfg.Now().Unix(), 10), r.URL.Query().Get("nonce")); err != nil {
			w.cfg.Log.Error("web: wechat reply", "err", err)
			_, _ = io.WriteString(rw, "success") // subscribed; only the reply is lost
			return
		}
	}
	rw.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = rw.Write(out)
}

// wechatOpen returns the message of a callback POST: the body itself in
// plaintext mode, the decrypted <Encrypt> in safe mode, where
// msg_signature (over the ciphertext too) is what authenticates it.
func (w *Web) wechatOpen(r *http.Request, body []byte) ([]byte, error) {
	if w.cfg.WeChatCrypto == nil {
		return body, nil
	}
	q := r.URL.Query()
	if q.Get("encrypt_type") != "aes" {
		// Safe mode configured: a plaintext body is authenticated by nothing.
		return nil, fmt.Errorf("web: wechat: plaintext callback in safe mode: %w", wechat.ErrSignature)
	}
	return w.cfg.WeChatCrypto.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), body)
}

// wechatRefuse answers a callback that did not open: 403 for a bad
// signature, 400 for a bad ciphertext; never 500, which WeChat retries.
func (w *Web) wechatRefuse(rw http.ResponseWriter, err error) {
	w.cfg.Log.Warn("web: wechat callback refused", "err", err)
	if errors.Is(err, wechat.ErrSignature) {
		http.Error(rw, "bad signature", http.StatusForbidden)
		return
	}
	http.Error(rw, "bad message", http.StatusBadRequest)
}

// wechatSubscribe subscribes openid to the reminder of the scene (a
// subscribe token): scanning the code is the consent, so it is confirmed at once.
func (w *Web) wechatSubscribe(ctx context.Context, scene, openid string) (string, error) {
	l, rem, err := w.uc.Subscribable(ctx, scene)
	if err != nil {
		return "", err
	}
	sb, err := w.uc.SubscribeConfirmed(ctx, l, remind.ChannelWeChat, openid, openid, "")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已订阅「%s」，%s 提醒你。\n退订：%s", rem.Title, whenText(rem), w.unsubscribeURL(sb)), nil
}
