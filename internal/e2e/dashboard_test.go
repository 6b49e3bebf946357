package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/web/dashboard"
)

// TestDashboardInBrowser signs in to the owner dashboard with an API token
// in a real browser, creates a reminder from text, finds it listed with its
// parsed time, opens it and cancels it.
func TestDashboardInBrowser(t *testing.T) {
	a := startApp(t, nil)
	ctx := browser(t)

	// Signed out, the dashboard sends to the sign-in form.
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/dashboard/reminders"), chromedp.WaitVisible(chromedp.ID("token"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("token"), a.Token), chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("tenant"))); err != nil {
		t.Fatal(err)
	}
	if name, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("tenant"))); err != nil || name != "t1" {
		t.Fatalf("signed in as %q, %v", name, err)
	}

	// Create from text, through the preview.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("nav-new")), chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "明天下午3点开会"), chromedp.Click(chromedp.ID("preview-button")),
		chromedp.WaitVisible(chromedp.ID("preview"))); err != nil {
		t.Fatal(err)
	}
	preview, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("preview-time")))
	if err != nil || !strings.Contains(preview, " 15:00 ") {
		t.Fatalf("preview shows %q, %v", preview, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("create-button")), chromedp.WaitVisible(chromedp.ID("time"))); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id := loc[strings.LastIndex(loc, "/")+1:]
	rem, err := a.Service.GetReminder(context.Background(), mustTenant(t, a), id)
	if err != nil {
		t.Fatalf("created reminder %q: %v", id, err)
	}
	zone, _ := time.LoadLocation(rem.TZ)
	want := rem.NextFireAt.In(zone).Format(dashboard.TimeFormat)
	if want != preview || rem.Title != "开会" {
		t.Fatalf("created %q firing %s; the preview said %s", rem.Title, want, preview)
	}

	// Listed with its parsed time.
	row := `tr[data-id="` + id + `"]`
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL+"/dashboard/reminders"), chromedp.WaitVisible(chromedp.CSS(row))); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(row+" td.next"))); err != nil || got != want {
		t.Fatalf("listed with %q, want %q (%v)", got, want, err)
	}

	// Open it, cancel it through the confirmation page, and see the status change.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(row+" a.title")), chromedp.WaitVisible(chromedp.ID("cancel")),
		chromedp.Click(chromedp.ID("cancel")), chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.CSS(".status-cancelled"))); err != nil {
		t.Fatal(err)
	}
	if st, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".status"))); err != nil || st != "cancelled" {
		t.Fatalf("status shows %q, %v", st, err)
	}
	if next, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("next"))); err != nil || next != "none" {
		t.Fatalf("next firing after cancel shows %q, %v", next, err)
	}
}

func mustTenant(t *testing.T, a *testApp) remind.Tenant {
	t.Helper()
	tn, err := a.Service.Authenticate(context.Background(), a.Token)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// TestDashboardSubscribeLink checks the wiring to the subscribe pages: a
// reminder made through the WeCron API shows its subscribe link and the QR
// code the subscribe pages serve, and another tenant's session gets 404.
func TestDashboardSubscribeLink(t *testing.T) {
	a := startApp(t, nil)
	code, r := wecron(t, "POST", a.URL+"/reminds/api/", a.Token, map[string]any{"desc": "明天下午3点开会"})
	if code != 200 {
		t.Fatalf("create: %d %v", code, r)
	}
	id := r["id"].(string)
	page, _ := decodeQR(t, r["participate_qrcode"].(string))
	other, _, err := a.Service.CreateToken(context.Background(), "t2")
	if err != nil {
		t.Fatal(err)
	}
	getAs := func(token, path string) (int, string) {
		session := ""
		if token != "" {
			var err error
			if session, _, err = a.Service.SignIn(context.Background(), token); err != nil {
				t.Fatal(err)
			}
		}
		req, _ := http.NewRequest("GET", a.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: dashboard.CookieName, Value: session})
		resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := getAs(a.Token, "/dashboard/reminders/"+id)
	if code != 200 || !strings.Contains(body, `href="`+page+`"`) {
		t.Fatalf("detail: %d, want a link to %s:\n%s", code, page, body)
	}
	qr := strings.TrimPrefix(page, a.URL) + "/qr.png"
	if !strings.Contains(body, `src="`+qr+`"`) {
		t.Fatalf("detail lacks the QR code %s", qr)
	}
	if got, _ := decodeQR(t, a.URL+qr); got != page {
		t.Fatalf("the QR code holds %q", got)
	}
	if code, body := getAs(other, "/dashboard/reminders/"+id); code != 404 || strings.Contains(body, page) {
		t.Fatalf("another tenant's session: %d", code)
	}
	if code, _ := getAs("", "/dashboard/reminders/"+id); code != http.StatusSeeOther {
		t.Fatalf("signed out: %d", code)
	}
}
