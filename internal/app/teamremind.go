package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/raasdev/raas/internal/api/teamremind"
	"github.com/raasdev/raas/internal/channel/sms"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// TeamRemindConfig configures the team-remind open API and the SMS channel.
type TeamRemindConfig struct {
	AccessTokenTTL time.Duration // lifetime of an /openapi/token access token (default 2h)

	SMSProvider   string        // "", "alibaba" or "tencent"; "" sends no SMS (deliveries fail with a clear error)
	SMSParams     string        // template variables as name:field,… (fields: title, content, time, creator)
	SMSMaxParam   int           // characters per variable (default 35)
	SMSTimeLayout string        // Go layout of the time variable (default "01-02 15:04")
	SMSRateLimit  int           // messages per number per SMSRateWindow (0: the default 5; negative: no limit)
	SMSRateWindow time.Duration // default 1h
	SMSTimeout    time.Duration // per provider call (default 10s)

	Alibaba sms.AlibabaConfig
	Tencent sms.TencentConfig
}

// DefaultTeamRemind returns the defaults `raas serve` starts with.
func DefaultTeamRemind() TeamRemindConfig {
	return TeamRemindConfig{AccessTokenTTL: 2 * time.Hour, SMSParams: "title:title,time:time", SMSRateLimit: 5, SMSRateWindow: time.Hour,
		Alibaba: sms.AlibabaConfig{Endpoint: sms.AlibabaEndpoint, RegionID: "cn-hangzhou", Signature: sms.AlibabaSignatureRPC},
		Tencent: sms.TencentConfig{Endpoint: sms.TencentEndpoint, Region: "ap-guangzhou", CountryCode: "86"}}
}

// teamRemindStore is what this part needs of the store beyond store.Store.
// registerTeamRemind adds the SMS sender and the /openapi routes.
func (a *App) registerTeamRemind() {
	cfg := a.Config.TeamRemind
	st := a.Store
	provider, err := NewSMSProvider(cfg, a.now)
	switch cfg.SMSProvider {
	case "alibaba":
		err = errors.Join(err, a.checkEndpoint("--sms-alibaba-endpoint", cfg.Alibaba.Endpoint))
	case "tencent":
		err = errors.Join(err, a.checkEndpoint("--sms-tencent-endpoint", cfg.Tencent.Endpoint))
	}
	if err != nil {
		a.Log.Error("sms disabled", "err", err)
		provider = sms.Disabled{}
	}
	var specs []sms.ParamSpec
	if cfg.SMSParams != "" {
		specs, err = sms.ParseParams(cfg.SMSParams)
	}
	if err != nil {
		a.Log.Error("sms: --sms-params; using title:title,time:time", "err", err)
		specs = nil
	}
	limit := cfg.SMSRateLimit
	if limit == 0 {
		limit = 5
	}
	_, a.smsOff = provider.(sms.Disabled)
	a.Senders[remind.ChannelSMS] = sms.NewSender(provider, st, a.now, sms.Config{
		Params: specs, MaxParamLen: cfg.SMSMaxParam, TimeLayout: cfg.SMSTimeLayout, Limit: max(limit, 0), Window: cfg.SMSRateWindow,
	})
	teamremind.New(a.Service, st, a.Log, teamremind.Config{TokenTTL: cfg.AccessTokenTTL}).Register(a.Mux)
}

// NewSMSProvider returns the provider the configuration names.
func NewSMSProvider(cfg TeamRemindConfig, now func() time.Time) (sms.Provider, error) {
	timeout := cfg.SMSTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	client := netguard.NoRedirects(timeout) // signed calls go to the endpoint only
	switch cfg.SMSProvider {
	case "", "none":
		return sms.Disabled{}, nil
	case "alibaba":
		c := cfg.Alibaba
		if c.AccessKeyID == "" || c.AccessKeySecret == "" || c.SignName == "" || c.TemplateCode == "" {
			return nil, fmt.Errorf("sms: alibaba needs --sms-alibaba-access-key-id, --sms-alibaba-access-key-secret, --sms-alibaba-sign-name and --sms-alibaba-template-code")
		}
		if s := c.Signature; s != "" && s != sms.AlibabaSignatureRPC && s != sms.AlibabaSignatureV3 {
			return nil, fmt.Errorf("sms: --sms-alibaba-signature %q: want rpc or v3", s)
		}
		return sms.NewAlibaba(c, client, now), nil
	case "tencent":
		c := cfg.Tencent
		if c.SecretID == "" || c.SecretKey == "" || c.SDKAppID == "" || c.SignName == "" || c.TemplateID == "" {
			return nil, fmt.Errorf("sms: tencent needs --sms-tencent-secret-id, --sms-tencent-secret-key, --sms-tencent-sdk-app-id, --sms-tencent-sign-name and --sms-tencent-template-id")
		}
		return sms.NewTencent(c, client, now), nil
	}
	return nil, fmt.Errorf("sms: unknown provider %q (want alibaba or tencent)", cfg.SMSProvider)
}
