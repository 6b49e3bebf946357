package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/web/dashboard"
)

type noWake struct{}

func (noWake) Notify(context.Context, time.Time) {}

// fakeLinks gives every reminder in it a subscribe link.
type fakeLinks map[string]string // reminder id → token

func (f fakeLinks) SubscribeLinkOf(_ context.Context, tenantID, reminderID string) (remind.SubscribeLink, error) {
	if tok, ok := f[reminderID]; ok {
		return remind.SubscribeLink{Token: tok, TenantID: tenantID, ReminderID: reminderID}, nil
	}
	return remind.SubscribeLink{}, remind.NotFound("subscribe link")
}

type env struct {
	h          http.Handler
	st         store.Store
	svc        *service.Service
	apiA, apiB string // the tenants' API tokens
	tokA, tokB string // a dashboard session of each (the cookie's value)
	ta, tb     remind.Tenant
	links      fakeLinks
}

func newEnv(t *testing.T, publicURL string) *env {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	e := &env{st: st, svc: service.New(st, noWake{}, time.Now, service.Config{AllowPrivateTargets: true, NewSecret: func() string { return "whsec_test" + remind.NewToken(8) }}),
		links: fakeLinks{}}
	var err error
	if e.apiA, e.ta, err = e.svc.CreateToken(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if e.apiB, e.tb, err = e.svc.CreateToken(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if e.tokA, _, err = e.svc.SignIn(ctx, e.apiA); err != nil {
		t.Fatal(err)
	}
	if e.tokB, _, err = e.svc.SignIn(ctx, e.apiB); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	dashboard.New(dashboard.Config{PublicURL: publicURL, Audience: st}, e.svc, e.links).Register(mux)
	e.h = mux
	return e
}

// do sends a request, signed in with token unless it is "", with form as
// the body of a POST (and the session's CSRF token added unless form has one).
func (e *env) do(t *testing.T, method, path, token string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var body *strings.Reader
	if method == http.MethodPost {
		if form == nil {
			form = url.Values{}
		}
		if _, ok := form["csrf"]; !ok && token != "" {
			form.Set("csrf", dashboard.CSRFToken(token))
		}
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: dashboard.CookieName, Value: token})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func (e *env) reminder(t *testing.T, tn remind.Tenant, title string, in time.Duration) remind.Reminder {
	t.Helper()
	at := time.Now().Add(in)
	r, _, err := e.svc.CreateReminder(context.Background(), tn, service.CreateInput{Title: title, Time: &at})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) count(t *testing.T, tn remind.Tenant) (reminders, hooks int) {
	t.Helper()
	list, err := e.svc.ListReminders(context.Background(), tn, store.ListQuery{Limit: store.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	wh, err := e.svc.ListWebhooks(context.Background(), tn)
	if err != nil {
		t.Fatal(err)
	}
	return len(list), len(wh)
}

func wantCode(t *testing.T, rec *httptest.ResponseRecorder, code int, contains ...string) {
	t.Helper()
	if rec.Code != code {
		t.Fatalf("status %d, want %d; body:\n%s", rec.Code, code, rec.Body)
	}
	for _, s := range contains {
		if !strings.Contains(rec.Body.String(), s) {
			t.Fatalf("body lacks %q:\n%s", s, rec.Body)
		}
	}
}

func TestLogin(t *testing.T) {
	e := newEnv(t, "http://raas.example")
	for _, tc := range []struct {
		name  string
		token string
		hdr   []string
		code  int
		body  string
	}{
		{"empty", "", nil, http.StatusBadRequest, "Enter an API token"},
		{"unknown", "raas_nope", nil, http.StatusUnauthorized, "not valid"},
		{"cross-site", e.apiA, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, "cross-origin"},
		{"foreign origin", e.apiA, []string{"Origin", "https://evil.example"}, http.StatusForbidden, "cross-origin"},
		{"good", " " + e.apiA + " ", []string{"Sec-Fetch-Site", "same-origin"}, http.StatusSeeOther, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(t, "POST", "/dashboard/login", "", url.Values{"token": {tc.token}}, tc.hdr...)
			wantCode(t, rec, tc.code, tc.body)
			cookies := rec.Result().Cookies()
			if tc.code != http.StatusSeeOther {
				if len(cookies) != 0 {
					t.Fatalf("cookie set on a failed sign-in: %v", cookies)
				}
				return
			}
			if loc := rec.Header().Get("Location"); loc != "/dashboard" {
				t.Fatalf("redirect to %q", loc)
			}
			if len(cookies) != 1 {
				t.Fatalf("cookies %v", cookies)
			}
			c := cookies[0]
			// The cookie holds a new session's id, never the API token.
			if c.Name != dashboard.CookieName || c.Value == e.apiA || strings.Contains(c.Value, e.apiA) || len(c.Value) != 64 || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/dashboard" || c.Secure {
				t.Fatalf("cookie %+v", c)
			}
		})
	}

	// Over https the cookie is Secure.
	es := newEnv(t, "https://raas.example/")
	rec := es.do(t, "POST", "/dashboard/login", "", url.Values{"token": {es.apiA}})
	wantCode(t, rec, http.StatusSeeOther)
	if c := rec.Result().Cookies(); len(c) != 1 || !c[0].Secure {
		t.Fatalf("cookie over https: %v", c)
	}

	// Signed in, the login page sends to the overview; the overview shows the tenant.
	wantCode(t, e.do(t, "GET", "/dashboard/login", e.tokA, nil), http.StatusSeeOther)
	rec = e.do(t, "GET", "/dashboard", e.tokA, nil)
	wantCode(t, rec, http.StatusOK, `id="tenant">alice<`)
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("CSP %q", csp)
	}

	// Sign-out clears the cookie.
	rec = e.do(t, "POST", "/dashboard/logout", e.tokA, nil)
	wantCode(t, rec, http.StatusSeeOther)
	if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 || c[0].Value != "" {
		t.Fatalf("sign-out cookie %v", c)
	}
}

func TestSignedOutRedirects(t *testing.T) {
	e := newEnv(t, "")
	r := e.reminder(t, e.ta, "x", time.Hour)
	for _, tc := range []struct{ method, path, token string }{
		{"GET", "/dashboard", ""},
		{"GET", "/dashboard/", ""},
		{"GET", "/dashboard/reminders", ""},
		{"GET", "/dashboard/reminders/" + r.ID, ""},
		{"GET", "/dashboard/webhooks", "raas_revoked"},
		{"POST", "/dashboard/reminders/" + r.ID + "/cancel", ""},
		{"POST", "/dashboard/reminders/" + r.ID + "/cancel", "raas_revoked"},
	} {
		rec := e.do(t, tc.method, tc.path, tc.token, nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/dashboard/login" {
			t.Fatalf("%s %s: %d → %q", tc.method, tc.path, rec.Code, rec.Header().Get("Location"))
		}
		if tc.token != "" {
			if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
				t.Fatalf("%s %s: a stale cookie is not cleared: %v", tc.method, tc.path, c)
			}
		}
	}
	if got, _ := e.svc.GetReminder(context.Background(), e.ta, r.ID); got.Status != remind.StatusActive {
		t.Fatalf("status %s after signed-out cancels", got.Status)
	}
	// GET is not a way to change anything.
	wantCode(t, e.do(t, "GET", "/dashboard/logout", e.tokA, nil), http.StatusMethodNotAllowed)
	wantCode(t, e.do(t, "GET", "/dashboard/webhooks/"+r.ID+"/delete", e.tokA, nil), http.StatusMethodNotAllowed)
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, "")
	r := e.reminder(t, e.ta, "keep me", time.Hour)
	wh, err := e.svc.CreateWebhook(context.Background(), e.ta, "https://hooks.example/a")
	if err != nil {
		t.Fatal(err)
	}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/dashboard/reminders/" + r.ID + "/cancel", nil},
		{"/dashboard/reminders/" + r.ID + "/delete", nil},
		{"/dashboard/reminders/new", url.Values{"text": {"tomorrow 3pm x"}, "action": {"create"}}},
		{"/dashboard/webhooks", url.Values{"url": {"https://hooks.example/b"}}},
		{"/dashboard/webhooks/" + wh.ID + "/delete", nil},
		{"/dashboard/recipients", url.Values{"uid": {"u1"}, "name": {"U"}}},
		{"/dashboard/logout", nil},
	}
	for _, p := range posts {
		for _, tc := range []struct {
			name string
			csrf []string
			hdr  []string
		}{
			{"missing", nil, nil},
			{"empty", []string{""}, nil},
			{"wrong", []string{dashboard.CSRFToken(e.tokB)}, nil},
			{"cross-site with token", []string{dashboard.CSRFToken(e.tokA)}, []string{"Sec-Fetch-Site", "cross-site"}},
		} {
			form := url.Values{}
			for k, v := range p.form {
				form[k] = v
			}
			// A key with no values is sent as nothing, and stops do from adding the right token.
			form["csrf"] = tc.csrf
			rec := e.do(t, "POST", p.path, e.tokA, form, tc.hdr...)
			if rec.Code != http.StatusForbidden {
				t.Fatalf("POST %s (%s): %d, want 403\n%s", p.path, tc.name, rec.Code, rec.Body)
			}
		}
	}
	if got, err := e.svc.GetReminder(context.Background(), e.ta, r.ID); err != nil || got.Status != remind.StatusActive {
		t.Fatalf("reminder after refused posts: %v %v", got.Status, err)
	}
	if n, hooks := e.count(t, e.ta); n != 1 || hooks != 1 {
		t.Fatalf("after refused posts: %d reminders, %d webhooks", n, hooks)
	}
	if _, err := e.svc.GetRecipient(context.Background(), e.ta, "u1"); err == nil {
		t.Fatal("recipient written by a refused post")
	}
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, "")
	mine := e.reminder(t, e.ta, "alice's", time.Hour)
	theirs := e.reminder(t, e.tb, "bob's secret", time.Hour)
	hook, err := e.svc.CreateWebhook(context.Background(), e.tb, "https://hooks.example/bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/dashboard/reminders/" + theirs.ID},
		{"GET", "/dashboard/reminders/" + theirs.ID + "/cancel"},
		{"GET", "/dashboard/reminders/" + theirs.ID + "/delete"},
		{"POST", "/dashboard/reminders/" + theirs.ID + "/cancel"},
		{"POST", "/dashboard/reminders/" + theirs.ID + "/delete"},
		{"POST", "/dashboard/webhooks/" + hook.ID + "/delete"},
		{"GET", "/dashboard/reminders/" + strings.Repeat("0", 32)},
		{"GET", "/dashboard/reminders/not-an-id"},
		{"GET", "/dashboard/reminders/" + mine.ID + "/explode"},
	} {
		rec := e.do(t, tc.method, tc.path, e.tokA, nil)
		wantCode(t, rec, http.StatusNotFound, "Not found")
		if strings.Contains(rec.Body.String(), "bob's secret") {
			t.Fatalf("%s %s shows bob's reminder", tc.method, tc.path)
		}
	}
	if got, err := e.svc.GetReminder(context.Background(), e.tb, theirs.ID); err != nil || got.Status != remind.StatusActive {
		t.Fatalf("bob's reminder: %v %v", got.Status, err)
	}
	if _, hooks := e.count(t, e.tb); hooks != 1 {
		t.Fatal("bob's webhook was deleted")
	}
	for _, path := range []string{"/dashboard", "/dashboard/reminders", "/dashboard/webhooks"} {
		rec := e.do(t, "GET", path, e.tokA, nil)
		wantCode(t, rec, http.StatusOK)
		if strings.Contains(rec.Body.String(), theirs.ID) || strings.Contains(rec.Body.String(), "bob") {
			t.Fatalf("%s shows bob's things:\n%s", path, rec.Body)
		}
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders", e.tokA, nil), http.StatusOK, mine.ID)
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, "")
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
		want               []string
	}{
		{"no text", "POST", "/dashboard/reminders/new", url.Values{"text": {" "}, "action": {"create"}}, []string{`id="text-error"`, "Say when"}},
		{"no time in text", "POST", "/dashboard/reminders/new", url.Values{"text": {"buy milk"}, "action": {"create"}}, []string{`id="text-error"`, "no time found"}},
		{"no time, preview", "POST", "/dashboard/reminders/new", url.Values{"text": {"buy milk"}, "action": {"preview"}}, []string{`id="text-error"`}},
		{"bad zone", "POST", "/dashboard/reminders/new", url.Values{"text": {"tomorrow 3pm tea"}, "tz": {"Mars/Olympus"}, "action": {"create"}}, []string{`id="tz-error"`, "unknown time zone"}},
		{"bad recipient", "POST", "/dashboard/reminders/new", url.Values{"text": {"tomorrow 3pm tea"}, "recipients": {"ok, a/b"}, "action": {"create"}}, []string{`id="recipients-error"`, `a/b`}},
		{"long title", "POST", "/dashboard/reminders/new", url.Values{"text": {"tomorrow 3pm tea"}, "title": {strings.Repeat("x", 201)}, "action": {"create"}}, []string{`id="title-error"`, "at most 200"}},
		{"past time", "POST", "/dashboard/reminders/new", url.Values{"text": {"2001-01-01 10:00 old"}, "action": {"create"}}, []string{`id="text-error"`}},
		{"bad webhook", "POST", "/dashboard/webhooks", url.Values{"url": {"ftp://x"}}, []string{`id="url-error"`, "http or https"}},
		{"empty webhook", "POST", "/dashboard/webhooks", url.Values{"url": {""}}, []string{`id="url-error"`, "required"}},
		{"bad recipient email", "POST", "/dashboard/recipients", url.Values{"uid": {"u1"}, "email": {"nope"}}, []string{`id="email-error"`}},
		{"bad status", "GET", "/dashboard/reminders?status=sleeping", nil, []string{"status: must be"}},
		{"bad limit", "GET", "/dashboard/reminders?limit=0", nil, []string{"limit: must be"}},
		{"bad cursor", "GET", "/dashboard/reminders?cursor=zzz", nil, []string{"cursor"}},
		{"bad uid", "GET", "/dashboard/recipients?uid=a%2Fb", nil, []string{"uid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, e.do(t, tc.method, tc.path, e.tokA, tc.form), http.StatusBadRequest, tc.want...)
		})
	}
	if n, hooks := e.count(t, e.ta); n != 0 || hooks != 0 {
		t.Fatalf("bad input wrote %d reminders, %d webhooks", n, hooks)
	}
	if _, err := e.svc.GetRecipient(context.Background(), e.ta, "u1"); err == nil {
		t.Fatal("bad input wrote a recipient")
	}
}

