package web_test

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/sfnt"

	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/testenv"
	"github.com/raasdev/raas/internal/web"
	"github.com/raasdev/raas/internal/web/qrtest"
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

// TestPrintPoster: the A5 poster (300 dpi) has its size, and its QR code
// still reads after the poster is photographed: scaled down to a quarter
// with a cheap filter and JPEG-compressed, as a phone camera's frame of a
// printed page would be.
func TestPrintPoster(t *testing.T) {
	f, _, err := web.LoadFont("")
	if err != nil && !errors.Is(err, web.ErrNoCJKFont) {
		t.Fatal(err)
	}
	now := time.Now()
	start := now.Add(time.Hour)
	r := remind.Reminder{ID: remind.NewID(now), Title: "读书会 Reading circle", Desc: strings.Repeat("Chapter 3 of 《三体》; bring questions. ", 30),
		RRule: "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=21;BYMINUTE=0", TZ: remind.DefaultTZ, Start: start}
	const page = "https://raas.test/s/0123456789abcdef0123456789abcdef"
	langs := []describe.Lang{describe.ZH, describe.EN}
	if raceEnabled {
		langs = langs[:1]
	}
	for _, lang := range langs {
		b, err := web.RenderPosterWith(f, r, start, page, web.PosterOptions{W: web.PosterA5W, H: web.PosterA5H, Lang: lang, Organiser: "读书会 Book club"})
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if sz := img.Bounds().Size(); sz.X != web.PosterA5W || sz.Y != web.PosterA5H {
			t.Fatalf("A5 poster is %v", sz)
		}
		small := image.NewRGBA(image.Rect(0, 0, web.PosterA5W/4, web.PosterA5H/4))
		xdraw.ApproxBiLinear.Scale(small, small.Bounds(), img, img.Bounds(), xdraw.Src, nil)
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, small, &jpeg.Options{Quality: 60}); err != nil {
			t.Fatal(err)
		}
		photo, err := jpeg.Decode(&jb)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := qrtest.Decode(photo); err != nil || got != page {
			t.Fatalf("%s: the photographed poster reads %q, %v", lang, got, err)
		}
	}
}
