package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/app"
)

// TestSnoozeByTextComesBack: a daily reminder fires to amy at 09:00 in
// Shanghai; she snoozes her item with the words "明天早上" (read in her
// zone); the same occurrence comes back to her, on her channel, tomorrow
// morning, as a new item naming the old one; the series does not move.
func TestSnoozeByTextComesBack(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	clk := clockwork.NewFakeClockAt(time.Date(2030, 3, 4, 8, 59, 0, 0, sh))
	a := startApp(t, func(cfg *app.Config) { cfg.Clock, cfg.InstanceTimeout = clk, time.Hour })
	amy := newSink(t, nil)
	if code, out := do(t, "PUT", a.URL+"/v1/recipients/amy", a.Token, map[string]any{"webhook_url": amy.URL, "tz": "Asia/Shanghai"}); code != 200 {
		t.Fatalf("put amy: %d %v", code, out)
	}
	start := time.Date(2030, 3, 4, 9, 0, 0, 0, sh)
	code, rem := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": "吃药", "rrule": "FREQ=DAILY", "start": start.Format(time.RFC3339),
		"tz": "Asia/Shanghai", "recipients": []string{"amy"}})
	if code != 201 {
		t.Fatalf("create: %d %v", code, rem)
	}
	id := rem["id"].(string)
	clk.Advance(time.Minute)
	waitSink(t, clk, amy, 1, "the 09:00 firing")
	waitOutcomes(t, clk, a, id)
	var item string
	waitAdvancing(t, clk, "amy's inbox item", func() (bool, any) {
		_, out := do(t, "GET", a.URL+"/v1/inbox/amy", a.Token, nil)
		if items, _ := out["data"].([]any); len(items) == 1 {
			item = items[0].(map[string]any)["id"].(string)
		}
		return item != "", out
	})
	_, before := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)

	code, sn := do(t, "POST", a.URL+"/v1/inbox/amy/items/"+item+"/snooze", a.Token, map[string]any{"text": "明天早上"})
	if code != 200 || sn["status"] != "snoozed" {
		t.Fatalf("snooze: %d %v", code, sn)
	}
	until, err := time.Parse(time.RFC3339, sn["until"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if u := until.In(sh); u.Day() != 5 || u.Hour() < 6 || u.Hour() > 10 {
		t.Fatalf("明天早上 read as %v", u)
	}
	_, after := do(t, "GET", a.URL+"/v1/reminders/"+id, a.Token, nil)
	if after["next_fire_at"] != before["next_fire_at"] {
		t.Fatalf("the snooze moved the series: %v → %v", before["next_fire_at"], after["next_fire_at"])
	}

	clk.Advance(until.Sub(clk.Now()))
	waitSink(t, clk, amy, 2, "the snoozed occurrence back")
	var ev struct {
		Data struct {
			Title       string    `json:"title"`
			SnoozedFrom string    `json:"snoozed_from"`
			Occurrence  time.Time `json:"occurrence"`
		} `json:"data"`
	}
	if err := json.Unmarshal(amy.Calls()[1].Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Data.Title != "吃药" || ev.Data.SnoozedFrom != item || !ev.Data.Occurrence.Equal(start) {
		t.Fatalf("came back as %+v", ev.Data)
	}
	waitAdvancing(t, clk, "the new item naming the snoozed one", func() (bool, any) {
		_, out := do(t, "GET", a.URL+"/v1/inbox/amy", a.Token, nil)
		for _, it := range out["data"].([]any) {
			if it.(map[string]any)["snoozed_from"] == item {
				return true, out
			}
		}
		return false, out
	})
}
