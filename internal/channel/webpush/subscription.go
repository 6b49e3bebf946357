package webpush

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// MaxSubscriptionBytes bounds the PushSubscription JSON a browser sends.
const MaxSubscriptionBytes = 4 << 10

// Subscription is a browser's PushSubscription as PushSubscription.toJSON()
// gives it: the push service URL to POST to, and the keys messages are
// encrypted for (RFC 8291): p256dh, the browser's P-256 public key, and
// auth, a 16-byte secret, both base64url.
type Subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     Keys   `json:"keys"`
}

// Keys are a subscription's keys.
type Keys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// ParseSubscription reads and checks PushSubscription JSON: an https
// endpoint on a public address as netguard.CheckURL has it (any address,
// and http too, when allowPrivate: --allow-private-targets, for tests and
// private deployments; names are not looked up, the dial-time guard checks
// what they resolve to), a
// p256dh that is an uncompressed P-256 point and a 16-byte auth, both
// base64url. Errors are remind.Invalid naming the field. The keys come back
// re-encoded as unpadded base64url, so one subscription has one JSON (see
// JSON), whatever padding the browser used.
func ParseSubscription(raw []byte, allowPrivate bool) (Subscription, error) {
	if len(raw) > MaxSubscriptionBytes {
		return Subscription{}, remind.Invalid("subscription", "is larger than %d bytes", MaxSubscriptionBytes)
	}
	var s Subscription
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&s); err != nil {
		return s, remind.Invalid("subscription", "must be a PushSubscription as JSON: {\"endpoint\": …, \"keys\": {\"p256dh\": …, \"auth\": …}}")
	}
	if err := checkEndpoint(s.Endpoint, allowPrivate); err != nil {
		return s, err
	}
	p256dh, err := decodeKey(s.Keys.P256dh)
	if err != nil {
		return s, remind.Invalid("keys.p256dh", "must be base64url")
	}
	if _, err := ecdh.P256().NewPublicKey(p256dh); err != nil || len(p256dh) != 65 {
		return s, remind.Invalid("keys.p256dh", "must be an uncompressed P-256 public key (65 bytes)")
	}
	auth, err := decodeKey(s.Keys.Auth)
	if err != nil {
		return s, remind.Invalid("keys.auth", "must be base64url")
	}
	if len(auth) != 16 {
		return s, remind.Invalid("keys.auth", "must be 16 bytes, not %d", len(auth))
	}
	s.Keys = Keys{P256dh: base64.RawURLEncoding.EncodeToString(p256dh), Auth: base64.RawURLEncoding.EncodeToString(auth)}
	return s, nil
}

func checkEndpoint(v string, allowPrivate bool) error {
	if v == "" {
		return remind.Invalid("endpoint", "is required")
	}
	if len(v) > 2048 {
		return remind.Invalid("endpoint", "is longer than 2048 characters")
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return remind.Invalid("endpoint", "must be an absolute URL without user info or fragment")
	}
	p := netguard.Policy{AllowPrivate: allowPrivate, Schemes: []string{"https"}}
	if allowPrivate {
		p.Schemes = append(p.Schemes, "http")
	}
	var ue *netguard.URLError
	switch err := netguard.CheckURL(context.Background(), v, p); {
	case err == nil:
		return nil
	case errors.As(err, &ue) && ue.Address:
		return remind.Invalid("endpoint", "%s; push services are on public addresses (start the server with --allow-private-targets to allow others)", ue.Reason)
	case errors.As(err, &ue):
		return remind.Invalid("endpoint", "%s", ue.Reason)
	default:
		return remind.Invalid("endpoint", "must be an https URL")
	}
}

// decodeKey decodes base64url, padded or not (browsers send it unpadded).
func decodeKey(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// JSON returns the subscription as JSON: what a subscriber's address holds.
func (s Subscription) JSON() string {
	b, _ := json.Marshal(s) // plain strings: cannot fail
	return string(b)
}
