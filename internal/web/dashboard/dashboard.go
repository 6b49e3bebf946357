// Package dashboard serves the owners' (tenants') web dashboard under
// /dashboard: sign in with an API token, see and page through reminders,
// create one from natural-language text with a preview, cancel and delete,
// and manage webhooks and recipients. Pages are rendered on the server with
// html/template from embedded templates; forms work without JavaScript.
//
// Signing in with an API token opens a server-side session (in the store,
// so any instance behind a load balancer can serve any request) bound to
// the token's id. The cookie (HttpOnly, SameSite=Strict, Path=/dashboard)
// holds only the session's random id, of which the store keeps the hash;
// the API token itself is never stored in the browser. Every request looks
// the session up: revoking the token deletes its sessions and ends them at
// once, and signing out deletes the session. Every state-changing form is
// a POST carrying a CSRF token derived from the session id by HMAC, and
// cross-origin POSTs are refused before that (http.CrossOriginProtection).
package dashboard

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/ratelimit"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/timeparse"
	"github.com/raasdev/raas/internal/web/htmlpage"
	"github.com/raasdev/raas/internal/zone"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// Service is what the dashboard needs of the service layer (*service.Service).
type Service interface {
	SignIn(ctx context.Context, token string) (sessionID string, t remind.Tenant, err error)
	Session(ctx context.Context, sessionID string) (remind.Tenant, error)
	SignOut(ctx context.Context, sessionID string) error
	Now() time.Time
	Parse(t remind.Tenant, text, tz string, now time.Time) (timeparse.Schedule, error)
	Summarize(ctx context.Context, t remind.Tenant, next int) (service.Summary, error)
	CreateReminder(ctx context.Context, t remind.Tenant, in service.CreateInput) (remind.Reminder, bool, error)
	GetReminder(ctx context.Context, t remind.Tenant, id string) (remind.Reminder, error)
	ListReminders(ctx context.Context, t remind.Tenant, q store.ListQuery) ([]remind.Reminder, error)
	UpdateReminder(ctx context.Context, t remind.Tenant, id string, p service.Patch) (remind.Reminder, error)
	CancelReminder(ctx context.Context, t remind.Tenant, id string) (remind.Reminder, error)
	DeleteReminder(ctx context.Context, t remind.Tenant, id string) error
	Deliveries(ctx context.Context, t remind.Tenant, id string) ([]store.DeliveryWithAttempts, error)
	FailedDeliveries(ctx context.Context, t remind.Tenant, since time.Time, limit int) ([]remind.Delivery, error)
	AckStates(ctx context.Context, t remind.Tenant, id string) ([]remind.AckState, error)
	ListWebhooks(ctx context.Context, t remind.Tenant) ([]remind.Webhook, error)
	CreateWebhook(ctx context.Context, t remind.Tenant, url string) (remind.Webhook, error)
	DeleteWebhook(ctx context.Context, t remind.Tenant, id string) error
	GetRecipient(ctx context.Context, t remind.Tenant, uid string) (remind.Recipient, error)
	PutRecipient(ctx context.Context, t remind.Tenant, uid string, in service.RecipientInput) (remind.Recipient, error)
	DeleteRecipient(ctx context.Context, t remind.Tenant, uid string) error
	UpdateTenant(ctx context.Context, t remind.Tenant, p service.TenantPatch) (remind.Tenant, error)
	ListTokens(ctx context.Context, t remind.Tenant) ([]remind.APIToken, error)
	IssueToken(ctx context.Context, t remind.Tenant) (string, remind.APIToken, error)
	RevokeToken(ctx context.Context, t remind.Tenant, id string) error
	Reach(ctx context.Context, t remind.Tenant, r remind.Reminder) (service.Reach, error)
}

// Links finds a reminder's subscribe link (see internal/web); the
// dashboard shows the link and its QR code when the reminder has one.
type Links interface {
	SubscribeLinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error)
}

// Config holds the dashboard's settings.
type Config struct {
	PublicURL string // base of subscribe links; an https URL makes the cookie Secure
	Log       *slog.Logger
	// Channels are the channels this server delivers on (those with a
	// sender); the pages offer and list only these. nil means all.
	Channels []string
	// Audience, when set, lists a reminder's subscribers on its page and
	// lets the owner remove them.
	Audience Audience
	// Feeds, when set, gives each recipient's page the URL of their
	// calendar feed (internal/web).
	Feeds Feeds
}

// Feeds makes recipients' calendar feeds (*web.Web).
type Feeds interface {
	FeedURL(ctx context.Context, tenantID, uid string) (string, error)
}

// CookieName is the session cookie's name.
const CookieName = "raas_dashboard"

// Limits of what a page reads.
const (
	upcomingCount = 5   // next reminders the overview lists
	pageSize      = 50  // reminders a list page shows unless ?limit= says otherwise
	maxDeliveries = 100 // most recent deliveries the detail page shows
	maxLookups    = 50  // recipients the detail page looks up
	maxForm       = 64 << 10
)

