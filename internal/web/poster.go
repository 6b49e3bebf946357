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

// Poster sizes: a phone screen at 2x.
const (
	PosterW = 750
	PosterH = 1334
)

var (
	posterBG    = color.RGBA{0x1f, 0x4e, 0x79, 0xff}
	posterCard  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	posterText  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	posterMuted = color.RGBA{0xd6, 0xe4, 0xf0, 0xff}
)

// RenderPoster draws a reminder's poster: title, time (in the reminder's
// zone), description and a QR code of qrText, as PNG.
func RenderPoster(f *opentype.Font, r remind.Reminder, at time.Time, qrText string) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, PosterW, PosterH))
	draw.Draw(img, img.Bounds(), &image.Uniform{posterBG}, image.Point{}, draw.Src)
	face := func(size float64) (font.Face, error) {
		return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
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

	const margin = 60
	width := PosterW - 2*margin
	y := 150
	title := r.Title
	if title == "" {
		title = "提醒"
	}
	for _, line := range wrap(titleFace, title, width, 3) {
		drawText(img, titleFace, posterText, margin, y, line)
		y += 70
	}
	y += 20
	drawText(img, bodyFace, posterMuted, margin, y, FormatWhen(r, at))
	y += 50
	if r.Recurring() {
		drawText(img, smallFace, posterMuted, margin, y, "重复提醒")
		y += 44
	}
	y += 20
	for _, line := range wrap(bodyFace, r.Desc, width, 9) {
		drawText(img, bodyFace, posterText, margin, y, line)
		y += 44
	}

	// The QR code on a white card, quiet zone included, at the bottom.
	const qrSize = 420
	qr, err := QRImage(qrText, qrSize)
	if err != nil {
		return nil, err
	}
	qb := qr.Bounds()
	cardTop := PosterH - 110 - qb.Dy() - 40
	card := image.Rect((PosterW-qb.Dx())/2-20, cardTop, (PosterW+qb.Dx())/2+20, cardTop+qb.Dy()+40)
	draw.Draw(img, card, &image.Uniform{posterCard}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(card.Min.X+20, card.Min.Y+20, card.Min.X+20+qb.Dx(), card.Min.Y+20+qb.Dy()), qr, qb.Min, draw.Src)
	caption := "扫码订阅提醒 · Scan to subscribe"
	cw := font.MeasureString(smallFace, caption).Ceil()
	drawText(img, smallFace, posterMuted, (PosterW-cw)/2, PosterH-60, caption)

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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
			if font.MeasureString(f, string(line)).Ceil() <= width {
				continue
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
