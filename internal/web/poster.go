package web

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"time"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/zone"
)

// FontPaths are where Debian's packages put CJK fonts, searched in order
// when no font is configured: fonts-noto-cjk, then fonts-wqy-microhei,
// fonts-wqy-zenhei and fonts-arphic-uming.
var FontPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
}

// ErrNoCJKFont means no CJK font was found: posters fall back to Go's own
// font, which has no Chinese glyphs.
var ErrNoCJKFont = errors.New("web: no CJK font found (install fonts-noto-cjk or fonts-wqy-microhei, or set --poster-font)")

// LoadFont loads the poster font from path, or, when path is "", from the
// first of FontPaths that exists. From a collection (.ttc) it takes the
// Simplified Chinese face when there is one. Without any font it returns
// Go's font and ErrNoCJKFont.
func LoadFont(path string) (*opentype.Font, string, error) {
	paths := FontPaths
	if path != "" {
		paths = []string{path}
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			if path != "" {
				return nil, "", fmt.Errorf("web: poster font: %w", err)
			}
			continue
		}
		f, err := parseFont(b)
		if err != nil {
			return nil, "", fmt.Errorf("web: poster font %s: %w", p, err)
		}
		return f, p, nil
	}
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, "", err
	}
	return f, "", ErrNoCJKFont
}

func parseFont(b []byte) (*opentype.Font, error) {
	c, err := opentype.ParseCollection(b)
	if err != nil {
		return nil, err
	}
	var first *opentype.Font
	for i := range c.NumFonts() {
		f, err := c.Font(i)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = f
		}
		name, _ := f.Name(nil, sfnt.NameIDFamily)
		if strings.HasSuffix(name, " SC") || strings.Contains(name, "Sans CJK SC") {
			return f, nil
		}
	}
	if first == nil {
		return nil, errors.New("no fonts in the file")
	}
	return first, nil
}

// Poster sizes: a phone screen at 2x, and A5 (148 × 210 mm) at 300 dpi
// for print.
const (
	PosterW = 750
	PosterH = 1334

	PosterA5W = 1748
	PosterA5H = 2480
)

var (
	posterBG    = color.RGBA{0x1f, 0x4e, 0x79, 0xff}
	posterCard  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	posterText  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	posterMuted = color.RGBA{0xd6, 0xe4, 0xf0, 0xff}
)

// PosterOptions are a poster's size and the words around the reminder.
type PosterOptions struct {
	W, H      int           // PosterW×PosterH (phone) or PosterA5W×PosterA5H (print); 0 means phone
	Lang      describe.Lang // of the schedule in words and the caption; "" means Chinese
	Organiser string        // who invites; "" leaves the line out
}

// RenderPoster draws a reminder's phone poster in Chinese: title, the
// schedule in words, the next time (in the reminder's zone), description
// and a QR code of qrText, as PNG.
func RenderPoster(f *opentype.Font, r remind.Reminder, at time.Time, qrText string) ([]byte, error) {
	return RenderPosterWith(f, r, at, qrText, PosterOptions{})
}

