package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/api/teamremind"
	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/store/pgtest"
)

// waitAdvancing is waitFor on an app driven by clk: each poll also moves
// clk on by 100ms, so a timer the app set just after the test's last
// Advance (its time already reached) still fires.
func waitAdvancing(t *testing.T, clk *clockwork.FakeClock, what string, cond func() (bool, any)) {
	t.Helper()
	waitFor(t, 15*time.Second, what, func() (bool, any) {
		ok, seen := cond()
		if !ok {
			clk.Advance(100 * time.Millisecond)
		}
		return ok, seen
	})
}

// waitSink waits, moving clk on, until s has at least n calls.
func waitSink(t *testing.T, clk *clockwork.FakeClock, s *sink, n int, what string) {
	t.Helper()
	waitAdvancing(t, clk, what, func() (bool, any) { return len(s.Calls()) >= n, len(s.Calls()) })
}

// waitOutcomes waits, moving clk on, until every delivery of reminder id
// that has fallen due has its outcome recorded: only then may the test
// move clk by minutes, or a lease still held for a send that has just
// been made would run out, and the delivery be sent again (at least once).
func waitOutcomes(t *testing.T, clk *clockwork.FakeClock, a *testApp, id string) {
	t.Helper()
	waitAdvancing(t, clk, "the outcomes of what fell due", func() (bool, any) {
		_, out := do(t, "GET", a.URL+"/v1/reminders/"+id+"/deliveries", a.Token, nil)
		var open []any
		for _, d := range out["data"].([]any) {
			dm := d.(map[string]any)
			due, _ := time.Parse(time.RFC3339Nano, dm["due_at"].(string))
			if dm["state"] == "pending" && !due.After(clk.Now()) {
				open = append(open, dm["recipient"], dm["channel"], dm["step"])
			}
		}
		return len(open) == 0, open
	})
}

// smsApp starts an app on clk whose SMS channel goes to fake (Tencent).
func smsApp(t *testing.T, clk clockwork.Clock, fake *fakeTencent, db string) *testApp {
	return startApp(t, func(cfg *app.Config) {
		// The test moves clk by minutes at a time: instances whose
		// heartbeats lag behind such a jump must not look dead to each
		// other (that hands back their leases, and a delivery is sent
		// twice, as at-least-once allows), so their heartbeats last long.
		cfg.Clock, cfg.InstanceTimeout = clk, time.Hour
		if db != "" {
			cfg.DB = db
		}
		cfg.TeamRemind = app.DefaultTeamRemind()
		cfg.TeamRemind.SMSProvider = "tencent"
		cfg.TeamRemind.Tencent.Endpoint = fake.URL + "/"
		cfg.TeamRemind.Tencent.SecretID, cfg.TeamRemind.Tencent.SecretKey = "tc-id", "tc-key"
		cfg.TeamRemind.Tencent.SDKAppID, cfg.TeamRemind.Tencent.SignName, cfg.TeamRemind.Tencent.TemplateID = "1400000000", "团队提醒", "449739"
	})
}

// steps returns the "step" (and the escalation's "unconfirmed") of each
// call a sink got, in order.
func steps(t *testing.T, s *sink) []string {
	t.Helper()
	var out []string
	for _, c := range s.Calls() {
		ev := event(t, c)
		step, _ := ev["step"].(string)
		if step == "" {
			step = "firing"
		}
		if esc, ok := ev["escalation"].(map[string]any); ok {
			step += ":" + fmt.Sprint(esc["unconfirmed"])
		}
		out = append(out, step)
	}
	return out
}

func smsTo(fake *fakeTencent, phone string) int {
	sent, _, _ := fake.snapshot()
	n := 0
	for _, m := range sent {
		if m["PhoneNumberSet"].([]any)[0] == phone {
			n++
		}
	}
	return n
}

// TestAckEscalation: a reminder to ann and bob asks for acknowledgement
// (repeat every 5m, twice; escalate to lead at 15m; then SMS). Ann
// confirms in her inbox after the firing and hears nothing more; bob stays
// silent: he is re-notified at 5m and 10m, then at 15m the lead is told bob
// did not confirm and bob gets an SMS at the fake provider. The deliveries
// answer shows ann confirmed, bob not. On PostgreSQL the firing and the
// follow-ups are sent by two instances sharing the database, and ann
// confirms through the other one.
func TestAckEscalation(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		clk := clockwork.NewFakeClockAt(time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC))
		fake := newFakeTencentAt(t, clk.Now)
		a := smsApp(t, clk, fake, "")
		ackEscalation(t, clk, fake, a, a)
	})
	t.Run("postgres", func(t *testing.T) {
		db := pgtest.NewDatabase(t)
		clk := clockwork.NewFakeClockAt(time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC))
		fake := newFakeTencentAt(t, clk.Now)
		a, b := smsApp(t, clk, fake, db), smsApp(t, clk, fake, db)
		b.Token = a.Token
		ackEscalation(t, clk, fake, a, b)
	})
}

