package web

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// Posters (about 25 ms of CPU each) and QR codes are drawn from a few
// fields, so each is named by a hash of them, its ETag: a client holding
// it gets 304 without anything drawn, and the last images drawn are kept
// in memory by ETag, so a shared poster fetched again is not drawn again.

// imageVersion changes when the drawing code changes what it draws.
const imageVersion = "v2" // v2: posters name the organiser and say the schedule in words

// maxCachedImages bounds the images kept (a poster is about 100 KB).
const maxCachedImages = 64

// taggedPNG is a PNG named by its content's hash and drawn on demand.
type taggedPNG struct {
	etag string // quoted, strong
	draw func() ([]byte, error)
}

func newImage(draw func() ([]byte, error), parts ...any) taggedPNG {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return taggedPNG{etag: `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`, draw: draw}
}

// imageCache keeps the most recently served images by ETag.
type imageCache struct {
	mu    sync.Mutex
	order *list.List // of *cachedImage, most recent first
	byTag map[string]*list.Element
}

type cachedImage struct {
	etag string
	png  []byte
}

func (c *imageCache) get(img taggedPNG) ([]byte, error) {
	c.mu.Lock()
	if c.byTag == nil {
		c.byTag, c.order = map[string]*list.Element{}, list.New()
	}
	if e, ok := c.byTag[img.etag]; ok {
		c.order.MoveToFront(e)
		png := e.Value.(*cachedImage).png
		c.mu.Unlock()
		return png, nil
	}
	c.mu.Unlock()
	png, err := img.draw()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byTag[img.etag]; !ok {
		c.byTag[img.etag] = c.order.PushFront(&cachedImage{etag: img.etag, png: png})
		for c.order.Len() > maxCachedImages {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.byTag, last.Value.(*cachedImage).etag)
		}
	}
	return png, nil
}

// serve answers a GET of img: 304 when the client's If-None-Match names
// it, else the PNG (from the cache when drawn already).
func (c *imageCache) serve(rw http.ResponseWriter, r *http.Request, img taggedPNG, cacheControl string) error {
	rw.Header().Set("ETag", img.etag)
	rw.Header().Set("Cache-Control", cacheControl)
	if etagMatches(r.Header.Get("If-None-Match"), img.etag) {
		rw.WriteHeader(http.StatusNotModified)
		return nil
	}
	png, err := c.get(img)
	if err != nil {
		rw.Header().Del("ETag")
		rw.Header().Del("Cache-Control")
		return err
	}
	rw.Header().Set("Content-Type", "image/png")
	_, _ = rw.Write(png)
	return nil
}

// etagMatches applies If-None-Match (RFC 9110 13.1.2: weak comparison).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// fontTag names a font in ETags, so a server restarted with another
// font does not answer 304 for posters drawn with the old one.
func fontTag(f *opentype.Font) string {
	if f == nil {
		return ""
	}
	name, _ := f.Name(nil, sfnt.NameIDFull)
	return fmt.Sprintf("%s/%d", name, f.NumGlyphs())
}

// ServePoster answers a GET of the PNG poster of a reminder with a
// subscribe link, found by reminder id alone: the poster is meant to be
// shared (see the wecron package). It returns the error, writing nothing,
// when there is no such poster.
func (w *Web) ServePoster(ctx context.Context, rw http.ResponseWriter, r *http.Request, reminderID string) error {
	l, err := w.uc.PosterLink(ctx, reminderID)
	if err != nil {
		return err
	}
	rem, err := w.rems.GetReminder(ctx, l.TenantID, l.ReminderID)
	if err != nil {
		return err
	}
	if rem.Status == remind.StatusCancelled {
		return remind.NotFound("poster") // a cancelled reminder's posters are gone
	}
	return w.servePoster(ctx, rw, r, l, rem, PosterOptions{})
}

// servePoster draws (or finds drawn) the poster of a link's reminder, the
// organiser's name on it.
func (w *Web) servePoster(ctx context.Context, rw http.ResponseWriter, r *http.Request, l store.SubscribeLink, rem remind.Reminder, o PosterOptions) error {
	if t, err := w.rems.GetTenant(ctx, l.TenantID); err == nil {
		o.Organiser = t.DisplayName
	}
	at, page := When(rem), w.PageURL(l)
	img := newImage(func() ([]byte, error) { return RenderPosterWith(w.cfg.Font, rem, at, page, o) },
		"poster", imageVersion, w.fontTag, rem.Title, rem.Desc, rem.TZ, rem.RRule, at.UnixMilli(), page, o.W, o.H, string(o.Lang), o.Organiser)
	// A poster shows the reminder's next time: caches revalidate after five minutes.
	return w.images.serve(rw, r, img, "public, max-age=300")
}

// poster serves /s/{token}/poster.png: the phone poster, or with
// ?size=a5 the print one (A5 at 300 dpi); ?lang=en words it in English.
func (w *Web) poster(rw http.ResponseWriter, r *http.Request) {
	l, rem, err := w.uc.Link(r.Context(), r.PathValue("token"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	var o PosterOptions
	switch r.URL.Query().Get("size") {
	case "", "phone":
	case "a5":
		o.W, o.H = PosterA5W, PosterA5H
	default:
		w.fail(rw, r, remind.Invalid("size", "must be phone or a5"))
		return
	}
	switch r.URL.Query().Get("lang") {
	case "", "zh":
	case "en":
		o.Lang = describe.EN
	default:
		w.fail(rw, r, remind.Invalid("lang", "must be zh or en"))
		return
	}
	if err := w.servePoster(r.Context(), rw, r, l, rem, o); err != nil {
		w.fail(rw, r, err)
	}
}
