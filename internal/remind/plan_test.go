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
	want := map[string]string{"mail/email": "a@example.com", "push/webpush": "push"}
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
