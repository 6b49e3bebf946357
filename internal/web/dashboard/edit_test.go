package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/web/dashboard"
)

// TestEditReminder: the edit form previews how the text is read, in the
// viewer's language, and saves title, schedule, recipients and channels;
// an empty "when" keeps the schedule; a cancelled reminder offers neither
// edit nor cancel, and cancelling a done one is refused.
func TestEditReminder(t *testing.T) {
	e := newEnv(t, "")
	rem := e.reminder(t, e.ta, "old title", 3600e9)
	path := "/dashboard/reminders/" + rem.ID + "/edit"
	wantCode(t, e.do(t, "GET", path, e.tokA, nil), http.StatusOK, `value="old title"`, `name="etag"`, `name="channel" value="email"`)

	form := url.Values{"title": {"new title"}, "text": {"每周一、三、五晚上9点"}, "recipients": {"alice, bob"}, "channel": {"inbox", "email"}, "action": {"preview"}}
	rec := e.do(t, "POST", path, e.tokA, form, "Accept-Language", "zh-CN,zh;q=0.9")
	wantCode(t, rec, http.StatusOK, `id="preview-words">每周一、三、五 21:00`)
	if got, _ := e.svc.GetReminder(context.Background(), e.ta, rem.ID); got.Title != "old title" {
		t.Fatal("a preview saved")
	}
	form.Set("action", "save")
	wantCode(t, e.do(t, "POST", path, e.tokA, form), http.StatusSeeOther)
	got, err := e.svc.GetReminder(context.Background(), e.ta, rem.ID)
	if err != nil || got.Title != "new title" || got.RRule == "" || strings.Join(got.Recipients, ",") != "alice,bob" || strings.Join(got.Channels, ",") != "inbox,email" {
		t.Fatalf("saved %+v %v", got, err)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+rem.ID, e.tokA, nil, "Accept-Language", "en"), http.StatusOK,
		`id="schedule">Every Mon, Wed and Fri at 21:00`, "Not fired yet", `id="edit"`, "in-app inbox, e-mail")

	// An empty "when" keeps the schedule; a stale form is refused.
	etag := got.ETag()
	wantCode(t, e.do(t, "POST", path, e.tokA, url.Values{"title": {"third"}, "action": {"save"}, "etag": {etag}}), http.StatusSeeOther)
	if again, _ := e.svc.GetReminder(context.Background(), e.ta, rem.ID); again.Title != "third" || again.RRule != got.RRule {
		t.Fatalf("after keeping the schedule: %+v", again)
	}
	wantCode(t, e.do(t, "POST", path, e.tokA, url.Values{"title": {"stale"}, "action": {"save"}, "etag": {etag}}), http.StatusConflict, "Changed meanwhile")

	// Bad input comes back by its field.
	wantCode(t, e.do(t, "POST", path, e.tokA, url.Values{"text": {"nothing temporal"}, "action": {"save"}}), http.StatusBadRequest, `id="text-error"`)
	wantCode(t, e.do(t, "POST", path, e.tokA, url.Values{"recipients": {"a/b"}, "action": {"save"}}), http.StatusBadRequest, `id="recipients-error"`)
	wantCode(t, e.do(t, "POST", path, e.tokA, url.Values{"channel": {"pigeon"}, "action": {"save"}}), http.StatusBadRequest)
	// Another tenant's reminder is not found.
	wantCode(t, e.do(t, "GET", path, e.tokB, nil), http.StatusNotFound)

	// Cancelled: no edit, no cancel.
	if _, err := e.svc.CancelReminder(context.Background(), e.ta, rem.ID); err != nil {
		t.Fatal(err)
	}
	rec = e.do(t, "GET", "/dashboard/reminders/"+rem.ID, e.tokA, nil)
	wantCode(t, rec, http.StatusOK)
	for _, s := range []string{`id="edit"`, `id="cancel"`} {
		if strings.Contains(rec.Body.String(), s) {
			t.Errorf("a cancelled reminder offers %s", s)
		}
	}
	wantCode(t, e.do(t, "GET", path, e.tokA, nil), http.StatusConflict)
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+rem.ID+"/cancel", e.tokA, nil), http.StatusConflict, "nothing left to cancel")
}

