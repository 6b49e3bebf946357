package service

import (
	"strings"
	"testing"
)

// A personal link names its tenant, uid and version, and any change to
// it, or a link signed with another key, is refused.
func TestPersonalLinkSignature(t *testing.T) {
	s := &Service{cfg: Config{LinkKey: []byte("0123456789abcdef0123456789abcdef")}}
	other := &Service{cfg: Config{LinkKey: []byte("fedcba9876543210fedcba9876543210")}}
	tok := s.signLink("0190aabbccddeeff0011223344556677", "alice.b@x", 3)
	tenant, uid, v, ok := s.parseLink(tok)
	if !ok || tenant != "0190aabbccddeeff0011223344556677" || uid != "alice.b@x" || v != 3 {
		t.Fatalf("parse = %q %q %d %v", tenant, uid, v, ok)
	}
	i := strings.LastIndexByte(tok, '.')
	for _, tc := range []struct{ name, tok string }{
		{"other key", other.signLink("0190aabbccddeeff0011223344556677", "alice.b@x", 3)},
		{"other version", strings.Replace(tok, ".3.", ".4.", 1)},
		{"other uid", s.signLink("0190aabbccddeeff0011223344556677", "bob", 3)[:i-0] + tok[i:]},
		{"cut mac", tok[:len(tok)-2]},
		{"no mac", tok[:i]},
		{"empty", ""},
		{"garbage", "a.b.c.d"},
		{"long", strings.Repeat("a", 600)},
	} {
		if _, _, _, ok := s.parseLink(tc.tok); ok {
			t.Errorf("%s: %q accepted", tc.name, tc.tok)
		}
	}
	if _, _, _, ok := (&Service{}).parseLink(tok); ok {
		t.Error("a server without a key accepted a link")
	}
	if LinkMaker(nil, "https://x") != nil {
		t.Error("links made without a key")
	}
	l := LinkMaker(s.cfg.LinkKey, "https://raas.example/")("t1", "bob", 0, "item1")
	if !strings.HasPrefix(l.Page, "https://raas.example/me/") || l.Confirm != l.Page+"/items/item1/confirm" || l.SnoozeTomorrow != l.Page+"/items/item1/snooze?when=tomorrow" {
		t.Fatalf("links %+v", l)
	}
}
