package netguard

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Resolver looks names up (net.DefaultResolver is one).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Policy is what CheckURL accepts.
type Policy struct {
	// AllowPrivate skips the address checks (--allow-private-targets):
	// only the URL's form is checked.
	AllowPrivate bool
	// Schemes are the schemes accepted; default http and https.
	Schemes []string
	// Resolver, when set, looks a name up and refuses it when any of its
	// addresses is refused. A failed lookup does not refuse the URL (the
	// name may be set up later; the dial-time check still holds).
	Resolver Resolver
	// LookupTimeout bounds the lookup; default 2s.
	LookupTimeout time.Duration
}

// URLError is a refused URL: Reason says why, for the caller ("points at
// 127.0.0.1, a loopback address"). Every refusal is the caller's to fix
// (a 400), none is the server's fault.
type URLError struct {
	Reason string
	// Address is true when the URL was refused for where it points,
	// rather than for how it is written: --allow-private-targets lifts it.
	Address bool
}

func (e *URLError) Error() string { return "netguard: URL " + e.Reason }

func refuse(format string, a ...any) error {
	return &URLError{Reason: fmt.Sprintf(format, a...)}
}

func refuseAddr(format string, a ...any) error {
	return &URLError{Reason: fmt.Sprintf(format, a...), Address: true}
}

// MaxURL is the longest URL accepted.
const MaxURL = 2048

// CheckURL checks a URL that RaaS will call: absolute, of an accepted
// scheme, with a host that is a public IP address or a fully qualified
// public name. The host is normalised first (case, trailing dots, IPv4
// written as one number, in hex or octal, or with fewer than four parts
// such as 127.1), so every spelling of a refused address is refused; IPv4
// not written as a.b.c.d is refused in any case, since resolvers disagree
// on it. localhost and names under .localhost, .local, .localdomain,
// .internal and .home.arpa are refused, as are single-label names, which
// a resolver's search list completes to an internal host. Refusals are
// *URLError.
func CheckURL(ctx context.Context, raw string, p Policy) error {
	if len(raw) > MaxURL {
		return refuse("is longer than %d bytes", MaxURL)
	}
	schemes := p.Schemes
	if len(schemes) == 0 {
		schemes = []string{"http", "https"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return refuse("is not a valid URL")
	}
	if !u.IsAbs() || u.Opaque != "" || u.Host == "" {
		return refuse("must be an absolute %s URL", strings.Join(schemes, " or "))
	}
	if !slices.Contains(schemes, u.Scheme) {
		return refuse("must be an absolute %s URL", strings.Join(schemes, " or "))
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return refuse("has port %q: want 1 to 65535", port)
		}
	}
	host := Normalize(u.Hostname())
	if host == "" {
		return refuse("has no host")
	}
	if strings.HasPrefix(u.Host, "[") {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is6() {
			return refuse("has host %q, which is not an IPv6 address", host)
		}
		return checkAddr(p, host, ip)
	}
	if ip, numeric, err := parseIPv4(host); numeric {
		if err != nil {
			return refuse("has host %q, which is no valid IPv4 address", host)
		}
		if err := checkAddr(p, host, ip); err != nil {
			return err
		}
		if ip.String() != host {
			return refuse("has host %q: write IPv4 addresses as four decimal numbers (%s)", host, ip)
		}
		return nil
	}
	if err := checkName(host); err != nil {
		return err
	}
	if p.AllowPrivate {
		return nil
	}
	if why := privateName(host); why != "" {
		return refuseAddr("points at %s, %s", host, why)
	}
	if p.Resolver == nil {
		return nil
	}
	timeout := p.LookupTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ips, err := p.Resolver.LookupNetIP(lctx, "ip", host)
	if err != nil {
		return nil // checked again when dialled
	}
	for _, ip := range ips {
		if why := Refused(ip.Unmap()); why != "" {
			return refuseAddr("points at %s, which resolves to %s, %s", host, ip.Unmap(), why)
		}
	}
	return nil
}

func checkAddr(p Policy, host string, ip netip.Addr) error {
	if p.AllowPrivate {
		return nil
	}
	if why := Refused(ip); why != "" {
		if ip.String() != host {
			return refuseAddr("points at %s (%s), %s", host, ip, why)
		}
		return refuseAddr("points at %s, %s", ip, why)
	}
	return nil
}

// Normalize returns a host as resolvers see it: lower case, without
// trailing dots.
func Normalize(host string) string {
	return strings.TrimRight(strings.ToLower(host), ".")
}

// checkName accepts host names of ASCII letters, digits, '-' and '_' in
// non-empty labels of at most 63 bytes, 253 in all.
func checkName(host string) error {
	if len(host) > 253 {
		return refuse("has a host name longer than 253 bytes")
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return refuse("has host %q, which is no valid host name", host)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				if c >= 0x80 {
					return refuse("has host %q: write international names in their xn-- form", host)
				}
				return refuse("has host %q, which is no valid host name", host)
			}
		}
	}
	if last := host[strings.LastIndexByte(host, '.')+1:]; isNumber(last) {
		return refuse("has host %q, whose last label is a number but which is no IPv4 address", host)
	}
	return nil
}

// privateName says why a (valid, normalised) name is refused, or "".
func privateName(host string) string {
	for _, suffix := range []string{"localhost", "local", "localdomain", "internal", "home.arpa"} {
		if host == suffix || strings.HasSuffix(host, "."+suffix) {
			if suffix == "localhost" {
				return "a loopback name"
			}
			return "a name of a local network"
		}
	}
	if !strings.Contains(host, ".") {
		return "a single-label name a resolver completes to a local host; give a fully qualified name"
	}
	return ""
}

// parseIPv4 reads host as an IPv4 address the way inet_aton and URL
// parsers in browsers do: one to four parts separated by dots, each
// decimal, octal (leading 0) or hex (0x), the last filling the bytes left.
// numeric is false when host is not made of numbers at all (a name).
func parseIPv4(host string) (ip netip.Addr, numeric bool, err error) {
	parts := strings.Split(host, ".")
	for _, part := range parts {
		if !isNumber(part) {
			return ip, false, nil
		}
	}
	if len(parts) > 4 {
		return ip, true, errors.New("too many parts")
	}
	var vals []uint64
	for _, part := range parts {
		v, err := parseNumber(part)
		if err != nil {
			return ip, true, err
		}
		vals = append(vals, v)
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return ip, true, fmt.Errorf("part %d is larger than 255", i+1)
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return ip, true, errors.New("last part too large")
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true, nil
}

// isNumber reports whether s is written as a number: decimal digits, or
// 0x followed by hex digits (none counts, as browsers read "0x" as 0).
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	digits := "0123456789"
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s, digits = s[2:], "0123456789abcdefABCDEF"
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(digits, rune(s[i])) {
			return false
		}
	}
	return true
}

func parseNumber(s string) (uint64, error) {
	base := 10
	switch {
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		s, base = s[2:], 16
		if s == "" {
			return 0, nil
		}
	case len(s) > 1 && s[0] == '0':
		s, base = s[1:], 8
	}
	v, err := strconv.ParseUint(s, base, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is no number below 2^32", s)
	}
	return v, nil
}
