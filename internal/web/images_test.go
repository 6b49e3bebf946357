package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/web"
)

// TestPosterAndQRCachedByContent: posters and QR codes carry an ETag
// naming their content; If-None-Match with it answers 304 without a body,
// and a change to the reminder changes the poster's ETag.
func TestPosterAndQRCachedByContent(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Now()
	tn := remind.Tenant{ID: remind.NewID(now), Name: "t", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour)
	rem := remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: "开会", Time: &at, TZ: tn.TZ, Start: at,
		Status: remind.StatusActive, NextFireAt: &at, Source: "wecron", CreatedAt: now, UpdatedAt: now}
	if _, _, err := st.CreateReminder(ctx, rem, nil); err != nil {
		t.Fatal(err)
	}
	font, _, err := web.LoadFont("")
	if err != nil && !errors.Is(err, web.ErrNoCJKFont) {
		t.Fatal(err)
	}
	w := web.New(web.Config{PublicURL: "https://raas.test", Font: font}, st, st)
	link, err := w.Link(ctx, tn.ID, rem.ID)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Register(mux)
	mux.HandleFunc("GET /poster/{id}", func(rw http.ResponseWriter, r *http.Request) {
		if err := w.ServePoster(r.Context(), rw, r, r.PathValue("id")); err != nil {
			http.Error(rw, err.Error(), http.StatusNotFound)
		}
	})
	get := func(path, inm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		return rec
	}
	for _, tc := range []struct {
		name, path, cache string
	}{
		{"poster", "/poster/" + rem.ID, "public, max-age=300"},
		{"qr", "/s/" + link.Token + "/qr.png", "public, max-age=86400"},
	} {
		first := get(tc.path, "")
		etag := first.Header().Get("ETag")
		if first.Code != 200 || first.Header().Get("Content-Type") != "image/png" || first.Body.Len() < 100 ||
			len(etag) < 10 || etag[0] != '"' || first.Header().Get("Cache-Control") != tc.cache {
			t.Fatalf("%s: %d %v, %d bytes", tc.name, first.Code, first.Header(), first.Body.Len())
		}
		for _, c := range []struct {
			inm  string
			code int
		}{
			{etag, 304},
			{"W/" + etag, 304},
			{`"other", ` + etag, 304},
			{"*", 304},
			{`"other"`, 200},
			{etag[:len(etag)-2] + `x"`, 200},
		} {
			rec := get(tc.path, c.inm)
			if rec.Code != c.code || rec.Header().Get("ETag") != etag {
				t.Fatalf("%s with If-None-Match %s: %d ETag %q, want %d and %q", tc.name, c.inm, rec.Code, rec.Header().Get("ETag"), c.code, etag)
			}
			if c.code == 304 && rec.Body.Len() != 0 {
				t.Fatalf("%s: 304 with a body", tc.name)
			}
			if c.code == 200 && rec.Body.String() != first.Body.String() {
				t.Fatalf("%s: the same content drawn differently", tc.name)
			}
		}
	}

	old := get("/poster/"+rem.ID, "").Header().Get("ETag")
	if _, err := st.ModifyReminder(ctx, rem.TenantID, rem.ID, now, "", func(r *remind.Reminder) error {
		r.Title = "改期开会"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rec := get("/poster/"+rem.ID, old)
	if rec.Code != 200 || rec.Header().Get("ETag") == old {
		t.Fatalf("after a new title: %d ETag %q (was %q)", rec.Code, rec.Header().Get("ETag"), old)
	}
	if rec := get("/poster/"+remind.NewID(now), ""); rec.Code != 404 || rec.Header().Get("ETag") != "" {
		t.Fatalf("missing poster: %d %v", rec.Code, rec.Header())
	}
	// A cancelled reminder's poster is gone, even to a cache that holds it.
	if _, err := st.CancelReminder(ctx, rem.TenantID, rem.ID, now); err != nil {
		t.Fatal(err)
	}
	if rec := get("/poster/"+rem.ID, old); rec.Code != 404 || rec.Header().Get("ETag") != "" {
		t.Fatalf("cancelled reminder's poster: %d %v", rec.Code, rec.Header())
	}
}
