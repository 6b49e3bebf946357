package remind

import (
	"testing"
	"time"
)

// A web push delivery goes only to recipients that are web push
// subscriptions: a reminder whose channels name webpush sends nothing on it
// to an e-mail subscriber, and the default channels of a web push subscriber
// include it.
func TestPlanWebPushOnlyToSubscriptions(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	r := Reminder{ID: "r1", TenantID: "t", Title: "x", TZ: "UTC", Time: &at,
		Recipients: []string{"mail", "push"}, Channels: []string{ChannelEmail, ChannelWebPush}}
	recips := map[string]Recipient{
		"mail": {TenantID: "t", UID: "mail", Email: "a@example.com"},
		"push": {TenantID: "t", UID: "push", WebPush: true},
	}
	got := map[string]string{}
	for _, d := range Plan(r, at, recips, nil, at, FirePolicy{}) {
		got[d.Recipient+"/"+d.Channel] = d.Target
	}
	// The inbox item is planned for each recipient though the channels do
	// not name it: it is their record of the firing.
	want := map[string]string{"mail/email": "a@example.com", "push/webpush": "push", "mail/inbox": "mail", "push/inbox": "push"}
	if len(got) != len(want) {
		t.Fatalf("deliveries %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("deliveries %v, want %v", got, want)
		}
	}

	r.Channels = nil
	chans := map[string]bool{}
	for _, d := range Plan(r, at, recips, nil, at, FirePolicy{}) {
		if d.Recipient == "push" {
			chans[d.Channel] = true
		}
	}
	if !chans[ChannelWebPush] || !chans[ChannelInbox] || len(chans) != 2 {
		t.Fatalf("default channels of a web push subscriber: %v", chans)
	}
}

