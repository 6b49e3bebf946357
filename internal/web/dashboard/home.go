package dashboard

import "net/http"

// HomeConfig says what the front door links to.
type HomeConfig struct {
	Version string
	Docs    bool // /docs and /openapi.json are served
	Metrics bool // /metrics is served
}

type homePage struct {
	base
	HomeConfig
	PublicURL string
}

// RegisterHome serves the front door at /: what this server is, and links
// to the dashboard, the API reference and the health endpoints.
func (d *Dashboard) RegisterHome(mux *http.ServeMux, hc HomeConfig) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		d.render(w, http.StatusOK, "home.html", homePage{base: base{PageTitle: "Reminders as a service"}, HomeConfig: hc, PublicURL: d.cfg.PublicURL})
	})
}
