package app

import (
	"testing"

	"github.com/raasdev/raas/internal/channel/sms"
	"github.com/raasdev/raas/internal/channel/wechat"
)

// TestCheckEndpoint: the operator's SMS and WeChat endpoints get the check
// tenants' URLs get; --allow-private-targets lets local ones (tests, a
// proxy on the private network) through.
func TestCheckEndpoint(t *testing.T) {
	for _, tc := range []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{sms.AlibabaEndpoint, false, true},
		{sms.TencentEndpoint, false, true},
		{wechat.DefaultAPIBase, false, true},
		{"http://dysmsapi.aliyuncs.com/", false, false},
		{"https://127.0.0.1:9443/", false, false},
		{"https://LOCALHOST./", false, false},
		{"https://0x7f000001/", false, false},
		{"https://[::ffff:10.0.0.1]/", false, false},
		{"https://sms-proxy/", false, false},
		{"http://127.0.0.1:9443/", true, true},
		{"https://sms-proxy/", true, true},
		{"ftp://127.0.0.1/", true, false},
	} {
		a := &App{Config: Config{AllowPrivateTargets: tc.allowPrivate}}
		if err := a.checkEndpoint("--flag", tc.url); (err == nil) != tc.ok {
			t.Errorf("%s (allowPrivate %v): %v", tc.url, tc.allowPrivate, err)
		}
	}
}
