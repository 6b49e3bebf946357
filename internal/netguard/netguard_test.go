package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// refusedAddrs is every form of non-public address the guard must refuse,
// with the words its reason must hold.
var refusedAddrs = []struct {
	ip, why string
}{
	{"127.0.0.1", "loopback"}, {"127.255.255.254", "loopback"}, {"::1", "loopback"},
	{"10.1.2.3", "private"}, {"172.16.0.1", "private"}, {"172.31.255.255", "private"}, {"192.168.1.1", "private"},
	{"100.64.0.1", "carrier-grade"},
	{"169.254.169.254", "link-local"}, {"fe80::1", "link-local"},
	{"fc00::1", "unique-local"}, {"fd12:3456::1", "unique-local"},
	{"224.0.0.1", "multicast"}, {"239.255.255.250", "multicast"}, {"ff02::1", "multicast"}, {"ff0e::1", "multicast"},
	{"0.0.0.0", "unspecified"}, {"0.1.2.3", "unspecified"}, {"::", "unspecified"},
	{"255.255.255.255", "broadcast"}, {"240.0.0.1", "reserved"},
	{"::ffff:127.0.0.1", "IPv4-mapped"}, {"::ffff:8.8.8.8", "IPv4-mapped"},
	{"::127.0.0.1", "IPv4-compatible"}, {"::8.8.8.8", "IPv4-compatible"},
	{"::ffff:0:7f00:1", "IPv4-translated"}, {"::ffff:0:808:808", "IPv4-translated"},
	{"64:ff9b::7f00:1", "NAT64"}, {"64:ff9b::a00:1", "NAT64"}, {"64:ff9b::808:808", "NAT64"},
	{"64:ff9b:1::7f00:1", "local-use NAT64"}, {"64:ff9b:1:ffff::1", "local-use NAT64"},
	{"2001::1", "Teredo"}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
	{"2002:7f00:1::", "6to4"}, {"2002:a00:1::1", "6to4"}, {"2002:808:808::1", "6to4"},
	{"fec0::1", "site-local"}, {"feff::1", "site-local"},
	// from the library's IANA table
	{"192.0.2.1", "special-purpose"}, {"198.18.0.1", "special-purpose"}, {"203.0.113.9", "special-purpose"},
	{"192.88.99.1", "special-purpose"}, {"2001:db8::1", "special-purpose"}, {"3fff::1", "special-purpose"},
	{"100::1", "special-purpose"}, {"4000::1", "special-purpose"},
}

var publicAddrs = []string{"8.8.8.8", "1.1.1.1", "93.184.215.14", "2001:4860:4860::8888", "2606:4700:4700::1111", "2a00:1450:4001::200e"}

func TestRefused(t *testing.T) {
	for _, tc := range refusedAddrs {
		ip := netip.MustParseAddr(tc.ip)
		why := Refused(ip)
		if why == "" || !strings.Contains(why, tc.why) {
			t.Errorf("Refused(%s) = %q, want it to say %q", tc.ip, why, tc.why)
		}
		if Allowed(ip) {
			t.Errorf("Allowed(%s) = true", tc.ip)
		}
	}
	for _, s := range publicAddrs {
		if why := Refused(netip.MustParseAddr(s)); why != "" {
			t.Errorf("Refused(%s) = %q, want allowed", s, why)
		}
	}
	if Allowed(netip.Addr{}) || Allowed(netip.MustParseAddr("fe80::1%eth0")) {
		t.Error("the zero address and zoned addresses must be refused")
	}
}

// guardedGets are the package's two guarded clients, each as a GET.
func guardedGets(allowPrivate bool) map[string]func(u string) error {
	c, f := Client(2*time.Second, allowPrivate), FastClient(2*time.Second, allowPrivate, 4)
	return map[string]func(string) error{
		"Client": func(u string) error {
			resp, err := c.Get(u)
			if err == nil {
				resp.Body.Close()
			}
			return err
		},
		"FastClient": func(u string) error {
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.SetRequestURI(u)
			return f.Do(req, resp)
		},
	}
}

