// Package netguard keeps outgoing calls to user-supplied URLs (webhooks,
// Web Push endpoints) off the operator's own network. One address table
// serves both checks: CheckURL, at registration, refuses a URL whose host is
// written as (or resolves to) a non-public address with a clear reason, and
// Client and FastClient (webhooks), at dial time, refuse the connection, so
// DNS answers that change after registration are caught too. Clients made
// here follow no redirects.
//
// The table is code.dny.dev/ssrf's, generated from IANA's special-purpose
// address registries (every IPv6 address outside 2000::/3 is refused), with
// the ranges an attacker reaches for named first (named), so that a refusal
// says what it hit and a change in the library cannot reopen them.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
	"github.com/valyala/fasthttp"
)

// ErrForbidden is returned for a connection to a refused address.
var ErrForbidden = errors.New("netguard: address not allowed")

// named are the refused ranges a caller is told about by name. IPv6 forms
// that embed an IPv4 address are refused whatever the address they embed:
// a gateway may deliver them to it.
var named = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified (this-network) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved or broadcast address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("::ffff:0:0/96"), "an IPv4-mapped IPv6 address"},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "an IPv4-translated IPv6 address"},
	{netip.MustParsePrefix("::/96"), "an IPv4-compatible IPv6 address"},
	{netip.MustParsePrefix("64:ff9b::/96"), "a NAT64 address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local-use NAT64 address"},
	{netip.MustParsePrefix("2001::/32"), "a Teredo address"},
	{netip.MustParsePrefix("2002::/16"), "a 6to4 address"},
	{netip.MustParsePrefix("fc00::/7"), "a unique-local address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
}

// table is the library's: IANA's special-purpose registries.
var table = ssrf.New(ssrf.WithAnyPort(), ssrf.WithAnyNetwork())

// Refused returns why a connection to ip is refused for a public target
// ("a loopback address"), or "" when it is allowed.
func Refused(ip netip.Addr) string {
	if !ip.IsValid() {
		return "not an IP address"
	}
	if ip.Zone() != "" {
		return "an address with a zone"
	}
	for _, n := range named {
		if n.prefix.Contains(ip) {
			return n.what
		}
	}
	if err := table.SafeAddr(ip); err != nil {
		return "a special-purpose address"
	}
	return ""
}

// Allowed reports whether a connection to ip is allowed for a public target.
func Allowed(ip netip.Addr) bool { return Refused(ip) == "" }

// control is the dial-time check: the dialer calls it with the address it
// is about to connect to, after any DNS lookup.
func control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbidden, address)
	}
	if why := Refused(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s", ErrForbidden, ap.Addr(), why)
	}
	return nil
}

// Client returns an HTTP client for user-supplied URLs: it refuses
// non-public addresses unless allowPrivate, follows no redirects (a 3xx is
// the answer the caller sees; see Redirect), and gives up after timeout.
func Client(timeout time.Duration, allowPrivate bool) *http.Client {
	d := dialer(allowPrivate)
	tr := &http.Transport{
		DialContext:           func(ctx context.Context, n, a string) (net.Conn, error) { return d.DialContext(ctx, n, a) },
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: timeout,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: noRedirects}
}

// dialer connects to user-supplied addresses: refused ones (unless
// allowPrivate) fail with ErrForbidden once DNS has answered.
func dialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = control
	}
	return d
}

// FastClient returns the HTTP/1.1 client of webhooks, which a herd posts
// to by the hundred thousand: on loopback, 100,000 posts to a net/http
// server took 2.3–2.4 s with it against 3.4–3.5 s with net/http's client
// (docs/benchmarks.md). It keeps up to conns keep-alive connections to
// each endpoint (conns <= 0: fasthttp's default, 512, as the dispatcher
// then runs its own default of 64 senders). Like Client it refuses non-public
// addresses unless allowPrivate, follows no redirects (Do never does) and
// gives up after timeout. It sends a request exactly as given (no path
// normalising) and does not resend a POST, except once when a kept-alive
// connection turns out to have been closed by the server before it
// answered, as net/http does.
func FastClient(timeout time.Duration, allowPrivate bool, conns int) *fasthttp.Client {
	d := dialer(allowPrivate)
	return &fasthttp.Client{
		DialTimeout: func(addr string, t time.Duration) (net.Conn, error) {
			if t <= 0 { // none given: the dialer's own
				return d.Dial("tcp", addr)
			}
			ctx, cancel := context.WithTimeout(context.Background(), t)
			defer cancel()
			return d.DialContext(ctx, "tcp", addr)
		},
		MaxConnsPerHost:          conns,
		MaxConnWaitTimeout:       timeout,
		MaxIdleConnDuration:      30 * time.Second,
		ReadTimeout:              timeout,
		WriteTimeout:             timeout,
		DisablePathNormalizing:   true,
		NoDefaultUserAgentHeader: true,
		RetryIfErr: func(_ *fasthttp.Request, attempts int, err error) (bool, bool) {
			// io.EOF before the first byte of the answer, which Do
			// returns as ErrConnectionClosed.
			return false, attempts < 2 && (errors.Is(err, io.EOF) || errors.Is(err, fasthttp.ErrConnectionClosed))
		},
	}
}

// NoRedirects returns a plain client (for the operator's own provider
// endpoints: SMS, WeChat) that gives up after timeout and follows no
// redirects, so signed requests and credentials go nowhere else.
func NoRedirects(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, CheckRedirect: noRedirects}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Redirect describes a 3xx answer for an error message: the status and
// where it pointed ("302 redirect to https://elsewhere.example/"), or ""
// when resp is no redirect.
func Redirect(resp *http.Response) string {
	return RedirectOf(resp.StatusCode, resp.Header.Get("Location"))
}

// RedirectOf is Redirect of a status code and Location header.
func RedirectOf(code int, loc string) string {
	if code < 300 || code > 399 {
		return ""
	}
	if loc == "" {
		return fmt.Sprintf("%d redirect without a Location (redirects are not followed)", code)
	}
	if len(loc) > 200 {
		loc = loc[:200] + "…"
	}
	return fmt.Sprintf("%d redirect to %q (redirects are not followed)", code, loc)
}
