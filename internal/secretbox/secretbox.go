// Package secretbox seals short secrets (robot signing secrets) for storage
// with AES-256-GCM under the server's secret key (--secret-key, or a key
// kept in the data directory for SQLite).
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeySize is the key length in bytes.
const KeySize = 32

// prefix starts every sealed value (the key version, for a later rotation).
const prefix = "v1:"

// Box seals and opens secrets with one key.
type Box struct {
	aead cipher.AEAD
	raw  []byte // the key, for Derive
}

// ErrOpen is returned when a sealed value cannot be opened: it was sealed
// under another key, or altered.
var ErrOpen = errors.New("secretbox: cannot open the sealed secret (was --secret-key changed?)")

// NewKey returns a new key, base64-encoded as ParseKey reads it.
func NewKey() string {
	b := make([]byte, KeySize)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// New returns a Box for a base64 (standard or URL, padded or not) key of
// KeySize bytes.
func New(key string) (*Box, error) {
	key = strings.TrimSpace(key)
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(key); err == nil {
			break
		}
	}
	if err != nil || len(raw) != KeySize {
		return nil, fmt.Errorf("secretbox: the key must be %d bytes in base64 (make one with `openssl rand -base64 32`)", KeySize)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead, raw: raw}, nil
}

// Seal encrypts plain; "" stays "".
func (b *Box) Seal(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secretbox: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plain), nil)
	return prefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal returned; "" stays "".
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, prefix))
	if !strings.HasPrefix(sealed, prefix) || err != nil || len(raw) < b.aead.NonceSize() {
		return "", ErrOpen
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// Derive returns a key for another use of the server's secret key
// (HMAC-SHA256 of purpose under it), independent of the sealing key and
// of keys derived for other purposes: personal links are signed with
// Derive("personal-links").
func (b *Box) Derive(purpose string) []byte {
	m := hmac.New(sha256.New, b.raw)
	m.Write([]byte("raas derive\x00" + purpose))
	return m.Sum(nil)
}

// LoadOrCreate returns the key kept in path, making and keeping a new one
// (mode 0600) when the file does not exist; created says which.
func LoadOrCreate(path string) (key string, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("secretbox: %w", err)
	}
	key = NewKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // made meanwhile by another process
		return LoadOrCreate(path)
	}
	if err != nil {
		return "", false, fmt.Errorf("secretbox: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return "", false, fmt.Errorf("secretbox: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", false, fmt.Errorf("secretbox: %w", err)
	}
	return key, true, nil
}
