package app

import (
	"maps"
	"slices"

	"github.com/raasdev/raas/internal/web/dashboard"
)

// registerDashboard adds the owners' web dashboard under /dashboard, with
// the reminders' subscribe links and audience, offering only the channels
// the server has senders for (so it runs after they are made).
func (a *App) registerDashboard() {
	channels := slices.Sorted(maps.Keys(a.Senders))
	cfg := dashboard.Config{PublicURL: a.Config.PublicURL, Log: a.Log, Channels: channels, Audience: a.Store}
	if a.pages != nil {
		cfg.Feeds = a.pages
	}
	d := dashboard.New(cfg, a.Service, a.Store)
	d.Register(a.Mux)
	d.RegisterHome(a.Mux, dashboard.HomeConfig{Version: a.Config.Ops.Version, Docs: a.Config.Ops.Docs, Metrics: a.Config.Ops.Metrics})
}
