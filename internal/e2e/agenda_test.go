package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/raasdev/raas/internal/app"
)

// TestMorningAgendaAtEightInTheRecipientsZone: with the injected clock at
// 06:00 in Shanghai, a recipient who opted in to the agenda (zone
// Asia/Shanghai) gets one message at 08:00 their time listing the day's
// firings, before the first of them, on their own channel (a webhook
// here), and then the firings themselves at their times.
func TestMorningAgendaAtEightInTheRecipientsZone(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	clk := clockwork.NewFakeClockAt(time.Date(2030, 3, 4, 6, 0, 0, 0, sh))
	a := startApp(t, func(cfg *app.Config) { cfg.Clock, cfg.InstanceTimeout = clk, time.Hour })
	amy := newSink(t, nil)
	if code, out := do(t, "PUT", a.URL+"/v1/recipients/amy", a.Token, map[string]any{"name": "Amy", "webhook_url": amy.URL,
		"tz": "Asia/Shanghai", "agenda": true}); code != 200 {
		t.Fatalf("put amy: %d %v", code, out)
	}
	for _, r := range []struct {
		title string
		h, m  int
	}{{"站会", 9, 30}, {"评审", 14, 0}} {
		at := time.Date(2030, 3, 4, r.h, r.m, 0, 0, sh)
		if code, out := do(t, "POST", a.URL+"/v1/reminders", a.Token, map[string]any{"title": r.title, "time": at.UnixMilli(),
			"recipients": []string{"amy"}, "channels": []string{"webhook"}}); code != 201 {
			t.Fatalf("create %s: %d %v", r.title, code, out)
		}
	}
	clk.Advance(2 * time.Hour) // 08:00 in Shanghai
	waitSink(t, clk, amy, 1, "the agenda")
	var ev struct {
		Data struct {
			Title, Desc string
			Recipient   string `json:"recipient"`
		} `json:"data"`
	}
	if err := json.Unmarshal(amy.Calls()[0].Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Data.Title != "今日提醒：2 项" || ev.Data.Desc != "09:30  站会\n14:00  评审" || ev.Data.Recipient != "amy" {
		t.Fatalf("agenda %q %q to %q", ev.Data.Title, ev.Data.Desc, ev.Data.Recipient)
	}
	if now := clk.Now().In(sh); now.Hour() != 8 {
		t.Fatalf("the agenda came at %v", now)
	}
	// Then the first firing at 09:30, and no second agenda meanwhile.
	clk.Advance(89 * time.Minute)
	waitSink(t, clk, amy, 2, "the 09:30 firing")
	if err := json.Unmarshal(amy.Calls()[1].Body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Data.Title != "站会" {
		t.Fatalf("second message %q", ev.Data.Title)
	}
	agendas := 0
	for _, c := range amy.Calls() {
		if strings.Contains(string(c.Body), "今日提醒") {
			agendas++
		}
	}
	if agendas != 1 {
		t.Fatalf("%d agendas", agendas)
	}
}