// TestReminderPageLabels: no tenant-webhook promise when there is none.
func TestReminderPageLabels(t *testing.T) {
	e := newEnv(t, "")
	rem := e.reminder(t, e.ta, "alone", 3600e9)
	rec := e.do(t, "GET", "/dashboard/reminders/"+rem.ID, e.tokA, nil)
	wantCode(t, rec, http.StatusOK, `id="nobody"`)
	if strings.Contains(rec.Body.String(), "receive every firing") {
		t.Fatal("promises webhooks that do not exist")
	}
	if _, err := e.svc.CreateWebhook(context.Background(), e.ta, "https://hooks.example/x"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+rem.ID, e.tokA, nil), http.StatusOK, "webhook receives every firing")
}

// TestLivePreview: POST /dashboard/parse answers JSON for the script.
func TestLivePreview(t *testing.T) {
	e := newEnv(t, "")
	rec := e.do(t, "POST", "/dashboard/parse", e.tokA, url.Values{"text": {"every friday 3pm"}, "tz": {"Asia/Shanghai"}})
	var out map[string]string
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out["words"] != "Every Friday at 15:00" || out["zone"] != "Asia/Shanghai" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	rec = e.do(t, "POST", "/dashboard/parse", e.tokA, url.Values{"text": {"nothing temporal"}})
	if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out["error"] == "" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	// The CSRF token is required.
	wantCode(t, e.do(t, "POST", "/dashboard/parse", e.tokA, url.Values{"text": {"x"}, "csrf": {"wrong"}}), http.StatusForbidden)
}

// TestTokensPage: list, create (the secret shown once), revoke.
func TestTokensPage(t *testing.T) {
	e := newEnv(t, "")
	rec := e.do(t, "POST", "/dashboard/tokens", e.tokA, nil)
	wantCode(t, rec, http.StatusCreated, `id="secret">raas_`)
	ks, err := e.svc.ListTokens(context.Background(), e.ta)
	if err != nil || len(ks) != 2 {
		t.Fatalf("%d tokens, %v", len(ks), err)
	}
	var fresh remind.APIToken
	for _, k := range ks {
		if k.LastUsedAt.IsZero() && k.CreatedAt.After(fresh.CreatedAt) {
			fresh = k
		}
	}
	rec = e.do(t, "GET", "/dashboard/tokens", e.tokA, nil)
	wantCode(t, rec, http.StatusOK, fresh.ID, "never")
	if strings.Contains(rec.Body.String(), "raas_") {
		t.Fatal("a secret shows again")
	}
	wantCode(t, e.do(t, "POST", "/dashboard/tokens/"+fresh.ID+"/revoke", e.tokB, nil), http.StatusNotFound)
	wantCode(t, e.do(t, "POST", "/dashboard/tokens/"+fresh.ID+"/revoke", e.tokA, nil), http.StatusSeeOther)
	if ks, _ := e.svc.ListTokens(context.Background(), e.ta); len(ks) != 1 {
		t.Fatalf("%d tokens after revoking", len(ks))
	}
}

// TestFrontDoor: / says what the server is and links onwards.
func TestFrontDoor(t *testing.T) {
	st := newEnv(t, "https://raas.example")
	mux := http.NewServeMux()
	dashboard.New(dashboard.Config{PublicURL: "https://raas.example"}, st.svc, nil).RegisterHome(mux, dashboard.HomeConfig{Version: "v1.2.3", Docs: true})
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	wantCode(t, rec, http.StatusOK, `href="/dashboard"`, `href="/docs"`, `href="/healthz"`, `href="/readyz"`, "v1.2.3", "reminders as a service")
	if strings.Contains(rec.Body.String(), "/metrics") {
		t.Error("links to metrics that are off")
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("/nope: %d", rec.Code)
	}
}

