package app

// WeCronConfig configures this part of the service.
type WeCronConfig struct{}

// registerWeCron adds this part's senders and routes.
func (a *App) registerWeCron() {}
