package webhook

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// The Standard Webhooks specification's worked example.
func TestSignStandardWebhooksVector(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	secret := NewSecret()
	now := time.Unix(1700000000, 0)
	body := []byte(`{"type":"reminder.fired"}`)
	sig, _ := Sign(secret, "d1", now, body)
	h := http.Header{}
	h.Set("webhook-id", "d1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", "v1,bogus "+sig)
	for _, tc := range []struct {
		name string
		body []byte
		now  time.Time
		ok   bool
	}{
		{"valid, second of two signatures", body, now, true},
		{"tampered body", []byte(`{"type":"x"}`), now, false},
		{"too old", body, now.Add(10 * time.Minute), false},
	} {
		err := Verify(secret, h, tc.body, tc.now, 5*time.Minute)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
	if err := Verify(NewSecret(), h, body, now, time.Minute); err == nil {
		t.Error("another secret verified")
	}
}
