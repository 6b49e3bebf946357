package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/httpjson"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/web/htmlpage"
	"github.com/raasdev/raas/internal/zone"
)

// A recipient's own page, /me/{token} (the token is a signed personal
// link, see service.PersonalURL): what is coming, what fired with confirm,
// reject and snooze on each item, leaving a reminder, and their profile.
// Every change is a POST from a same-origin form (link scanners prefetch
// GETs; http.CrossOriginProtection refuses other origins); the action
// links in messages (/me/{token}/items/{id}/{action}) open a page whose
// button posts. The page follows the inbox live (Server-Sent Events from
// the inbox hub) and is installable: a manifest and a service worker
// under its own scope.

// PersonalService is what the personal page needs of the use cases.
type PersonalService interface {
	Personal(ctx context.Context, token string) (service.Person, error)
	Inbox(ctx context.Context, t remind.Tenant, uid string, q store.ListQuery) ([]remind.InboxItem, error)
	InboxAction(ctx context.Context, t remind.Tenant, uid, itemID, action string) (remind.InboxItem, error)
	Snooze(ctx context.Context, t remind.Tenant, uid, itemID string, in service.SnoozeInput) (remind.InboxItem, time.Time, error)
	LeaveReminder(ctx context.Context, t remind.Tenant, id, uid string, meta map[string]string) (remind.Reminder, error)
	GetRecipient(ctx context.Context, t remind.Tenant, uid string) (remind.Recipient, error)
	AddPush(ctx context.Context, t remind.Tenant, uid, sub, endpoint string) (remind.Recipient, error)
	SaveProfile(ctx context.Context, t remind.Tenant, uid, name string, p remind.Profile) (remind.Recipient, error)
	RemovePush(ctx context.Context, t remind.Tenant, uid, endpoint string) error
}

// InboxFollower hears of new inbox items (the inbox channel's hub).
type InboxFollower interface {
	Follow(tenantID, uid string) (<-chan remind.InboxItem, func())
}

// Personal serves the personal pages.
type Personal struct {
	svc  PersonalService
	rems Reminders
	hub  InboxFollower
	now  func() time.Time
	html htmlpage.Renderer
	cop  *http.CrossOriginProtection
	web  *Web // the calendar feed's reminder scan (remindersOf)
}

// personalCSP: scripts and styles of this origin only; the page connects
// to its own event stream and push endpoints and installs its worker.
const personalCSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// NewPersonal returns the personal pages; w gives the reminders a
// recipient is in (as the calendar feed reads them).
func (w *Web) NewPersonal(svc PersonalService, hub InboxFollower) *Personal {
	return &Personal{svc: svc, rems: w.rems, hub: hub, now: w.cfg.Now, web: w, cop: http.NewCrossOriginProtection(),
		html: htmlpage.Renderer{Templates: pages, CSP: personalCSP, Referrer: "no-referrer", Log: w.cfg.Log}}
}

// Register adds the personal pages' routes.
func (p *Personal) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /me/{token}", p.page)
	mux.HandleFunc("GET /me/{token}/events", p.events)
	mux.HandleFunc("GET /me/{token}/manifest.webmanifest", p.manifest)
	mux.HandleFunc("GET /me/{token}/sw.js", p.worker)
	mux.HandleFunc("GET /me/{token}/items/{id}/{action}", p.actionPage)
	mux.HandleFunc("POST /me/{token}/items/{id}/{action}", p.act)
	mux.HandleFunc("POST /me/{token}/leave/{reminder}", p.leave)
	mux.HandleFunc("POST /me/{token}/profile", p.profile)
	mux.HandleFunc("POST /me/{token}/webpush", p.pushOn)
	mux.HandleFunc("POST /me/{token}/webpush/unsubscribe", p.pushOff)
}

// ---- language

