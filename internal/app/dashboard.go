package app

import "github.com/raasdev/raas/internal/web/dashboard"

// registerDashboard adds the owners' web dashboard under /dashboard; it
// shows subscribe links when the store keeps them.
func (a *App) registerDashboard() {
	var links dashboard.Links
	if subs, ok := subscriptionStore(a.Store); ok {
		links = subs
	}
	dashboard.New(dashboard.Config{PublicURL: a.Config.PublicURL, Log: a.Log}, a.Service, links).Register(a.Mux)
}
