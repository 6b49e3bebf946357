package webpush_test

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// FuzzParseSubscription: whatever a browser (or anyone) posts, parsing
// never panics and refuses only with an invalid-argument error (a 400)
// naming one of the subscription's fields; what it accepts without
// allowPrivate has an https endpoint that netguard.CheckURL accepts for a
// public target, an uncompressed P-256 point and a 16-byte auth secret,
// and reads back as itself from its JSON.
func FuzzParseSubscription(f *testing.F) {
	const p256dh = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4" // RFC 8291, appendix A
	f.Add([]byte(`{"endpoint":"https://fcm.googleapis.com/fcm/send/abc","keys":{"p256dh":"` + p256dh + `","auth":"BTBZMqHH6r4Tts7J_aSIgg"}}`))
	f.Add([]byte(`{"endpoint":"https://127.0.0.1/x","keys":{"p256dh":"` + p256dh + `","auth":"AAAAAAAAAAAAAAAAAAAAAA=="}}`))
	f.Add([]byte(`{"endpoint":"https://0x7f000001/","expirationTime":null,"keys":{}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, allowPrivate := range []bool{false, true} {
			s, err := webpush.ParseSubscription(raw, allowPrivate)
			if err != nil {
				var e *remind.Error
				if !errors.As(err, &e) || e.Code != remind.CodeInvalid {
					t.Fatalf("refused with %v, want an invalid-argument error", err)
				}
				switch e.Field {
				case "subscription", "endpoint", "keys.p256dh", "keys.auth":
				default:
					t.Fatalf("refused naming field %q", e.Field)
				}
				continue
			}
			if !allowPrivate {
				if err := netguard.CheckURL(context.Background(), s.Endpoint, netguard.Policy{Schemes: []string{"https"}}); err != nil {
					t.Fatalf("accepted endpoint %q: %v", s.Endpoint, err)
				}
			}
			pub, err1 := base64.RawURLEncoding.DecodeString(s.Keys.P256dh)
			auth, err2 := base64.RawURLEncoding.DecodeString(s.Keys.Auth)
			if err1 != nil || err2 != nil || len(pub) != 65 || len(auth) != 16 {
				t.Fatalf("accepted keys %+v", s.Keys)
			}
			if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
				t.Fatalf("accepted p256dh that is no P-256 point: %v", err)
			}
			back, err := webpush.ParseSubscription([]byte(s.JSON()), allowPrivate)
			if err != nil || back != s {
				t.Fatalf("JSON round trip: %+v, %v; want %+v", back, err, s)
			}
		}
	})
}
