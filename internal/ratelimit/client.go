package ratelimit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose X-Forwarded-For a server believes.
// The zero value trusts none: the client is the connection's peer.
type Proxies struct {
	nets []netip.Prefix
}

// ParseProxies reads a comma-separated list of CIDR prefixes or single
// addresses ("10.0.0.0/8, 127.0.0.1"); empty means none.
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return p, fmt.Errorf("trusted proxy %q: %w", f, err)
			}
			a = a.Unmap()
			p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(f)
		if err != nil {
			return p, fmt.Errorf("trusted proxy %q: %w", f, err)
		}
		if pr.Addr().Is4In6() {
			pr = netip.PrefixFrom(pr.Addr().Unmap(), pr.Bits()-96)
		}
		p.nets = append(p.nets, pr.Masked())
	}
	return p, nil
}

func (p Proxies) trusted(a netip.Addr) bool {
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns the bucket key of the address a request comes from. The
// connection's peer is the client unless it is a trusted proxy; then
// X-Forwarded-For is read from the right, skipping trusted proxies, and
// the first other address is the client (an address the client wrote
// itself further left is never believed). IPv6 clients are keyed by their
// /64, the block one subscriber is usually given.
func (p Proxies) Client(r *http.Request) string {
	peer, ok := parseHost(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	client := peer
	if p.trusted(peer) {
		hops := r.Header.Values("X-Forwarded-For")
	walk:
		for i := len(hops) - 1; i >= 0; i-- {
			parts := strings.Split(hops[i], ",")
			for j := len(parts) - 1; j >= 0; j-- {
				a, ok := parseHost(strings.TrimSpace(parts[j]))
				if !ok {
					break walk // a hop we cannot read: trust nothing further left
				}
				client = a
				if !p.trusted(a) {
					break walk
				}
			}
		}
	}
	if client.Is6() {
		return netip.PrefixFrom(client, 64).Masked().String()
	}
	return client.String()
}

// parseHost reads "addr", "addr:port" or "[v6]:port".
func parseHost(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// String lists the prefixes, comma-separated (flag.Value).
func (p Proxies) String() string {
	s := make([]string, len(p.nets))
	for i, n := range p.nets {
		s[i] = n.String()
	}
	return strings.Join(s, ",")
}

// Set replaces the list with ParseProxies(list) (flag.Value).
func (p *Proxies) Set(list string) error {
	q, err := ParseProxies(list)
	if err != nil {
		return err
	}
	*p = q
	return nil
}