// TestDialRefusesEveryForm dials each refused address through both
// clients: the dial-time check refuses it before any packet is sent.
func TestDialRefusesEveryForm(t *testing.T) {
	for name, get := range guardedGets(false) {
		for _, tc := range refusedAddrs {
			ip := netip.MustParseAddr(tc.ip)
			if ip.Is4In6() { // dialled as the IPv4 address it maps
				tc.why = Refused(ip.Unmap())
				if tc.why == "" {
					continue
				}
			}
			u := "http://" + netip.AddrPortFrom(ip, 9).String() + "/"
			if err := get(u); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("%s: GET %s: want ErrForbidden naming %q, got %v", name, u, tc.why, err)
			}
		}
	}
}

// TestDialRefusesLoopbackSpellings points every spelling of the loopback
// host at a live local server through both clients: none reaches it (the
// guard refuses the address, or no resolver reads the spelling as an
// address at all), and with allowPrivate the server is reached.
func TestDialRefusesLoopbackSpellings(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	open := guardedGets(true)
	for name, get := range guardedGets(false) {
		for _, host := range loopbackSpellings {
			if err := get("http://" + host + ":" + port + "/"); err == nil {
				t.Errorf("%s: %s: reached the local server", name, host)
			}
		}
		if n := hits.Load(); n != 0 {
			t.Fatalf("%s: the local server was hit %d times", name, n)
		}
		if err := open[name](srv.URL); err != nil {
			t.Fatalf("%s: allowPrivate: %v", name, err)
		}
		if hits.Load() != 1 {
			t.Fatalf("%s: allowPrivate: the local server was not reached", name)
		}
		hits.Store(0)
	}
}

var loopbackSpellings = []string{
	"127.0.0.1", "localhost", "LOCALHOST", "localhost.", "127.1", "127.0.1", "0x7f000001", "0x7F.1", "2130706433",
	"0177.0.0.1", "017700000001", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:0:0:1]",
}

// TestClientFollowsNoRedirects: a 302 is the answer, and its target is
// never called (with the guard off, so the target is reachable).
func TestClientFollowsNoRedirects(t *testing.T) {
	var hit atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit.Store(true) }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/stolen", http.StatusFound)
	}))
	defer redirect.Close()
	for _, c := range []*http.Client{Client(2*time.Second, true), NoRedirects(2 * time.Second)} {
		resp, err := c.Post(redirect.URL, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("status %d, want the 302 itself", resp.StatusCode)
		}
		if r := Redirect(resp); !strings.Contains(r, target.URL+"/stolen") || !strings.HasPrefix(r, "302") {
			t.Fatalf("Redirect = %q", r)
		}
	}
	if hit.Load() {
		t.Fatal("the redirect target was called")
	}
}

// fakeResolver answers from a map.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := f[host]; ok {
		return ips, nil
	}
	return nil, errors.New("no such host")
}

