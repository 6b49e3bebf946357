package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/store/pgtest"
)

func TestCreateValidation(t *testing.T) {
	a := startApp(t, nil)
	future := time.Now().Add(time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"unknown field", `{"title":"x","time":"` + future + `","bogus":1}`, 400, "bogus"},
		{"wrong type", `{"title":5,"time":"` + future + `"}`, 400, "title"},
		{"not json", `{"title":`, 400, "body"},
		{"empty", ``, 400, "body"},
		{"two values", `{"title":"a","time":"` + future + `"}{}`, 400, "body"},
		{"past time", `{"title":"x","time":"2020-01-01T00:00:00Z"}`, 400, "time"},
		{"past by defer", `{"title":"x","time":"` + time.Now().Add(30*time.Minute).Format(time.RFC3339) + `","defer":-60}`, 400, "defer"},
		{"bad time string", `{"title":"x","time":"tomorrow"}`, 400, "time"},
		{"negative millis", `{"title":"x","time":-5}`, 400, "time"},
		{"bad rrule", `{"title":"x","rrule":"FREQ=SOMETIMES"}`, 400, "rrule"},
		{"secondly rrule", `{"title":"x","rrule":"FREQ=SECONDLY"}`, 400, "rrule"},
		{"bad zone", `{"title":"x","rrule":"FREQ=DAILY","tz":"Mars/Olympus"}`, 400, "tz"},
		{"zone path", `{"title":"x","rrule":"FREQ=DAILY","tz":"../../etc/passwd"}`, 400, "tz"},
		{"both time and rrule", `{"title":"x","time":"` + future + `","rrule":"FREQ=DAILY"}`, 400, "time"},
		{"no time at all", `{"title":"买牛奶"}`, 400, "title"},
		{"nothing", `{}`, 400, "time"},
		{"long title", `{"title":"` + strings.Repeat("长", 201) + `","time":"` + future + `"}`, 400, "title"},
		{"control chars", `{"title":"a\u0000b","time":"` + future + `"}`, 400, "title"},
		{"bad url", `{"title":"x","time":"` + future + `","external_url":"javascript:alert(1)"}`, 400, "external_url"},
		{"unknown channel", `{"title":"x","time":"` + future + `","channels":["pigeon"]}`, 400, "channels"},
		{"duplicate recipient", `{"title":"x","time":"` + future + `","recipients":["a","a"]}`, 400, "recipients"},
		{"bad recipient", `{"title":"x","time":"` + future + `","recipients":["a/b"]}`, 400, "recipients"},
		{"huge defer", `{"title":"x","time":"` + future + `","defer":99999999}`, 400, "defer"},
		{"ok rfc3339", `{"title":"x","time":"` + future + `"}`, 201, ""},
		{"ok millis", fmt.Sprintf(`{"title":"x","time":%d}`, time.Now().Add(time.Hour).UnixMilli()), 201, ""},
		{"ok rrule", `{"title":"x","rrule":"FREQ=MONTHLY;BYMONTHDAY=25;BYHOUR=9","tz":"America/New_York"}`, 201, ""},
		{"ok text", `{"text":"每月25号提醒我还信用卡"}`, 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := do(t, "POST", a.URL+"/v1/reminders", a.Token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, out)
			}
			if tc.status >= 400 {
				e, _ := out["error"].(map[string]any)
				if e == nil || e["field"] != tc.field || e["message"] == "" || e["code"] == "" {
					t.Fatalf("error %v, want field %q", out, tc.field)
				}
			}
		})
	}
	// Nothing half written: only the created ones are listed.
	_, list := do(t, "GET", a.URL+"/v1/reminders", a.Token, nil)
	if n := len(list["data"].([]any)); n != 4 {
		t.Fatalf("listed %d reminders, want 4", n)
	}
}

func TestBodyTooLarge(t *testing.T) {
	a := startApp(t, nil)
	body := `{"title":"` + strings.Repeat("x", 2<<20) + `"}`
	status, out := do(t, "POST", a.URL+"/v1/reminders", a.Token, body)
	if status != http.StatusRequestEntityTooLarge || out["error"].(map[string]any)["code"] != "too_large" {
		t.Fatalf("status %d %v", status, out)
	}
}