var idRE = regexp.MustCompile(`^/dashboard/reminders/([0-9a-f]{32})$`)

func TestCreatePreviewCancelDelete(t *testing.T) {
	e := newEnv(t, "https://raas.example")
	form := url.Values{"text": {"every monday 9am standup"}, "tz": {"Europe/Berlin"}}

	// A preview shows the parse and writes nothing.
	form.Set("action", "preview")
	rec := e.do(t, "POST", "/dashboard/reminders/new", e.tokA, form)
	wantCode(t, rec, http.StatusOK, `id="preview"`, "FREQ=WEEKLY", "Europe/Berlin", ` Mon<`)
	if n, _ := e.count(t, e.ta); n != 0 {
		t.Fatal("preview wrote a reminder")
	}

	form.Set("action", "create")
	rec = e.do(t, "POST", "/dashboard/reminders/new", e.tokA, form)
	wantCode(t, rec, http.StatusSeeOther)
	m := idRE.FindStringSubmatch(rec.Header().Get("Location"))
	if m == nil {
		t.Fatalf("create redirects to %q", rec.Header().Get("Location"))
	}
	id := m[1]
	rem, err := e.svc.GetReminder(context.Background(), e.ta, id)
	if err != nil || rem.Source != "dashboard" || rem.TZ != "Europe/Berlin" || !rem.Recurring() {
		t.Fatalf("created %+v %v", rem, err)
	}
	next := rem.NextFireAt.In(mustZone(t, "Europe/Berlin")).Format(dashboard.TimeFormat)
	if !strings.HasSuffix(next, "09:00 Mon") {
		t.Fatalf("next firing %s", next)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+id, e.tokA, nil), http.StatusOK, `id="rrule"`, next, "standup", `id="cancel"`)
	wantCode(t, e.do(t, "GET", "/dashboard/reminders?status=active", e.tokA, nil), http.StatusOK, id, next)
	wantCode(t, e.do(t, "GET", "/dashboard", e.tokA, nil), http.StatusOK, next, `id="count-active" href="/dashboard/reminders?status=active"><strong>1</strong>`)

	// A subscribe link shows with its QR code.
	e.links[id] = "tok123"
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+id, e.tokA, nil), http.StatusOK, `href="https://raas.example/s/tok123"`, `src="/s/tok123/qr.png"`, `href="/s/tok123/poster.png?size=a5"`)

	// Cancel: a confirmation page, then the POST.
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+id+"/cancel", e.tokA, nil), http.StatusOK, `action="/dashboard/reminders/`+id+`/cancel"`, dashboard.CSRFToken(e.tokA))
	rec = e.do(t, "POST", "/dashboard/reminders/"+id+"/cancel", e.tokA, nil)
	wantCode(t, rec, http.StatusSeeOther)
	rec = e.do(t, "GET", "/dashboard/reminders/"+id, e.tokA, nil)
	wantCode(t, rec, http.StatusOK, "status-cancelled")
	if strings.Contains(rec.Body.String(), `id="cancel"`) || strings.Contains(rec.Body.String(), "qr.png") {
		t.Fatal("a cancelled reminder still offers cancel or its QR code")
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders?status=active", e.tokA, nil), http.StatusOK, `id="empty"`)

	// Delete.
	wantCode(t, e.do(t, "POST", "/dashboard/reminders/"+id+"/delete", e.tokA, nil), http.StatusSeeOther)
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+id, e.tokA, nil), http.StatusNotFound)
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestPagination(t *testing.T) {
	e := newEnv(t, "")
	var ids []string
	for i := range 3 {
		ids = append(ids, e.reminder(t, e.ta, "r", time.Duration(i+1)*time.Hour).ID)
	}
	// Pages follow id order, and ids made in one millisecond sort randomly:
	// name the reminders by their place in that order.
	slices.Sort(ids)
	if _, err := e.svc.CancelReminder(context.Background(), e.ta, ids[1]); err != nil {
		t.Fatal(err)
	}
	rec := e.do(t, "GET", "/dashboard/reminders?limit=2", e.tokA, nil)
	wantCode(t, rec, http.StatusOK, ids[0], ids[1], `id="next-page" href="/dashboard/reminders?cursor=`+ids[1]+`&amp;limit=2"`)
	rec = e.do(t, "GET", "/dashboard/reminders?limit=2&cursor="+ids[1], e.tokA, nil)
	wantCode(t, rec, http.StatusOK, ids[2], `id="first-page"`)
	if strings.Contains(rec.Body.String(), "next-page") || strings.Contains(rec.Body.String(), ids[0]) {
		t.Fatalf("second page:\n%s", rec.Body)
	}
	rec = e.do(t, "GET", "/dashboard/reminders?status=cancelled", e.tokA, nil)
	wantCode(t, rec, http.StatusOK, ids[1])
	if strings.Contains(rec.Body.String(), ids[0]) {
		t.Fatal("the status filter let an active reminder through")
	}
}

