package app

import (
	"maps"
	"slices"

	"github.com/raasdev/raas/internal/web/dashboard"
)

// registerDashboard adds the owners' web dashboard under /dashboard; it
// shows subscribe links when the store keeps them, and offers only the
// channels the server has senders for (so it runs after they are made).
func (a *App) registerDashboard() {
	var links dashboard.Links
	var audience dashboard.Audience
	if subs, ok := subscriptionStore(a.Store); ok {
		links = subs
		audience, _ = subs.(dashboard.Audience)
	}
	channels := slices.Sorted(maps.Keys(a.Senders))
	cfg := dashboard.Config{PublicURL: a.Config.PublicURL, Log: a.Log, Channels: channels, Audience: audience}
	if a.pages != nil {
		cfg.Feeds = a.pages
	}
	d := dashboard.New(cfg, a.Service, links)
	d.Register(a.Mux)
	d.RegisterHome(a.Mux, dashboard.HomeConfig{Version: a.Config.Ops.Version, Docs: a.Config.Ops.Docs, Metrics: a.Config.Ops.Metrics})
}
