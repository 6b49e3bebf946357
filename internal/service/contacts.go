package service

import (
	"context"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
)

// ContactsInput are a recipient's contacts as the API describes them.
type ContactsInput struct {
	DingTalk *RobotInput
	Feishu   *RobotInput
	WeCom    *RobotInput
	Notify   []string
}

// RobotInput is a group robot as the API describes it. Secret "set" keeps
// the secret stored for that robot (what GET shows in its place).
type RobotInput struct {
	Webhook string
	Secret  string
}

// SecretSet stands for a stored secret in the API: GET shows it, and a PUT
// sending it back keeps the secret.
const SecretSet = "set"

// MaxNotifyURLs bounds a recipient's notify URLs.
const MaxNotifyURLs = 10

// Sealer seals robot secrets for storage (secretbox.Box).
type Sealer interface {
	Seal(plain string) (string, error)
}

// contacts checks in and returns the contacts to store; old are the
// recipient's stored contacts (their sealed secrets kept for "set").
func (s *Service) contacts(ctx context.Context, in ContactsInput, old remind.Contacts) (remind.Contacts, error) {
	// The browsers the recipient turned on from their personal page are
	// theirs, not the caller's: no contacts form or API body sets them.
	out := remind.Contacts{WebPush: old.WebPush}
	var err error
	robots := []struct {
		name   string
		in     *RobotInput
		old    *remind.Robot
		out    **remind.Robot
		signed bool
	}{
		{remind.ChannelDingTalk, in.DingTalk, old.DingTalk, &out.DingTalk, true},
		{remind.ChannelFeishu, in.Feishu, old.Feishu, &out.Feishu, true},
		{remind.ChannelWeCom, in.WeCom, old.WeCom, &out.WeCom, false},
	}
	for _, r := range robots {
		if r.in == nil {
			continue
		}
		field := "contacts." + r.name
		if r.in.Webhook == "" {
			return out, remind.Invalid(field+".webhook", "is required")
		}
		if err := s.checkTarget(ctx, field+".webhook", r.in.Webhook); err != nil {
			return out, err
		}
		rb := &remind.Robot{Webhook: r.in.Webhook}
		switch {
		case r.in.Secret == "":
		case !r.signed:
			return out, remind.Invalid(field+".secret", "is not used: %s robots are addressed by the key in their webhook URL", r.name)
		case r.in.Secret == SecretSet:
			if r.old == nil || r.old.SealedSecret == "" {
				return out, remind.Invalid(field+".secret", `is "set" but no secret is stored for this robot; send the secret itself`)
			}
			rb.SealedSecret = r.old.SealedSecret
		default:
			if err := remind.CheckText(field+".secret", r.in.Secret, 256); err != nil {
				return out, err
			}
			if s.cfg.Secrets == nil {
				return out, remind.Invalid(field+".secret", "cannot be stored: this server runs without --secret-key")
			}
			if rb.SealedSecret, err = s.cfg.Secrets.Seal(r.in.Secret); err != nil {
				return out, fmt.Errorf("service: seal: %w", err)
			}
		}
		*r.out = rb
	}
	if len(in.Notify) > MaxNotifyURLs {
		return out, remind.Invalid("contacts.notify", "has %d URLs; at most %d are allowed", len(in.Notify), MaxNotifyURLs)
	}
	seen := map[string]bool{}
	for i, u := range in.Notify {
		field := fmt.Sprintf("contacts.notify[%d]", i)
		if s.cfg.NotifyURL == nil {
			return out, remind.Invalid(field, "cannot be used: this server sends no notify messages")
		}
		if err := s.cfg.NotifyURL(ctx, u); err != nil {
			return out, TargetError(field, err)
		}
		if !seen[u] {
			seen[u] = true
			out.Notify = append(out.Notify, u)
		}
	}
	return out, nil
}
