package web

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	qrcode "github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"
)

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

// QRPNG returns a PNG QR code of text about size pixels wide (never less
// than 3 pixels a module, with the 4-module quiet zone scanners need).
func QRPNG(text string, size int) ([]byte, error) {
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("web: qr: %w", err)
	}
	const border = 4
	block := size / (q.Dimension() + 2*border)
	if block < 3 {
		block = 3
	}
	if block > 255 {
		block = 255
	}
	var buf bytes.Buffer
	w := standard.NewWithWriter(nopCloser{&buf}, standard.WithQRWidth(uint8(block)), standard.WithBorderWidth(border*block),
		standard.WithBuiltinImageEncoder(standard.PNG_FORMAT))
	if err := q.Save(w); err != nil {
		return nil, fmt.Errorf("web: qr: %w", err)
	}
	return buf.Bytes(), nil
}

// QRImage is QRPNG decoded, for drawing onto posters.
func QRImage(text string, size int) (image.Image, error) {
	b, err := QRPNG(text, size)
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(b))
}
