// Package webpushtest is a push service for tests, written from the RFCs
// and sharing no code with the sender: it accepts messages as RFC 8030
// says, checks the VAPID Authorization header (RFC 8292: an ES256 JWT
// verified with the key in k=, aud the endpoint's origin, exp in the
// future and at most a day ahead, sub a mailto: or https: contact), and
// decrypts each body (RFC 8291 on RFC 8188 aes128gcm) with the private key
// of the test browser it was sent to.
package webpushtest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Push is one message the service received.
type Push struct {
	Endpoint string
	Header   http.Header
	Body     []byte // as received (encrypted)
	Plain    []byte // decrypted, when Err is nil
	Status   int    // the answer given
	Err      error  // why the message was refused (bad VAPID, encoding or encryption)
}

// Service is a running push service.
type Service struct {
	*httptest.Server
	// VAPIDPublic, when set, is the only application server key accepted.
	VAPIDPublic string

	mu       sync.Mutex
	browsers map[string]*Browser // by endpoint path
	pushes   []Push
	respond  func(n int) int
	notify   chan struct{}
}

// Start runs a push service until t ends; respond (may be nil: 201)
// decides the status of the n-th (1-based) well-formed message.
func Start(t testing.TB, respond func(n int) int) *Service {
	t.Helper()
	s := &Service{browsers: map[string]*Browser{}, respond: respond, notify: make(chan struct{}, 1024)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Browser is one subscription's user agent: its endpoint on the service
// and the keys messages to it are encrypted for.
type Browser struct {
	Endpoint string
	Key      *ecdh.PrivateKey
	Auth     []byte
}

// NewBrowser makes a subscription on the service with fresh keys.
func (s *Service) NewBrowser(t testing.TB) *Browser {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b := &Browser{Key: k, Auth: make([]byte, 16)}
	_, _ = rand.Read(b.Auth)
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	path := "/push/" + hex.EncodeToString(id)
	b.Endpoint = s.URL + path
	s.mu.Lock()
	s.browsers[path] = b
	s.mu.Unlock()
	return b
}

// Subscription returns the browser's PushSubscription as toJSON() gives it.
func (b *Browser) Subscription() map[string]any {
	return map[string]any{"endpoint": b.Endpoint, "expirationTime": nil, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(b.Key.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(b.Auth),
	}}
}

// SubscriptionJSON is Subscription as JSON.
func (b *Browser) SubscriptionJSON() string {
	j, _ := json.Marshal(b.Subscription())
	return string(j)
}

// Pushes returns the messages received so far.
func (s *Service) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.pushes...)
}

// Wait returns the n-th (1-based) message, failing t after timeout.
func (s *Service) Wait(t testing.TB, n int, timeout time.Duration) Push {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if p := s.Pushes(); len(p) >= n {
			return p[n-1]
		}
		select {
		case <-s.notify:
		case <-deadline:
			t.Fatalf("push service: %d messages after %v, want %d", len(s.Pushes()), timeout, n)
		}
	}
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	p := Push{Endpoint: s.URL + r.URL.Path, Header: r.Header.Clone(), Body: body}
	s.mu.Lock()
	b := s.browsers[r.URL.Path]
	s.mu.Unlock()
	switch {
	case r.Method != http.MethodPost:
		p.Status, p.Err = http.StatusMethodNotAllowed, fmt.Errorf("method %s", r.Method)
	case b == nil:
		p.Status, p.Err = http.StatusNotFound, errors.New("no such subscription")
	default:
		p.Err = s.check(r, b.Endpoint)
		if p.Err != nil {
			p.Status = http.StatusUnauthorized
		} else if p.Plain, p.Err = Decrypt(body, b.Key, b.Auth); p.Err != nil {
			p.Status = http.StatusBadRequest
		}
	}
	s.mu.Lock()
	if p.Status == 0 {
		p.Status = http.StatusCreated
		if s.respond != nil {
			ok := 0
			for _, q := range s.pushes {
				if q.Err == nil {
					ok++
				}
			}
			p.Status = s.respond(ok + 1)
		}
	}
	s.pushes = append(s.pushes, p)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
	if p.Status == http.StatusCreated {
		w.Header().Set("Location", p.Endpoint+"/msg/1")
	}
	w.WriteHeader(p.Status)
}