func TestAuthAndTenantIsolation(t *testing.T) {
	a := startApp(t, nil)
	other, _, err := a.Service.CreateToken(t.Context(), "t2")
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := do(t, "GET", a.URL+"/v1/reminders", "", nil); status != 401 {
		t.Fatalf("no token: %d", status)
	}
	if status, _ := do(t, "GET", a.URL+"/v1/reminders", "raas_wrong", nil); status != 401 {
		t.Fatalf("wrong token: %d", status)
	}
	_, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "mine", "time": time.Now().Add(time.Hour).UnixMilli()})
	id := r["id"].(string)
	for _, c := range []struct{ method, path string }{
		{"GET", "/v1/reminders/" + id}, {"PATCH", "/v1/reminders/" + id}, {"POST", "/v1/reminders/" + id + "/cancel"},
		{"DELETE", "/v1/reminders/" + id}, {"GET", "/v1/reminders/" + id + "/deliveries"},
	} {
		var body any
		if c.method == "PATCH" {
			body = map[string]any{"title": "stolen"}
		}
		if status, out := do(t, c.method, a.URL+c.path, other, body); status != 404 {
			t.Fatalf("%s %s by another tenant: %d %v", c.method, c.path, status, out)
		}
	}
	if _, list := do(t, "GET", a.URL+"/v1/reminders", other, nil); len(list["data"].([]any)) != 0 {
		t.Fatal("another tenant lists the reminder")
	}
	if _, got := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil); got["title"] != "mine" || got["status"] != "active" {
		t.Fatalf("owner's reminder changed: %v", got)
	}
}

func TestIdempotencyKey(t *testing.T) {
	a := startApp(t, nil)
	body := fmt.Sprintf(`{"title":"pay","time":%d}`, time.Now().Add(time.Hour).UnixMilli())
	s1, r1 := do(t, "POST", a.URL+"/v1/reminders", a.Token, body, "Idempotency-Key", "k-1")
	s2, r2 := do(t, "POST", a.URL+"/v1/reminders", a.Token, body, "Idempotency-Key", "k-1")
	if s1 != 201 || s2 != 201 || r1["id"] != r2["id"] {
		t.Fatalf("replay: %d %d %v %v", s1, s2, r1["id"], r2["id"])
	}
	s3, r3 := do(t, "POST", a.URL+"/v1/reminders", a.Token, strings.Replace(body, "pay", "play", 1), "Idempotency-Key", "k-1")
	if s3 != 409 {
		t.Fatalf("other body same key: %d %v", s3, r3)
	}
	_, list := do(t, "GET", a.URL+"/v1/reminders", a.Token, nil)
	if n := len(list["data"].([]any)); n != 1 {
		t.Fatalf("%d reminders, want 1", n)
	}
}

