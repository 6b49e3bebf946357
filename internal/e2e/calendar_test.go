package e2e

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestCalendarDownloadInChromium clicks the subscribe page's "download an
// .ics file" link in Chromium: the browser takes it as a download (not an
// error page), completes it, and the file it saved is the reminder's
// calendar, valid for golang-ical, with what lets a calendar follow
// later edits (SEQUENCE, STATUS) and its alarm.
func TestCalendarDownloadInChromium(t *testing.T) {
	a := startApp(t, nil)
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	code, r := wecron(t, "POST", a.URL+"/reminds/api/", a.Token, map[string]any{
		"title": "周会", "time": at.UnixMilli()})
	if code != 200 {
		t.Fatalf("create: %d %v", code, r)
	}
	page, _ := decodeQR(t, r["participate_qrcode"].(string))

	ctx := browser(t)
	dir := t.TempDir()
	done := make(chan *cdpbrowser.EventDownloadProgress, 1)
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		if p, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && p.State != cdpbrowser.DownloadProgressStateInProgress {
			select {
			case done <- p:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("calendar")), chromedp.Click(chromedp.ID("calendar"))); err != nil {
		t.Fatal(err)
	}
	var p *cdpbrowser.EventDownloadProgress
	select {
	case p = <-done:
	case <-ctx.Done():
		t.Fatal("the download never finished")
	}
	if p.State != cdpbrowser.DownloadProgressStateCompleted {
		t.Fatalf("download ended %s", p.State)
	}
	body, err := os.ReadFile(p.FilePath)
	if err != nil {
		// allowAndName names the file by its guid in dir.
		if body, err = os.ReadFile(dir + "/" + p.GUID); err != nil {
			t.Fatal(err)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("downloaded calendar: %v\n%s", err, body)
	}
	for _, want := range []string{"SUMMARY:周会", "SEQUENCE:", "STATUS:CONFIRMED", "BEGIN:VALARM"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the calendar lacks %q:\n%s", want, body)
		}
	}
}
