package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/raasdev/raas/internal/app"
)

// TestPersonalPageOnPhone: a reminder whose channels do not name the inbox
// still leaves an item in the recipient's inbox; their personal link opens
// in Chromium at 390×844 without scrolling sideways, shows the item, and
// its confirm button confirms it (the API sees it confirmed). The page's
// screenshot goes to $RAAS_SCREENSHOTS (me-390.png) when set.
func TestPersonalPageOnPhone(t *testing.T) {
	a := startApp(t, func(c *app.Config) { c.Ops.RateLimit = 0 })
	api := a.URL + "/v1/"
	code, body := do(t, "PUT", api+"recipients/dana", a.Token, map[string]any{"name": "Dana"})
	if code != 200 {
		t.Fatalf("recipient: %d %v", code, body)
	}
	code, body = do(t, "POST", api+"reminders", a.Token, map[string]any{"title": "交水费 Pay the water bill", "desc": "在线缴费，5 分钟。",
		"time": time.Now().UnixMilli(), "tz": "Asia/Shanghai", "recipients": []string{"dana"}, "channels": []string{"email"}})
	if code != 201 {
		t.Fatalf("reminder: %d %v", code, body)
	}
	code, body = do(t, "POST", api+"reminders", a.Token, map[string]any{"title": "周会 Weekly", "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
		"tz": "Asia/Shanghai", "recipients": []string{"dana"}})
	if code != 201 {
		t.Fatalf("weekly: %d %v", code, body)
	}
	var item string
	waitFor(t, 20*time.Second, "dana's inbox item", func() (bool, any) {
		code, body := do(t, "GET", api+"inbox/dana", a.Token, nil)
		if d, _ := body["data"].([]any); code == 200 && len(d) == 1 {
			item, _ = d[0].(map[string]any)["id"].(string)
		}
		return item != "", body
	})
	code, body = do(t, "POST", api+"recipients/dana/link", a.Token, nil)
	link, _ := body["url"].(string)
	if code != 200 || !strings.HasPrefix(link, a.URL+"/me/") {
		t.Fatalf("link: %d %v", code, body)
	}

	ctx := browserFor(t, 2*time.Minute, chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh,en"))
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("item-"+item))); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("fired")))
	if err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	inner, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "交水费 Pay the water bill") || !strings.Contains(text, "确认") {
		t.Fatalf("the page shows %q", text)
	}
	if width > 390 || inner != 390 {
		t.Fatalf("the page is %d px wide in a %d px window", width, inner)
	}
	if dir := os.Getenv("RAAS_SCREENSHOTS"); dir != "" {
		shoot(ctx, t, a.URL, "me", strings.TrimPrefix(link, a.URL), "#item-"+item, 390, dir)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#item-`+item+` button.confirm`)),
		chromedp.WaitVisible(chromedp.CSS(`#item-`+item+`[data-status="confirmed"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the item confirmed", func() (bool, any) {
		_, body := do(t, "GET", api+"inbox/dana", a.Token, nil)
		return strings.Contains(fmt.Sprint(body), "status:confirmed"), body
	})
}
