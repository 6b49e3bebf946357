package remind

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// A reminder without recipients goes to the owner when the tenant has no
// enabled webhook and the owner has a record; never otherwise.
func TestPlanOwnerFallback(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	r := Reminder{ID: "r1", TenantID: "t", Title: "x", TZ: "UTC", Time: &at}
	owner := map[string]Recipient{OwnerUID: {TenantID: "t", UID: OwnerUID, Email: "me@example.com"}}
	for _, tc := range []struct {
		name   string
		r      Reminder
		recips map[string]Recipient
		hooks  []Webhook
		want   []string
	}{
		{"owner with e-mail", r, owner, nil, []string{"owner/inbox", "owner/email"}},
		{"no owner record", r, nil, nil, nil},
		{"enabled webhook takes it", r, owner, []Webhook{{ID: "w1"}}, []string{"/webhook"}},
		{"disabled webhook does not", r, owner, []Webhook{{ID: "w1", Disabled: true}}, []string{"owner/inbox", "owner/email"}},
		{"named recipients, not the owner", Reminder{ID: "r1", TenantID: "t", TZ: "UTC", Recipients: []string{"bob"}}, owner, nil, []string{"bob/inbox"}},
	} {
		var got []string
		for _, d := range Plan(tc.r, at, tc.recips, tc.hooks, at, FirePolicy{}) {
			got = append(got, d.Recipient+"/"+d.Channel)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: deliveries %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Preferred channels replace the defaults, after the inbox; a reminder's
// own channels win over them.
func TestPlanPreferredChannels(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	rc := Recipient{UID: "bob", Email: "b@example.com", Phone: "+8613800000000", WeChatOpenID: "o1",
		Profile: Profile{PreferredChannels: []string{ChannelSMS, ChannelEmail, ChannelInbox}}}
	r := Reminder{ID: "r1", TenantID: "t", TZ: "UTC", Recipients: []string{"bob"}}
	var got []string
	for _, d := range Plan(r, at, map[string]Recipient{"bob": rc}, nil, at, FirePolicy{}) {
		got = append(got, d.Channel)
	}
	if want := []string{ChannelInbox, ChannelSMS, ChannelEmail}; !slices.Equal(got, want) {
		t.Fatalf("channels %v, want %v", got, want)
	}
	r.Channels = []string{ChannelWeChat}
	got = nil
	for _, d := range Plan(r, at, map[string]Recipient{"bob": rc}, nil, at, FirePolicy{}) {
		got = append(got, d.Channel)
	}
	if want := []string{ChannelInbox, ChannelWeChat}; !slices.Equal(got, want) { // the inbox item, the record, always
		t.Fatalf("channels %v, want %v", got, want)
	}
}

// Quiet hours hold that recipient's deliveries to their end, with the same
// delivery ids; others and urgent reminders are not held; the payload
// carries the recipient's zone and language and the firing's own time.
func TestPlanQuietHoursAndProfilePayload(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2030, 1, 2, 23, 0, 0, 0, sh)
	recips := map[string]Recipient{
		"night": {UID: "night", Email: "n@example.com", Profile: Profile{TZ: "Asia/Shanghai", Lang: "en", QuietHours: "22:00-07:30"}},
		"day":   {UID: "day", Email: "d@example.com"},
	}
	r := Reminder{ID: "r1", TenantID: "t", TZ: "UTC", Recipients: []string{"night", "day"}}
	plain := Plan(Reminder{ID: "r1", TenantID: "t", TZ: "UTC", Recipients: []string{"night", "day"}}, at, map[string]Recipient{"night": {UID: "night", Email: "n@example.com"}, "day": recips["day"]}, nil, at, FirePolicy{})
	held := Plan(r, at, recips, nil, at, FirePolicy{})
	if len(plain) != len(held) || len(held) != 4 {
		t.Fatalf("deliveries %d and %d, want 4", len(plain), len(held))
	}
	wantHeld := time.Date(2030, 1, 3, 7, 30, 0, 0, sh)
	for i, d := range held {
		if d.ID != plain[i].ID {
			t.Errorf("held delivery id %s, want %s (unchanged)", d.ID, plain[i].ID)
		}
		want := at
		if d.Recipient == "night" {
			want = wantHeld
		}
		if !d.DueAt.Equal(want) || !d.NextAttemptAt.Equal(want) {
			t.Errorf("%s/%s due %v next %v, want %v", d.Recipient, d.Channel, d.DueAt, d.NextAttemptAt, want)
		}
		ev, err := DecodeEvent(d.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if !ev.Data.FireAt.Equal(at) {
			t.Errorf("payload fire_at %v, want the firing %v", ev.Data.FireAt, at)
		}
		if d.Recipient == "night" && (ev.Data.RecipientTZ != "Asia/Shanghai" || ev.Data.Lang != "en") {
			t.Errorf("payload tz %q lang %q", ev.Data.RecipientTZ, ev.Data.Lang)
		}
	}
	r.Urgent = true
	for _, d := range Plan(r, at, recips, nil, at, FirePolicy{}) {
		if !d.DueAt.Equal(at) {
			t.Errorf("urgent: %s/%s held to %v", d.Recipient, d.Channel, d.DueAt)
		}
	}
}

func TestReach(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	noSMS := func(ch string) bool { return ch != ChannelSMS }
	bob := Recipient{UID: "bob", Email: "b@example.com"}
	for _, tc := range []struct {
		name     string
		r        Reminder
		recips   map[string]Recipient
		hooks    []Webhook
		n        int
		warnings []string
	}{
		{"nobody", Reminder{ID: "r", TZ: "UTC"}, nil, nil, 0, []string{NobodyReached}},
		{"owner", Reminder{ID: "r", TZ: "UTC"}, map[string]Recipient{OwnerUID: {UID: OwnerUID, Email: "o@example.com"}}, nil, 2, nil},
		{"webhook", Reminder{ID: "r", TZ: "UTC"}, nil, []Webhook{{ID: "w"}}, 1, nil},
		{"defaults", Reminder{ID: "r", TZ: "UTC", Recipients: []string{"bob"}}, map[string]Recipient{"bob": bob}, nil, 2, nil},
		{"sms unconfigured and no phone", Reminder{ID: "r", TZ: "UTC", Recipients: []string{"bob"}, Channels: []string{ChannelSMS}},
			map[string]Recipient{"bob": bob}, nil, 0,
			[]string{NobodyReached, "channel sms is not configured on this server", "recipient bob has no phone for channel sms"}},
		{"sms unconfigured, phone known", Reminder{ID: "r", TZ: "UTC", Recipients: []string{"bob"}, Channels: []string{ChannelSMS, ChannelEmail}},
			map[string]Recipient{"bob": {UID: "bob", Email: "b@example.com", Phone: "+8613800000000"}}, nil, 1,
			[]string{"channel sms is not configured on this server"}},
		{"muted", Reminder{ID: "r", TZ: "UTC", Recipients: []string{"bob"}}, map[string]Recipient{"bob": {UID: "bob", Muted: true}}, nil, 0,
			[]string{NobodyReached, "recipient bob is muted"}},
		{"quiet", Reminder{ID: "r", TZ: "UTC", Recipients: []string{"bob"}}, map[string]Recipient{"bob": {UID: "bob", Profile: Profile{TZ: "UTC", QuietHours: "00:00-06:00"}}}, nil, 1,
			[]string{"recipient bob's quiet hours hold the next firing until 2030-01-02 06:00 UTC"}},
	} {
		n, w := Reach(tc.r, at, tc.recips, tc.hooks, noSMS)
		if n != tc.n || !slices.Equal(w, tc.warnings) {
			t.Errorf("%s: Reach = %d %q, want %d %q", tc.name, n, w, tc.n, tc.warnings)
		}
	}
}

// Many recipients without the address: the warnings stay few.
func TestReachBoundsWarnings(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	r := Reminder{ID: "r", TZ: "UTC", Channels: []string{ChannelEmail}}
	for i := 0; i < 50; i++ {
		r.Recipients = append(r.Recipients, "u"+strings.Repeat("x", i))
	}
	_, w := Reach(r, at, nil, nil, nil)
	if len(w) != 1+maxRecipientWarnings+1 || w[len(w)-1] != "and 40 more about single recipients" {
		t.Fatalf("warnings %d: %q", len(w), w)
	}
}