// RenderPosterWith draws a poster at any size: the phone layout scaled,
// the QR code a third of the page wide or more, so a photo of a printed
// poster still scans.
func RenderPosterWith(f *opentype.Font, r remind.Reminder, at time.Time, qrText string, o PosterOptions) ([]byte, error) {
	if o.W == 0 || o.H == 0 {
		o.W, o.H = PosterW, PosterH
	}
	if o.Lang == "" {
		o.Lang = describe.ZH
	}
	W, H := o.W, o.H
	sc := float64(W) / PosterW
	px := func(v float64) int { return int(v*sc + 0.5) }
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), &image.Uniform{posterBG}, image.Point{}, draw.Src)
	face := func(size float64) (font.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: size * sc, DPI: 72, Hinting: font.HintingFull})
	}
	titleFace, err := face(52)
	if err != nil {
		return nil, err
	}
	defer titleFace.Close()
	bodyFace, err := face(30)
	if err != nil {
		return nil, err
	}
	defer bodyFace.Close()
	smallFace, err := face(26)
	if err != nil {
		return nil, err
	}
	defer smallFace.Close()

	margin := px(60)
	width := W - 2*margin
	// The QR code on a white card, quiet zone included, at the bottom: its
	// top bounds the text above.
	qrSize := px(420)
	if W != PosterW {
		// A page less tall for its width than a phone: a smaller share of
		// it (still 62 mm on A5, scannable from a metre) leaves room for words.
		qrSize = W * 42 / 100
	}
	qr, err := QRImage(qrText, qrSize)
	if err != nil {
		return nil, err
	}
	qb := qr.Bounds()
	pad := px(20)
	cardTop := H - px(110) - qb.Dy() - 2*pad
	textEnd := cardTop - px(40)

	y := px(120)
	if o.Organiser != "" {
		invites := o.Organiser + " 邀请你订阅"
		if o.Lang == describe.EN {
			invites = o.Organiser + " invites you"
		}
		for _, line := range wrap(smallFace, invites, width, 1) {
			drawText(img, smallFace, posterMuted, margin, y, line)
		}
		y += px(80)
	} else {
		y += px(30)
	}
	title := r.Title
	if title == "" {
		title = "提醒"
	}
	for _, line := range wrap(titleFace, title, width, 3) {
		drawText(img, titleFace, posterText, margin, y, line)
		y += px(70)
	}
	y += px(20)
	if r.Recurring() {
		for _, line := range wrap(bodyFace, describe.Schedule(r, o.Lang), width, 2) {
			drawText(img, bodyFace, posterText, margin, y, line)
			y += px(46)
		}
		next := "下次 "
		if o.Lang == describe.EN {
			next = "Next: "
		}
		drawText(img, smallFace, posterMuted, margin, y, next+moment(r, at, o.Lang))
		y += px(44)
	} else {
		drawText(img, bodyFace, posterMuted, margin, y, moment(r, at, o.Lang))
		y += px(50)
	}
	y += px(20)
	if rows := (textEnd - y) / px(44); rows > 0 {
		for _, line := range wrap(bodyFace, r.Desc, width, rows) {
			drawText(img, bodyFace, posterText, margin, y, line)
			y += px(44)
		}
	}

	card := image.Rect((W-qb.Dx())/2-pad, cardTop, (W+qb.Dx())/2+pad, cardTop+qb.Dy()+2*pad)
	draw.Draw(img, card, &image.Uniform{posterCard}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(card.Min.X+pad, card.Min.Y+pad, card.Min.X+pad+qb.Dx(), card.Min.Y+pad+qb.Dy()), qr, qb.Min, draw.Src)
	caption := "扫码订阅提醒 · Scan to subscribe"
	if o.Lang == describe.EN {
		caption = "Scan to subscribe · 扫码订阅提醒"
	}
	cw := font.MeasureString(smallFace, caption).Ceil()
	drawText(img, smallFace, posterMuted, (W-cw)/2, H-px(60), caption)

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// moment is at in words in the reminder's zone, the zone beside it.
func moment(r remind.Reminder, at time.Time, lang describe.Lang) string {
	loc := zone.OrUTC(r.TZ)
	return describe.Moment(at.In(loc), lang, true) + " (" + loc.String() + ")"
}

// FormatWhen renders when a reminder happens, in its zone: for example
// "2026-12-01 周二 09:30 (Asia/Shanghai)".
func FormatWhen(r remind.Reminder, at time.Time) string {
	loc := zone.OrUTC(r.TZ)
	t := at.In(loc)
	wd := [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[t.Weekday()]
	return fmt.Sprintf("%s %s %s (%s)", t.Format("2006-01-02"), wd, t.Format("15:04"), loc.String())
}

func drawText(img draw.Image, f font.Face, c color.Color, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// noLineStart is punctuation that must not begin a line (禁则).
const noLineStart = "，。、；：？！）》」』】〉”’…,.;:?!)"

// wrap breaks s into lines at most width pixels wide (between any two CJK
// characters, at spaces otherwise), keeping at most max lines.
func wrap(f font.Face, s string, width, max int) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		var line []rune
		lastSpace := -1
		for _, c := range para {
			if c == '\t' {
				c = ' '
			}
			line = append(line, c)
			if unicode.IsSpace(c) {
				lastSpace = len(line) - 1
			}
			if font.MeasureString(f, string(line)).Ceil() <= width || strings.ContainsRune(noLineStart, c) {
				continue // closing punctuation hangs rather than start a line
			}
			cut := len(line) - 1
			if lastSpace > 0 && !unicode.Is(unicode.Han, c) {
				cut = lastSpace + 1
			}
			lines = append(lines, strings.TrimSpace(string(line[:cut])))
			line = append([]rune(nil), line[cut:]...)
			lastSpace = -1
		}
		if len(line) > 0 || para == "" {
			lines = append(lines, strings.TrimSpace(string(line)))
		}
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > max {
		lines = lines[:max]
		lines[max-1] = strings.TrimRightFunc(lines[max-1], unicode.IsSpace) + "…"
	}
	return lines
}
