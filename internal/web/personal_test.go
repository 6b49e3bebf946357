package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/inbox"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/sqlite"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/web"
)

var storeAll = store.ListQuery{Limit: store.MaxPage}

type noWake struct{}

func (noWake) Notify(context.Context, time.Time) {}

type personalEnv struct {
	st   *sqlite.Store
	svc  *service.Service
	hub  *inbox.Hub
	srv  *httptest.Server
	tn   remind.Tenant
	rem  remind.Reminder
	page string // path of alice's page
}

func personalSetup(t *testing.T) *personalEnv {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Now()
	tn := remind.Tenant{ID: remind.NewID(now), Name: "t", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour)
	rem := remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: "standup <b>", Time: &at, TZ: "Europe/Berlin", Start: at,
		Recipients: []string{"alice", "bob"}, Status: remind.StatusActive, NextFireAt: &at, Source: "v1", CreatedAt: now, UpdatedAt: now}
	if _, _, err := st.CreateReminder(ctx, rem, nil); err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, noWake{}, time.Now, service.Config{LinkKey: []byte("0123456789abcdef0123456789abcdef"), PublicURL: "https://raas.test"})
	hub := inbox.NewHub(nil, nil)
	w := web.New(web.Config{PublicURL: "https://raas.test"}, st, st)
	mux := http.NewServeMux()
	w.Register(mux)
	w.NewPersonal(svc, hub).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, err := svc.PersonalURL(ctx, tn, "alice")
	if err != nil || !strings.HasPrefix(u, "https://raas.test/me/") {
		t.Fatalf("PersonalURL = %q, %v", u, err)
	}
	return &personalEnv{st: st, svc: svc, hub: hub, srv: srv, tn: tn, rem: rem, page: strings.TrimPrefix(u, "https://raas.test")}
}

// item adds an inbox item of the reminder for uid, as the inbox channel does.
func (e *personalEnv) item(t *testing.T, uid, title string) remind.InboxItem {
	t.Helper()
	now := time.Now()
	it := remind.InboxItem{ID: remind.NewID(now), TenantID: e.tn.ID, UID: uid, ReminderID: e.rem.ID, Title: title, Occurrence: now, CreatedAt: now, UpdatedAt: now}
	if _, err := e.st.AddInboxItem(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	return it
}

func (e *personalEnv) status(t *testing.T, uid, id string) remind.InboxStatus {
	t.Helper()
	items, err := e.svc.Inbox(context.Background(), e.tn, uid, storeAll)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.ID == id {
			return it.Status
		}
	}
	t.Fatalf("item %s not in %s's inbox", id, uid)
	return 0
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func post(t *testing.T, u string, form url.Values, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := noRedirect().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// The page lists what fired (escaped) and what is coming, in the language
// asked for, under a strict CSP; another recipient's items stay off it.
func TestPersonalPageShows(t *testing.T) {
	e := personalSetup(t)
	e.item(t, "alice", "pay <script>alert(1)</script>")
	e.item(t, "bob", "bob's secret")
	for _, tc := range []struct {
		name, query, acceptLang string
		want                    []string
	}{
		{"zh by default", "", "", []string{"我的提醒", "确认", "明早", "接下来"}},
		{"en by Accept-Language", "", "en-US,en;q=0.9", []string{"My reminders", "Confirm", "Tomorrow morning", "Coming up"}},
		{"en by ?lang", "?lang=en", "zh-CN", []string{"My reminders", "In 10 min"}},
	} {
		code, body := fetch(t, "GET", e.srv.URL+e.page+tc.query, nil, "Accept-Language", tc.acceptLang)
		if code != 200 {
			t.Fatalf("%s: %d %s", tc.name, code, body)
		}
		for _, w := range append(tc.want, "pay &lt;script&gt;alert(1)&lt;/script&gt;", "standup &lt;b&gt;", "Europe/Berlin", "manifest.webmanifest") {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %q", tc.name, w)
			}
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "bob&#39;s secret") || strings.Contains(body, "bob's secret") {
			t.Errorf("%s: unescaped or another's item", tc.name)
		}
	}
	resp, err := http.Get(e.srv.URL + e.page)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") ||
		resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("headers %v", resp.Header)
	}
}

