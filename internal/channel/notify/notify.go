// Package notify delivers firings to notification services through
// shoutrrr service URLs (github.com/nicholas-fedor/shoutrrr): slack://,
// telegram://, discord://, teams://, ntfy://, bark://, gotify://,
// pushover://, matrix:// and generic:// (generic+https://…) — one library
// rather than a client per service.
//
// Every URL's host is checked with netguard.CheckURL when the recipient is
// saved and again before each send (with the DNS answer then). ntfy takes
// the server's guarded HTTP client, whose dialer checks the address it
// connects to; the other services dial with their own clients, so for
// them a name that changes its answer between the check and the dial is
// not caught (see docs/channels.md).
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"

	"github.com/raasdev/raas/internal/channel/msgtext"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// Services are the URL schemes accepted (before any "+https").
var Services = []string{"slack", "telegram", "discord", "teams", "ntfy", "bark", "gotify", "pushover", "matrix", "generic"}

// hostedServices are the services whose URL names the server to call
// (the others call a fixed public API; teams takes host=).
var hostedServices = []string{"ntfy", "bark", "gotify", "matrix", "generic"}

// maxChars are the services' message limits in characters (default 4000).
var maxChars = map[string]int{"discord": 2000, "pushover": 1024, "telegram": 4096, "slack": 4000, "ntfy": 4000, "bark": 4000}

// Check refuses a service URL that is not one of Services, that shoutrrr
// cannot read, or whose host (and a teams host= parameter) netguard
// refuses under p. Refusals are *netguard.URLError and never quote the
// URL (it holds tokens).
func Check(ctx context.Context, raw string, p netguard.Policy) error {
	if len(raw) > netguard.MaxURL {
		return &netguard.URLError{Reason: fmt.Sprintf("is longer than %d bytes", netguard.MaxURL)}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Opaque != "" || !strings.Contains(raw, "://") {
		return &netguard.URLError{Reason: "is not a service URL (slack://…, ntfy://…)"}
	}
	scheme, _, _ := strings.Cut(u.Scheme, "+")
	if !slices.Contains(Services, scheme) {
		return &netguard.URLError{Reason: fmt.Sprintf("has service %q; use one of %s", scheme, strings.Join(Services, ", "))}
	}
	var hosts []string
	if slices.Contains(hostedServices, scheme) {
		if u.Host == "" {
			return &netguard.URLError{Reason: fmt.Sprintf("names no %s server", scheme)}
		}
		hosts = append(hosts, u.Host)
	}
	if h := u.Query().Get("host"); h != "" && scheme == "teams" {
		hosts = append(hosts, h)
	}
	for _, h := range hosts {
		if h == "" {
			continue
		}
		if err := netguard.CheckURL(ctx, "https://"+h+"/", p); err != nil {
			return err
		}
	}
	// Only then is the URL read by the library: matrix:// logs in to its
	// server when read, so it is read at send time only.
	if scheme == "matrix" {
		return nil
	}
	if _, err := (&router.ServiceRouter{}).Locate(raw); err != nil {
		return &netguard.URLError{Reason: fmt.Sprintf("is not a valid %s URL (see the shoutrrr documentation for its form)", scheme)}
	}
	return nil
}

// Recipients looks the delivery's recipient up.
type Recipients interface {
	GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error)
}

// Sender delivers to one notify URL of a recipient per delivery (the
// delivery's Target is remind.AddressKey of the URL).
type Sender struct {
	recips Recipients
	client *http.Client // for services that take one (ntfy)
	policy netguard.Policy

	mu       sync.Mutex
	inflight map[string]int // service URL's host -> sends under way
	total    int
}

// Some services (generic, teams, telegram, bark) send through
// http.DefaultClient with no timeout and no context: a send to a server
// that never answers is abandoned at the delivery's timeout but its call
// lives on. These bound how many such calls one host, and all, may hold;
// past them a send is put off.
const (
	MaxInflightPerHost = 4
	MaxInflight        = 256
)

