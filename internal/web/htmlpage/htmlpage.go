// Package htmlpage writes server-rendered HTML pages with the security
// headers RaaS's pages share; the subscriber pages (internal/web) and the
// owner dashboard each hold a Renderer.
package htmlpage

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
)

// Renderer renders the pages of one template set.
type Renderer struct {
	Templates *template.Template
	CSP       string // Content-Security-Policy
	Referrer  string // Referrer-Policy
	Log       *slog.Logger
}

// Render executes the template name with data into a buffer and writes it
// with status code after the headers: CSP, the referrer policy, nosniff and
// no-store. A template error is logged and answered 500, with nothing of
// the page written.
func (r Renderer) Render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := r.Templates.ExecuteTemplate(&buf, name, data); err != nil {
		r.Log.Error("html page: template", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", r.CSP)
	h.Set("Referrer-Policy", r.Referrer)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}