func TestWebhooksAndRecipients(t *testing.T) {
	e := newEnv(t, "")
	rec := e.do(t, "POST", "/dashboard/webhooks", e.tokA, url.Values{"url": {"https://hooks.example/a"}})
	wantCode(t, rec, http.StatusCreated, `id="secret">whsec_test`, "https://hooks.example/a")
	hooks, _ := e.svc.ListWebhooks(context.Background(), e.ta)
	if len(hooks) != 1 {
		t.Fatalf("%d webhooks", len(hooks))
	}
	rec = e.do(t, "GET", "/dashboard/webhooks", e.tokA, nil)
	wantCode(t, rec, http.StatusOK, "https://hooks.example/a", "/dashboard/webhooks/"+hooks[0].ID+"/delete")
	if strings.Contains(rec.Body.String(), "whsec_") {
		t.Fatal("the secret shows again")
	}
	wantCode(t, e.do(t, "POST", "/dashboard/webhooks/"+hooks[0].ID+"/delete", e.tokA, nil), http.StatusSeeOther)
	if _, n := e.count(t, e.ta); n != 0 {
		t.Fatal("webhook not deleted")
	}

	wantCode(t, e.do(t, "GET", "/dashboard/recipients?uid=u1", e.tokA, nil), http.StatusOK, `id="not-found"`)
	rec = e.do(t, "POST", "/dashboard/recipients", e.tokA, url.Values{"uid": {"u1"}, "name": {"Ursula"}, "email": {"u@example.com"}, "webhook_url": {"https://hooks.example/u"}})
	wantCode(t, rec, http.StatusOK, `id="saved"`, `id="secret">whsec_test`)
	rc, err := e.svc.GetRecipient(context.Background(), e.ta, "u1")
	if err != nil || rc.Name != "Ursula" || rc.Email != "u@example.com" {
		t.Fatalf("recipient %+v %v", rc, err)
	}
	at := time.Now().Add(time.Hour)
	rem, _, err := e.svc.CreateReminder(context.Background(), e.ta, service.CreateInput{Title: "with people", Time: &at, Recipients: []string{"u1", "ghost"}})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+rem.ID, e.tokA, nil), http.StatusOK, "Ursula", "e-mail, webhook, in-app inbox", "ghost", "no recipient record")
	wantCode(t, e.do(t, "POST", "/dashboard/recipients/u1/delete", e.tokA, nil), http.StatusSeeOther)
	if _, err := e.svc.GetRecipient(context.Background(), e.ta, "u1"); err == nil {
		t.Fatal("recipient not deleted")
	}

	// A uid with characters that need escaping in a path is deleted by its own form.
	const odd = "a b%ü"
	wantCode(t, e.do(t, "POST", "/dashboard/recipients", e.tokA, url.Values{"uid": {odd}, "name": {"Odd"}}), http.StatusOK, `id="saved"`)
	wantCode(t, e.do(t, "GET", "/dashboard/recipients?uid="+url.QueryEscape(odd), e.tokA, nil), http.StatusOK, `action="/dashboard/recipients/a%20b%25%C3%BC/delete"`)
	wantCode(t, e.do(t, "POST", "/dashboard/recipients/a%20b%25%c3%bc/delete", e.tokA, nil), http.StatusSeeOther)
	if _, err := e.svc.GetRecipient(context.Background(), e.ta, odd); err == nil {
		t.Fatal("odd recipient not deleted")
	}
}

