package remind

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func ackFixture(a *AckPolicy) (Reminder, map[string]Recipient) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	r := Reminder{ID: "r1", TenantID: "t", Title: "x", TZ: "UTC", Time: &at, Recipients: []string{"ann", "bob"}, Ack: a}
	recips := map[string]Recipient{
		"ann":  {TenantID: "t", UID: "ann", Email: "ann@example.com", Phone: "+8613800000001"},
		"bob":  {TenantID: "t", UID: "bob", Email: "bob@example.com", Phone: "+8613800000002"},
		"lead": {TenantID: "t", UID: "lead", Email: "lead@example.com"},
	}
	return r, recips
}

// The follow-ups of a firing: repeats on each recipient's channels but the
// inbox, then at Within the escalation to the lead on all their channels
// (inbox included), naming who did not confirm, and the firing again on
// then_channels.
func TestPlanAckTable(t *testing.T) {
	a := &AckPolicy{Within: 15 * time.Minute, Repeat: 5 * time.Minute, MaxRepeats: 2, EscalateTo: []string{"lead"}, ThenChannels: []string{ChannelSMS}}
	r, recips := ackFixture(a)
	fire := *r.Time
	got := map[string]Delivery{}
	for _, d := range Plan(r, fire, recips, nil, fire.Add(-time.Minute), FirePolicy{}) {
		key := fmt.Sprintf("%s/%s/%s/%s", d.Recipient, d.Channel, d.Step, d.About)
		if _, dup := got[key]; dup {
			t.Fatalf("%s planned twice", key)
		}
		got[key] = d
	}
	for _, tc := range []struct {
		key   string
		after time.Duration
	}{
		{"ann/inbox//", 0}, {"ann/email//", 0}, {"bob/inbox//", 0}, {"bob/email//", 0},
		{"ann/email/repeat-1/", 5 * time.Minute}, {"ann/email/repeat-2/", 10 * time.Minute},
		{"bob/email/repeat-1/", 5 * time.Minute}, {"bob/email/repeat-2/", 10 * time.Minute},
		{"lead/inbox/escalate/ann", 15 * time.Minute}, {"lead/email/escalate/ann", 15 * time.Minute},
		{"lead/inbox/escalate/bob", 15 * time.Minute}, {"lead/email/escalate/bob", 15 * time.Minute},
		{"ann/sms/escalate/", 15 * time.Minute}, {"bob/sms/escalate/", 15 * time.Minute},
	} {
		d, ok := got[tc.key]
		if !ok {
			t.Errorf("%s not planned; got %d deliveries", tc.key, len(got))
			continue
		}
		if !d.DueAt.Equal(fire.Add(tc.after)) || !d.NextAttemptAt.Equal(d.DueAt) || d.State != DeliveryPending {
			t.Errorf("%s: due %v next %v state %s, want due %v", tc.key, d.DueAt, d.NextAttemptAt, d.State, fire.Add(tc.after))
		}
		ev, err := DecodeEvent(d.Payload)
		if err != nil || ev.Data.Step != d.Step || ev.Data.DeliveryID != d.ID {
			t.Errorf("%s: payload %s (%v)", tc.key, d.Payload, err)
		}
		if d.About != "" && !strings.Contains(ev.Data.Title, "Not confirmed by "+d.About) {
			t.Errorf("%s: title %q does not say who did not confirm", tc.key, ev.Data.Title)
		}
		if d.About != "" && (ev.Data.Escalation == nil || ev.Data.Escalation.Unconfirmed != d.About || ev.Data.Escalation.Step != StepEscalate) {
			t.Errorf("%s: payload escalation %+v", tc.key, ev.Data.Escalation)
		}
		delete(got, tc.key)
	}
	if len(got) != 0 {
		t.Errorf("unexpected deliveries: %v", keys(got))
	}
	// The firing's own ids are those of a reminder without ack.
	r.Ack = nil
	for _, d := range Plan(r, fire, recips, nil, fire, FirePolicy{}) {
		if d.ID != DeliveryID("r1", fire, d.Recipient, d.Channel, d.Target) {
			t.Fatalf("firing id changed: %+v", d)
		}
	}
	if InboxItemID("r1", fire, "ann") != DeliveryID("r1", fire, "ann", ChannelInbox, "ann") {
		t.Fatal("InboxItemID is not the inbox delivery's id")
	}
}

// A missed firing has no follow-ups; a late one drops the repeats already
// past but keeps the escalation; a muted recipient gets none and a lead is
// not escalated to about themself.
func TestPlanAckEdges(t *testing.T) {
	a := &AckPolicy{Within: 15 * time.Minute, Repeat: 5 * time.Minute, MaxRepeats: 2, EscalateTo: []string{"lead", "bob"}}
	r, recips := ackFixture(a)
	fire := *r.Time
	count := func(now time.Time, p FirePolicy) map[string]int {
		n := map[string]int{}
		for _, d := range Plan(r, fire, recips, nil, now, p) {
			n[d.Step]++
			if d.Recipient == "bob" && d.About == "bob" {
				t.Fatal("bob escalated to about himself")
			}
		}
		return n
	}
	if n := count(fire.Add(time.Hour), FirePolicy{MissedAfter: 30 * time.Minute}); n[StepRepeat(1)]+n[StepEscalate] != 0 {
		t.Fatalf("missed firing planned follow-ups: %v", n)
	}
	if n := count(fire.Add(7*time.Minute), FirePolicy{}); n[StepRepeat(1)] != 0 || n[StepRepeat(2)] != 2 || n[StepEscalate] == 0 {
		t.Fatalf("late firing: %v", n)
	}
	rc := recips["bob"]
	rc.Muted = true
	recips["bob"] = rc
	for _, d := range Plan(r, fire, recips, nil, fire, FirePolicy{}) {
		if d.Recipient == "bob" || d.About == "bob" {
			t.Fatalf("muted bob: %+v", d)
		}
	}
}