func TestPaginationAndStatusFilter(t *testing.T) {
	a := startApp(t, nil)
	at := time.Now().Add(time.Hour).UnixMilli()
	var ids []string
	for i := 0; i < 5; i++ {
		_, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": fmt.Sprint(i), "time": at})
		ids = append(ids, r["id"].(string))
	}
	cancelled := ids[1]
	do(t, "POST", a.URL+"/v1/reminders/"+cancelled+"/cancel", a.Token, nil)
	var seen []string
	cursor := ""
	for page := 0; page < 5; page++ {
		_, out := do(t, "GET", a.URL+"/v1/reminders?limit=2&cursor="+cursor, a.Token, nil)
		for _, r := range out["data"].([]any) {
			seen = append(seen, r.(map[string]any)["id"].(string))
		}
		next, _ := out["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	// Pages follow id order; ids made in one millisecond sort randomly, so compare as sets.
	sort.Strings(seen)
	sort.Strings(ids)
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("paged %v, want %v", seen, ids)
	}
	_, out := do(t, "GET", a.URL+"/v1/reminders?status=cancelled", a.Token, nil)
	if d := out["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] != cancelled {
		t.Fatalf("status filter: %v", out)
	}
	if status, _ := do(t, "GET", a.URL+"/v1/reminders?status=weird", a.Token, nil); status != 400 {
		t.Fatalf("bad status filter: %d", status)
	}
	if status, _ := do(t, "GET", a.URL+"/v1/reminders?limit=0", a.Token, nil); status != 400 {
		t.Fatalf("bad limit: %d", status)
	}
}

// TestFiresOnTimeToWebhooksAndInbox creates a reminder due 300 ms later and
// checks that it fires once, signed, to the tenant webhook, the recipient's
// own webhook and the recipient's inbox (SSE included) — and that a muted
// recipient gets nothing.
func TestFiresOnTimeToWebhooksAndInbox(t *testing.T) {
	a := startApp(t, nil)
	tenantSink, userSink := newSink(t, nil), newSink(t, nil)
	_, wh := do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": tenantSink.URL})
	secret := wh["secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	_, rc := do(t, "PUT", a.URL+"/v1/recipients/alice", a.Token, map[string]any{"name": "Alice", "webhook_url": userSink.URL})
	do(t, "PUT", a.URL+"/v1/recipients/mute", a.Token, map[string]any{"name": "M", "muted": true})

	// Follow alice's inbox before the firing.
	req, _ := http.NewRequestWithContext(t.Context(), "GET", a.URL+"/v1/inbox/alice/stream", nil)
	req.Header.Set("Authorization", "Bearer "+a.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", resp, err)
	}
	defer resp.Body.Close()
	events := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data: ") {
				events <- strings.TrimPrefix(line, "data: ")
			}
		}
	}()

	due := time.Now().Add(300 * time.Millisecond).Truncate(time.Millisecond)
	status, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{
		"title": "stand-up", "time": due.UnixMilli(), "recipients": []string{"alice", "mute"}, "external_url": "https://example.com/e/1",
	})
	if status != 201 {
		t.Fatalf("create: %d %v", status, r)
	}
	tc := tenantSink.waitCalls(t, 1, 5*time.Second)[0]
	uc := userSink.waitCalls(t, 1, 5*time.Second)[0]
	verifyCall(t, secret, tc)
	verifyCall(t, rc["webhook_secret"].(string), uc)
	// Never early; how late is measured by the benchmarks, not asserted here.
	if late := tc.At.Sub(due); late < 0 {
		t.Fatalf("fired %v before its time", -late)
	}
	ev := event(t, tc)
	if ev["id"] != r["id"] || ev["title"] != "stand-up" || ev["delivery_id"] != tc.Header.Get("webhook-id") || ev["late"] != false {
		t.Fatalf("event %v", ev)
	}
	select {
	case data := <-events:
		var it map[string]any
		_ = json.Unmarshal([]byte(data), &it)
		if it["title"] != "stand-up" || it["status"] != "unread" {
			t.Fatalf("sse item %v", it)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no SSE event")
	}
	_, inbox := do(t, "GET", a.URL+"/v1/inbox/alice", a.Token, nil)
	items := inbox["data"].([]any)
	if len(items) != 1 {
		t.Fatalf("inbox %v", inbox)
	}
	itemID := items[0].(map[string]any)["id"].(string)
	_, it := do(t, "POST", a.URL+"/v1/inbox/alice/items/"+itemID+"/confirm", a.Token, nil)
	if it["status"] != "confirmed" {
		t.Fatalf("confirm: %v", it)
	}
	_, it = do(t, "POST", a.URL+"/v1/inbox/alice/items/"+itemID+"/read", a.Token, nil)
	if it["status"] != "confirmed" {
		t.Fatalf("read undid confirm: %v", it)
	}
	if _, m := do(t, "GET", a.URL+"/v1/inbox/mute", a.Token, nil); len(m["data"].([]any)) != 0 {
		t.Fatal("muted recipient got an item")
	}
	_, ds := do(t, "GET", a.URL+"/v1/reminders/"+r["id"].(string)+"/deliveries", a.Token, nil)
	if n := len(ds["data"].([]any)); n != 3 { // tenant hook, alice's hook, alice's inbox
		t.Fatalf("deliveries %d: %v", n, ds)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(tenantSink.Calls()); n != 1 {
		t.Fatalf("tenant webhook called %d times", n)
	}
	_, got := do(t, "GET", a.URL+"/v1/reminders/"+r["id"].(string), a.Token, nil)
	if got["status"] != "done" || got["next_fire_at"] != nil || got["fired_count"] != float64(1) {
		t.Fatalf("after firing: %v", got)
	}
}

// TestRetriesWithBackoffThenGone: 500s are retried with the same delivery
// id; a 410 fails the delivery and disables the endpoint.
func TestRetriesWithBackoffThenGone(t *testing.T) {
	a := startApp(t, nil)
	flaky := newSink(t, func(n int) int {
		if n <= 2 {
			return 500
		}
		return 200
	})
	gone := newSink(t, func(int) int { return 410 })
	_, w1 := do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": flaky.URL})
	_, w2 := do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": gone.URL})
	_, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "retry me", "time": time.Now().Add(100 * time.Millisecond).UnixMilli()})
	calls := flaky.waitCalls(t, 3, 15*time.Second)
	id := calls[0].Header.Get("webhook-id")
	for _, c := range calls {
		if c.Header.Get("webhook-id") != id {
			t.Fatal("delivery id changed across retries")
		}
	}
	if gap1, gap2 := calls[1].At.Sub(calls[0].At), calls[2].At.Sub(calls[1].At); gap1 < 700*time.Millisecond || gap2 < gap1 {
		t.Fatalf("backoff gaps %v then %v", gap1, gap2)
	}
	gone.waitCalls(t, 1, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	_, got := do(t, "GET", a.URL+"/v1/webhooks/"+w2["id"].(string), a.Token, nil)
	if got["disabled"] != true {
		t.Fatalf("410 endpoint not disabled: %v", got)
	}
	_, ds := do(t, "GET", a.URL+"/v1/reminders/"+r["id"].(string)+"/deliveries", a.Token, nil)
	states := map[string]string{}
	for _, d := range ds["data"].([]any) {
		dm := d.(map[string]any)
		states[dm["id"].(string)] = dm["state"].(string)
		if dm["id"] == id && len(dm["attempts"].([]any)) != 3 {
			t.Fatalf("flaky delivery attempts: %v", dm)
		}
	}
	if states[id] != "delivered" {
		t.Fatalf("states %v", states)
	}
	_ = w1
}