func ackEscalation(t *testing.T, clk *clockwork.FakeClock, fake *fakeTencent, a, b *testApp) {
	ann, bob, lead := newSink(t, nil), newSink(t, nil), newSink(t, nil)
	for uid, body := range map[string]map[string]any{
		"ann":  {"name": "Ann", "phone": "+8613800000001", "webhook_url": ann.URL},
		"bob":  {"name": "Bob", "phone": "+8613800000002", "webhook_url": bob.URL},
		"lead": {"name": "Lead", "webhook_url": lead.URL},
	} {
		if code, out := do(t, "PUT", a.URL+"/v1/recipients/"+uid, a.Token, body); code != 200 {
			t.Fatalf("put %s: %d %v", uid, code, out)
		}
	}
	ack := map[string]any{"within": "15m", "repeat": "5m", "max_repeats": 2, "escalate_to": []string{"lead"}, "then_channels": []string{"sms"}}

	// Bad policies are refused naming the field, and nothing is written.
	for field, bad := range map[string]map[string]any{
		"ack.within":        {"within": "15 minutes"},
		"ack.repeat":        {"within": "15m", "repeat": "20m", "max_repeats": 1},
		"ack.max_repeats":   {"within": "15m", "repeat": "5m", "max_repeats": 99},
		"ack.escalate_to":   {"within": "15m", "escalate_to": []string{"a/b"}},
		"ack.then_channels": {"within": "15m", "then_channels": []string{"fax"}},
	} {
		code, out := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "x", "time": clk.Now().Add(time.Hour), "ack": bad})
		if e, _ := out["error"].(map[string]any); code != 400 || e["field"] != field {
			t.Fatalf("ack %v: %d %v, want 400 on %s", bad, code, out, field)
		}
	}
	if _, out := do(t, "GET", a.URL+"/v1/reminders", a.Token, nil); len(out["data"].([]any)) != 0 {
		t.Fatalf("refused creates wrote %v", out["data"])
	}

	// A policy is taken off with "ack": null.
	_, other := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "later", "time": clk.Now().Add(time.Hour), "ack": ack})
	if code, out := do(t, "PATCH", a.URL+"/v1/reminders/"+other["id"].(string), a.Token, map[string]any{"ack": nil}); code != 200 || out["ack"] != nil {
		t.Fatalf("remove ack: %d %v", code, out)
	}
	if code, _ := do(t, "DELETE", a.URL+"/v1/reminders/"+other["id"].(string), a.Token, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}

	fireAt := clk.Now().Add(time.Minute)
	code, rem := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "standup", "time": fireAt, "recipients": []string{"ann", "bob"}, "ack": ack})
	if code != 201 {
		t.Fatalf("create: %d %v", code, rem)
	}
	if got, _ := json.Marshal(rem["ack"]); string(got) != `{"escalate_to":["lead"],"max_repeats":2,"repeat":"5m","then_channels":["sms"],"within":"15m"}` {
		t.Fatalf("ack answered as %s", got)
	}
	id := rem["id"].(string)

	clk.Advance(time.Minute)
	waitSink(t, clk, ann, 1, "the firing to ann")
	waitSink(t, clk, bob, 1, "the firing to bob")
	waitOutcomes(t, clk, a, id)
	var itemID string
	waitAdvancing(t, clk, "ann's inbox item", func() (bool, any) {
		_, out := do(t, "GET", a.URL+"/v1/inbox/ann", a.Token, nil)
		items, _ := out["data"].([]any)
		if len(items) == 1 {
			itemID = items[0].(map[string]any)["id"].(string)
		}
		return itemID != "", out
	})
	if code, out := do(t, "POST", b.URL+"/v1/inbox/ann/items/"+itemID+"/confirm", b.Token, nil); code != 200 {
		t.Fatalf("confirm: %d %v", code, out)
	}

	clk.Advance(5 * time.Minute)
	waitSink(t, clk, bob, 2, "bob's first repeat")
	waitOutcomes(t, clk, a, id)
	clk.Advance(5 * time.Minute)
	waitSink(t, clk, bob, 3, "bob's second repeat")
	waitOutcomes(t, clk, a, id)
	clk.Advance(5 * time.Minute)
	waitSink(t, clk, lead, 1, "the escalation to lead")
	waitAdvancing(t, clk, "bob's SMS", func() (bool, any) { return smsTo(fake, "+8613800000002") == 1, smsTo(fake, "+8613800000002") })

	// Everything planned has ended: nothing more can be sent.
	waitAdvancing(t, clk, "every delivery to end", func() (bool, any) {
		_, out := do(t, "GET", a.URL+"/v1/reminders/"+id+"/deliveries", a.Token, nil)
		var pending []any
		for _, d := range out["data"].([]any) {
			if dm := d.(map[string]any); dm["state"] == "pending" {
				pending = append(pending, dm["recipient"], dm["step"])
			}
		}
		return len(pending) == 0, pending
	})
	if got := fmt.Sprint(steps(t, ann)); got != "[firing]" {
		t.Fatalf("ann, who confirmed, got %s", got)
	}
	if got := fmt.Sprint(steps(t, bob)); got != "[firing repeat-1 repeat-2]" {
		t.Fatalf("bob got %s", got)
	}
	if got := fmt.Sprint(steps(t, lead)); got != "[escalate:bob]" {
		t.Fatalf("lead got %s", got)
	}
	if n := smsTo(fake, "+8613800000001"); n != 0 {
		t.Fatalf("ann got %d SMS", n)
	}
	var leadItems []any
	_, out := do(t, "GET", a.URL+"/v1/inbox/lead", a.Token, nil)
	if leadItems, _ = out["data"].([]any); len(leadItems) != 1 || leadItems[0].(map[string]any)["title"] != "未确认 / Not confirmed by bob: standup" {
		t.Fatalf("lead's inbox: %v", out)
	}

	_, out = do(t, "GET", a.URL+"/v1/reminders/"+id+"/deliveries", a.Token, nil)
	acks, _ := out["acks"].([]any)
	if len(acks) != 1 {
		t.Fatalf("acks: %v", out["acks"])
	}
	states := acks[0].(map[string]any)["states"].(map[string]any)
	if states["ann"] != "confirmed" || states["bob"] != "unread" || len(states) != 2 {
		t.Fatalf("ack states %v", states)
	}

}