// Generated policies: every follow-up is strictly after the firing; none is
// at or after fire+Within but the escalation, which is exactly there; ids
// are distinct, and the same when planned again.
func TestPlanAckGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	for i := 0; i < 500; i++ {
		within := time.Duration(1+rng.IntN(120)) * time.Minute
		a := &AckPolicy{Within: within, MaxRepeats: rng.IntN(MaxAckRepeats + 1)}
		if a.MaxRepeats > 0 && within > MinAckRepeat {
			a.Repeat = MinAckRepeat + time.Duration(rng.Int64N(int64(within-MinAckRepeat)))
		} else {
			a.MaxRepeats = 0
		}
		if rng.IntN(2) == 0 {
			a.EscalateTo = []string{"lead"}
		}
		if rng.IntN(2) == 0 {
			a.ThenChannels = []string{ChannelSMS, ChannelEmail}
		}
		if a.Validate() != nil {
			continue
		}
		r, recips := ackFixture(a)
		fire := r.Time.Add(time.Duration(rng.IntN(1000)) * time.Second)
		now := fire.Add(-time.Duration(rng.IntN(3600)) * time.Second)
		first := Plan(r, fire, recips, nil, now, FirePolicy{})
		again := Plan(r, fire, recips, nil, now.Add(-time.Minute), FirePolicy{})
		if len(first) != len(again) {
			t.Fatalf("%+v: planned %d then %d", a, len(first), len(again))
		}
		ids := map[string]bool{}
		for j, d := range first {
			if ids[d.ID] {
				t.Fatalf("%+v: id %s twice", a, d.ID)
			}
			ids[d.ID] = true
			if d.ID != again[j].ID {
				t.Fatalf("%+v: id not stable", a)
			}
			switch {
			case d.Step == StepFiring:
				if !d.DueAt.Equal(fire) {
					t.Fatalf("firing due %v", d.DueAt)
				}
			case d.Step == StepEscalate:
				if !d.DueAt.Equal(fire.Add(within)) {
					t.Fatalf("%+v: escalation at %v", a, d.DueAt.Sub(fire))
				}
			default:
				if !d.DueAt.After(fire) || !d.DueAt.Before(fire.Add(within)) || d.Channel == ChannelInbox {
					t.Fatalf("%+v: %s at %v on %s", a, d.Step, d.DueAt.Sub(fire), d.Channel)
				}
			}
		}
	}
}

func TestAckPolicyValidate(t *testing.T) {
	ok := AckPolicy{Within: 15 * time.Minute, Repeat: 5 * time.Minute, MaxRepeats: 2, EscalateTo: []string{"lead"}, ThenChannels: []string{"sms"}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		mod   func(a *AckPolicy)
	}{
		{"ack.within", func(a *AckPolicy) { a.Within = time.Second }},
		{"ack.within", func(a *AckPolicy) { a.Within = 8 * 24 * time.Hour }},
		{"ack.repeat", func(a *AckPolicy) { a.Repeat = 20 * time.Minute }},
		{"ack.repeat", func(a *AckPolicy) { a.Repeat = 0 }},
		{"ack.max_repeats", func(a *AckPolicy) { a.MaxRepeats = 11 }},
		{"ack.max_repeats", func(a *AckPolicy) { a.MaxRepeats = 0 }},
		{"ack.escalate_to", func(a *AckPolicy) { a.EscalateTo = []string{"a/b"} }},
		{"ack.escalate_to", func(a *AckPolicy) { a.EscalateTo = []string{"x", "x"} }},
		{"ack.then_channels", func(a *AckPolicy) { a.ThenChannels = []string{"fax"} }},
		{"ack.then_channels", func(a *AckPolicy) { a.ThenChannels = []string{"inbox"} }},
		{"ack", func(a *AckPolicy) { *a = AckPolicy{Within: time.Hour} }},
	} {
		a := ok
		tc.mod(&a)
		err := a.Validate()
		var e *Error
		if !errors.As(err, &e) || e.Field != tc.field {
			t.Errorf("%+v: %v, want an error on %s", a, err, tc.field)
		}
	}
}

func keys(m map[string]Delivery) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The ack policy is part of the ETag; a reminder without one keeps its tag.
func TestETagCoversAck(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	r := Reminder{ID: "r1", TenantID: "t", Title: "x", TZ: "UTC", Time: &at}
	plain := r.ETag()
	r.Ack = &AckPolicy{Within: time.Hour, EscalateTo: []string{"lead"}}
	withAck := r.ETag()
	r.Ack.EscalateTo = []string{"boss"}
	if withAck == plain || r.ETag() == withAck {
		t.Fatal("the ETag does not follow the ack policy")
	}
	r.Ack = nil
	if r.ETag() != plain {
		t.Fatal("a reminder without ack changed its ETag")
	}
}
