package main

import (
	"time"

	"github.com/raasdev/raas/internal/app"
)

// teamRemindFlags registers the flags of the team-remind open API and the
// SMS channel.
func teamRemindFlags(fs *flagSet, cfg *app.TeamRemindConfig) {
	*cfg = app.DefaultTeamRemind()
	fs.DurationVar(&cfg.AccessTokenTTL, "access-token-ttl", cfg.AccessTokenTTL, "lifetime of a team-remind accessToken from /openapi/token")
	fs.StringVar(&cfg.SMSProvider, "sms-provider", cfg.SMSProvider, "SMS provider: alibaba or tencent (empty: SMS deliveries fail with a clear error)")
	fs.StringVar(&cfg.SMSParams, "sms-params", cfg.SMSParams, "SMS template variables in template order, name:field,… (fields: title, content, time, creator, link: the recipient's personal page)")
	fs.IntVar(&cfg.SMSMaxParam, "sms-max-param", 35, "characters an SMS template variable may hold (longer values are cut)")
	fs.StringVar(&cfg.SMSTimeLayout, "sms-time-layout", "01-02 15:04", "Go time layout of the SMS time variable (in the reminder's zone)")
	fs.IntVar(&cfg.SMSRateLimit, "sms-rate-limit", cfg.SMSRateLimit, "at most this many SMS per phone number per --sms-rate-window, across instances (negative: no limit)")
	fs.DurationVar(&cfg.SMSRateWindow, "sms-rate-window", cfg.SMSRateWindow, "window of --sms-rate-limit")
	fs.DurationVar(&cfg.SMSTimeout, "sms-timeout", 10*time.Second, "timeout of one SMS provider call")

	a := &cfg.Alibaba
	fs.StringVar(&a.Endpoint, "sms-alibaba-endpoint", a.Endpoint, "Alibaba Cloud SMS endpoint")
	fs.StringVar(&a.RegionID, "sms-alibaba-region", a.RegionID, "Alibaba Cloud RegionId")
	fs.StringVar(&a.AccessKeyID, "sms-alibaba-access-key-id", "", "Alibaba Cloud AccessKey ID")
	fs.StringVar(&a.AccessKeySecret, "sms-alibaba-access-key-secret", "", "Alibaba Cloud AccessKey secret")
	fs.StringVar(&a.SignName, "sms-alibaba-sign-name", "", "approved SMS sign name (签名)")
	fs.StringVar(&a.TemplateCode, "sms-alibaba-template-code", "", "approved SMS template code, e.g. SMS_123456789")
	fs.StringVar(&a.Signature, "sms-alibaba-signature", a.Signature, "Alibaba request signature: rpc (HMAC-SHA1, signature version 1.0) or v3 (ACS3-HMAC-SHA256, which Alibaba recommends)")

	t := &cfg.Tencent
	fs.StringVar(&t.Endpoint, "sms-tencent-endpoint", t.Endpoint, "Tencent Cloud SMS endpoint")
	fs.StringVar(&t.Region, "sms-tencent-region", t.Region, "Tencent Cloud region (X-TC-Region)")
	fs.StringVar(&t.SecretID, "sms-tencent-secret-id", "", "Tencent Cloud SecretId")
	fs.StringVar(&t.SecretKey, "sms-tencent-secret-key", "", "Tencent Cloud SecretKey")
	fs.StringVar(&t.SDKAppID, "sms-tencent-sdk-app-id", "", "Tencent Cloud SMS SdkAppId")
	fs.StringVar(&t.SignName, "sms-tencent-sign-name", "", "approved SMS sign name (签名内容)")
	fs.StringVar(&t.TemplateID, "sms-tencent-template-id", "", "approved SMS template id")
	fs.StringVar(&t.CountryCode, "sms-tencent-country-code", t.CountryCode, "country code put before phone numbers without '+'")
}
