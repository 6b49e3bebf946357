package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/api/teamremind"
	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/sms"
)

// fakeTencent is Tencent Cloud SMS for tests: it checks each request's
// TC3-HMAC-SHA256 signature as Tencent documents it and records the texts.
// Numbers in failOnce fail once with a transient InternalError.
type fakeTencent struct {
	*httptest.Server
	mu       sync.Mutex
	sent     []map[string]any
	badSig   int
	calls    map[string]int // per phone
	failOnce map[string]bool
	now      func() time.Time // the clock signatures are checked against (nil: time.Now)
}

func newFakeTencent(t *testing.T) *fakeTencent { return newFakeTencentAt(t, nil) }

// newFakeTencentAt is newFakeTencent checking signatures against now (nil:
// time.Now), for apps on a fake clock.
func newFakeTencentAt(t *testing.T, now func() time.Time) *fakeTencent {
	f := &fakeTencent{calls: map[string]int{}, failOnce: map[string]bool{}, now: now}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		now := time.Now()
		if f.now != nil {
			now = f.now()
		}
		if err := sms.VerifyTencent(r, body, func(id string) (string, bool) { return "tc-key", id == "tc-id" }, now); err != nil {
			f.badSig++
			json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"Error": map[string]string{"Code": "AuthFailure.SignatureFailure", "Message": err.Error()}}})
			return
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		phone := m["PhoneNumberSet"].([]any)[0].(string)
		f.calls[phone]++
		if f.failOnce[phone] && f.calls[phone] == 1 {
			json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"Error": map[string]string{"Code": "InternalError.Timeout", "Message": "try later"}}})
			return
		}
		f.sent = append(f.sent, m)
		json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"SendStatusSet": []map[string]string{{"Code": "Ok", "Message": "send success", "PhoneNumber": phone}}, "RequestId": "r"}})
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTencent) snapshot() (sent []map[string]any, calls map[string]int, bad int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls = map[string]int{}
	for k, v := range f.calls {
		calls[k] = v
	}
	return append([]map[string]any(nil), f.sent...), calls, f.badSig
}

// tr drives the team-remind API of one test app.
type tr struct {
	t             *testing.T
	ta            *testApp
	appID, secret string
}

func (c *tr) token() string {
	c.t.Helper()
	code, out := do(c.t, "GET", c.ta.URL+"/openapi/token?appId="+c.appID+"&appSecret="+c.secret, "", nil)
	if code != 200 || out["status"] != 0.0 {
		c.t.Fatalf("token: %d %v", code, out)
	}
	return out["data"].(map[string]any)["accessToken"].(string)
}

// call posts body to a team-remind operation with a fresh token.
func (c *tr) call(op string, body any) map[string]any {
	c.t.Helper()
	return c.callWith(c.token(), op, body)
}

func (c *tr) callWith(token, op string, body any) map[string]any {
	c.t.Helper()
	code, out := do(c.t, "POST", c.ta.URL+"/openapi/workbench/teamremind/"+op+"?accessToken="+url.QueryEscape(token), "", body)
	if code != 200 {
		c.t.Fatalf("%s: HTTP %d %v", op, code, out)
	}
	return out
}

func (c *tr) ok(op string, body any) map[string]any {
	c.t.Helper()
	out := c.call(op, body)
	if out["status"] != 0.0 {
		c.t.Fatalf("%s: %v", op, out)
	}
	d, _ := out["data"].(map[string]any)
	return d
}

func (c *tr) status(op string, body any, want int) map[string]any {
	c.t.Helper()
	out := c.call(op, body)
	if out["status"] != float64(want) {
		c.t.Fatalf("%s: status %v, want %d: %v", op, out["status"], want, out)
	}
	if out["message"] == "" || out["message"] == nil {
		c.t.Fatalf("%s: error without message: %v", op, out)
	}
	return out
}

func (c *tr) detail(id any) map[string]any {
	c.t.Helper()
	return c.ok("detail", map[string]any{"requesterUid": "boss", "teamRemindId": id})
}

func trMembers(d map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, m := range d["detail"].(map[string]any)["members"].([]any) {
		mm := m.(map[string]any)
		out[mm["uid"].(string)] = mm
	}
	return out
}

func trMS(t time.Time) int64 { return t.UnixMilli() }

