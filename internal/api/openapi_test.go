package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/app"
)

// loadDoc loads and validates the embedded document with kin-openapi.
func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI())
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi: %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadDoc(t)
	for _, p := range []string{"/reminds/api/", "/reminds/api/{id}/", "/reminds/api/{id}/share_post/", "/openapi/token",
		"/openapi/workbench/teamremind/create", "/openapi/workbench/teamremind/update", "/openapi/workbench/teamremind/cancel",
		"/openapi/workbench/teamremind/delete", "/openapi/workbench/teamremind/detail"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("compatible API path %s is not documented", p)
		}
	}
	page, err := api.RenderDocs(api.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"createReminder", "/v1/reminders/{id}/deliveries", "wecron-compatible", "teamremind-compatible", "schema-Reminder"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("/docs page lacks %q", want)
		}
	}
	if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte("http://")) && bytes.Contains(page, []byte("cdn")) {
		t.Error("/docs page must be self-contained")
	}
}

// TestOpenAPIMatchesService sends real requests to the real service (app.New
// on a temp SQLite) and validates every answer against the document; it
// fails when a v1 route in api.go's Register is not documented or not
// exercised here, so code and document cannot drift apart.
func TestOpenAPIMatchesService(t *testing.T) {
	doc := loadDoc(t)
	doc.Servers = nil // "/" is relative; match paths directly
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	a := startTestApp(t, func(cfg *app.Config) {
		cfg.Ops.RateLimit, cfg.Ops.RateBurst = 1, 1000         // the tenant's budget outlasts the test
		cfg.Ops.AnonRateLimit, cfg.Ops.AnonRateBurst = 0.01, 5 // refused credentials run out, so a 429 can be checked too
	})
	ctx := context.Background()
	srv := struct{ URL string }{"http://" + a.Addr()}
	covered := map[string]bool{}
	statuses := map[int]bool{}
	call := func(method, path, auth string, body any, hdr ...string) (int, map[string]any) {
		t.Helper()
		var raw []byte
		switch b := body.(type) {
		case nil:
		case string:
			raw = []byte(b)
		default:
			raw, _ = json.Marshal(b)
		}
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(raw))
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		validate(t, router, req, raw, resp, out, covered)
		statuses[resp.StatusCode] = true
		var m map[string]any
		_ = json.Unmarshal(out, &m)
		return resp.StatusCode, m
	}
	// Every token below is the one tenant's, with one generous budget; the
	// address's budget for refused credentials is small, for the 429 check.
	tok := func() string {
		tk, _, err := a.Service.CreateToken(ctx, "openapi")
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	expect := func(want, got int, what string) {
		t.Helper()
		if got != want {
			t.Fatalf("%s: status %d, want %d", what, got, want)
		}
	}
	code, rem := call("POST", "/v1/reminders", tok(), map[string]any{"title": "stand-up", "time": time.Now().Add(time.Hour).UnixMilli(),
		"recipients": []string{"alice"}, "meta": map[string]string{"k": "v"}}, "Idempotency-Key", "k1")
	expect(201, code, "create")
	id, _ := rem["id"].(string)
	code, _ = call("POST", "/v1/reminders", tok(), map[string]any{"text": "明天下午三点开会", "rrule": ""})
	expect(201, code, "create from text")
	code, weekly := call("POST", "/v1/reminders", tok(), map[string]any{"title": "weekly", "rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=21;BYMINUTE=0", "tz": "Asia/Shanghai"}, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
	expect(201, code, "create recurring")
	if got := weekly["schedule_text"]; got != "每周一、三、五 21:00" {
		t.Errorf("schedule_text for a zh-CN caller = %q", got)
	}
	if _, got := call("GET", "/v1/reminders/"+weekly["id"].(string), tok(), nil); got["schedule_text"] != "Every Mon, Wed and Fri at 21:00" {
		t.Errorf("schedule_text by default = %q", got["schedule_text"])
	}
	expect(400, first(call("POST", "/v1/reminders", tok(), map[string]any{"title": "x", "bogus": 1})), "unknown field")
	expect(400, first(call("POST", "/v1/reminders", tok(), map[string]any{"text": "nothing temporal here"})), "no time")
	expect(400, first(call("POST", "/v1/reminders", tok(), "{not json")), "bad json")
	expect(401, first(call("POST", "/v1/reminders", "", map[string]any{"title": "x"})), "no token")
	expect(401, first(call("GET", "/v1/reminders", "nope", nil)), "bad token")
	expect(413, first(call("POST", "/v1/reminders", tok(), `{"title":"`+strings.Repeat("a", api.MaxBody)+`"}`)), "too large")
	k := tok()
	expect(201, first(call("POST", "/v1/reminders", k, map[string]any{"title": "idem", "time": 4102444800000}, "Idempotency-Key", "same")), "idem 1")
	expect(201, first(call("POST", "/v1/reminders", k, map[string]any{"title": "idem", "time": 4102444800000}, "Idempotency-Key", "same")), "idem replay")
	expect(409, first(call("POST", "/v1/reminders", k, map[string]any{"title": "other", "time": 4102444800000}, "Idempotency-Key", "same")), "idem key, other body")
	batch := map[string]any{"reminders": []any{
		map[string]any{"title": "one", "time": 4102444800000, "recipients": []string{"alice"}},
		map[string]any{"title": "two", "time": "not a time"},
		map[string]any{"text": "明天下午三点开会", "idempotency_key": "item-1"},
		map[string]any{"title": "four", "bogus": true},
	}}
	code, got := call("POST", "/v1/reminders/batch", k, batch, "Idempotency-Key", "batch-1")
	expect(200, code, "batch")
	results, _ := got["results"].([]any)
	if len(results) != 4 {
		t.Fatalf("batch: %d results, want 4", len(results))
	}
	for i, want := range []float64{201, 400, 201, 400} {
		if st, _ := results[i].(map[string]any)["status"].(float64); st != want {
			t.Fatalf("batch item %d: %v, want status %v", i, results[i], want)
		}
	}
	expect(200, first(call("POST", "/v1/reminders/batch", k, batch, "Idempotency-Key", "batch-1")), "batch replay")
	expect(409, first(call("POST", "/v1/reminders/batch", k, map[string]any{"reminders": []any{map[string]any{"title": "x"}}}, "Idempotency-Key", "batch-1")), "batch key, other body")
	expect(400, first(call("POST", "/v1/reminders/batch", k, map[string]any{"reminders": []any{}})), "empty batch")
	expect(200, first(call("GET", "/v1/reminders?limit=2", tok(), nil)), "list")
	expect(200, first(call("GET", "/v1/reminders?status=active", tok(), nil)), "list active")
	expect(400, first(call("GET", "/v1/reminders?limit=0", tok(), nil)), "list bad limit")
	expect(200, first(call("GET", "/v1/reminders/"+id, tok(), nil)), "get")
	expect(404, first(call("GET", "/v1/reminders/nope", tok(), nil)), "get missing")
	expect(200, first(call("PATCH", "/v1/reminders/"+id, tok(), map[string]any{"title": "stand-up!", "desc": "room 1"})), "patch")
	expect(400, first(call("PATCH", "/v1/reminders/"+id, tok(), map[string]any{"tz": "Mars/Olympus"})), "patch bad tz")
	expect(200, first(call("GET", "/v1/reminders/"+id+"/deliveries", tok(), nil)), "deliveries")
	ack := map[string]any{"within": "15m", "repeat": "5m", "max_repeats": 2, "escalate_to": []string{"lead"}, "then_channels": []string{"sms"}}
	code, acked := call("POST", "/v1/reminders", tok(), map[string]any{"title": "ack", "time": 4102444800000, "recipients": []string{"alice"}, "ack": ack})
	expect(201, code, "create with ack")
	expect(200, first(call("PATCH", "/v1/reminders/"+acked["id"].(string), tok(), map[string]any{"ack": map[string]any{"within": "1h", "escalate_to": []string{"lead"}}})), "patch ack")
	expect(200, first(call("PATCH", "/v1/reminders/"+acked["id"].(string), tok(), map[string]any{"ack": nil})), "patch ack off")
	expect(400, first(call("PATCH", "/v1/reminders/"+acked["id"].(string), tok(), map[string]any{"ack": map[string]any{"within": "soon"}})), "patch bad ack")
	expect(400, first(call("POST", "/v1/reminders", tok(), map[string]any{"title": "ack", "time": 4102444800000, "ack": map[string]any{"within": "15m", "bogus": 1}})), "ack unknown field")
	expect(200, first(call("POST", "/v1/reminders/"+id+"/cancel", tok(), nil)), "cancel")
	expect(204, first(call("DELETE", "/v1/reminders/"+id, tok(), nil)), "delete")
	expect(404, first(call("DELETE", "/v1/reminders/"+id, tok(), nil)), "delete again")
	expect(200, first(call("PUT", "/v1/recipients/alice", tok(), map[string]any{"name": "Alice", "email": "alice@example.com", "webhook_url": "http://127.0.0.1:9/hook"})), "put recipient")
	expect(400, first(call("PUT", "/v1/recipients/alice", tok(), map[string]any{"email": "not an email"})), "put recipient bad")
	expect(200, first(call("PUT", "/v1/recipients/carol", tok(), map[string]any{"name": "Carol", "email": "carol@example.com", "tz": "Europe/Paris", "lang": "en",
		"preferred_channels": []string{"email", "inbox"}, "quiet_hours": "22:00-07:30", "agenda": true, "digest": true})), "put recipient profile")
	expect(200, first(call("GET", "/v1/recipients/carol", tok(), nil)), "get recipient profile")
	expect(400, first(call("PUT", "/v1/recipients/carol", tok(), map[string]any{"quiet_hours": "late"})), "put recipient bad quiet hours")
	expect(201, first(call("POST", "/v1/reminders", tok(), map[string]any{"title": "urgent", "time": 4102444800000, "urgent": true, "recipients": []string{"carol"}, "channels": []string{"sms"}})), "create urgent with warnings")
	expect(200, first(call("GET", "/v1/recipients/alice", tok(), nil)), "get recipient")
	expect(204, first(call("DELETE", "/v1/recipients/alice", tok(), nil)), "delete recipient")
	expect(404, first(call("GET", "/v1/recipients/alice", tok(), nil)), "get deleted recipient")
	code, wh := call("POST", "/v1/webhooks", tok(), map[string]any{"url": "http://127.0.0.1:9/all"})
	expect(201, code, "create webhook")
	whID, _ := wh["id"].(string)
	expect(400, first(call("POST", "/v1/webhooks", tok(), map[string]any{"url": "ftp://x"})), "bad webhook")
	expect(200, first(call("GET", "/v1/webhooks", tok(), nil)), "list webhooks")
	expect(200, first(call("GET", "/v1/webhooks/"+whID, tok(), nil)), "get webhook")
	expect(204, first(call("DELETE", "/v1/webhooks/"+whID, tok(), nil)), "delete webhook")
	expect(404, first(call("GET", "/v1/webhooks/"+whID, tok(), nil)), "get deleted webhook")
	expect(200, first(call("GET", "/v1/inbox/alice", tok(), nil)), "inbox")
	expect(404, first(call("POST", "/v1/inbox/alice/items/nope/read", tok(), nil)), "inbox action missing")
	expect(400, first(call("POST", "/v1/inbox/alice/items/nope/dance", tok(), nil)), "inbox bad action")
	code, tk := call("POST", "/v1/tokens", tok(), nil)
	expect(201, code, "create token")
	secret, _ := tk["token"].(string)
	tkID, _ := tk["id"].(string)
	expect(200, first(call("GET", "/v1/tokens", secret, nil)), "list tokens")
	expect(400, first(call("POST", "/v1/tokens", tok(), map[string]any{"tenant": "other"})), "create token with a field")
	expect(204, first(call("DELETE", "/v1/tokens/"+tkID, tok(), nil)), "revoke token")
	expect(404, first(call("DELETE", "/v1/tokens/"+tkID, tok(), nil)), "revoke token again")
	expect(401, first(call("GET", "/v1/tenant", secret, nil)), "revoked token")
	expect(200, first(call("GET", "/v1/tenant", tok(), nil)), "tenant")
	expect(200, first(call("PATCH", "/v1/tenant", tok(), map[string]any{"display_name": "OpenAPI"})), "patch tenant")
	expect(400, first(call("PATCH", "/v1/tenant", tok(), map[string]any{"date_hour": 25})), "patch tenant bad")
	expect(200, first(call("POST", "/v1/parse", tok(), map[string]any{"text": "every monday 9am", "tz": "Europe/Berlin"})), "parse")
	expect(400, first(call("POST", "/v1/parse", tok(), map[string]any{"text": "nothing"})), "parse none")
	// A fired reminder with a delivery and an inbox item to act on.
	k = tok()
	expect(200, first(call("PUT", "/v1/recipients/bob", k, map[string]any{"name": "Bob"})), "put bob")
	code, fired := call("POST", "/v1/reminders", k, map[string]any{"title": "now", "time": time.Now().UnixMilli(), "recipients": []string{"bob"}, "channels": []string{"inbox"},
		"ack": map[string]any{"within": "1h", "escalate_to": []string{"lead"}}})
	expect(201, code, "create due now")
	var item string
	for deadline := time.Now().Add(10 * time.Second); item == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, in := call("GET", "/v1/inbox/bob", tok(), nil)
		if d, _ := in["data"].([]any); len(d) > 0 {
			item, _ = d[0].(map[string]any)["id"].(string)
		}
	}
	if item == "" {
		t.Fatal("the due reminder never reached bob's inbox")
	}
	expect(200, first(call("GET", "/v1/reminders/"+fired["id"].(string)+"/deliveries", tok(), nil)), "deliveries after firing")
	expect(200, first(call("POST", "/v1/inbox/bob/items/"+item+"/confirm", tok(), nil)), "inbox confirm")
	code, dl := call("GET", "/v1/reminders/"+fired["id"].(string)+"/deliveries", tok(), nil)
	expect(200, code, "deliveries after the confirm")
	if acks, _ := dl["acks"].([]any); len(acks) != 1 || acks[0].(map[string]any)["states"].(map[string]any)["bob"] != "confirmed" {
		t.Fatalf("acks after bob's confirm: %v", dl["acks"])
	}
	escalations := 0
	for _, d := range dl["data"].([]any) {
		if dm := d.(map[string]any); dm["step"] == "escalate" {
			escalations++
			if dm["about"] != "bob" || dm["recipient"] != "lead" || dm["state"] != "cancelled" {
				t.Fatalf("the escalation about bob after his confirm: %v", dm)
			}
		}
	}
	if escalations != 1 {
		t.Fatalf("%d escalations planned, want 1 (lead's inbox)", escalations)
	}
	// Snooze: an item of a firing whose channels do not name the inbox.
	// Urgent, so carol's quiet hours (22:00-07:30 in Paris, set above) do
	// not hold it when the test runs at night there.
	code, _ = call("POST", "/v1/reminders", k, map[string]any{"title": "snooze me", "time": time.Now().UnixMilli(), "urgent": true, "recipients": []string{"carol"}, "channels": []string{"webhook"}})
	expect(201, code, "create for a snooze")
	snoozed := ""
	tick := time.NewTicker(50 * time.Millisecond)
	for deadline := time.Now().Add(10 * time.Second); snoozed == "" && time.Now().Before(deadline); <-tick.C {
		_, in := call("GET", "/v1/inbox/carol", tok(), nil)
		if d, _ := in["data"].([]any); len(d) > 0 {
			snoozed, _ = d[0].(map[string]any)["id"].(string)
		}
	}
	tick.Stop()
	if snoozed == "" {
		t.Fatal("the firing made no inbox item for carol though its channels name only webhook")
	}
	snoozePath := "/v1/inbox/carol/items/" + snoozed + "/snooze"
	expect(400, first(call("POST", snoozePath, tok(), map[string]any{})), "snooze without for or text")
	expect(400, first(call("POST", snoozePath, tok(), map[string]any{"for": "soon"})), "snooze bad for")
	expect(422, first(call("POST", snoozePath, tok(), map[string]any{"text": "nothing temporal here"})), "snooze text without a time")
	code, sn := call("POST", snoozePath, tok(), map[string]any{"text": "明天早上"})
	expect(200, code, "snooze by text")
	if sn["status"] != "snoozed" || sn["until"] == nil {
		t.Fatalf("snooze answer %v", sn)
	}
	expect(409, first(call("POST", snoozePath, tok(), map[string]any{"for": "10m"})), "snooze twice")
	expect(404, first(call("POST", "/v1/inbox/carol/items/"+item+"/snooze", tok(), map[string]any{"for": "10m"})), "snooze another's item")
	code, link := call("POST", "/v1/recipients/bob/link", tok(), nil)
	expect(200, code, "personal link")
	if u, _ := link["url"].(string); !strings.HasPrefix(u, srv.URL+"/me/") && !strings.Contains(u, "/me/") {
		t.Fatalf("personal link %v", link)
	}
	expect(400, first(call("POST", "/v1/recipients/"+strings.Repeat("x", 300)+"/link", tok(), nil)), "personal link bad uid")
	expect(204, first(call("DELETE", "/v1/recipients/bob/link", tok(), nil)), "revoke personal links")
	expect(200, first(call("GET", "/v1/reminders/"+fired["id"].(string), tok(), nil)), "get fired")
	streamCheck(t, router, srv.URL, tok(), covered)
	// Rate limit: refused credentials spend the address's budget of 5, then 429.
	got429 := false
	for i := 0; i < 6 && !got429; i++ {
		got429 = first(call("GET", "/v1/tenant", "raas_wrong", nil)) == 429
	}
	if !got429 {
		t.Error("no 429 after the burst")
	}
	if missing := uncovered(doc, covered, "/v1/"); len(missing) > 0 {
		t.Errorf("v1 operations not exercised: %v", missing)
	}
	for _, c := range []int{200, 201, 204, 400, 401, 404, 409, 413, 422, 429} {
		if !statuses[c] {
			t.Errorf("no answer with status %d was checked", c)
		}
	}
}

