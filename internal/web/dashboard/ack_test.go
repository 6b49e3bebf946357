package dashboard_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
)

// The reminder page of a reminder with an ack policy states the policy,
// and its who-got-what table shows each recipient's acknowledgement of the
// occurrence (ann confirmed, bob unread) and the escalation about bob.
func TestReminderPageShowsAcknowledgement(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	at := time.Now().Add(time.Second)
	r, _, err := e.svc.CreateReminder(ctx, e.ta, service.CreateInput{Title: "standup", Time: &at, Recipients: []string{"ann", "bob"},
		Ack: &remind.AckPolicy{Within: 15 * time.Minute, EscalateTo: []string{"lead"}}})
	if err != nil {
		t.Fatal(err)
	}
	plan := func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		return store.FirePlan{Deliveries: remind.Plan(r, *r.NextFireAt, recips, hooks, at, remind.FirePolicy{}), Status: remind.StatusDone}
	}
	if _, err := e.st.FireDue(ctx, at, 10, store.Lease{Until: at.Add(time.Minute)}, plan); err != nil {
		t.Fatal(err)
	}
	for uid, st := range map[string]remind.InboxStatus{"ann": remind.InboxConfirmed, "bob": remind.InboxUnread} {
		id := remind.InboxItemID(r.ID, at, uid)
		if _, err := e.st.AddInboxItem(ctx, remind.InboxItem{ID: id, TenantID: e.ta.ID, UID: uid, ReminderID: r.ID, Occurrence: at, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.SetInboxStatus(ctx, e.ta.ID, uid, id, st, at); err != nil {
			t.Fatal(err)
		}
	}
	rec := e.do(t, "GET", "/dashboard/reminders/"+r.ID, e.tokA, nil)
	wantCode(t, rec, http.StatusOK, `id="ack"`, "confirms within 15m0s", "then lead hear who did not",
		`state-inbox-confirmed">confirmed`, `state-inbox-unread">unread`, "escalate: bob did not confirm")
}