// Dashboard serves the pages.
type Dashboard struct {
	cfg   Config
	svc   Service
	links Links // nil: no subscribe links
	cop   *http.CrossOriginProtection
	page  htmlpage.Renderer
}

// New returns the dashboard; links may be nil.
func New(cfg Config, svc Service, links Links) *Dashboard {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Dashboard{
		cfg: cfg, svc: svc, links: links, cop: http.NewCrossOriginProtection(),
		page: htmlpage.Renderer{Templates: pages, Referrer: "same-origin", Log: cfg.Log,
			CSP: "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
	}
}

// Register adds the dashboard's routes to mux.
func (d *Dashboard) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /dashboard/login", d.loginForm)
	mux.HandleFunc("POST /dashboard/login", d.login)
	mux.Handle("POST /dashboard/logout", d.post(d.logout))
	mux.Handle("GET /dashboard", d.get(d.overview))
	mux.Handle("GET /dashboard/{$}", d.get(d.overview))
	mux.Handle("GET /dashboard/reminders", d.get(d.reminders))
	mux.Handle("GET /dashboard/reminders/new", d.get(d.newForm))
	mux.Handle("POST /dashboard/reminders/new", d.post(d.create))
	mux.Handle("GET /dashboard/reminders/{id}", d.get(d.reminder))
	mux.Handle("GET /dashboard/reminders/{id}/{action}", d.get(d.confirm))
	mux.Handle("POST /dashboard/reminders/{id}/{action}", d.post(d.act))
	mux.Handle("POST /dashboard/parse", d.post(d.parse))
	mux.Handle("POST /dashboard/reminders/{id}/subscribers/{sub}/remove", d.post(d.removeSubscriber))
	mux.Handle("GET /dashboard/tokens", d.get(d.tokens))
	mux.Handle("POST /dashboard/tokens", d.post(d.createToken))
	mux.Handle("POST /dashboard/settings", d.post(d.saveSettings))
	mux.Handle("POST /dashboard/settings/owner", d.post(d.saveOwner))
	mux.Handle("POST /dashboard/tokens/{id}/revoke", d.post(d.revokeToken))
	mux.Handle("GET /dashboard/webhooks", d.get(d.webhooks))
	mux.Handle("POST /dashboard/webhooks", d.post(d.createWebhook))
	mux.Handle("POST /dashboard/webhooks/{id}/delete", d.post(d.deleteWebhook))
	mux.Handle("GET /dashboard/recipients", d.get(d.recipients))
	mux.Handle("POST /dashboard/recipients", d.post(d.putRecipient))
	mux.Handle("POST /dashboard/recipients/{uid}/delete", d.post(d.deleteRecipient))
	sub, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /dashboard/assets/", http.StripPrefix("/dashboard/assets/", http.FileServerFS(sub)))
}

// ---- sessions

// session is a signed-in request's tenant and session id.
type session struct {
	Tenant remind.Tenant
	id     string
	CSRF   string
}

// CSRFToken returns the CSRF token of a session id: an HMAC keyed by the
// session id, so it needs no more state and changes with the session.
func CSRFToken(sessionID string) string {
	m := hmac.New(sha256.New, []byte(sessionID))
	m.Write([]byte("raas dashboard csrf v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// errSignedOut means the request carries no valid session.
var errSignedOut = errors.New("dashboard: not signed in")

// session finds the session of the request's cookie and charges the
// request to its tenant's rate limit (to its address's without one).
func (d *Dashboard) session(r *http.Request) (session, error) {
	s, err := d.lookup(r)
	var authErr error
	if errors.Is(err, errSignedOut) {
		authErr = err
	}
	if lerr := ratelimit.Charge(r.Context(), s.Tenant.ID, authErr); lerr != nil && lerr != authErr {
		return session{}, lerr
	}
	return s, err
}

func (d *Dashboard) lookup(r *http.Request) (session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 256 {
		return session{}, errSignedOut
	}
	t, err := d.svc.Session(r.Context(), c.Value)
	if remind.CodeOf(err) == remind.CodeUnauthorized {
		return session{}, errSignedOut
	}
	if err != nil {
		return session{}, err
	}
	return session{Tenant: t, id: c.Value, CSRF: CSRFToken(c.Value)}, nil
}

func (d *Dashboard) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(d.cfg.PublicURL, "https://")
}

func (d *Dashboard) setCookie(w http.ResponseWriter, r *http.Request, value string) {
	c := &http.Cookie{Name: CookieName, Value: value, Path: "/dashboard", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: d.secure(r)}
	if value == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// signIn sends a signed-out request to the sign-in page, dropping a cookie
// that no longer authenticates.
func (d *Dashboard) signIn(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(CookieName); err == nil {
		d.setCookie(w, r, "")
	}
	http.Redirect(w, r, "/dashboard/login", http.StatusSeeOther)
}

type handler func(w http.ResponseWriter, r *http.Request, s session) error

// get serves a page to a signed-in owner.
func (d *Dashboard) get(fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := d.session(r)
		if errors.Is(err, errSignedOut) {
			d.signIn(w, r)
			return
		}
		if err == nil {
			err = fn(w, r, s)
		}
		if err != nil {
			d.fail(w, r, s, err)
		}
	})
}

// post runs a state-changing form: same-origin only, signed in, with the
// session's CSRF token.
func (d *Dashboard) post(fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := d.cop.Check(r); err != nil {
			d.forbidden(w, "cross-origin request refused")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			d.fail(w, r, session{}, remind.Invalid("form", "cannot be read: %v", err))
			return
		}
		s, err := d.session(r)
		if errors.Is(err, errSignedOut) {
			d.signIn(w, r)
			return
		}
		if err != nil {
			d.fail(w, r, s, err)
			return
		}
		if !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(s.CSRF)) {
			d.forbidden(w, "the form's CSRF token is missing or wrong; reload the page and try again")
			return
		}
		if err := fn(w, r, s); err != nil {
			d.fail(w, r, s, err)
		}
	})
}

