package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// FuzzCheckURL: CheckURL never panics, refuses only with a *URLError (a
// 400 for the caller), refuses nothing for its address with AllowPrivate, and what it accepts is an http or https URL whose
// host is a public address (by the standard library's own predicates, not
// only this package's table) or a dotted name that no resolver reads as an
// address or as a loopback name.
func FuzzCheckURL(f *testing.F) {
	for _, h := range loopbackSpellings {
		f.Add("http://" + h + "/")
	}
	for _, tc := range refusedAddrs {
		f.Add("https://" + netip.AddrPortFrom(netip.MustParseAddr(tc.ip), 443).String() + "/x")
	}
	f.Add("https://hooks.example.com/path?q=1")
	f.Fuzz(func(t *testing.T, raw string) {
		err := CheckURL(context.Background(), raw, Policy{})
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) || ue.Reason == "" {
				t.Fatalf("%q: refused with %T %v, want a *URLError", raw, err, err)
			}
			perr := CheckURL(context.Background(), raw, Policy{AllowPrivate: true})
			if errors.As(perr, &ue) && ue.Address {
				t.Fatalf("%q: refused for its address with AllowPrivate: %v", raw, perr)
			}
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("%q: accepted but not an http(s) URL (%v)", raw, perr)
		}
		host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
		if ip := net.ParseIP(host); ip != nil {
			if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() ||
				ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() || ip.To4() != nil && strings.Contains(host, ":") {
				t.Fatalf("%q: accepted a non-public address %s", raw, ip)
			}
			return
		}
		if !strings.Contains(host, ".") || host == "localhost" || strings.HasSuffix(host, ".localhost") {
			t.Fatalf("%q: accepted the local name %q", raw, host)
		}
		if _, numeric, _ := parseIPv4(host); numeric {
			t.Fatalf("%q: accepted the numeric host %q", raw, host)
		}
	})
}
