package app

import (
	"context"
	"fmt"

	"github.com/raasdev/raas/internal/netguard"
)

// checkEndpoint checks an outgoing endpoint the operator configured (an SMS
// provider's, the WeChat API's) with the check tenants' webhooks get
// (netguard.CheckURL): https on a public address, unless
// --allow-private-targets, which allows http and any address.
func (a *App) checkEndpoint(flag, raw string) error {
	p := netguard.Policy{AllowPrivate: a.Config.AllowPrivateTargets, Schemes: []string{"https"}}
	if p.AllowPrivate {
		p.Schemes = append(p.Schemes, "http")
	}
	if err := netguard.CheckURL(context.Background(), raw, p); err != nil {
		return fmt.Errorf("%s %q: %w (start the server with --allow-private-targets to allow private endpoints)", flag, raw, err)
	}
	return nil
}
