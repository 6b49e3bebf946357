package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
)

// TestOwnerSettings: the settings page edits the owner recipient's contact
// points and profile, keeps what it does not show, and names the field a
// bad value is in; the owner of one tenant is not another's.
func TestOwnerSettings(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	if _, err := e.svc.PutRecipient(ctx, e.ta, remind.OwnerUID, service.RecipientInput{Name: "Me", WebhookURL: "http://127.0.0.1:9/me",
		Profile: &remind.Profile{PreferredChannels: []string{"email"}, AgendaOptIn: true}}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/tokens", e.tokA, nil), http.StatusOK, `id="owner"`, `value="Me"`)
	form := url.Values{"owner_name": {"Alice"}, "owner_email": {"alice@example.com"}, "owner_phone": {"+8613800000000"},
		"owner_tz": {"Europe/Berlin"}, "owner_lang": {"en"}, "owner_quiet_hours": {"22:00-07:30"}}
	wantCode(t, e.do(t, "POST", "/dashboard/settings/owner", e.tokA, form), http.StatusOK, `id="owner-saved"`, `value="alice@example.com"`, `value="22:00-07:30"`)
	rc, err := e.svc.GetRecipient(ctx, e.ta, remind.OwnerUID)
	if err != nil || rc.Email != "alice@example.com" || rc.Phone != "+8613800000000" || rc.Profile.TZ != "Europe/Berlin" || rc.Profile.Lang != "en" ||
		rc.Profile.QuietHours != "22:00-07:30" || !rc.Profile.AgendaOptIn || len(rc.Profile.PreferredChannels) != 1 || rc.WebhookURL != "http://127.0.0.1:9/me" {
		t.Fatalf("owner = %+v %v", rc, err)
	}
	form.Set("owner_quiet_hours", "all night")
	wantCode(t, e.do(t, "POST", "/dashboard/settings/owner", e.tokA, form), http.StatusBadRequest, `id="owner-quiet-error"`, `value="all night"`)
	form.Set("owner_quiet_hours", "")
	form.Set("owner_email", "nope")
	wantCode(t, e.do(t, "POST", "/dashboard/settings/owner", e.tokA, form), http.StatusBadRequest, `id="owner-email-error"`)
	if rc, _ := e.svc.GetRecipient(ctx, e.ta, remind.OwnerUID); rc.Email != "alice@example.com" || rc.Profile.QuietHours != "22:00-07:30" {
		t.Fatalf("a refused form changed the owner: %+v", rc)
	}
	if _, err := e.svc.GetRecipient(ctx, e.tb, remind.OwnerUID); err == nil {
		t.Fatal("another tenant has the owner")
	}
	// A wrong CSRF token: refused.
	form.Set("csrf", "forged")
	wantCode(t, e.do(t, "POST", "/dashboard/settings/owner", e.tokA, form), http.StatusForbidden)
}

// TestReminderPageReach: the reminder page says whom the next firing
// reaches, the owner when there are no recipients, and the warnings.
func TestReminderPageReach(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	r := e.reminder(t, e.ta, "alone", time.Hour)
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+r.ID, e.tokA, nil), http.StatusOK, `id="nobody"`,
		`The next firing reaches 0 recipient × channel pairs`, `nobody will be reached: add a recipient, a webhook or the owner&#39;s e-mail`)
	if _, err := e.svc.PutRecipient(ctx, e.ta, remind.OwnerUID, service.RecipientInput{Email: "me@example.com"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+r.ID, e.tokA, nil), http.StatusOK, `id="to-owner"`, `The next firing reaches 2 recipient × channel pairs`)
	at := time.Now().Add(time.Hour)
	sms, _, err := e.svc.CreateReminder(ctx, e.ta, service.CreateInput{Title: "sms", Time: &at, Recipients: []string{"bob"}, Channels: []string{"sms"}})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.do(t, "GET", "/dashboard/reminders/"+sms.ID, e.tokA, nil), http.StatusOK, `recipient bob has no phone for channel sms`)
}