// TestSessionsEndOnSignOutAndRevoke: the cookie holds a server-side
// session: signing out ends it even if the cookie is replayed, revoking
// the token ends every session opened with it at once, and an API token
// in the cookie is no session at all.
func TestSessionsEndOnSignOutAndRevoke(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	signIn := func() string {
		t.Helper()
		rec := e.do(t, "POST", "/dashboard/login", "", url.Values{"token": {e.apiA}})
		wantCode(t, rec, http.StatusSeeOther)
		return rec.Result().Cookies()[0].Value
	}
	signedOut := func(what, session string) {
		t.Helper()
		rec := e.do(t, "GET", "/dashboard", session, nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/dashboard/login" {
			t.Fatalf("%s: %d → %q, want signed out", what, rec.Code, rec.Header().Get("Location"))
		}
	}
	s1 := signIn()
	wantCode(t, e.do(t, "GET", "/dashboard", s1, nil), http.StatusOK, `id="tenant">alice<`)
	wantCode(t, e.do(t, "POST", "/dashboard/logout", s1, nil), http.StatusSeeOther)
	signedOut("replayed cookie after sign-out", s1)
	signedOut("the API token as a cookie", e.apiB)

	s2 := signIn()
	wantCode(t, e.do(t, "GET", "/dashboard", s2, nil), http.StatusOK)
	toks, err := e.svc.ListTokens(ctx, e.ta)
	if err != nil || len(toks) != 1 {
		t.Fatalf("ListTokens = %v, %v", toks, err)
	}
	if err := e.svc.RevokeToken(ctx, e.ta, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	signedOut("session after its token was revoked", s2)
	signedOut("the other session of the revoked token", e.tokA)
	wantCode(t, e.do(t, "GET", "/dashboard", e.tokB, nil), http.StatusOK, `id="tenant">bob<`)
	wantCode(t, e.do(t, "POST", "/dashboard/login", "", url.Values{"token": {e.apiA}}), http.StatusUnauthorized, "not valid")
}