// check verifies the RFC 8030 headers and the RFC 8292 authorization.
func (s *Service) check(r *http.Request, endpoint string) error {
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		return fmt.Errorf("Content-Encoding %q, want aes128gcm", ce)
	}
	if ttl, err := strconv.Atoi(r.Header.Get("TTL")); err != nil || ttl < 0 {
		return fmt.Errorf("TTL %q: want a number of seconds", r.Header.Get("TTL"))
	}
	if u := r.Header.Get("Urgency"); u != "" && u != "very-low" && u != "low" && u != "normal" && u != "high" {
		return fmt.Errorf("header Urgency %q: want very-low, low, normal or high", u)
	}
	if tp := r.Header.Get("Topic"); len(tp) > 32 || strings.Trim(tp, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return fmt.Errorf("header Topic %q: want at most 32 base64url characters", tp)
	}
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "vapid ")
	if !ok {
		return fmt.Errorf("header Authorization %q: want the vapid scheme", r.Header.Get("Authorization"))
	}
	var tok, k string
	for _, part := range strings.Split(auth, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case "t":
			tok = val
		case "k":
			k = val
		}
	}
	if s.VAPIDPublic != "" && k != s.VAPIDPublic {
		return fmt.Errorf("k=%s is not the application server key %s", k, s.VAPIDPublic)
	}
	origin := endpoint[:strings.Index(endpoint, "/push/")]
	return VerifyJWT(tok, k, origin, time.Now())
}

// VerifyJWT checks a VAPID token: ES256 signed by the key k (base64url
// uncompressed P-256 point), aud the push service's origin, exp after now
// and no more than 24 hours ahead, sub a mailto: or https: URI.
func VerifyJWT(token, k, origin string, now time.Time) error {
	pub, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return fmt.Errorf("k: %w", err)
	}
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pub)
	if err != nil {
		return fmt.Errorf("k: %w", err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("t: %d parts, want 3", len(parts))
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil || hdr.Alg != "ES256" {
		return fmt.Errorf("JWT header: alg %q, %v", hdr.Alg, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("JWT signature: %d bytes, %v", len(sig), err)
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(key, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("JWT signature does not verify with k")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return fmt.Errorf("JWT claims: %w", err)
	}
	if claims.Aud != origin {
		return fmt.Errorf("aud %q, want %q", claims.Aud, origin)
	}
	if exp := time.Unix(claims.Exp, 0); !exp.After(now) || exp.After(now.Add(24*time.Hour)) {
		return fmt.Errorf("exp %v: want after now (%v) and within 24 hours", exp, now)
	}
	if !strings.HasPrefix(claims.Sub, "mailto:") && !strings.HasPrefix(claims.Sub, "https:") || strings.HasPrefix(claims.Sub, "mailto:mailto:") {
		return fmt.Errorf("sub %q: want a mailto: or https: contact", claims.Sub)
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Decrypt opens an aes128gcm body (RFC 8188) sent to the browser whose
// private key is key and whose auth secret is auth (RFC 8291 section 3).
func Decrypt(body []byte, key *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	// Header: salt (16) | rs (4) | idlen (1) | keyid (idlen): the sender's
	// ephemeral public key.
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		return nil, fmt.Errorf("keyid of %d bytes, want 65 (the sender's P-256 key)", idlen)
	}
	asPublic, ciphertext := body[21:21+idlen], body[21+idlen:]
	if rs < 18 || uint32(len(ciphertext)) > rs {
		return nil, fmt.Errorf("record size %d with %d bytes of ciphertext: want one record", rs, len(ciphertext))
	}
	as, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("sender key: %w", err)
	}
	ecdhSecret, err := key.ECDH(as)
	if err != nil {
		return nil, err
	}
	// IKM = HKDF(auth, ecdh_secret, "WebPush: info" 0x00 ua_public as_public, 32)
	info := "WebPush: info\x00" + string(key.PublicKey().Bytes()) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, ecdhSecret, auth, info, 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	// One record, the last: nonce XOR sequence number 0 is the nonce itself.
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	// Padding: the content, then the delimiter 0x02 (last record), then zeros.
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 || plain[i] != 2 {
		return nil, errors.New("no last-record delimiter 0x02 after the content")
	}
	return bytes.Clone(plain[:i]), nil
}
