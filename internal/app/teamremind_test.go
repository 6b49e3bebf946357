package app

import (
	"testing"
	"time"

	"github.com/raasdev/raas/internal/channel/sms"
)

func TestNewSMSProviderAlibabaSignature(t *testing.T) {
	for sig, ok := range map[string]bool{"": true, "rpc": true, "v3": true, "V3": false, "hmac-sha256": false} {
		cfg := DefaultTeamRemind()
		cfg.SMSProvider = "alibaba"
		cfg.Alibaba = sms.AlibabaConfig{AccessKeyID: "id", AccessKeySecret: "s", SignName: "n", TemplateCode: "SMS_1", Signature: sig}
		if _, err := NewSMSProvider(cfg, time.Now); (err == nil) != ok {
			t.Errorf("signature %q: %v", sig, err)
		}
	}
}