func TestPrivateTargetsRefused(t *testing.T) {
	a := startApp(t, func(c *app.Config) { c.AllowPrivateTargets = false })
	for _, u := range []string{"http://127.0.0.1:9/x", "http://10.0.0.1/", "http://[::1]/", "http://169.254.169.254/latest", "http://localhost:8080/",
		"http://LOCALHOST/", "http://localhost./", "http://127.1/", "http://0x7f000001/", "http://2130706433/", "http://[2002:7f00:1::]/", "http://[64:ff9b:1::1]/"} {
		status, out := do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": u})
		if status != 400 || out["error"].(map[string]any)["field"] != "url" {
			t.Fatalf("%s: %d %v", u, status, out)
		}
	}
	// Names resolving to such addresses, and redirects to them, are refused at
	// dial time: see internal/netguard's tests.
}

func TestCancelAndPatch(t *testing.T) {
	a := startApp(t, nil)
	s := newSink(t, nil)
	do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": s.URL})
	_, r1 := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "never", "time": time.Now().Add(400 * time.Millisecond).UnixMilli()})
	status, c := do(t, "POST", a.URL+"/v1/reminders/"+r1["id"].(string)+"/cancel", a.Token, nil)
	if status != 200 || c["status"] != "cancelled" {
		t.Fatalf("cancel: %d %v", status, c)
	}
	// Move a far reminder to now+300ms: it fires then.
	_, r2 := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "moved", "time": time.Now().Add(time.Hour).UnixMilli()})
	status, p := do(t, "PATCH", a.URL+"/v1/reminders/"+r2["id"].(string), a.Token, map[string]any{"time": time.Now().Add(300 * time.Millisecond).UnixMilli(), "title": "moved!"})
	if status != 200 || p["title"] != "moved!" {
		t.Fatalf("patch: %d %v", status, p)
	}
	s.waitCalls(t, 1, 5*time.Second)
	time.Sleep(600 * time.Millisecond)
	calls := s.Calls()
	if len(calls) != 1 || event(t, calls[0])["title"] != "moved!" {
		t.Fatalf("calls %d", len(calls))
	}
	if status, _ := do(t, "PATCH", a.URL+"/v1/reminders/"+r1["id"].(string), a.Token, map[string]any{"title": "x"}); status != 409 {
		t.Fatalf("patch cancelled: %d", status)
	}
	if status, _ := do(t, "DELETE", a.URL+"/v1/reminders/"+r1["id"].(string), a.Token, nil); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if status, _ := do(t, "GET", a.URL+"/v1/reminders/"+r1["id"].(string), a.Token, nil); status != 404 {
		t.Fatalf("get deleted: %d", status)
	}
}

func TestRecurringAcrossDST(t *testing.T) {
	a := startApp(t, nil)
	// Daily at 09:00 New York, starting before the 2027 spring change: the
	// next occurrences keep 09:00 local whatever the UTC offset.
	status, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{
		"title": "standup", "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", "tz": "America/New_York", "start": "2027-03-12T09:00:00-05:00",
	})
	if status != 201 {
		t.Fatalf("create %d %v", status, r)
	}
	next, _ := time.Parse(time.RFC3339, r["next_fire_at"].(string))
	if next.Format("2006-01-02T15:04:05-07:00") != "2027-03-12T09:00:00-05:00" {
		t.Fatalf("first %v", next)
	}
}