// TestTeamRemindSMSFallback: an app with an SMS fallback of 10 minutes
// makes in-app team reminders that text the members who have not
// confirmed 10 minutes after they fire; a member who confirmed is not
// texted, and msgStatus follows the inbox.
func TestTeamRemindSMSFallback(t *testing.T) {
	clk := clockwork.NewFakeClockAt(time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC))
	fake := newFakeTencentAt(t, clk.Now)
	ta := smsApp(t, clk, fake, "")
	ctx := context.Background()
	appID, secret, err := teamremind.CreateApp(ctx, ta.Service, ta.Store, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if err := teamremind.SetSMSFallback(ctx, ta.Service, ta.Store, appID, 10*time.Second); err == nil {
		t.Fatal("a 10s fallback was accepted")
	}
	if err := teamremind.SetSMSFallback(ctx, ta.Service, ta.Store, appID, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	c := &tr{t: t, ta: ta, appID: appID, secret: secret}
	for uid, phone := range map[string]string{"u1": "13800000001", "u2": "13800000002"} {
		if code, out := do(t, "PUT", ta.URL+"/v1/recipients/"+uid, ta.Token, map[string]any{"phone": phone}); code != 200 {
			t.Fatalf("put %s: %d %v", uid, code, out)
		}
	}
	at := clk.Now().Add(time.Minute)
	rem := c.ok("create", map[string]any{"requesterUid": "boss", "requesterName": "老板", "detail": map[string]any{
		"createTime": trMS(clk.Now()), "content": "周会", "remindTime": trMS(at), "remindType": 0,
		"members": []map[string]any{{"uid": "u1", "name": "张三"}, {"uid": "u2", "name": "李四"}},
	}})
	clk.Advance(time.Minute)
	var item string
	waitAdvancing(t, clk, "u1's inbox item", func() (bool, any) {
		_, out := do(t, "GET", ta.URL+"/v1/inbox/u1", ta.Token, nil)
		items, _ := out["data"].([]any)
		if len(items) == 1 {
			item = items[0].(map[string]any)["id"].(string)
		}
		return item != "", out
	})
	if code, out := do(t, "POST", ta.URL+"/v1/inbox/u1/items/"+item+"/confirm", ta.Token, nil); code != 200 {
		t.Fatalf("confirm: %d %v", code, out)
	}
	if m := trMembers(c.detail(rem["teamRemindId"])); m["u1"]["msgStatus"] != 2.0 || m["u2"]["msgStatus"] != 0.0 {
		t.Fatalf("msgStatus: %v", m)
	}
	_, list := do(t, "GET", ta.URL+"/v1/reminders", ta.Token, nil)
	id := list["data"].([]any)[0].(map[string]any)["id"].(string)
	waitOutcomes(t, clk, ta, id)
	clk.Advance(10 * time.Minute)
	waitAdvancing(t, clk, "u2's SMS", func() (bool, any) { return smsTo(fake, "+8613800000002") == 1, smsTo(fake, "+8613800000002") })
	waitAdvancing(t, clk, "every delivery to end", func() (bool, any) {
		_, out := do(t, "GET", ta.URL+"/v1/reminders/"+id+"/deliveries", ta.Token, nil)
		var pending []any
		for _, d := range out["data"].([]any) {
			if dm := d.(map[string]any); dm["state"] == "pending" {
				pending = append(pending, dm["recipient"], dm["step"])
			}
		}
		return len(pending) == 0, pending
	})
	if n := smsTo(fake, "+8613800000001"); n != 0 {
		t.Fatalf("u1, who confirmed, got %d SMS", n)
	}
}
