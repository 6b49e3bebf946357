package wechat

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
)

// Errors of the safe mode (消息加解密). A caller answers ErrSignature with
// 403 and the others with 400.
var (
	ErrSignature  = errors.New("wechat: msg_signature does not match")
	ErrCiphertext = errors.New("wechat: bad ciphertext")
	ErrAppID      = errors.New("wechat: message is for another appid")
)

// cryptBlock is the PKCS#7 block size WeChat pads to (32, not AES's 16).
const cryptBlock = 32

// Crypter opens and seals callback messages of an official account in
// safe mode (安全模式) or compatible mode (兼容模式), as WeChat's
// "消息加解密" document and its WXBizMsgCrypt samples describe: the
// message is AES-256-CBC encrypted under key = base64(EncodingAESKey+"=")
// with IV = key[:16], over 16 random bytes, the 4-byte big-endian length
// of the message, the message and the appid, PKCS#7 padded to 32 bytes;
// msg_signature is the SHA-1 of the sorted, concatenated token,
// timestamp, nonce and ciphertext.
type Crypter struct {
	token, appID string
	key          []byte
	block        cipher.Block
}

// NewCrypter returns a Crypter for the account's callback token, its
// 43-character EncodingAESKey and its AppID.
func NewCrypter(token, encodingAESKey, appID string) (*Crypter, error) {
	if token == "" || appID == "" {
		return nil, errors.New("wechat: safe mode needs the callback token and the AppID")
	}
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("wechat: EncodingAESKey has %d characters, want 43", len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("wechat: EncodingAESKey is not base64 of 32 bytes: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("wechat: EncodingAESKey: %w", err)
	}
	return &Crypter{token: token, appID: appID, key: key, block: block}, nil
}

// SignMsg returns the msg_signature of an encrypted message: the SHA-1 of
// the sorted, concatenated token, timestamp, nonce and ciphertext.
func SignMsg(token, timestamp, nonce, encrypt string) string {
	return sortedSHA1(token, timestamp, nonce, encrypt)
}

// envelope is the encrypted message as WeChat posts it (in compatible mode
// the plaintext fields are there too; only Encrypt is trusted).
type envelope struct {
	XMLName xml.Name `xml:"xml"`
	Encrypt string   `xml:"Encrypt"`
}

// Open verifies the msg_signature of a posted envelope and returns the
// message XML inside it. Errors wrap ErrSignature, ErrCiphertext or ErrAppID.
func (c *Crypter) Open(msgSignature, timestamp, nonce string, body []byte) ([]byte, error) {
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: envelope: %w", ErrCiphertext, err)
	}
	if env.Encrypt == "" {
		return nil, fmt.Errorf("%w: no <Encrypt>", ErrCiphertext)
	}
	want := SignMsg(c.token, timestamp, nonce, env.Encrypt)
	if msgSignature == "" || subtle.ConstantTimeCompare([]byte(want), []byte(msgSignature)) != 1 {
		return nil, ErrSignature
	}
	return c.Decrypt(env.Encrypt)
}

// Decrypt returns the message in a base64 ciphertext after checking its
// padding, its length and its appid. It does not check a signature.
func (c *Crypter) Decrypt(encrypt string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(encrypt)
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %w", ErrCiphertext, err)
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a whole number of blocks", ErrCiphertext, len(ct))
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(c.block, c.key[:aes.BlockSize]).CryptBlocks(pt, ct)
	pt, err = unpad(pt)
	if err != nil {
		return nil, err
	}
	if len(pt) < 20 {
		return nil, fmt.Errorf("%w: too short", ErrCiphertext)
	}
	n := binary.BigEndian.Uint32(pt[16:20])
	if uint64(n) > uint64(len(pt)-20) {
		return nil, fmt.Errorf("%w: message length %d past the end", ErrCiphertext, n)
	}
	msg, appID := pt[20:20+n], pt[20+n:]
	if subtle.ConstantTimeCompare(appID, []byte(c.appID)) != 1 {
		return nil, fmt.Errorf("%w: %q", ErrAppID, appID)
	}
	return msg, nil
}

