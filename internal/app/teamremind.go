package app

// TeamRemindConfig configures this part of the service.
type TeamRemindConfig struct{}

// registerTeamRemind adds this part's senders and routes.
func (a *App) registerTeamRemind() {}