func trWait(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTeamRemindSeed walks the team-remind seed document end to end.
func TestTeamRemindSeed(t *testing.T) {
	fake := newFakeTencent(t)
	const ttl = 4 * time.Second
	ta := startApp(t, func(cfg *app.Config) {
		cfg.TeamRemind = app.DefaultTeamRemind()
		cfg.TeamRemind.AccessTokenTTL = ttl
		cfg.TeamRemind.SMSProvider = "tencent"
		cfg.TeamRemind.SMSRateLimit = 2
		cfg.TeamRemind.Tencent.Endpoint = fake.URL + "/"
		cfg.TeamRemind.Tencent.SecretID, cfg.TeamRemind.Tencent.SecretKey = "tc-id", "tc-key"
		cfg.TeamRemind.Tencent.SDKAppID, cfg.TeamRemind.Tencent.SignName, cfg.TeamRemind.Tencent.TemplateID = "1400000000", "团队提醒", "449739"
	})
	ctx := context.Background()
	st := ta.Store
	appID, secret, err := teamremind.CreateApp(ctx, ta.Service, st, "t1") // the harness token's tenant
	if err != nil {
		t.Fatal(err)
	}
	c := &tr{t: t, ta: ta, appID: appID, secret: secret}

	// Members are the tenant's recipients; u3 muted reminders.
	for uid, body := range map[string]map[string]any{
		"u1": {"name": "张三", "phone": "13800000001"},
		"u2": {"name": "李四", "phone": "+8613800000002"},
		"u3": {"name": "王五", "phone": "13800000003", "muted": true},
		"u4": {"name": "赵六", "phone": "13800000004"},
	} {
		if code, out := do(t, "PUT", ta.URL+"/v1/recipients/"+uid, ta.Token, body); code != 200 {
			t.Fatalf("put %s: %d %v", uid, code, out)
		}
	}

	// Access: a token for the right secret (GET and POST), 4004 for a wrong one.
	firstToken := c.token()
	if code, out := do(t, "POST", ta.URL+"/openapi/token?appId="+appID+"&appSecret="+secret, "", nil); code != 200 || out["status"] != 0.0 ||
		out["data"].(map[string]any)["expiresIn"] != ttl.Seconds() {
		t.Fatalf("POST token: %d %v", code, out)
	}
	if _, out := do(t, "GET", ta.URL+"/openapi/token?appId="+appID+"&appSecret=wrong", "", nil); out["status"] != 4004.0 {
		t.Fatalf("wrong secret: %v", out)
	}
	if _, out := do(t, "POST", ta.URL+"/openapi/workbench/teamremind/detail", "", map[string]any{}); out["status"] != 4001.0 {
		t.Fatalf("no token: %v", out)
	}
	if out := c.callWith("nope", "detail", map[string]any{}); out["status"] != 4002.0 {
		t.Fatalf("unknown token: %v", out)
	}

	// Follow u1's inbox before anything fires.
	sse := trFollowInbox(t, ta, "u1")

	// create: three members, one muted; fields as strings, as in the seed.
	now := time.Now()
	created := c.ok("create", map[string]any{
		"requesterUid": "boss", "requesterName": "老板",
		"detail": map[string]any{
			"createTime": fmt.Sprint(trMS(now)), "content": "周五下午项目评审", "remindTime": fmt.Sprint(trMS(now.Add(time.Hour))), "remindType": "0",
			"members": []map[string]any{{"uid": "u1", "name": "张三"}, {"uid": "u2", "name": "李四"}, {"uid": "u3", "name": "王五"}},
		},
	})
	id1 := created["teamRemindId"].(float64)
	if id1 <= 0 {
		t.Fatalf("teamRemindId %v", created)
	}
	d := c.detail(id1)
	if d["createrId"] != "boss" || d["createrName"] != "老板" || d["pushStatus"] != 0.0 {
		t.Fatalf("detail: %v", d)
	}
	dd := d["detail"].(map[string]any)
	if dd["content"] != "周五下午项目评审" || dd["remindTime"] != float64(trMS(now.Add(time.Hour))) || dd["remindType"] != 0.0 || dd["createTime"] != float64(trMS(now)) {
		t.Fatalf("detail.detail: %v", dd)
	}
	m := trMembers(d)
	if len(m) != 3 || m["u1"]["isRemind"] != true || m["u3"]["isRemind"] != false || m["u1"]["msgStatus"] != 0.0 || m["u2"]["name"] != "李四" {
		t.Fatalf("members: %v", m)
	}

	// update: the non-creator is refused; the creator moves it to in a second.
	upd := func(uid string, at time.Time, id any) map[string]any {
		return map[string]any{"requesterUid": uid, "teamRemindId": id, "detail": map[string]any{
			"createTime": trMS(now), "content": "项目评审改到现在", "remindTime": trMS(at), "remindType": 0,
			"members": []map[string]any{{"uid": "u1", "name": "张三"}, {"uid": "u2", "name": "李四"}, {"uid": "u3", "name": "王五"}},
		}}
	}
	c.status("update", upd("u1", now.Add(time.Hour), id1), teamremind.StatusNotCreator)
	c.status("cancel", map[string]any{"requesterUid": "u2", "teamRemindId": id1}, teamremind.StatusNotCreator)
	fireAt := time.Now().Add(1200 * time.Millisecond)
	c.ok("update", upd("boss", fireAt, fmt.Sprint(int64(id1)))) // teamRemindId as a string this time
	if dd := c.detail(id1)["detail"].(map[string]any); dd["content"] != "项目评审改到现在" || dd["remindTime"] != float64(trMS(fireAt)) {
		t.Fatalf("after update: %v", dd)
	}

	// fire: u1 and u2 get the item in their inbox (u1 over SSE too); u3 is muted.
	var item map[string]any
	select {
	case item = <-sse:
	case <-time.After(8 * time.Second):
		t.Fatal("no SSE item for u1")
	}
	if item["title"] != "项目评审改到现在" {
		t.Fatalf("SSE item %v", item)
	}
	inbox := func(uid string) []any {
		_, out := do(t, "GET", ta.URL+"/v1/inbox/"+uid, ta.Token, nil)
		return out["data"].([]any)
	}
	trWait(t, "u2's inbox item", 5*time.Second, func() bool { return len(inbox("u2")) == 1 })
	if n := len(inbox("u3")); n != 0 {
		t.Fatalf("muted u3 got %d items", n)
	}
	trWait(t, "pushStatus 1", 5*time.Second, func() bool { return c.detail(id1)["pushStatus"] == 1.0 })

	// The members act in their inbox: u1 confirms, u2 reads then rejects.
	item2 := inbox("u2")[0].(map[string]any)
	for _, a := range []struct{ uid, id, action string }{{"u1", item["id"].(string), "confirm"}, {"u2", item2["id"].(string), "read"}} {
		if code, out := do(t, "POST", ta.URL+"/v1/inbox/"+a.uid+"/items/"+a.id+"/"+a.action, ta.Token, nil); code != 200 {
			t.Fatalf("%s %s: %d %v", a.uid, a.action, code, out)
		}
	}
	if m := trMembers(c.detail(id1)); m["u2"]["msgStatus"] != 1.0 {
		t.Fatalf("after read: %v", m)
	}
	if code, out := do(t, "POST", ta.URL+"/v1/inbox/u2/items/"+item2["id"].(string)+"/reject", ta.Token, nil); code != 200 {
		t.Fatalf("reject: %d %v", code, out)
	}
	m = trMembers(c.detail(id1))
	if m["u1"]["msgStatus"] != 2.0 || m["u2"]["msgStatus"] != 3.0 || m["u3"]["msgStatus"] != 0.0 || m["u3"]["isRemind"] != false {
		t.Fatalf("after confirm/reject: %v", m)
	}

	// SMS: remindType 1 reaches u1 and u2 at the fake provider, validly
	// signed; muted u3 gets nothing.
	smsAt := time.Now().Add(800 * time.Millisecond)
	smsRem := c.ok("create", map[string]any{"requesterUid": "boss", "requesterName": "老板", "detail": map[string]any{
		"createTime": trMS(time.Now()), "content": "下午三点在三楼大会议室开产品评审会，请大家带上电脑和上周的数据报告以及会议纪要", "remindTime": trMS(smsAt), "remindType": 1,
		"members": []map[string]any{{"uid": "u1", "name": "张三"}, {"uid": "u2", "name": "李四"}, {"uid": "u3", "name": "王五"}},
	}})["teamRemindId"]
	trWait(t, "two texts", 8*time.Second, func() bool { s, _, _ := fake.snapshot(); return len(s) >= 2 })
	trWait(t, "SMS pushStatus 1", 5*time.Second, func() bool { return c.detail(smsRem)["pushStatus"] == 1.0 })
	sent, calls, bad := fake.snapshot()
	if bad != 0 || len(sent) != 2 || calls["+8613800000003"] != 0 {
		t.Fatalf("texts %v calls %v bad signatures %d", sent, calls, bad)
	}
	phones := map[string]bool{}
	for _, s := range sent {
		phones[s["PhoneNumberSet"].([]any)[0].(string)] = true
		ps := s["TemplateParamSet"].([]any)
		if len(ps) != 2 || len([]rune(ps[0].(string))) != 35 || ps[1] != smsAt.In(trZone(t, "Asia/Shanghai")).Truncate(time.Minute).Format("01-02 15:04") ||
			s["TemplateId"] != "449739" || s["SignName"] != "团队提醒" {
			t.Fatalf("text %v", s)
		}
	}
	if !phones["+8613800000001"] || !phones["+8613800000002"] {
		t.Fatalf("phones %v", phones)
	}

	// The per-number limit (2 an hour here): u1's third text is refused for
	// good, not retried; u2 still gets one.
	c.ok("create", map[string]any{"requesterUid": "boss", "detail": map[string]any{"content": "再提醒一次", "remindTime": trMS(time.Now().Add(300 * time.Millisecond)), "remindType": 1,
		"members": []map[string]any{{"uid": "u1"}}}})
	limited := c.ok("create", map[string]any{"requesterUid": "boss", "detail": map[string]any{"content": "第三次", "remindTime": trMS(time.Now().Add(600 * time.Millisecond)), "remindType": 1,
		"members": []map[string]any{{"uid": "u1"}}}})["teamRemindId"]
	rid, err := st.TeamRemindByNumber(ctx, trTenantID(t, ta), int64(limited.(float64)))
	if err != nil {
		t.Fatal(err)
	}
	trWait(t, "the limited delivery to fail", 8*time.Second, func() bool {
		_, out := do(t, "GET", ta.URL+"/v1/reminders/"+rid+"/deliveries", ta.Token, nil)
		var ds []any // the SMS delivery (the member's inbox item aside)
		all, _ := out["data"].([]any)
		for _, x := range all {
			if x.(map[string]any)["channel"] != "inbox" {
				ds = append(ds, x)
			}
		}
		return len(ds) == 1 && ds[0].(map[string]any)["state"] == "failed" && strings.Contains(ds[0].(map[string]any)["last_error"].(string), "rate limit")
	})
	if _, calls, _ := fake.snapshot(); calls["+8613800000001"] != 2 {
		t.Fatalf("u1 texted %d times, want 2", calls["+8613800000001"])
	}

	// cancel before it fires: it never fires.
	early := c.ok("create", map[string]any{"requesterUid": "boss", "detail": map[string]any{"content": "不会发出", "remindTime": trMS(time.Now().Add(700 * time.Millisecond)), "remindType": 0,
		"members": []map[string]any{{"uid": "u4", "name": "赵六"}}}})["teamRemindId"]
	c.ok("cancel", map[string]any{"requesterUid": "boss", "teamRemindId": early})
	// cancel after it fell due and was queued: u4's provider fails the first
	// try (transient), the retry is queued; the cancel stops it.
	fake.mu.Lock()
	fake.failOnce["+8613800000004"] = true
	fake.mu.Unlock()
	queued := c.ok("create", map[string]any{"requesterUid": "boss", "detail": map[string]any{"content": "重试中取消", "remindTime": trMS(time.Now().Add(300 * time.Millisecond)), "remindType": 1,
		"members": []map[string]any{{"uid": "u4", "name": "赵六"}}}})["teamRemindId"]
	trWait(t, "the first (failing) try to u4", 5*time.Second, func() bool { _, calls, _ := fake.snapshot(); return calls["+8613800000004"] == 1 })
	c.ok("cancel", map[string]any{"requesterUid": "boss", "teamRemindId": queued})
	time.Sleep(2500 * time.Millisecond) // past the retry backoff (1s ±20%) and the early one's time
	if _, calls, _ := fake.snapshot(); calls["+8613800000004"] != 1 {
		t.Fatalf("cancelled reminder retried: u4 called %d times", calls["+8613800000004"])
	}
	// The queued one fired before its cancel, so u4 has its inbox item
	// (every firing leaves one); the early one never fired: none of its.
	earlyID, err := st.TeamRemindByNumber(ctx, trTenantID(t, ta), int64(early.(float64)))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range inbox("u4") {
		if it.(map[string]any)["reminder_id"] == earlyID {
			t.Fatalf("cancelled reminder fired: u4 has its item %v", it)
		}
	}
	for _, id := range []any{early, queued} {
		if d := c.detail(id); d["pushStatus"] != 2.0 {
			t.Fatalf("cancelled: pushStatus %v", d["pushStatus"])
		}
	}
	c.status("update", upd("boss", time.Now().Add(time.Hour), early), teamremind.StatusCancelled)

	// content without remindTime goes through the parser.
	parsed := c.ok("create", map[string]any{"requesterUid": "boss", "detail": map[string]any{"content": "明天上午9点开周会", "remindTime": "", "remindType": "0",
		"members": []map[string]any{{"uid": "u1", "name": "张三"}}}})["teamRemindId"]
	sh := trZone(t, "Asia/Shanghai")
	tomorrow := time.Now().In(sh).AddDate(0, 0, 1)
	want9 := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 9, 0, 0, 0, sh)
	if dd := c.detail(parsed)["detail"].(map[string]any); dd["remindTime"] != float64(trMS(want9)) {
		t.Fatalf("parsed remindTime %v, want %d", dd["remindTime"], trMS(want9))
	}
	c.status("create", map[string]any{"requesterUid": "boss", "detail": map[string]any{"content": "没有时间", "remindType": 0,
		"members": []map[string]any{{"uid": "u1"}}}}, teamremind.StatusNoTime)

	// delete by a member: off that member's workbench only. Before it
	// fires, u5 leaves and gets nothing while u6 is reminded; detail answers
	// 4011 to u5 and shows u5 to the others with isRemind false.
	leave := c.ok("create", map[string]any{"requesterUid": "boss", "detail": map[string]any{"content": "成员删除", "remindTime": trMS(time.Now().Add(1200 * time.Millisecond)), "remindType": 0,
		"members": []map[string]any{{"uid": "u5", "name": "孙七"}, {"uid": "u6", "name": "周八"}}}})["teamRemindId"]
	c.ok("delete", map[string]any{"requesterUid": "u5", "teamRemindId": leave})
	c.ok("delete", map[string]any{"requesterUid": "u5", "teamRemindId": leave}) // twice is fine
	trWait(t, "u6's inbox item", 5*time.Second, func() bool { return len(inbox("u6")) == 1 })
	time.Sleep(300 * time.Millisecond)
	if n := len(inbox("u5")); n != 0 {
		t.Fatalf("u5 deleted it from the workbench but got %d items", n)
	}
	c.status("detail", map[string]any{"requesterUid": "u5", "teamRemindId": leave}, teamremind.StatusNotFound)
	lm := map[string]bool{}
	for _, m := range c.detail(leave)["detail"].(map[string]any)["members"].([]any) {
		lm[m.(map[string]any)["uid"].(string)] = m.(map[string]any)["isRemind"].(bool)
	}
	if len(lm) != 2 || lm["u5"] || !lm["u6"] {
		t.Fatalf("members after u5 left: %v", lm)
	}
	// After it fired, too; someone neither creator nor member gets 4010.
	c.ok("delete", map[string]any{"requesterUid": "u1", "teamRemindId": id1})
	c.status("detail", map[string]any{"requesterUid": "u1", "teamRemindId": id1}, teamremind.StatusNotFound)
	c.status("delete", map[string]any{"requesterUid": "stranger", "teamRemindId": id1}, teamremind.StatusNotCreator)

	// delete by the creator: gone for everyone; its history stays.
	c.ok("delete", map[string]any{"requesterUid": "boss", "teamRemindId": id1})
	c.status("detail", map[string]any{"requesterUid": "boss", "teamRemindId": id1}, teamremind.StatusNotFound)
	if len(inbox("u1")) == 0 {
		t.Fatal("deleting the reminder removed u1's inbox history")
	}

	// The first token has outlived --access-token-ttl: 4003, as in the seed.
	time.Sleep(time.Until(now.Add(ttl + 100*time.Millisecond)))
	out := c.callWith(firstToken, "detail", map[string]any{"requesterUid": "boss", "teamRemindId": smsRem})
	if out["status"] != 4003.0 || out["message"] != "accessToken超时，请重新获取" {
		t.Fatalf("expired token: %v", out)
	}
}

func trTenantID(t *testing.T, ta *testApp) string {
	t.Helper()
	tn, err := ta.Service.Authenticate(context.Background(), ta.Token)
	if err != nil {
		t.Fatal(err)
	}
	return tn.ID
}

func trZone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// followInbox opens uid's SSE stream and returns its items.
func trFollowInbox(t *testing.T, ta *testApp, uid string) <-chan map[string]any {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", ta.URL+"/v1/inbox/"+uid+"/stream", nil)
	req.Header.Set("Authorization", "Bearer "+ta.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan map[string]any, 16)
	rd := bufio.NewReader(resp.Body)
	if _, err := rd.ReadString('\n'); err != nil { // ": following": the hub has us
		t.Fatal(err)
	}
	go func() {
		defer resp.Body.Close()
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			if data, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
				var it map[string]any
				if json.Unmarshal([]byte(data), &it) == nil {
					out <- it
				}
			}
		}
	}()
	return out
}
