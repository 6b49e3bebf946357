package secretbox

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	b, err := New(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	other, _ := New(NewKey())
	for _, plain := range []string{"", "SEC0123456789abcdef", "秘密", strings.Repeat("x", 1000)} {
		sealed, err := b.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if plain != "" && strings.Contains(sealed, plain) {
			t.Fatalf("sealed %q shows the secret", sealed)
		}
		got, err := b.Open(sealed)
		if err != nil || got != plain {
			t.Fatalf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
		if plain == "" {
			continue
		}
		if _, err := other.Open(sealed); err != ErrOpen {
			t.Fatalf("another key opened it: %v", err)
		}
		tampered := sealed[:len(sealed)-2] + "AA"
		if _, err := b.Open(tampered); err != ErrOpen {
			t.Fatalf("a tampered value opened: %v", err)
		}
	}
	s1, _ := b.Seal("same")
	s2, _ := b.Seal("same")
	if s1 == s2 {
		t.Fatal("two seals of one secret are equal: nonce reused")
	}
}

func TestNewRefusesBadKeys(t *testing.T) {
	for _, k := range []string{"", "short", "!!!!", strings.Repeat("A", 40)} {
		if _, err := New(k); err == nil {
			t.Errorf("New(%q) accepted", k)
		}
	}
}

func TestLoadOrCreateKeepsTheKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	k1, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created || k1 != k2 {
		t.Fatalf("second: %q %v %v, want %q", k2, created, err, k1)
	}
	if _, err := New(k1); err != nil {
		t.Fatal(err)
	}
}

// Derived keys depend on the key and the purpose, and are not the key.
func TestDerive(t *testing.T) {
	k1, k2 := NewKey(), NewKey()
	b1, err := New(k1)
	if err != nil {
		t.Fatal(err)
	}
	b1again, _ := New(k1)
	b2, _ := New(k2)
	a := b1.Derive("personal-links")
	if len(a) != 32 || !bytes.Equal(a, b1again.Derive("personal-links")) {
		t.Fatalf("derive is not a function of key and purpose: %x", a)
	}
	if bytes.Equal(a, b1.Derive("other")) || bytes.Equal(a, b2.Derive("personal-links")) || bytes.Equal(a, b1.raw) {
		t.Fatal("derived keys collide")
	}
}
