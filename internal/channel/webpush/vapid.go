package webpush

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// VAPIDKeys is the application server's key pair (RFC 8292): browsers
// subscribe with the public key and push services accept only messages
// signed with the private one, so every instance must share one pair and
// keep it for as long as the subscriptions made with it should work.
type VAPIDKeys struct {
	Public  string `json:"public_key"`  // base64url, uncompressed P-256 point (65 bytes)
	Private string `json:"private_key"` // base64url, P-256 scalar (32 bytes)
}

// GenerateVAPIDKeys returns a new key pair.
func GenerateVAPIDKeys() (VAPIDKeys, error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return VAPIDKeys{}, fmt.Errorf("webpush: generate VAPID keys: %w", err)
	}
	return VAPIDKeys{
		Public:  base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()),
		Private: base64.RawURLEncoding.EncodeToString(k.Bytes()),
	}, nil
}

// Check reports whether the keys are a P-256 pair in base64url.
func (k VAPIDKeys) Check() error {
	priv, err := decodeKey(k.Private)
	if err != nil {
		return fmt.Errorf("webpush: VAPID private key is not base64url: %w", err)
	}
	key, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return fmt.Errorf("webpush: VAPID private key: %w", err)
	}
	pub, err := decodeKey(k.Public)
	if err != nil {
		return fmt.Errorf("webpush: VAPID public key is not base64url: %w", err)
	}
	if !bytes.Equal(key.PublicKey().Bytes(), pub) {
		return errors.New("webpush: the VAPID public key is not the private key's")
	}
	return nil
}

// LoadOrCreateVAPIDKeys reads the key pair kept in the file at path, or
// makes one and writes it there (mode 0600) when there is no file yet, so
// a restarted server keeps its subscriptions. created says it was made now.
// Two processes starting at once end up with the same pair: the file is
// written aside and linked into place, and the loser reads the winner's.
// A failed or short write leaves no key file behind.
func LoadOrCreateVAPIDKeys(path string) (keys VAPIDKeys, created bool, err error) {
	return loadOrCreate(path, func(dir, pattern string) (keyFile, error) { return os.CreateTemp(dir, pattern) })
}

// keyFile is what writing the key file needs of an *os.File (tests make
// writes fail through it).
type keyFile interface {
	io.Writer
	Chmod(mode fs.FileMode) error
	Sync() error
	Close() error
	Name() string
}

func loadOrCreate(path string, createTemp func(dir, pattern string) (keyFile, error)) (VAPIDKeys, bool, error) {
	if k, err := readKeys(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	k, err := GenerateVAPIDKeys()
	if err != nil {
		return k, false, err
	}
	b, _ := json.MarshalIndent(k, "", "  ") // plain strings: cannot fail
	err = writeNew(path, append(b, '\n'), createTemp)
	if errors.Is(err, fs.ErrExist) {
		k, err = readKeys(path)
		return k, false, err
	}
	if err != nil {
		return VAPIDKeys{}, false, fmt.Errorf("webpush: write VAPID keys: %w", err)
	}
	return k, true, nil
}

// writeNew writes data to a new file at path, mode 0600, all or nothing: to
// a file aside, synced, then linked into place (fs.ErrExist when path is
// there already). The file aside is removed in any case.
func writeNew(path string, data []byte, createTemp func(dir, pattern string) (keyFile, error)) error {
	tmp, err := createTemp(filepath.Dir(path), ".vapid-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		var n int
		n, err = tmp.Write(data)
		if err == nil && n < len(data) {
			err = io.ErrShortWrite
		}
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

func readKeys(path string) (VAPIDKeys, error) {
	var k VAPIDKeys
	b, err := os.ReadFile(path)
	if err != nil {
		return k, fmt.Errorf("webpush: read VAPID keys: %w", err)
	}
	if err := json.Unmarshal(b, &k); err != nil {
		return k, fmt.Errorf("webpush: VAPID key file %s: %w", path, err)
	}
	if err := k.Check(); err != nil {
		return k, fmt.Errorf("webpush: VAPID key file %s: %w", path, err)
	}
	return k, nil
}