// TestNeedsAttention: failed deliveries show on the overview grouped by
// cause, in plain words with the fix, and on the reminder's page the
// attempts say SMTP for mail and collapse repeats.
func TestNeedsAttention(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	now := time.Now()
	if _, err := e.svc.PutRecipient(ctx, e.ta, "u1", service.RecipientInput{Email: "u1@example.com"}); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Second)
	now = now.Add(2 * time.Second) // fire it then
	rem, _, err := e.svc.CreateReminder(ctx, e.ta, service.CreateInput{Title: "mail me", Time: &at, Recipients: []string{"u1"}, Channels: []string{"email", "webhook"}})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := e.st.FireDue(ctx, now, 10, store.Lease{Until: now.Add(time.Minute)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		return store.FirePlan{Deliveries: remind.Plan(r, *r.NextFireAt, recips, hooks, now, remind.FirePolicy{}), Status: remind.StatusDone}
	})
	if err != nil || len(ds) == 0 {
		t.Fatalf("fire: %d %v", len(ds), err)
	}
	var results []store.Result
	for _, d := range ds {
		if d.Channel == remind.ChannelInbox { // every recipient's record of the firing: not what this test fails
			continue
		}
		for n := 1; n <= 3; n++ {
			d.State, d.UpdatedAt, d.LastError = remind.DeliveryPending, now, "smtp: 451 try later"
			if n == 3 {
				d.State, d.LastError = remind.DeliveryFailed, `no sender for channel "email" is configured`
			}
			results = append(results, store.Result{Delivery: d, Attempt: remind.Attempt{DeliveryID: d.ID, N: n, At: now, Outcome: "retry", StatusCode: 451, Error: "smtp: 451 try later"}})
		}
	}
	for _, r := range results {
		if err := e.st.FinishDeliveries(ctx, []store.Result{r}); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, e.do(t, "GET", "/dashboard", e.tokA, nil), http.StatusOK, `id="attention"`, `id="cause-unconfigured-email"`, "E-mail is not set up on this server", "--smtp-host", `href="/dashboard/reminders/`+rem.ID+`">mail me</a>`)
	rec := e.do(t, "GET", "/dashboard/reminders/"+rem.ID, e.tokA, nil)
	wantCode(t, rec, http.StatusOK, "SMTP 451", "×3", "E-mail is not set up on this server", `id="matrix"`, "e-mail: failed")
	if strings.Contains(rec.Body.String(), "HTTP 451") {
		t.Fatal("an SMTP reply labelled HTTP")
	}
	// Another tenant sees none of it.
	if strings.Contains(e.do(t, "GET", "/dashboard", e.tokB, nil).Body.String(), `id="attention"`) {
		t.Fatal("another tenant's failures show")
	}
}