// Contacts: a reminder naming a robot channel reaches the recipient's
// robot; one naming none reaches every contact the recipient has (one
// delivery per notify URL); targets never hold the webhook URL itself
// (it carries the robot's token).
func TestPlanContacts(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	team := Recipient{TenantID: "t", UID: "team-chat", Contacts: Contacts{
		DingTalk: &Robot{Webhook: "https://oapi.dingtalk.com/robot/send?access_token=tok", SealedSecret: "sealed"},
		Feishu:   &Robot{Webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/abc"},
		WeCom:    &Robot{Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
		Notify:   []string{"ntfy://ntfy.sh/a", "gotify://g.example.com/token"},
	}}
	bare := Recipient{TenantID: "t", UID: "bare"}
	recips := map[string]Recipient{"team-chat": team, "bare": bare}
	for _, tc := range []struct {
		name     string
		channels []string
		want     map[string]int // recipient/channel -> deliveries
	}{
		{"named", []string{ChannelDingTalk}, map[string]int{"team-chat/dingtalk": 1, "team-chat/inbox": 1, "bare/inbox": 1}},
		{"named notify", []string{ChannelNotify, ChannelWeCom}, map[string]int{"team-chat/notify": 2, "team-chat/wecom": 1, "team-chat/inbox": 1, "bare/inbox": 1}},
		{"defaults", nil, map[string]int{"team-chat/inbox": 1, "team-chat/dingtalk": 1, "team-chat/feishu": 1, "team-chat/wecom": 1,
			"team-chat/notify": 2, "bare/inbox": 1}},
	} {
		r := Reminder{ID: "r1", TenantID: "t", Title: "x", TZ: "UTC", Time: &at, Recipients: []string{"team-chat", "bare"}, Channels: tc.channels}
		got := map[string]int{}
		ids := map[string]bool{}
		for _, d := range Plan(r, at, recips, nil, at, FirePolicy{}) {
			got[d.Recipient+"/"+d.Channel]++
			ids[d.ID] = true
			if d.Channel != ChannelInbox && (len(d.Target) != 16 || d.Target == "") {
				t.Errorf("%s: target %q is not an address key", tc.name, d.Target)
			}
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: deliveries %v, want %v", tc.name, got, tc.want)
		}
		n := 0
		for k, v := range tc.want {
			n += v
			if got[k] != v {
				t.Fatalf("%s: deliveries %v, want %v", tc.name, got, tc.want)
			}
		}
		if len(ids) != n {
			t.Fatalf("%s: %d distinct delivery ids for %d deliveries", tc.name, len(ids), n)
		}
	}
	if AddressKey("a") == AddressKey("b") {
		t.Fatal("address keys collide")
	}
}

// Every recipient gets an inbox item whatever channels the reminder names;
// tenant webhooks never do.
func TestPlanAlwaysInbox(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	hooks := []Webhook{{ID: "h1", TenantID: "t"}}
	for _, tc := range []struct {
		name     string
		channels []string
		want     map[string]int
	}{
		{"email only", []string{ChannelEmail}, map[string]int{"/webhook": 1, "a/inbox": 1, "a/email": 1, "b/inbox": 1}},
		{"inbox named", []string{ChannelInbox}, map[string]int{"/webhook": 1, "a/inbox": 1, "b/inbox": 1}},
		{"webhook only", []string{ChannelWebhook}, map[string]int{"/webhook": 1, "a/inbox": 1, "b/inbox": 1}},
	} {
		r := Reminder{ID: "r1", TenantID: "t", Title: "x", TZ: "UTC", Time: &at, Recipients: []string{"a", "b"}, Channels: tc.channels}
		recips := map[string]Recipient{"a": {TenantID: "t", UID: "a", Email: "a@example.com"}}
		got := map[string]int{}
		for _, d := range Plan(r, at, recips, hooks, at, FirePolicy{}) {
			got[d.Recipient+"/"+d.Channel]++
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: deliveries %v, want %v", tc.name, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Fatalf("%s: deliveries %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

// A recipient's deliveries carry action links naming their inbox item of
// the firing, signed for their link version; tenant webhooks get none;
// without a link maker nobody does.
func TestPlanLinks(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	r := Reminder{ID: "r1", TenantID: "t", Title: "x", TZ: "UTC", Time: &at, Recipients: []string{"a"}, Channels: []string{ChannelEmail}}
	recips := map[string]Recipient{"a": {TenantID: "t", UID: "a", Email: "a@example.com", LinkVersion: 7}}
	hooks := []Webhook{{ID: "h1", TenantID: "t"}}
	var calls []string
	maker := func(tenantID, uid string, version int, itemID string) *Links {
		calls = append(calls, tenantID+"/"+uid+"/"+itemID)
		if version != 7 {
			t.Errorf("links signed for version %d, want 7", version)
		}
		return &Links{Page: "https://r.example/me/" + uid, Confirm: "https://r.example/me/" + uid + "/items/" + itemID + "/confirm"}
	}
	inbox := DeliveryID("r1", at, "a", ChannelInbox, "a")
	for _, d := range Plan(r, at, recips, hooks, at, FirePolicy{Links: maker}) {
		ev, err := DecodeEvent(d.Payload)
		if err != nil {
			t.Fatal(err)
		}
		switch d.Recipient {
		case "":
			if ev.Data.Links != nil {
				t.Fatalf("a tenant webhook's delivery has links: %+v", ev.Data.Links)
			}
		default:
			if ev.Data.Links == nil || ev.Data.Links.Confirm != "https://r.example/me/a/items/"+inbox+"/confirm" {
				t.Fatalf("%s delivery links %+v, want the inbox item %s", d.Channel, ev.Data.Links, inbox)
			}
		}
	}
	if len(calls) != 2 { // inbox and e-mail
		t.Fatalf("link maker called %v", calls)
	}
	for _, d := range Plan(r, at, recips, hooks, at, FirePolicy{}) {
		if ev, _ := DecodeEvent(d.Payload); ev.Data.Links != nil {
			t.Fatalf("links without a maker: %+v", ev.Data.Links)
		}
	}
}

// PlanSnooze brings the occurrence back to the item's recipient alone, on
// each (channel, target) of the firing once, inbox first, with new ids and
// the new item's links; the snoozed item is named in snoozed_from.
func TestPlanSnooze(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	back := at.Add(time.Hour)
	r := Reminder{ID: "r1", TenantID: "t", Title: "tea", TZ: "UTC", Time: &at, Recipients: []string{"a", "b"}, Channels: []string{ChannelEmail}}
	recips := map[string]Recipient{"a": {TenantID: "t", UID: "a", Email: "a@example.com"}, "b": {TenantID: "t", UID: "b", Email: "b@example.com"}}
	orig := Plan(r, at, recips, nil, at, FirePolicy{})
	orig = append(orig, orig...) // a follow-up on the same channel is one delivery back
	item := InboxItem{ID: DeliveryID("r1", at, "a", ChannelInbox, "a"), TenantID: "t", UID: "a", ReminderID: "r1", Title: "tea", Occurrence: at}
	links := func(tenantID, uid string, version int, itemID string) *Links {
		return &Links{Confirm: "https://r.example/" + itemID}
	}
	ds := PlanSnooze(item, orig, back, at, 0, links)
	if len(ds) != 2 || ds[0].Channel != ChannelInbox || ds[1].Channel != ChannelEmail || ds[1].Target != "a@example.com" {
		t.Fatalf("snooze deliveries %+v", ds)
	}
	newItem := SnoozeID(item.ID, back, ChannelInbox, "a")
	for _, d := range ds {
		ev, _ := DecodeEvent(d.Payload)
		if d.Recipient != "a" || !d.DueAt.Equal(back) || !d.Occurrence.Equal(at) || d.ID == item.ID || d.ID != ev.Data.DeliveryID ||
			ev.Data.SnoozedFrom != item.ID || ev.Data.Title != "tea" || ev.Data.Links == nil || ev.Data.Links.Confirm != "https://r.example/"+newItem {
			t.Fatalf("delivery %+v event %+v", d, ev.Data)
		}
	}
	if ds[0].ID != newItem {
		t.Fatalf("the new item's id %s, want %s", ds[0].ID, newItem)
	}
	if again := PlanSnooze(item, orig, back, at, 0, links); again[0].ID != ds[0].ID || again[1].ID != ds[1].ID {
		t.Fatal("snooze ids are not stable")
	}
	if InboxSnoozed.MsgStatus() != 1 || InboxConfirmed.MsgStatus() != 2 || InboxSnoozed.String() != "snoozed" {
		t.Fatal("snoozed status")
	}
}