type loginPage struct {
	base
	Error string
}

func (d *Dashboard) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := d.lookup(r); err == nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	d.render(w, http.StatusOK, "login.html", loginPage{base: base{PageTitle: "Sign in"}})
}

func (d *Dashboard) login(w http.ResponseWriter, r *http.Request) {
	// The sign-in form carries no CSRF token (there is no session yet); the
	// cross-origin check keeps other sites from signing a browser in.
	if err := d.cop.Check(r); err != nil {
		d.forbidden(w, "cross-origin request refused")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	token := strings.TrimSpace(r.PostFormValue("token"))
	if token == "" || len(token) > 256 {
		d.render(w, http.StatusBadRequest, "login.html", loginPage{base: base{PageTitle: "Sign in"}, Error: "Enter an API token (raas token create makes one)."})
		return
	}
	id, _, err := d.svc.SignIn(r.Context(), token)
	if err != nil {
		if remind.CodeOf(err) != remind.CodeUnauthorized {
			d.fail(w, r, session{}, err)
			return
		}
		d.render(w, http.StatusUnauthorized, "login.html", loginPage{base: base{PageTitle: "Sign in"}, Error: "This API token is not valid."})
		return
	}
	d.setCookie(w, r, id)
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request, s session) error {
	if err := d.svc.SignOut(r.Context(), s.id); err != nil {
		return err
	}
	d.setCookie(w, r, "")
	http.Redirect(w, r, "/dashboard/login", http.StatusSeeOther)
	return nil
}

// ---- rendering

// base is what every page's layout shows.
type base struct {
	PageTitle string
	Nav       string // the section to highlight
	Session   *session
}

func (d *Dashboard) render(w http.ResponseWriter, code int, name string, data any) {
	d.page.Render(w, code, name, data)
}

type errorPage struct {
	base
	Heading, Message string
}

func (d *Dashboard) forbidden(w http.ResponseWriter, msg string) {
	d.render(w, http.StatusForbidden, "error.html", errorPage{base: base{PageTitle: "Forbidden"}, Heading: "Forbidden", Message: msg})
}

// fail answers an error as a page: not found (also another tenant's
// reminder), invalid input, conflict, or an internal error.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, s session, err error) {
	p := errorPage{base: base{Session: signedIn(s)}}
	code := http.StatusInternalServerError
	switch remind.CodeOf(err) {
	case remind.CodeNotFound:
		code, p.Heading, p.Message = http.StatusNotFound, "Not found", "There is no such "+notFoundWhat(err)+" here."
	case remind.CodeInvalid, remind.CodeNoTime:
		code, p.Heading, p.Message = http.StatusBadRequest, "Invalid input", err.Error()
	case remind.CodeConflict:
		code, p.Heading, p.Message = http.StatusConflict, "Not possible now", err.Error()
	case remind.CodePrecondition:
		code, p.Heading, p.Message = http.StatusConflict, "Changed meanwhile", "The reminder was changed since you opened the form. Open it again to see the changes, then edit."
	case remind.CodeRateLimited:
		code, p.Heading, p.Message = http.StatusTooManyRequests, "Too many requests", err.Error()
	default:
		if r.Context().Err() == nil {
			d.cfg.Log.Error("dashboard: internal error", "path", r.URL.Path, "err", err)
		}
		p.Heading, p.Message = "Something went wrong", "Please try again later."
	}
	p.PageTitle = p.Heading
	d.render(w, code, "error.html", p)
}

func notFoundWhat(err error) string {
	var e *remind.Error
	if errors.As(err, &e) && strings.HasSuffix(e.Message, " not found") {
		return strings.TrimSuffix(e.Message, " not found")
	}
	return "page"
}

func signedIn(s session) *session {
	if s.id == "" {
		return nil
	}
	return &s
}

// TimeFormat is how the pages show a moment (in the reminder's zone).
const TimeFormat = "2006-01-02 15:04 Mon"

func (d *Dashboard) in(t *time.Time, tz string) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(zone.OrUTC(tz)).Format(TimeFormat)
}