// TestAudience: the reminder's page lists its subscribers by name, channel
// and since when, counts them per channel, and the owner can remove one.
func TestAudience(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	rem := e.reminder(t, e.ta, "club", time.Hour)
	subs := e.st.(dashboard.Audience)
	type putter interface {
		PutSubscriber(ctx context.Context, sb store.Subscriber) (store.Subscriber, error)
		ConfirmSubscriber(ctx context.Context, token string, at time.Time) (store.Subscriber, error)
	}
	p := e.st.(putter)
	now := time.Now()
	var ids []string
	for _, c := range []struct{ ch, addr, name string }{
		{remind.ChannelEmail, "fan@example.com", ""},
		{remind.ChannelWebPush, `{"endpoint":"https://fcm.googleapis.com/fcm/send/abc","keys":{"p256dh":"x","auth":"y"}}`, ""},
		{remind.ChannelWeChat, "oABCDEF123456", ""},
		{remind.ChannelWeChat, "oSIGNEDIN0001", "小明"}, // signed in inside WeChat: the nickname is known
	} {
		sb, err := p.PutSubscriber(ctx, store.Subscriber{ID: store.SubscriberID(rem.ID, c.ch, c.addr), TenantID: e.ta.ID, ReminderID: rem.ID, Channel: c.ch,
			Address: c.addr, Name: c.name, State: store.SubscriberPending, Token: remind.NewToken(16), CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		if c.addr != "oABCDEF123456" {
			if _, err := p.ConfirmSubscriber(ctx, sb.Token, now); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, sb.ID)
	}
	page := "/dashboard/reminders/" + rem.ID
	wantCode(t, e.do(t, "GET", page, e.tokA, nil), http.StatusOK, `id="audience"`, "1 by e-mail · 1 by WeChat · 1 by browser push", "fan@example.com", "小明",
		"Chrome, Edge or another Chromium browser", "WeChat follower …123456", "(not confirmed yet)")
	remove := page + "/subscribers/" + ids[0] + "/remove"
	wantCode(t, e.do(t, "POST", remove, e.tokB, nil), http.StatusNotFound)
	wantCode(t, e.do(t, "POST", remove, e.tokA, nil), http.StatusSeeOther)
	if sb, err := subs.GetSubscriber(ctx, e.ta.ID, ids[0]); err != nil || sb.State != store.SubscriberUnsubscribed {
		t.Fatalf("after removal: %+v %v", sb, err)
	}
	got, _ := e.svc.GetReminder(ctx, e.ta, rem.ID)
	if slices.Contains(got.Recipients, ids[0]) || !slices.Contains(got.Recipients, ids[1]) {
		t.Fatalf("recipients after removal: %v", got.Recipients)
	}
	wantCode(t, e.do(t, "GET", page, e.tokA, nil), http.StatusOK, "1 left (unsubscribed)")
	// A subscriber of another reminder is not removed through this one.
	other := e.reminder(t, e.ta, "other", time.Hour)
	wantCode(t, e.do(t, "POST", "/dashboard/reminders/"+other.ID+"/subscribers/"+ids[1]+"/remove", e.tokA, nil), http.StatusNotFound)
}

// TestSettings: the owner sets the name and avatar subscribe pages show.
func TestSettings(t *testing.T) {
	e := newEnv(t, "")
	form := url.Values{"display_name": {"读书会"}, "avatar_url": {"https://img.example/a.png"}, "tz": {"Europe/Berlin"}, "date_hour": {"8"}}
	wantCode(t, e.do(t, "POST", "/dashboard/settings", e.tokA, form), http.StatusOK, `id="saved"`, `value="读书会"`)
	tn, err := e.svc.Authenticate(context.Background(), e.apiA)
	if err != nil || tn.DisplayName != "读书会" || tn.AvatarURL != "https://img.example/a.png" || tn.TZ != "Europe/Berlin" || tn.DateHour != 8 {
		t.Fatalf("%+v %v", tn, err)
	}
	form.Set("tz", "Mars/Olympus")
	wantCode(t, e.do(t, "POST", "/dashboard/settings", e.tokA, form), http.StatusBadRequest, `id="tz-error"`, `value="Mars/Olympus"`)
	form.Set("tz", "UTC")
	form.Set("date_hour", "noon")
	wantCode(t, e.do(t, "POST", "/dashboard/settings", e.tokA, form), http.StatusBadRequest, "must be an hour")
}

// TestCreateWithChannels: the new form offers the channels and keeps what
// was ticked.
func TestCreateWithChannels(t *testing.T) {
	e := newEnv(t, "")
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/new", e.tokA, nil), http.StatusOK, `name="channel" value="webpush"`)
	form := url.Values{"text": {"明天下午3点开会"}, "channel": {"email", "inbox"}, "action": {"preview"}}
	wantCode(t, e.do(t, "POST", "/dashboard/reminders/new", e.tokA, form), http.StatusOK, `value="email" checked`, `value="inbox" checked`)
	form.Set("action", "create")
	rec := e.do(t, "POST", "/dashboard/reminders/new", e.tokA, form)
	wantCode(t, rec, http.StatusSeeOther)
	id := strings.TrimPrefix(rec.Header().Get("Location"), "/dashboard/reminders/")
	if rem, err := e.svc.GetReminder(context.Background(), e.ta, id); err != nil || strings.Join(rem.Channels, ",") != "email,inbox" {
		t.Fatalf("%+v %v", rem.Channels, err)
	}
	form.Set("channel", "pigeon")
	wantCode(t, e.do(t, "POST", "/dashboard/reminders/new", e.tokA, form), http.StatusBadRequest)
}

type fakeFeeds struct{}

func (fakeFeeds) FeedURL(_ context.Context, tenantID, uid string) (string, error) {
	return "https://raas.test/c/feed-" + uid + "/calendar.ics", nil
}

// TestRecipientFeedLink: a recipient's page gives their calendar feed as a
// webcal:// link.
func TestRecipientFeedLink(t *testing.T) {
	e := newEnv(t, "")
	mux := http.NewServeMux()
	dashboard.New(dashboard.Config{Feeds: fakeFeeds{}}, e.svc, nil).Register(mux)
	e.h = mux
	if _, err := e.svc.PutRecipient(context.Background(), e.ta, "alice", service.RecipientInput{Name: "Alice"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/recipients?uid=alice", e.tokA, nil), http.StatusOK, `id="feed"`, `href="webcal://raas.test/c/feed-alice/calendar.ics"`)
	if strings.Contains(e.do(t, "GET", "/dashboard/recipients?uid=nobody", e.tokA, nil).Body.String(), `id="feed"`) {
		t.Fatal("a feed for a recipient that does not exist")
	}
}
