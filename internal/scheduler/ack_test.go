package scheduler

import (
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// PlanFiring of a recurring reminder with an ack policy plans each
// firing's chain from that firing: the follow-ups of the firing at
// NextFireAt (defer included) come after it and end with the escalation at
// fire+within, while the next firing is that of the rule, whatever the chain.
func TestPlanFiringAck(t *testing.T) {
	fire := t0.Add(time.Hour)
	r := remind.Reminder{ID: "r1", TenantID: "t", Title: "daily", TZ: "UTC", RRule: "FREQ=DAILY", Start: fire.Add(-10 * time.Minute), DeferMin: 10,
		Recipients: []string{"ann"}, NextFireAt: &fire, Status: remind.StatusActive,
		Ack: &remind.AckPolicy{Within: 30 * time.Minute, Repeat: 10 * time.Minute, MaxRepeats: 5, EscalateTo: []string{"lead"}}}
	recips := map[string]remind.Recipient{
		"ann":  {UID: "ann", Email: "ann@example.com"},
		"lead": {UID: "lead", Email: "lead@example.com"},
	}
	plan, err := PlanFiring(r, recips, nil, t0, remind.FirePolicy{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Next == nil || !plan.Next.Equal(fire.Add(24*time.Hour)) || plan.Status != remind.StatusActive {
		t.Fatalf("next %v status %s", plan.Next, plan.Status)
	}
	got := map[string]time.Duration{}
	for _, d := range plan.Deliveries {
		if !d.Occurrence.Equal(fire.Add(-10 * time.Minute)) {
			t.Fatalf("%s/%s occurrence %v", d.Recipient, d.Step, d.Occurrence)
		}
		got[d.Recipient+"/"+d.Channel+"/"+d.Step] = d.DueAt.Sub(fire)
	}
	want := map[string]time.Duration{
		"ann/inbox/": 0, "ann/email/": 0, "ann/email/repeat-1": 10 * time.Minute, "ann/email/repeat-2": 20 * time.Minute,
		"lead/inbox/escalate": 30 * time.Minute, "lead/email/escalate": 30 * time.Minute,
	}
	if len(got) != len(want) {
		t.Fatalf("planned %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("planned %v, want %v", got, want)
		}
	}
}
