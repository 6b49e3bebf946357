package wechat

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// The values of WeChat's WXBizMsgCrypt samples (消息加解密 sample code):
// the Java sample's test (token pamtest, fixed random "aaaabbbbccccdddd")
// for encryption, and the Python sample (token spamtest) for a posted,
// signed message.
const (
	sampleKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	sampleToken = "pamtest"
	sampleAppID = "wxb11529c136998cb6"

	pySampleToken     = "spamtest"
	pySampleAppID     = "wx2c2769f8efd9abc2"
	pySampleTimestamp = "1409735669"
	pySampleNonce     = "1320562132"
	pySampleMsgSig    = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
	pySampleBody      = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>`
	pySamplePlain     = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
)

func TestCrypterKnownAnswers(t *testing.T) {
	c, err := NewCrypter(sampleToken, sampleKey, sampleAppID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct{ msg, want string }{
		{"我是中文abcd123", "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="},
		{`<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>`,
			"jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb"},
	} {
		if got := c.encrypt([]byte("aaaabbbbccccdddd"), []byte(v.msg)); got != v.want {
			t.Errorf("encrypt(%.20q) =\n%s\nwant\n%s", v.msg, got, v.want)
		}
		if got, err := c.Decrypt(v.want); err != nil || string(got) != v.msg {
			t.Errorf("decrypt: %q, %v", got, err)
		}
	}

	// A message as WeChat posts it (the Python sample), signature included.
	py, err := NewCrypter(pySampleToken, sampleKey, pySampleAppID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := py.Open(pySampleMsgSig, pySampleTimestamp, pySampleNonce, []byte(pySampleBody))
	if err != nil || string(got) != pySamplePlain {
		t.Fatalf("Open(sample) = %q, %v", got, err)
	}
	if ev, err := ParseEvent(got); err != nil || ev.FromUserName != "oyORnuP8q7ou2gfYjqLzSIWZf0rs" || ev.MsgType != "text" {
		t.Fatalf("inner event %+v %v", ev, err)
	}
}

// rawEncrypt encrypts plaintext as is (no layout, no padding added).
func rawEncrypt(t *testing.T, key string, plain []byte) string {
	t.Helper()
	k, _ := base64.StdEncoding.DecodeString(key + "=")
	b, _ := aes.NewCipher(k)
	ct := make([]byte, len(plain))
	cipher.NewCBCEncrypter(b, k[:16]).CryptBlocks(ct, plain)
	return base64.StdEncoding.EncodeToString(ct)
}

func TestCrypterOpen(t *testing.T) {
	c, err := NewCrypter("tok", sampleKey, "wxapp")
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`<xml><FromUserName><![CDATA[openid-1]]></FromUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[scene]]></EventKey></xml>`)
	body, sig, err := c.Envelope(msg, "gh_1", "1700000000", "n1")
	if err != nil {
		t.Fatal(err)
	}
	enc := envelopeEncrypt(t, body)
	other, _ := NewCrypter("tok", sampleKey, "wxother")
	foreign, foreignSig, _ := other.Envelope(msg, "gh_1", "1700000000", "n1")

	// Plaintext blocks with a chosen layout, each signed correctly.
	block := func(plain []byte) ([]byte, string) {
		e := rawEncrypt(t, sampleKey, plain)
		return []byte("<xml><Encrypt><![CDATA[" + e + "]]></Encrypt></xml>"), SignMsg("tok", "1700000000", "n1", e)
	}
	layout := func(n uint32, rest string) []byte {
		b := append(bytes.Repeat([]byte("r"), 16), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
		return append(b, rest...)
	}
	pad := func(b []byte) []byte {
		p := 32 - len(b)%32
		return append(b, bytes.Repeat([]byte{byte(p)}, p)...)
	}
	badPadBody, badPadSig := block(append(append(layout(3, "abcwxapp"), make([]byte, 35)...), 5))  // ends 0,0,0,0,5
	zeroPadBody, zeroPadSig := block(append(layout(3, "abcwxap"), make([]byte, 5)...))             // pad length 0
	bigPadBody, bigPadSig := block(append(layout(3, "abcwxapp"), bytes.Repeat([]byte{33}, 36)...)) // 33 > WeChat's 32
	overlongBody, overlongSig := block(pad(layout(1000, "abcwxapp")))
	// Flip the top bit of the last plaintext byte (the pad length) through
	// the block before it: CBC lets that through, the padding check does not.
	ct, _ := base64.StdEncoding.DecodeString(enc)
	ct[len(ct)-17] ^= 0x80
	tampered := base64.StdEncoding.EncodeToString(ct)
	tamperedSig := SignMsg("tok", "1700000000", "n1", tampered)

	for _, tc := range []struct {
		name      string
		sig, ts   string
		body      []byte
		want      error
		wantPlain []byte
	}{
		{"round trip", sig, "1700000000", body, nil, msg},
		{"wrong signature", strings.Repeat("0", 40), "1700000000", body, ErrSignature, nil},
		{"no signature", "", "1700000000", body, ErrSignature, nil},
		{"signature of another timestamp", sig, "1700000001", body, ErrSignature, nil},
		{"tampered ciphertext, old signature", sig, "1700000000", []byte(strings.Replace(string(body), enc, tampered, 1)), ErrSignature, nil},
		{"tampered ciphertext, re-signed", tamperedSig, "1700000000", []byte(strings.Replace(string(body), enc, tampered, 1)), ErrCiphertext, nil},
		{"wrong appid", foreignSig, "1700000000", foreign, ErrAppID, nil},
		{"bad padding", badPadSig, "1700000000", badPadBody, ErrCiphertext, nil},
		{"zero padding", zeroPadSig, "1700000000", zeroPadBody, ErrCiphertext, nil},
		{"padding beyond 32", bigPadSig, "1700000000", bigPadBody, ErrCiphertext, nil},
		{"length past the end", overlongSig, "1700000000", overlongBody, ErrCiphertext, nil},
		{"no Encrypt", SignMsg("tok", "1700000000", "n1", ""), "1700000000", []byte("<xml><ToUserName>x</ToUserName></xml>"), ErrCiphertext, nil},
		{"not XML", sig, "1700000000", []byte("nope"), ErrCiphertext, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Open(tc.sig, tc.ts, "n1", tc.body)
			if tc.want == nil {
				if err != nil || !bytes.Equal(got, tc.wantPlain) {
					t.Fatalf("Open = %q, %v", got, err)
				}
				return
			}
			if !errors.Is(err, tc.want) || got != nil {
				t.Fatalf("Open = %q, %v; want %v", got, err, tc.want)
			}
		})
	}

	// A sealed reply opens with the same key and token, and not with another token.
	reply, err := c.Seal([]byte("<xml>reply</xml>"), "1700000002", "n2")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.OpenReply(reply); err != nil || string(got) != "<xml>reply</xml>" {
		t.Fatalf("OpenReply = %q, %v", got, err)
	}
	for _, f := range []string{"<Encrypt>", "<MsgSignature>", "<TimeStamp>1700000002</TimeStamp>", "<Nonce>"} {
		if !strings.Contains(string(reply), f) {
			t.Fatalf("reply lacks %s: %s", f, reply)
		}
	}
	wrongTok, _ := NewCrypter("other", sampleKey, "wxapp")
	if _, err := wrongTok.OpenReply(reply); !errors.Is(err, ErrSignature) {
		t.Fatalf("reply under another token: %v", err)
	}
}

func envelopeEncrypt(t *testing.T, body []byte) string {
	t.Helper()
	_, after, _ := strings.Cut(string(body), "<Encrypt><![CDATA[")
	enc, _, ok := strings.Cut(after, "]]>")
	if !ok {
		t.Fatalf("no Encrypt in %s", body)
	}
	return enc
}

func TestNewCrypterRejectsBadKeys(t *testing.T) {
	for _, k := range []string{"", "short", sampleKey + "H", strings.Repeat("!", 43)} {
		if _, err := NewCrypter("tok", k, "wxapp"); err == nil {
			t.Errorf("key %q accepted", k)
		}
	}
	if _, err := NewCrypter("", sampleKey, "wxapp"); err == nil {
		t.Error("empty token accepted")
	}
}

// TestSealNonce: a reply sealed with the request's nonce opens, whatever
// that nonce was: one XML cannot carry as it is (invalid UTF-8, markup, too
// long) is replaced, so the signature covers the nonce the reply shows.
func TestSealNonce(t *testing.T) {
	c, err := NewCrypter("tok", sampleKey, "wxapp")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		nonce string
		kept  bool
	}{
		{"1320562132", true},
		{"abcXYZ09", true},
		{"\xa1", false},
		{"", false},
		{"a]]>b", false},
		{"<x>", false},
		{strings.Repeat("7", 65), false},
	} {
		out, err := c.Seal([]byte("<xml>hi</xml>"), "1700000000", tc.nonce)
		if err != nil {
			t.Fatalf("Seal(nonce %q): %v", tc.nonce, err)
		}
		msg, err := c.OpenReply(out)
		if err != nil || string(msg) != "<xml>hi</xml>" {
			t.Fatalf("nonce %q: OpenReply = %q, %v", tc.nonce, msg, err)
		}
		if kept := strings.Contains(string(out), "<Nonce><![CDATA["+tc.nonce+"]]></Nonce>"); kept != tc.kept {
			t.Errorf("nonce %q: kept in the reply %v, want %v: %s", tc.nonce, kept, tc.kept, out)
		}
	}
}
