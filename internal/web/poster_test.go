package web_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"golang.org/x/image/font/sfnt"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/testenv"
	"github.com/raasdev/raas/internal/web"
)

// TestPosterFontCoversChinese checks the poster font found on this
// machine has every glyph of a typical poster (no tofu boxes).
func TestPosterFontCoversChinese(t *testing.T) {
	f, path, err := web.LoadFont("")
	if errors.Is(err, web.ErrNoCJKFont) {
		testenv.Missing(t, "a CJK font", "apt-get install -y fonts-noto-cjk, or fonts-wqy-microhei")
	}
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for _, c := range "每月25号提醒我还信用卡扫码订阅重复周一二三四五六日测试一下" {
		if i, err := f.GlyphIndex(&buf, c); err != nil || i == 0 {
			t.Errorf("%s has no glyph for %q", path, c)
		}
	}
	now := time.Now()
	r := remind.Reminder{ID: remind.NewID(now), Title: "测试一下", Desc: strings.Repeat("我是测试提醒 ", 40), TZ: remind.DefaultTZ}
	png, err := web.RenderPoster(f, r, now, "https://raas.test/s/x")
	if err != nil || len(png) < 1000 {
		t.Fatalf("RenderPoster: %d bytes, %v", len(png), err)
	}
}

func TestICSRecurringInDSTZone(t *testing.T) {
	loc, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	r := remind.Reminder{ID: "r1", Title: "standup", RRule: "FREQ=WEEKLY;BYDAY=MO", TZ: loc.String(), Start: start, DeferMin: -5}
	out := web.ICS(r, start, "https://raas.test/s/x", start)
	for _, want := range []string{"RRULE:FREQ=WEEKLY;BYDAY=MO", "DTSTART;TZID=America/New_York:20260302T090000", "BEGIN:VTIMEZONE", "BEGIN:DAYLIGHT", "TZOFFSETTO:-0400", "TRIGGER:-PT5M", "BEGIN:VALARM"} {
		if !strings.Contains(out, want) {
			t.Errorf("ics lacks %q:\n%s", want, out)
		}
	}
	if _, err := ics.ParseCalendar(strings.NewReader(out)); err != nil {
		t.Fatal(err)
	}
}
