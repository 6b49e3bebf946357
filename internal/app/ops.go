package app

// OpsConfig configures this part of the service.
type OpsConfig struct{}

// registerOps adds this part's senders and routes.
func (a *App) registerOps() {}
