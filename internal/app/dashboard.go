package app

import "github.com/raasdev/raas/internal/web/dashboard"

// registerDashboard adds the owners' web dashboard under /dashboard, with
// the reminders' subscribe links.
func (a *App) registerDashboard() {
	dashboard.New(dashboard.Config{PublicURL: a.Config.PublicURL, Log: a.Log}, a.Service, a.Store).Register(a.Mux)
}
