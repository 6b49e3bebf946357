package wechat

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseEvent reads callback XML (seeds in testdata/fuzz/FuzzParseEvent):
// it never panics; what it accepts has a scene only for a subscribe or SCAN
// event; and the passive reply to it is well-formed XML addressed back to
// the sender, whatever the sender's openid holds.
func FuzzParseEvent(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, text string) {
		ev, err := ParseEvent(body)
		if err != nil {
			return
		}
		if scene, ok := ev.Scene(); ok && (ev.MsgType != "event" || scene == "" || ev.Event != "subscribe" && ev.Event != "SCAN") {
			t.Fatalf("%q: scene %q from a %s/%s message", body, scene, ev.MsgType, ev.Event)
		}
		out := TextReply(ev, text, time.Unix(1, 0))
		var reply struct {
			ToUserName, FromUserName, MsgType, Content string
		}
		if err := xml.Unmarshal(out, &reply); err != nil {
			t.Fatalf("reply to %q is not XML: %v\n%s", body, err, out)
		}
		if reply.ToUserName != ev.FromUserName || reply.FromUserName != ev.ToUserName || reply.MsgType != "text" || reply.Content != xmlText(text) {
			t.Fatalf("reply %+v to %+v with %q", reply, ev, text)
		}
	})
}

// xmlText is s as XML can carry it: each invalid byte and each character
// XML does not allow is U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	for i, r := range s {
		if _, w := utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && w == 1 || !xmlChar(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzCrypterOpen opens envelopes whose ciphertext, signature and
// plaintext are fuzzed (seeds in testdata/fuzz/FuzzCrypterOpen): Open
// never panics and refuses with ErrSignature, ErrCiphertext or ErrAppID;
// a correctly signed envelope of an encrypted message opens to exactly
// that message, and changing its signature is always refused.
func FuzzCrypterOpen(f *testing.F) {
	c, err := NewCrypter(sampleToken, sampleKey, sampleAppID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, msgSig, timestamp, nonce string, msg []byte) {
		if _, err := c.Open(msgSig, timestamp, nonce, body); err != nil &&
			!errors.Is(err, ErrSignature) && !errors.Is(err, ErrCiphertext) && !errors.Is(err, ErrAppID) {
			t.Fatalf("Open(%q): unclassified error %v", body, err)
		}
		if _, err := c.Decrypt(string(body)); err != nil && !errors.Is(err, ErrCiphertext) && !errors.Is(err, ErrAppID) {
			t.Fatalf("Decrypt(%q): unclassified error %v", body, err)
		}
		env, sig, err := c.Envelope(msg, "gh_1", timestamp, nonce)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Open(sig, timestamp, nonce, env)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("round trip of %q: %q, %v", msg, got, err)
		}
		if msgSig != sig {
			if _, err := c.Open(msgSig, timestamp, nonce, env); !errors.Is(err, ErrSignature) {
				t.Fatalf("signature %q accepted for %q (want %q): %v", msgSig, env, sig, err)
			}
		}
	})
}