// NewSender returns a Sender; client (netguard.Client) is given to the
// services that take a client, policy checks each URL before it is used.
func NewSender(recips Recipients, client *http.Client, policy netguard.Policy) *Sender {
	return &Sender{recips: recips, client: client, policy: policy, inflight: map[string]int{}}
}

// acquire takes a send slot for host, or reports false.
func (s *Sender) acquire(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight[host] >= MaxInflightPerHost || s.total >= MaxInflight {
		return false
	}
	s.inflight[host]++
	s.total++
	return true
}

func (s *Sender) release(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.inflight[host]--; s.inflight[host] <= 0 {
		delete(s.inflight, host)
	}
}

type httpClientSetter interface{ SetHTTPClient(*http.Client) }

// Send sends one delivery.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	rc, err := s.recips.GetRecipient(ctx, d.TenantID, d.Recipient)
	if errors.Is(err, remind.ErrNotFound) {
		return 0, deliver.Permanent(errors.New("recipient was deleted"))
	}
	if err != nil {
		return 0, err
	}
	raw := ""
	for _, u := range rc.Contacts.Notify {
		if remind.AddressKey(u) == d.Target {
			raw = u
		}
	}
	if raw == "" {
		return 0, deliver.Permanent(errors.New("the recipient no longer has this notify URL"))
	}
	scheme := Scheme(raw)
	if err := Check(ctx, raw, s.policy); err != nil {
		return 0, deliver.Permanent(fmt.Errorf("notify (%s): %w", scheme, err))
	}
	svc, err := (&router.ServiceRouter{}).Locate(raw)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("notify (%s): not a valid URL", scheme))
	}
	if hc, ok := svc.(httpClientSetter); ok && s.client != nil {
		hc.SetHTTPClient(s.client)
	}
	ev, err := remind.DecodeEvent(d.Payload)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("notify: payload: %w", err))
	}
	v := msgtext.Of(ev.Data)
	limit := maxChars[scheme]
	if limit == 0 {
		limit = 4000
	}
	params := types.Params{"title": msgtext.Cut(v.Title, 200, 0)}
	if v.Link != "" {
		switch scheme {
		case "ntfy":
			params["click"] = v.Link
		case "bark":
			params["url"] = v.Link
		}
	}
	host := scheme + "://" + hostOf(raw)
	if !s.acquire(host) {
		return 0, deliver.RetryAfter(fmt.Errorf("notify (%s): earlier sends to this server have not finished", scheme), time.Minute)
	}
	done := make(chan error, 1)
	go func() { // shoutrrr takes no context; the slot is held until its call returns
		defer s.release(host)
		done <- svc.Send(v.Plain(limit, 0), &params)
	}()
	select {
	case err = <-done:
	case <-ctx.Done():
		return 0, fmt.Errorf("notify (%s): %w", scheme, ctx.Err())
	}
	if err != nil {
		return 0, classify(scheme, err)
	}
	return 200, nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if h := u.Query().Get("host"); h != "" {
		return h
	}
	return u.Host
}

// Scheme returns the service of a notify URL ("ntfy"), for logs and
// errors: the URL itself is never shown.
func Scheme(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	scheme, _, _ := strings.Cut(u.Scheme, "+")
	return scheme
}

var (
	urlRE       = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"']+`)
	permanentRE = regexp.MustCompile(`\b(400|401|403|404|410)\b|(?i)unauthori[sz]ed|forbidden|not found|invalid token`)
)

// classify returns the service's error without any URL in it (they hold
// tokens), permanent when it reads as a refusal of the address or
// credentials, else to be retried.
func classify(scheme string, err error) error {
	msg := urlRE.ReplaceAllString(err.Error(), "<url>")
	out := fmt.Errorf("notify (%s): %s", scheme, msg)
	if permanentRE.MatchString(msg) {
		return deliver.Permanent(out)
	}
	return out
}