// An action link's GET shows a button and changes nothing; the POST does
// it, unless it comes from another origin; snooze, leave and the profile
// work the same way.
func TestPersonalActions(t *testing.T) {
	e := personalSetup(t)
	ctx := context.Background()
	it := e.item(t, "alice", "tea")
	base := e.srv.URL + e.page
	confirm := base + "/items/" + it.ID + "/confirm"
	code, body := fetch(t, "GET", confirm, nil)
	if code != 200 || !strings.Contains(body, `method="post"`) || !strings.Contains(body, "tea") {
		t.Fatalf("GET confirm: %d %s", code, body)
	}
	if st := e.status(t, "alice", it.ID); st != remind.InboxUnread {
		t.Fatalf("a GET changed the item: %v", st)
	}
	if resp := post(t, confirm, url.Values{}, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 || e.status(t, "alice", it.ID) != remind.InboxUnread {
		t.Fatalf("cross-site POST: %d", resp.StatusCode)
	}
	if resp := post(t, confirm, url.Values{}, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != 303 || e.status(t, "alice", it.ID) != remind.InboxConfirmed {
		t.Fatalf("POST confirm: %d, status %v", resp.StatusCode, e.status(t, "alice", it.ID))
	}
	if resp := post(t, confirm, url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("confirming twice: %d", resp.StatusCode)
	}
	// Snooze 10 minutes: the item is snoozed, its return planned.
	it2 := e.item(t, "alice", "water")
	if resp := post(t, base+"/items/"+it2.ID+"/snooze?for=10m", url.Values{}); resp.StatusCode != 303 || e.status(t, "alice", it2.ID) != remind.InboxSnoozed {
		t.Fatalf("snooze: %d", resp.StatusCode)
	}
	ds, err := e.st.ListDeliveries(ctx, e.tn.ID, e.rem.ID)
	if err != nil || len(ds) != 1 || ds[0].Channel != remind.ChannelInbox || ds[0].Recipient != "alice" || ds[0].DueAt.Before(time.Now().Add(9*time.Minute)) {
		t.Fatalf("snooze deliveries %+v %v", ds, err)
	}
	ev, _ := remind.DecodeEvent(ds[0].Payload)
	if ev.Data.SnoozedFrom != it2.ID || ev.Data.Links == nil || !strings.Contains(ev.Data.Links.Confirm, "/items/"+ds[0].ID+"/confirm") {
		t.Fatalf("snooze event %+v", ev.Data)
	}
	if resp := post(t, base+"/items/"+it2.ID+"/snooze?for=1h", url.Values{}); resp.StatusCode != 409 {
		t.Fatalf("second snooze: %d", resp.StatusCode)
	}
	if resp := post(t, base+"/items/"+it2.ID+"/snooze?for=3d", url.Values{}); resp.StatusCode != 400 {
		t.Fatalf("unknown snooze: %d", resp.StatusCode)
	}
	if code, _ := fetch(t, "GET", base+"/items/"+it2.ID+"/dance", nil); code != 400 {
		t.Fatalf("unknown action: %d", code)
	}
	// Another recipient's item is not found through alice's link.
	bobs := e.item(t, "bob", "bob's")
	if resp := post(t, base+"/items/"+bobs.ID+"/confirm", url.Values{}); resp.StatusCode != 404 || e.status(t, "bob", bobs.ID) != remind.InboxUnread {
		t.Fatalf("bob's item through alice's link: %d", resp.StatusCode)
	}
	// Profile and leave.
	if resp := post(t, base+"/profile", url.Values{"name": {"Alice A."}, "tz": {"Europe/Berlin"}, "lang": {"en"},
		"quiet_hours": {"22:00-07:30"}, "agenda": {"on"}}); resp.StatusCode != 303 {
		t.Fatalf("profile: %d", resp.StatusCode)
	}
	rc, err := e.st.GetRecipient(ctx, e.tn.ID, "alice")
	if err != nil || rc.Name != "Alice A." || rc.Profile.TZ != "Europe/Berlin" || rc.Profile.Lang != "en" || rc.Profile.QuietHours != "22:00-07:30" || !rc.Profile.AgendaOptIn {
		t.Fatalf("recipient %+v %v", rc, err)
	}
	// A bad zone or quiet hours is refused, naming the field, and changes nothing.
	for field, bad := range map[string]string{"tz": "Mars/Olympus", "quiet_hours": "25:00-07:00"} {
		v := url.Values{"name": {"X"}, "tz": {"Europe/Berlin"}, "quiet_hours": {"22:00-07:30"}}
		v.Set(field, bad)
		if resp := post(t, base+"/profile", v); resp.StatusCode != 400 {
			t.Errorf("profile with %s=%q: %d", field, bad, resp.StatusCode)
		}
	}
	if rc, _ := e.st.GetRecipient(ctx, e.tn.ID, "alice"); rc.Name != "Alice A." {
		t.Fatalf("a refused profile changed the name to %q", rc.Name)
	}
	if resp := post(t, base+"/leave/"+e.rem.ID, url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("leave: %d", resp.StatusCode)
	}
	r, _ := e.st.GetReminder(ctx, e.tn.ID, e.rem.ID)
	if len(r.Recipients) != 1 || r.Recipients[0] != "bob" {
		t.Fatalf("after leaving: %v", r.Recipients)
	}
	if resp := post(t, base+"/leave/"+e.rem.ID, url.Values{}); resp.StatusCode != 404 {
		t.Fatalf("leaving a reminder one is not in: %d", resp.StatusCode)
	}
}

// A revoked link answers 403 with a page saying so, everywhere under it;
// a forged one 404; the manifest and worker belong to the page's scope.
func TestPersonalLinkRevokedAndAssets(t *testing.T) {
	e := personalSetup(t)
	ctx := context.Background()
	base := e.srv.URL + e.page
	code, body := fetch(t, "GET", base+"/manifest.webmanifest?lang=en", nil)
	var m map[string]any
	if code != 200 || json.Unmarshal([]byte(body), &m) != nil || m["scope"] != e.page || m["display"] != "standalone" {
		t.Fatalf("manifest %d %s", code, body)
	}
	resp, err := http.Get(base + "/sw.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Service-Worker-Allowed") != e.page || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("worker %d %v", resp.StatusCode, resp.Header)
	}
	if code, _ := fetch(t, "GET", e.srv.URL+"/me/"+"x.y.0.AAAA", nil); code != 404 {
		t.Fatalf("forged link: %d", code)
	}
	it := e.item(t, "alice", "tea")
	if err := e.svc.RevokePersonalLinks(ctx, e.tn, "alice"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", "/items/" + it.ID + "/confirm", "/manifest.webmanifest", "/events"} {
		code, body := fetch(t, "GET", base+path+"?lang=en", nil)
		if code != 403 || !strings.Contains(body, "revoked") {
			t.Fatalf("revoked link %q: %d %s", path, code, body)
		}
	}
	if resp := post(t, base+"/items/"+it.ID+"/confirm", url.Values{}); resp.StatusCode != 403 || e.status(t, "alice", it.ID) != remind.InboxUnread {
		t.Fatalf("POST through a revoked link: %d", resp.StatusCode)
	}
	u, _ := e.svc.PersonalURL(ctx, e.tn, "alice")
	if code, _ := fetch(t, "GET", e.srv.URL+strings.TrimPrefix(u, "https://raas.test"), nil); code != 200 {
		t.Fatalf("the new link: %d", code)
	}
}

// The page's event stream tells of each new item of its recipient only.
func TestPersonalEvents(t *testing.T) {
	e := personalSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+e.page+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream %d %v", resp.StatusCode, resp.Header)
	}
	rd := bufio.NewReader(resp.Body)
	if line, _ := rd.ReadString('\n'); !strings.HasPrefix(line, ": following") {
		t.Fatalf("first line %q", line)
	}
	e.hub.Publish(ctx, remind.InboxItem{ID: "other", TenantID: e.tn.ID, UID: "bob", Title: "bob's"})
	e.hub.Publish(ctx, remind.InboxItem{ID: "mine", TenantID: e.tn.ID, UID: "alice", Title: "alice's"})
	var got []string
	for len(got) < 2 {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.TrimSpace(line); s != "" {
			got = append(got, s)
		}
	}
	if got[0] != "event: item" || !strings.Contains(got[1], `"id":"mine"`) {
		t.Fatalf("events %q", got)
	}
}