// lang picks the page's language: ?lang=, else the first of zh or en in
// Accept-Language, else Chinese.
func lang(r *http.Request) string {
	switch l := r.URL.Query().Get("lang"); {
	case strings.HasPrefix(l, "en"):
		return "en"
	case strings.HasPrefix(l, "zh"):
		return "zh"
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "zh"
}

var personalText = map[string]map[string]string{
	"zh": {
		"title": "我的提醒", "coming": "接下来", "fired": "已提醒", "nothingComing": "没有要来的提醒。", "nothingFired": "还没有提醒过。",
		"confirm": "确认", "reject": "拒绝", "snooze10m": "10 分钟后", "snooze1h": "1 小时后", "snoozeTomorrow": "明早",
		"leave": "退订", "profile": "设置", "name": "名字", "save": "保存", "live": "实时更新中", "install": "可添加到主屏幕",
		"unread": "未读", "read": "已读", "confirmed": "已确认", "rejected": "已拒绝", "snoozed": "已推迟", "snoozedFrom": "推迟后再次提醒",
		"revoked": "链接已失效", "revokedMsg": "这个链接已被撤销，请向发送提醒的人要一个新链接。", "notFound": "找不到", "notFoundMsg": "这个链接无效。",
		"done": "完成", "back": "返回我的提醒", "conflict": "这个提醒已经处理过了。", "invalid": "无效输入",
		"sure": "确定要这样做吗？", "left": "你不会再收到这个提醒。", "saved": "已保存。", "push": "浏览器通知", "pushOn": "在此浏览器通知我", "pushOff": "停止在此浏览器通知", "tz": "时区", "tzHint": "例如 Asia/Shanghai；留空则用提醒的时区", "plang": "语言", "auto": "自动", "quiet": "免打扰时段", "quietHint": "例如 22:00-07:30；这段时间内的提醒推迟到结束时（紧急提醒除外）", "agenda": "每天早上 8 点发我当天的提醒清单",
		"refused": "跨站请求被拒绝。", "error": "出错了，请稍后再试。", "other": "English",
	},
	"en": {
		"title": "My reminders", "coming": "Coming up", "fired": "Fired", "nothingComing": "Nothing coming up.", "nothingFired": "Nothing has fired yet.",
		"confirm": "Confirm", "reject": "Reject", "snooze10m": "In 10 min", "snooze1h": "In 1 hour", "snoozeTomorrow": "Tomorrow morning",
		"leave": "Unsubscribe", "profile": "Settings", "name": "Name", "save": "Save", "live": "Live", "install": "Can be added to the home screen",
		"unread": "unread", "read": "read", "confirmed": "confirmed", "rejected": "rejected", "snoozed": "snoozed", "snoozedFrom": "back after a snooze",
		"revoked": "Link revoked", "revokedMsg": "This link was revoked: ask whoever sends you the reminders for a new one.", "notFound": "Not found", "notFoundMsg": "This link is not valid.",
		"done": "Done", "back": "Back to my reminders", "conflict": "This reminder was dealt with already.", "invalid": "Invalid input",
		"sure": "Do you want to do this?", "left": "You will not receive this reminder any more.", "saved": "Saved.", "push": "Browser notifications", "pushOn": "Notify me in this browser", "pushOff": "Stop notifying this browser", "tz": "Time zone", "tzHint": "e.g. Europe/Berlin; empty: each reminder's own", "plang": "Language", "auto": "Automatic", "quiet": "Quiet hours", "quietHint": "e.g. 22:00-07:30: reminders in them wait until they end (urgent ones do not)", "agenda": "Send me the day's reminders every morning at 8",
		"refused": "Cross-origin request refused.", "error": "Something went wrong; please try again later.", "other": "中文",
	},
}

// ---- the page

type comingView struct {
	ID, Title, When, Zone string
}

type itemView struct {
	ID, Title, Desc, When, Status, StatusText, ExternalURL string
	Open, Snoozed                                          bool
}

type personalPage struct {
	Lang, OtherLang, Base, PageTitle, Name, Notice string
	// The recipient's profile, as the settings form shows it.
	TZ, ProfileLang, QuietHours string
	Agenda                      bool
	// Web Push for this recipient (webpush.js): the server's key, where
	// the subscription is posted, and why this browser cannot (if known).
	WebPushKey, WebPushAction, PushBlocked string
	L                                      map[string]string
	Coming                                 []comingView
	Fired                                  []itemView
}

// maxFired is how many inbox items the page lists, newest first.
const maxFired = 50

// posted is person for a form POST: it also refuses one that did not come
// from this site (link scanners and other origins change nothing).
func (p *Personal) posted(rw http.ResponseWriter, r *http.Request) (service.Person, string, bool) {
	if err := p.cop.Check(r); err != nil {
		l := lang(r)
		p.message(rw, l, http.StatusForbidden, personalText[l]["refused"], personalText[l]["refused"], "")
		return service.Person{}, l, false
	}
	return p.person(rw, r)
}

func (p *Personal) person(rw http.ResponseWriter, r *http.Request) (service.Person, string, bool) {
	l := lang(r)
	who, err := p.svc.Personal(r.Context(), r.PathValue("token"))
	if err != nil {
		p.fail(rw, r, l, err)
		return who, l, false
	}
	return who, l, true
}

func (p *Personal) page(rw http.ResponseWriter, r *http.Request) {
	who, l, ok := p.person(rw, r)
	if !ok {
		return
	}
	ctx := r.Context()
	data := personalPage{Lang: l, OtherLang: map[string]string{"zh": "en", "en": "zh"}[l], Base: "/me/" + who.Token, L: personalText[l]}
	data.PageTitle = data.L["title"]
	if key := p.web.cfg.VAPIDPublicKey; key != "" {
		data.WebPushKey, data.WebPushAction = key, data.Base+"/webpush"
		data.PushBlocked = pushBlocked(r, strings.Contains(r.UserAgent(), "MicroMessenger"), p.web.cfg.PublicURL)
	}
	var mine *time.Location // the recipient's own zone, when they set one
	if rc, err := p.svc.GetRecipient(ctx, who.Tenant, who.UID); err == nil {
		data.Name = rc.Name
		data.TZ, data.ProfileLang, data.QuietHours, data.Agenda = rc.Profile.TZ, rc.Profile.Lang, rc.Profile.QuietHours, rc.Profile.AgendaOptIn
		if rc.Profile.TZ != "" {
			mine = zone.OrUTC(rc.Profile.TZ)
		}
	} else if !errors.Is(err, remind.ErrNotFound) {
		p.fail(rw, r, l, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "left":
		data.Notice = data.L["left"]
	case "saved":
		data.Notice = data.L["saved"]
	case "ok":
		data.Notice = data.L["done"]
	}
	rems, err := p.web.remindersOf(ctx, who.Tenant.ID, who.UID)
	if err != nil {
		p.fail(rw, r, l, err)
		return
	}
	slices.SortFunc(rems, func(a, b remind.Reminder) int { return compareNext(a.NextFireAt, b.NextFireAt) })
	for _, rem := range rems {
		if rem.Status != remind.StatusActive || rem.NextFireAt == nil {
			continue
		}
		loc := zone.OrUTC(rem.TZ)
		if mine != nil {
			loc = mine
		}
		data.Coming = append(data.Coming, comingView{ID: rem.ID, Title: orUntitled(rem.Title, l), When: rem.NextFireAt.In(loc).Format("2006-01-02 15:04"), Zone: loc.String()})
	}
	items, err := p.svc.Inbox(ctx, who.Tenant, who.UID, store.ListQuery{Limit: store.MaxPage})
	if err != nil {
		p.fail(rw, r, l, err)
		return
	}
	slices.SortFunc(items, func(a, b remind.InboxItem) int { return b.CreatedAt.Compare(a.CreatedAt) })
	zones := map[string]*time.Location{}
	for _, rem := range rems {
		zones[rem.ID] = zone.OrUTC(rem.TZ)
	}
	for _, it := range items[:min(len(items), maxFired)] {
		loc := zones[it.ReminderID]
		switch {
		case mine != nil:
			loc = mine
		case loc == nil:
			loc = zone.OrUTC(who.Tenant.TZ)
		}
		st := it.Status.String()
		data.Fired = append(data.Fired, itemView{ID: it.ID, Title: orUntitled(it.Title, l), Desc: it.Desc, ExternalURL: webLink(it.ExternalURL),
			When: it.Occurrence.In(loc).Format("2006-01-02 15:04"), Status: st, StatusText: data.L[st],
			Open: it.Status.Snoozable(), Snoozed: it.SnoozedFrom != ""})
	}
	rw.Header().Set("Vary", "Accept-Language")
	p.html.Render(rw, http.StatusOK, "me.html", data)
}

func compareNext(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

func orUntitled(title, l string) string {
	if strings.TrimSpace(title) != "" {
		return title
	}
	return map[string]string{"zh": "提醒", "en": "Reminder"}[l]
}

// webLink returns s when it is an http(s) URL, else "".
func webLink(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return s
}

// ---- actions

// snoozeOf reads which snooze an action link names: for=10m, for=1h, or
// when=tomorrow (tomorrow morning, read in the reminder's zone).
func snoozeOf(q url.Values) (service.SnoozeInput, string, bool) {
	switch {
	case q.Get("for") == "10m":
		return service.SnoozeInput{For: "10m"}, "snooze10m", true
	case q.Get("for") == "1h":
		return service.SnoozeInput{For: "1h"}, "snooze1h", true
	case q.Get("when") == "tomorrow":
		return service.SnoozeInput{Text: "明天早上"}, "snoozeTomorrow", true
	}
	return service.SnoozeInput{}, "", false
}

type actionPage struct {
	Lang, PageTitle, Heading, Message, Action, Button, Back string
	Title                                                   string
	L                                                       map[string]string
}

// actionPage answers the GET of an action link: a page whose button posts.
func (p *Personal) actionPage(rw http.ResponseWriter, r *http.Request) {
	who, l, ok := p.person(rw, r)
	if !ok {
		return
	}
	t := personalText[l]
	label, ok := actionLabel(r)
	if !ok {
		p.fail(rw, r, l, remind.Invalid("action", "must be confirm, reject or snooze"))
		return
	}
	title := ""
	if it, err := p.item(r.Context(), who, r.PathValue("id")); err == nil {
		title = it.Title
	}
	base := "/me/" + who.Token
	p.html.Render(rw, http.StatusOK, "me-action.html", actionPage{Lang: l, PageTitle: t[label], Heading: t[label], Message: t["sure"], Title: title,
		Action: r.URL.Path + query(r), Button: t[label], Back: base + "?lang=" + l, L: t})
}

func query(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

// actionLabel returns the text key of the action a URL names.
func actionLabel(r *http.Request) (string, bool) {
	switch r.PathValue("action") {
	case "confirm", "reject":
		return r.PathValue("action"), true
	case "snooze":
		_, label, ok := snoozeOf(r.URL.Query())
		return label, ok
	}
	return "", false
}

// item finds one of the recipient's items (for its title).
func (p *Personal) item(ctx context.Context, who service.Person, id string) (remind.InboxItem, error) {
	items, err := p.svc.Inbox(ctx, who.Tenant, who.UID, store.ListQuery{After: beforeID(id), Limit: 1})
	if err != nil {
		return remind.InboxItem{}, err
	}
	if len(items) == 1 && items[0].ID == id {
		return items[0], nil
	}
	return remind.InboxItem{}, remind.NotFound("inbox item")
}

// beforeID returns the 32-hex id just below id (a list after it starts at id).
func beforeID(id string) string {
	if !remind.IsID(id) {
		return ""
	}
	b := []byte(id)
	for i := len(b) - 1; i >= 0; i-- {
		switch b[i] {
		case '0':
			b[i] = 'f'
			continue
		case 'a':
			b[i] = '9'
		default:
			b[i]--
		}
		return string(b)
	}
	return ""
}

// act does what an action link or a page button asks, then shows the
// page again (303).
func (p *Personal) act(rw http.ResponseWriter, r *http.Request) {
	who, l, ok := p.posted(rw, r)
	if !ok {
		return
	}
	ctx, id := r.Context(), r.PathValue("id")
	var err error
	switch action := r.PathValue("action"); action {
	case "confirm", "reject":
		_, err = p.svc.InboxAction(ctx, who.Tenant, who.UID, id, action)
	case "snooze":
		in, _, ok := snoozeOf(r.URL.Query())
		if !ok {
			err = remind.Invalid("for", "must be 10m or 1h, or when=tomorrow")
			break
		}
		_, _, err = p.svc.Snooze(ctx, who.Tenant, who.UID, id, in)
	default:
		err = remind.Invalid("action", "must be confirm, reject or snooze")
	}
	if err != nil {
		p.fail(rw, r, l, err)
		return
	}
	http.Redirect(rw, r, "/me/"+who.Token+"?lang="+l+"&done=ok#fired", http.StatusSeeOther)
}

// leave takes the recipient off one reminder.
func (p *Personal) leave(rw http.ResponseWriter, r *http.Request) {
	who, l, ok := p.posted(rw, r)
	if !ok {
		return
	}
	rem, err := p.rems.GetReminder(r.Context(), who.Tenant.ID, r.PathValue("reminder"))
	if err == nil && !slices.Contains(rem.Recipients, who.UID) {
		err = remind.NotFound("reminder")
	}
	if err == nil {
		_, err = p.svc.LeaveReminder(r.Context(), who.Tenant, rem.ID, who.UID, nil)
	}
	if err != nil {
		p.fail(rw, r, l, err)
		return
	}
	http.Redirect(rw, r, "/me/"+who.Token+"?lang="+l+"&done=left", http.StatusSeeOther)
}

// profile saves the recipient's settings: name, time zone, language,
// quiet hours and the morning agenda (the rest of the profile, preferred
// channels and the digest, is kept as it is).
func (p *Personal) profile(rw http.ResponseWriter, r *http.Request) {
	who, l, ok := p.posted(rw, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		p.fail(rw, r, l, remind.Invalid("name", "the form could not be read"))
		return
	}
	ctx := r.Context()
	rc, err := p.svc.GetRecipient(ctx, who.Tenant, who.UID)
	if err != nil && !errors.Is(err, remind.ErrNotFound) {
		p.fail(rw, r, l, err)
		return
	}
	prof := rc.Profile
	prof.TZ, prof.Lang = strings.TrimSpace(r.PostForm.Get("tz")), r.PostForm.Get("lang")
	prof.QuietHours, prof.AgendaOptIn = strings.TrimSpace(r.PostForm.Get("quiet_hours")), r.PostForm.Get("agenda") == "on"
	if _, err := p.svc.SaveProfile(ctx, who.Tenant, who.UID, strings.TrimSpace(r.PostForm.Get("name")), prof); err != nil {
		p.fail(rw, r, l, err)
		return
	}
	http.Redirect(rw, r, "/me/"+who.Token+"?lang="+l+"&done=saved", http.StatusSeeOther)
}

// pushOn turns notifications on in the browser that posts its
// PushSubscription (webpush.js, from the page's button).
func (p *Personal) pushOn(rw http.ResponseWriter, r *http.Request) {
	p.push(rw, r, true)
}

// pushOff turns them off ({"endpoint": …}, or the whole subscription).
func (p *Personal) pushOff(rw http.ResponseWriter, r *http.Request) {
	p.push(rw, r, false)
}

func (p *Personal) push(rw http.ResponseWriter, r *http.Request, on bool) {
	log := p.web.cfg.Log
	if err := p.cop.Check(r); err != nil {
		httpjson.WriteError(rw, r, log, &remind.Error{Code: remind.CodeForbidden, Message: "refused: the request did not come from this site"})
		return
	}
	if p.web.cfg.VAPIDPublicKey == "" {
		httpjson.WriteError(rw, r, log, errWebPushOff)
		return
	}
	who, err := p.svc.Personal(r.Context(), r.PathValue("token"))
	if err != nil {
		httpjson.WriteError(rw, r, log, err)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, webpush.MaxSubscriptionBytes))
	if err != nil {
		httpjson.WriteError(rw, r, log, remind.Invalid("subscription", "is larger than %d bytes", webpush.MaxSubscriptionBytes))
		return
	}
	if !on {
		var body struct {
			Endpoint string `json:"endpoint"`
		}
		if err := json.Unmarshal(raw, &body); err != nil || body.Endpoint == "" {
			httpjson.WriteError(rw, r, log, remind.Invalid("endpoint", "is required"))
			return
		}
		if err := p.svc.RemovePush(r.Context(), who.Tenant, who.UID, body.Endpoint); err != nil {
			httpjson.WriteError(rw, r, log, err)
			return
		}
		httpjson.WriteJSON(rw, http.StatusOK, map[string]any{"subscribed": false})
		return
	}
	sub, err := webpush.ParseSubscription(raw, p.web.cfg.AllowHTTPPush)
	if err != nil {
		httpjson.WriteError(rw, r, log, err)
		return
	}
	if _, err := p.svc.AddPush(r.Context(), who.Tenant, who.UID, sub.JSON(), sub.Endpoint); err != nil {
		httpjson.WriteError(rw, r, log, err)
		return
	}
	httpjson.WriteJSON(rw, http.StatusOK, map[string]any{"subscribed": true})
}

// ---- live updates, manifest, worker

// events streams the recipient's new inbox items (Server-Sent Events);
// the page reloads its list on each.
func (p *Personal) events(rw http.ResponseWriter, r *http.Request) {
	who, _, ok := p.person(rw, r)
	if !ok {
		return
	}
	fl, ok := rw.(http.Flusher)
	if !ok {
		http.Error(rw, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	items, stop := p.hub.Follow(who.Tenant.ID, who.UID)
	defer stop()
	h := rw.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	rw.WriteHeader(http.StatusOK)
	fmt.Fprint(rw, ": following\n\n")
	fl.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			fmt.Fprint(rw, ": keep-alive\n\n")
		case it := <-items:
			b, _ := json.Marshal(map[string]string{"id": it.ID, "title": it.Title}) // plain strings: cannot fail
			fmt.Fprintf(rw, "event: item\ndata: %s\n\n", b)
		}
		fl.Flush()
	}
}

// manifest makes the page installable; its scope is the page's own.
func (p *Personal) manifest(rw http.ResponseWriter, r *http.Request) {
	who, l, ok := p.person(rw, r)
	if !ok {
		return
	}
	base := "/me/" + who.Token
	m := map[string]any{
		"name": personalText[l]["title"] + " · RaaS", "short_name": personalText[l]["title"], "lang": map[string]string{"zh": "zh-CN", "en": "en"}[l],
		"start_url": base + "?lang=" + l, "scope": base, "id": base, "display": "standalone",
		"background_color": "#f3f5f8", "theme_color": "#1f4e79",
		"icons": []map[string]string{{"src": "/s-assets/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}},
	}
	rw.Header().Set("Content-Type", "application/manifest+json")
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Referrer-Policy", "no-referrer")
	_ = json.NewEncoder(rw).Encode(m)
}

// worker serves the page's service worker, allowed the page's scope: it
// shows pushed reminders (the site worker's code) and answers the page
// from the network, so the installed app always shows the current state.
func (p *Personal) worker(rw http.ResponseWriter, r *http.Request) {
	who, _, ok := p.person(rw, r)
	if !ok {
		return
	}
	b, err := fs.ReadFile(assetFS, "assets/me-sw.js")
	if err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Service-Worker-Allowed", "/me/"+who.Token)
	_, _ = rw.Write(b)
}

// ---- errors

type personalMessage struct {
	Lang, PageTitle, Heading, Message, Back string
	L                                       map[string]string
}

func (p *Personal) message(rw http.ResponseWriter, l string, code int, heading, msg, back string) {
	t := personalText[l]
	p.html.Render(rw, code, "me-message.html", personalMessage{Lang: l, PageTitle: heading, Heading: heading, Message: msg, Back: back, L: t})
}

func (p *Personal) fail(rw http.ResponseWriter, r *http.Request, l string, err error) {
	t := personalText[l]
	back := ""
	if tok := r.PathValue("token"); tok != "" && !errors.Is(err, service.ErrLinkRevoked) && r.PathValue("id") != "" {
		back = "/me/" + tok + "?lang=" + l
	}
	switch {
	case errors.Is(err, service.ErrLinkRevoked):
		p.message(rw, l, http.StatusForbidden, t["revoked"], t["revokedMsg"], "")
	case remind.CodeOf(err) == remind.CodeNotFound:
		p.message(rw, l, http.StatusNotFound, t["notFound"], t["notFoundMsg"], back)
	case remind.CodeOf(err) == remind.CodeConflict:
		p.message(rw, l, http.StatusConflict, t["done"], t["conflict"], back)
	case remind.CodeOf(err) == remind.CodeInvalid || remind.CodeOf(err) == remind.CodeUnprocessable || remind.CodeOf(err) == remind.CodeNoTime:
		p.message(rw, l, http.StatusBadRequest, t["invalid"], err.Error(), back)
	default:
		if r.Context().Err() == nil {
			p.web.cfg.Log.Error("web: personal page", "err", err) // the path holds the link's secret: not logged
		}
		p.message(rw, l, http.StatusInternalServerError, t["error"], t["error"], back)
	}
}
