package secretbox

import (
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
