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