func TestCheckURL(t *testing.T) {
	res := fakeResolver{
		"internal.example.com": {netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("10.0.0.7")},
		"mapped.example.com":   {netip.MustParseAddr("::ffff:127.0.0.1")},
		"public.example.com":   {netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("2606:2800:21f:cb07:6820:80da:af6b:8b2c")},
	}
	strict := Policy{Resolver: res}
	httpsOnly := Policy{Schemes: []string{"https"}}
	for _, tc := range []struct {
		url  string
		p    Policy
		want string // "" accepted; else words of the reason
		addr bool   // refused for the address (the escape hatch lifts it)
	}{
		{"https://hooks.example.com/x", strict, "", false},
		{"http://hooks.example.com:8080/x?y=1", strict, "", false},
		{"https://HOOKS.Example.COM./x", strict, "", false},
		{"https://public.example.com/", strict, "", false},
		{"https://8.8.8.8/", strict, "", false},
		{"https://[2001:4860:4860::8888]:443/", strict, "", false},
		{"https://user:pw@hooks.example.com/", strict, "", false},
		{"https://unresolvable.example.com/", strict, "", false},
		{"https://123.example.com/", strict, "", false},

		{"https://localhost/", strict, "loopback name", true},
		{"https://LOCALHOST/", strict, "loopback name", true},
		{"https://localhost./", strict, "loopback name", true},
		{"https://LocalHost../", strict, "loopback name", true},
		{"https://a.b.localhost/", strict, "loopback name", true},
		{"https://printer.local/", strict, "local network", true},
		{"https://db.internal/", strict, "local network", true},
		{"https://nas.home.arpa/", strict, "local network", true},
		{"https://metadata/", strict, "single-label", true},
		{"https://intranet.:8443/", strict, "single-label", true},
		{"https://internal.example.com/", strict, "10.0.0.7, a private address", true},
		{"https://mapped.example.com/", strict, "127.0.0.1, a loopback address", true},

		{"http://127.0.0.1/", strict, "loopback", true},
		{"http://127.1/", strict, "127.1 (127.0.0.1), a loopback", true},
		{"http://127.0.1/", strict, "(127.0.0.1)", true},
		{"http://0x7f000001/", strict, "(127.0.0.1)", true},
		{"http://0X7F000001/", strict, "(127.0.0.1)", true},
		{"http://0x7f.0x0.0x0.0x1/", strict, "(127.0.0.1)", true},
		{"http://2130706433/", strict, "(127.0.0.1)", true},
		{"http://0177.0.0.1/", strict, "(127.0.0.1)", true},
		{"http://017700000001/", strict, "(127.0.0.1)", true},
		{"http://127.0.0.1./", strict, "127.0.0.1, a loopback", true},
		{"http://0/", strict, "unspecified", true},
		{"http://0.0.0.0/", strict, "unspecified", true},
		{"http://10.0.0.1/", strict, "private", true},
		{"http://167772161/", strict, "(10.0.0.1), a private", true},
		{"http://192.168.1.1/", strict, "private", true},
		{"http://169.254.169.254/latest", strict, "link-local", true},
		{"http://0xa9fea9fe/", strict, "(169.254.169.254), a link-local", true},
		{"http://%31%32%37.0.0.1/", strict, "not a valid URL", false},
		{"http://[::1]/", strict, "loopback", true},
		{"http://[::]/", strict, "unspecified", true},
		{"http://[fe80::1%25eth0]/", strict, "zone", true},
		{"http://[fc00::1]/", strict, "unique-local", true},
		{"http://[ff02::1]/", strict, "multicast", true},
		{"http://224.0.0.1/", strict, "multicast", true},
		{"http://[::ffff:127.0.0.1]/", strict, "IPv4-mapped", true},
		{"http://[::ffff:7f00:1]/", strict, "IPv4-mapped", true},
		{"http://[::127.0.0.1]/", strict, "IPv4-compatible", true},
		{"http://[::ffff:0:7f00:1]/", strict, "IPv4-translated", true},
		{"http://[64:ff9b::7f00:1]/", strict, "NAT64", true},
		{"http://[64:ff9b:1::a00:1]/", strict, "local-use NAT64", true},
		{"http://[2001::1]/", strict, "Teredo", true},
		{"http://[2002:7f00:1::]/", strict, "6to4", true},
		{"http://[fec0::1]/", strict, "site-local", true},
		{"http://[2001:db8::1]/", strict, "special-purpose", true},

		{"http://8.8.8.8.8/", strict, "no valid IPv4", false},
		{"http://256.0.0.1/", strict, "no valid IPv4", false},
		{"http://1.2.3.256/", strict, "no valid IPv4", false},
		{"http://08.0.0.1/", strict, "no valid IPv4", false},
		{"http://4294967296/", strict, "no valid IPv4", false},
		{"http://134744072/", strict, "four decimal numbers (8.8.8.8)", false},
		{"http://8.8.2056/", strict, "four decimal numbers (8.8.8.8)", false},
		{"http://hooks.example.123/", strict, "last label is a number", false},
		{"http://hooks.example.0x1/", strict, "last label is a number", false},
		{"http://xn--bcher-kva.example/", strict, "", false},
		{"http://bücher.example/", strict, "xn--", false},
		{"http://a_b.example.com/", strict, "", false},
		{"http://a..b.example.com/", strict, "no valid host name", false},
		{"http://[127.0.0.1]/", strict, "not a valid URL", false},
		{"http://[1.2.3.4:5]/", strict, "not a valid URL", false},
		{"ftp://hooks.example.com/", strict, "absolute http or https URL", false},
		{"//hooks.example.com/", strict, "absolute", false},
		{"hooks.example.com", strict, "absolute", false},
		{"http:hooks.example.com", strict, "absolute", false},
		{"http://:80/", strict, "host", false},
		{"http://hooks.example.com:0/", strict, "port", false},
		{"http://hooks.example.com:65536/", strict, "port", false},
		{"http://hooks.example.com/" + strings.Repeat("a", MaxURL), strict, "longer than", false},
		{"http://hooks.example.com/", httpsOnly, "absolute https URL", false},
		{"https://hooks.example.com/", httpsOnly, "", false},

		// the escape hatch lifts address refusals, not form ones
		{"http://127.0.0.1:8080/", Policy{AllowPrivate: true}, "", false},
		{"http://localhost:8080/", Policy{AllowPrivate: true}, "", false},
		{"http://[::1]:8080/", Policy{AllowPrivate: true}, "", false},
		{"http://metadata/", Policy{AllowPrivate: true}, "", false},
		{"http://127.1/", Policy{AllowPrivate: true}, "four decimal numbers", false},
		{"ftp://127.0.0.1/", Policy{AllowPrivate: true}, "absolute", false},
	} {
		err := CheckURL(context.Background(), tc.url, tc.p)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", tc.url, err)
			}
			continue
		}
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("%s: want a URLError saying %q, got %v", tc.url, tc.want, err)
			continue
		}
		if !strings.Contains(ue.Reason, tc.want) || ue.Address != tc.addr {
			t.Errorf("%s: reason %q (address %v), want it to say %q (address %v)", tc.url, ue.Reason, ue.Address, tc.want, tc.addr)
		}
		if tc.addr { // the escape hatch lifts it (a host in odd form stays refused for its form)
			err := CheckURL(context.Background(), tc.url, Policy{AllowPrivate: true, Schemes: tc.p.Schemes})
			if errors.As(err, &ue) && ue.Address {
				t.Errorf("%s: refused for its address with AllowPrivate: %v", tc.url, err)
			}
		}
	}
}

// TestCheckURLRefusesWhatTheDialerRefuses ties the two checks to one
// table: every refused address, written as a URL host, is refused at
// registration, and every public one accepted.
func TestCheckURLRefusesWhatTheDialerRefuses(t *testing.T) {
	for _, tc := range refusedAddrs {
		u := "https://" + netip.AddrPortFrom(netip.MustParseAddr(tc.ip), 443).String() + "/"
		var ue *URLError
		if err := CheckURL(context.Background(), u, Policy{}); !errors.As(err, &ue) || !ue.Address || !strings.Contains(ue.Reason, tc.why) {
			t.Errorf("%s: got %v, want refused naming %q", u, err, tc.why)
		}
	}
	for _, s := range publicAddrs {
		u := "https://" + netip.AddrPortFrom(netip.MustParseAddr(s), 443).String() + "/"
		if err := CheckURL(context.Background(), u, Policy{}); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestCheckURLLoopbackSpellings(t *testing.T) {
	for _, host := range loopbackSpellings {
		u := "https://" + host + "/"
		var ue *URLError
		if err := CheckURL(context.Background(), u, Policy{}); !errors.As(err, &ue) || !ue.Address {
			t.Errorf("%s: got %v, want refused for its address", u, err)
		}
	}
}