// unpad removes PKCS#7 padding to cryptBlock bytes.
func unpad(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrCiphertext)
	}
	p := int(b[len(b)-1])
	if p < 1 || p > cryptBlock || p > len(b) {
		return nil, fmt.Errorf("%w: bad padding", ErrCiphertext)
	}
	if !bytes.Equal(b[len(b)-p:], bytes.Repeat([]byte{byte(p)}, p)) {
		return nil, fmt.Errorf("%w: bad padding", ErrCiphertext)
	}
	return b[:len(b)-p], nil
}

// Encrypt returns the base64 ciphertext of msg with fresh random bytes.
func (c *Crypter) Encrypt(msg []byte) (string, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("wechat: random: %w", err)
	}
	return c.encrypt(random, msg), nil
}

// encrypt is Encrypt with the 16 random bytes given (known-answer tests).
func (c *Crypter) encrypt(random, msg []byte) string {
	var b bytes.Buffer
	b.Write(random)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(msg)))
	b.Write(msg)
	b.WriteString(c.appID)
	p := cryptBlock - b.Len()%cryptBlock
	b.Write(bytes.Repeat([]byte{byte(p)}, p))
	ct := make([]byte, b.Len())
	cipher.NewCBCEncrypter(c.block, c.key[:aes.BlockSize]).CryptBlocks(ct, b.Bytes())
	return base64.StdEncoding.EncodeToString(ct)
}

// Seal returns the encrypted passive reply carrying msg:
// <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>. The nonce is
// the replier's to choose (callers echo the request's): one that XML
// cannot carry as it is (not plain letters and digits, or over 64 bytes)
// is replaced by a fresh one, since the signature must cover the nonce
// the reply shows.
func (c *Crypter) Seal(msg []byte, timestamp, nonce string) ([]byte, error) {
	enc, err := c.Encrypt(msg)
	if err != nil {
		return nil, err
	}
	if !plainToken(nonce) {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		nonce = fmt.Sprintf("%d", binary.BigEndian.Uint64(b[:])>>1)
	}
	return c.seal(enc, timestamp, nonce), nil
}

// plainToken reports whether s is 1 to 64 ASCII letters and digits, as
// WeChat's nonces are.
func plainToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range []byte(s) {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

func (c *Crypter) seal(enc, timestamp, nonce string) []byte {
	v := struct {
		XMLName      xml.Name `xml:"xml"`
		Encrypt      cdata
		MsgSignature cdata
		TimeStamp    string
		Nonce        cdata
	}{Encrypt: cdata{enc}, MsgSignature: cdata{SignMsg(c.token, timestamp, nonce, enc)}, TimeStamp: timestamp, Nonce: cdata{nonce}}
	b, _ := xml.Marshal(v) // plain strings: cannot fail
	return b
}

// sealed is a sealed passive reply, parsed.
type sealed struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

// OpenReply verifies and decrypts a sealed passive reply, as WeChat does
// with what the callback answers.
func (c *Crypter) OpenReply(body []byte) ([]byte, error) {
	var r sealed
	if err := xml.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%w: reply: %w", ErrCiphertext, err)
	}
	want := SignMsg(c.token, r.TimeStamp, r.Nonce, r.Encrypt)
	if subtle.ConstantTimeCompare([]byte(want), []byte(r.MsgSignature)) != 1 {
		return nil, ErrSignature
	}
	return c.Decrypt(r.Encrypt)
}

// Envelope returns the XML WeChat posts in safe mode for msg, and its
// msg_signature: what a fake WeChat in tests sends.
func (c *Crypter) Envelope(msg []byte, toUserName, timestamp, nonce string) (body []byte, msgSignature string, err error) {
	enc, err := c.Encrypt(msg)
	if err != nil {
		return nil, "", err
	}
	v := struct {
		XMLName    xml.Name `xml:"xml"`
		ToUserName cdata
		Encrypt    cdata
	}{ToUserName: cdata{toUserName}, Encrypt: cdata{enc}}
	body, _ = xml.Marshal(v)
	return body, SignMsg(c.token, timestamp, nonce, enc), nil
}