func TestHealthAndReady(t *testing.T) {
	a := startApp(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		if status, _ := do(t, "GET", a.URL+p, "", nil); status != 200 {
			t.Fatalf("%s: %d", p, status)
		}
	}
	if status, out := do(t, "GET", a.URL+"/v1/nothing", a.Token, nil); status != 404 || out["error"] == nil {
		t.Fatalf("unknown route: %d %v", status, out)
	}
}

// TestCancelAfterDeliveriesAreClaimed cancels, updates and deletes
// reminders whose deliveries the scheduler already created and holds in
// memory (they fall due inside the look-ahead), and checks that none of them
// is sent while an untouched one is: the dispatcher skips the store check
// only while the store's change count has not moved since the lease. On
// PostgreSQL the reminders are created through one instance and changed
// through another, whose changes the first must see. The apps run on a
// fake clock, so the reminders cannot fall due before the test has made
// its changes, however slow the machine.
func TestCancelAfterDeliveriesAreClaimed(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		clk := clockwork.NewFakeClock()
		a := startApp(t, func(c *app.Config) { c.Lookahead, c.Clock = 10*time.Second, clk })
		cancelAfterClaim(t, clk, a, a)
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.NewDatabase(t)
		clk := clockwork.NewFakeClock()
		mut := func(c *app.Config) { c.DB, c.Lookahead, c.Clock = url, 10*time.Second, clk }
		a, b := startApp(t, mut), startApp(t, mut)
		b.Token = a.Token // one tenant, two instances
		cancelAfterClaim(t, clk, a, b)
	})
}

// cancelAfterClaim creates through a and changes through b, both on clk.
func cancelAfterClaim(t *testing.T, clk *clockwork.FakeClock, a, b *testApp) {
	s := newSink(t, nil)
	do(t, "POST", a.URL+"/v1/webhooks", a.Token, map[string]any{"url": s.URL})
	due := clk.Now().Add(1500 * time.Millisecond).UnixMilli()
	ids := map[string]string{}
	for _, name := range []string{"keep", "cancel", "delete", "move"} {
		_, r := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": name, "time": due})
		ids[name] = r["id"].(string)
	}
	// Wait until every delivery exists: the scheduler has claimed them
	// (at once: they are due within the look-ahead, and the clock stands still).
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range ids {
		for {
			_, out := do(t, "GET", a.URL+"/v1/reminders/"+id+"/deliveries", a.Token, nil)
			if d, _ := out["data"].([]any); len(d) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("deliveries were not claimed ahead of their time")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if st, _ := do(t, "POST", b.URL+"/v1/reminders/"+ids["cancel"]+"/cancel", b.Token, nil); st != 200 {
		t.Fatalf("cancel: %d", st)
	}
	if st, _ := do(t, "DELETE", b.URL+"/v1/reminders/"+ids["delete"], b.Token, nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	later := clk.Now().Add(time.Hour).UnixMilli()
	if st, out := do(t, "PATCH", b.URL+"/v1/reminders/"+ids["move"], b.Token, map[string]any{"time": later}); st != 200 {
		t.Fatalf("patch: %d %v", st, out)
	}
	clk.Advance(2 * time.Second) // past the due time: the held deliveries are released
	s.waitCalls(t, 1, 10*time.Second)
	time.Sleep(700 * time.Millisecond) // room for any wrong sends to arrive
	calls := s.Calls()
	if len(calls) != 1 || event(t, calls[0])["id"] != ids["keep"] {
		var got []any
		for _, c := range calls {
			got = append(got, event(t, c)["title"])
		}
		t.Fatalf("sent %v, want only keep", got)
	}
}

// TestSecondServeOnOneSQLiteFileIsRefused: the SQLite driver does not
// coordinate several processes, so a second server on the same file must
// fail to start, and start once the first has stopped.
func TestSecondServeOnOneSQLiteFileIsRefused(t *testing.T) {
	first := startApp(t, nil)
	cfg := first.Config
	cfg.Addr = "127.0.0.1:0"
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	second := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	err = second.Start(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "another raas serve") {
		_ = second.Stop(ctx)
		t.Fatalf("second serve on one SQLite file: %v, want refused", err)
	}
	_ = st.Close()
	if err := first.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	st, err = app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	third := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := third.Start(ctx, nil); err != nil {
		t.Fatalf("serve after the first stopped: %v", err)
	}
	_ = third.Stop(ctx)
}