// TestOpenAPICoversRegister checks that every route api.go's Register adds
// is in the document (read from the source, since a ServeMux cannot list its
// patterns).
func TestOpenAPICoversRegister(t *testing.T) {
	doc := loadDoc(t)
	src, err := os.ReadFile("api.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`route\("([A-Z]+) (/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 20 {
		t.Fatalf("only %d routes found in api.go", len(routes))
	}
	for _, r := range routes {
		item := doc.Paths.Find(r[2])
		if item == nil || item.GetOperation(r[1]) == nil {
			t.Errorf("route %s %s is not in openapi.json", r[1], r[2])
		}
	}
}

func first(code int, _ map[string]any) int { return code }

// uncovered lists, sorted, the document's operations under any of the
// path prefixes that no validated exchange reached.
func uncovered(doc *openapi3.T, covered map[string]bool, prefixes ...string) []string {
	var missing []string
	for _, p := range doc.Paths.InMatchingOrder() {
		in := false
		for _, pre := range prefixes {
			in = in || strings.HasPrefix(p, pre)
		}
		if !in {
			continue
		}
		for m := range doc.Paths.Value(p).Operations() {
			if !covered[m+" "+p] {
				missing = append(missing, m+" "+p)
			}
		}
	}
	sort.Strings(missing)
	return missing
}

// startTestApp runs the real service on a temp SQLite file for one test;
// mutate may change the configuration.
func startTestApp(t *testing.T, mutate func(*app.Config)) *app.App {
	t.Helper()
	cfg := app.Defaults()
	cfg.DataDir, cfg.AllowPrivateTargets = t.TempDir(), true
	mutate(&cfg)
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx, ln); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Stop(context.Background()) })
	return a
}

