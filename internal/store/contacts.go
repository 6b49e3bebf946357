package store

import (
	"encoding/json"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
)

// contactsJSON is how both drivers keep remind.Contacts in the recipients
// table's contacts column. Secrets are stored as sealed by the service.
type contactsJSON struct {
	DingTalk *robotJSON `json:"dingtalk,omitempty"`
	Feishu   *robotJSON `json:"feishu,omitempty"`
	WeCom    *robotJSON `json:"wecom,omitempty"`
	Notify   []string   `json:"notify,omitempty"`
	WebPush  []string   `json:"webpush,omitempty"`
}

type robotJSON struct {
	Webhook      string `json:"webhook"`
	SealedSecret string `json:"sealed_secret,omitempty"`
}

func robotOut(r *remind.Robot) *robotJSON {
	if r == nil {
		return nil
	}
	return &robotJSON{Webhook: r.Webhook, SealedSecret: r.SealedSecret}
}

func robotIn(r *robotJSON) *remind.Robot {
	if r == nil {
		return nil
	}
	return &remind.Robot{Webhook: r.Webhook, SealedSecret: r.SealedSecret}
}

// EncodeContacts returns c as the drivers store it: "" when empty.
func EncodeContacts(c remind.Contacts) string {
	if c.IsZero() {
		return ""
	}
	b, _ := json.Marshal(contactsJSON{DingTalk: robotOut(c.DingTalk), Feishu: robotOut(c.Feishu), WeCom: robotOut(c.WeCom), Notify: c.Notify, WebPush: c.WebPush}) // plain values: cannot fail
	return string(b)
}

// DecodeContacts reads what EncodeContacts wrote.
func DecodeContacts(s string) (remind.Contacts, error) {
	if s == "" {
		return remind.Contacts{}, nil
	}
	var j contactsJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return remind.Contacts{}, fmt.Errorf("store: recipient contacts: %w", err)
	}
	return remind.Contacts{DingTalk: robotIn(j.DingTalk), Feishu: robotIn(j.Feishu), WeCom: robotIn(j.WeCom), Notify: j.Notify, WebPush: j.WebPush}, nil
}
