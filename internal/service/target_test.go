package service_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

type resolver map[string][]netip.Addr

func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := r[host]; ok {
		return ips, nil
	}
	return nil, errors.New("no such host")
}

// TestWebhookTargetsRefused registers every spelling of a non-public
// webhook URL, as a tenant webhook (field "url") and as a recipient's own
// (field "webhook_url"): each is an invalid-argument error (a 400) naming
// the field and why, nothing is stored, and --allow-private-targets lets
// the address-only refusals through.
func TestWebhookTargetsRefused(t *testing.T) {
	ctx := context.Background()
	res := resolver{"hooks.corp.example": {netip.MustParseAddr("10.1.2.3")}, "hooks.example.com": {netip.MustParseAddr("93.184.215.14")}}
	newSvc := func(allowPrivate bool) (*service.Service, remind.Tenant) {
		st := sqlitetest.Open(t)
		svc := service.New(st, noWake{}, time.Now, service.Config{AllowPrivateTargets: allowPrivate, Resolver: res, NewSecret: func() string { return "whsec_AAAA" }})
		_, tn, err := svc.CreateToken(ctx, "t")
		if err != nil {
			t.Fatal(err)
		}
		return svc, tn
	}
	strict, tn := newSvc(false)
	open, to := newSvc(true)
	for _, tc := range []struct {
		url, why string
		form     bool // refused for its form: the escape hatch does not lift it
	}{
		{"http://localhost:8080/", "loopback name", false},
		{"http://LOCALHOST/", "loopback name", false},
		{"http://localhost./", "loopback name", false},
		{"http://api.localhost/", "loopback name", false},
		{"http://127.0.0.1:9/x", "loopback", false},
		{"http://127.1/", "(127.0.0.1), a loopback", true},
		{"http://0x7f000001/", "(127.0.0.1), a loopback", true},
		{"http://2130706433/", "(127.0.0.1), a loopback", true},
		{"http://0177.0.0.1/", "(127.0.0.1), a loopback", true},
		{"http://10.0.0.1/", "private", false},
		{"http://169.254.169.254/latest", "link-local", false},
		{"http://[::1]/", "loopback", false},
		{"http://[fd00::1]/", "unique-local", false},
		{"http://[fe80::1]/", "link-local", false},
		{"http://[ff02::1]/", "multicast", false},
		{"http://0.0.0.0/", "unspecified", false},
		{"http://[::ffff:127.0.0.1]/", "IPv4-mapped", false},
		{"http://[::127.0.0.1]/", "IPv4-compatible", false},
		{"http://[::ffff:0:a00:1]/", "IPv4-translated", false},
		{"http://[2002:7f00:1::]/", "6to4", false},
		{"http://[64:ff9b::7f00:1]/", "NAT64", false},
		{"http://[64:ff9b:1::1]/", "local-use NAT64", false},
		{"http://[2001::1]/", "Teredo", false},
		{"http://[fec0::1]/", "site-local", false},
		{"http://metadata/computeMetadata", "single-label", false},
		{"https://hooks.corp.example/", "resolves to 10.1.2.3", false},
		{"ftp://hooks.example.com/", "http or https", true},
	} {
		for _, f := range []struct {
			field string
			reg   func(svc *service.Service, tn remind.Tenant, u string) error
		}{
			{"url", func(svc *service.Service, tn remind.Tenant, u string) error {
				_, err := svc.CreateWebhook(ctx, tn, u)
				return err
			}},
			{"webhook_url", func(svc *service.Service, tn remind.Tenant, u string) error {
				_, err := svc.PutRecipient(ctx, tn, "u1", service.RecipientInput{WebhookURL: u})
				return err
			}},
		} {
			err := f.reg(strict, tn, tc.url)
			var e *remind.Error
			if !errors.As(err, &e) || e.Code != remind.CodeInvalid || e.Field != f.field || !strings.Contains(e.Message, tc.why) {
				t.Errorf("%s as %s: %v, want invalid %s saying %q", tc.url, f.field, err, f.field, tc.why)
			}
			err = f.reg(open, to, tc.url)
			if tc.form != (err != nil) {
				t.Errorf("%s as %s with --allow-private-targets: %v", tc.url, f.field, err)
			}
		}
	}
	if ws, _ := strict.ListWebhooks(ctx, tn); len(ws) != 0 {
		t.Fatalf("refused webhooks were stored: %v", ws)
	}
	if _, err := strict.GetRecipient(ctx, tn, "u1"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("a refused recipient was stored: %v", err)
	}
	for _, u := range []string{"https://hooks.example.com/x", "http://hooks.example.com:8080/x", "https://8.8.8.8/", "https://unknown.example.org/"} {
		if _, err := strict.CreateWebhook(ctx, tn, u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}