// validate checks one exchange against the document and records the operation.
func validate(t *testing.T, router routers.Router, req *http.Request, reqBody []byte, resp *http.Response, body []byte, covered map[string]bool) {
	t.Helper()
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		t.Errorf("%s %s: not in the document: %v", req.Method, req.URL.Path, err)
		return
	}
	covered[route.Method+" "+route.Path] = true
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s → %d %s\ndoes not match openapi.json: %v", req.Method, req.URL.Path, resp.StatusCode, trim(body), err)
	}
}

// streamCheck opens the SSE stream, reads its first event and validates
// status and content type (the body never ends, so it is not decoded).
func streamCheck(t *testing.T, router routers.Router, base, token string, covered map[string]bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/inbox/bob/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := resp.Body.Read(buf)
	cancel()
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || !bytes.HasPrefix(buf[:n], []byte(":")) {
		t.Fatalf("stream: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), buf[:n])
	}
	vreq, _ := http.NewRequest("GET", base+"/v1/inbox/bob/stream", nil)
	route, _, err := router.FindRoute(vreq)
	if err != nil {
		t.Fatal(err)
	}
	covered[route.Method+" "+route.Path] = true
	if route.Operation.Responses.Status(200).Value.Content.Get("text/event-stream") == nil {
		t.Error("stream: text/event-stream not documented")
	}
}

func trim(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
