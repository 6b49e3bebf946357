package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// RecipientInput is a recipient as the API describes it.
type RecipientInput struct {
	Name         string
	Email        string
	Phone        string
	WeChatOpenID string
	WebhookURL   string
	Muted        bool
	// Contacts replace the recipient's robots and notify URLs; nil keeps
	// those stored (forms that do not show them).
	Contacts *ContactsInput
	// Profile replaces the recipient's profile (zone, language, preferred
	// channels, quiet hours, opt-ins); nil keeps the one stored.
	Profile *remind.Profile
}

// checkProfile validates a recipient's profile, naming the API's fields.
func checkProfile(p remind.Profile) error {
	if p.TZ != "" {
		if _, err := loadZone("tz", p.TZ); err != nil {
			return err
		}
	}
	switch p.Lang {
	case "", "zh", "en":
	default:
		return remind.Invalid("lang", "must be zh or en, or left out to choose by the text")
	}
	if len(p.PreferredChannels) > 16 {
		return remind.Invalid("preferred_channels", "lists %d channels; at most 16 are allowed", len(p.PreferredChannels))
	}
	seen := map[string]bool{}
	for _, ch := range p.PreferredChannels {
		if !remind.KnownChannel(ch) {
			return remind.Invalid("preferred_channels", "unknown channel %q", ch)
		}
		if seen[ch] {
			return remind.Invalid("preferred_channels", "lists %q twice", ch)
		}
		seen[ch] = true
	}
	if p.QuietHours != "" {
		if _, err := remind.ParseQuietHours(p.QuietHours); err != nil {
			return remind.Invalid("quiet_hours", "%v", err)
		}
	}
	return nil
}

// PutRecipient creates or replaces a recipient. A new webhook_url gets a new
// signing secret; the returned recipient carries it.
func (s *Service) PutRecipient(ctx context.Context, t remind.Tenant, uid string, in RecipientInput) (remind.Recipient, error) {
	if err := remind.CheckUID("uid", uid); err != nil {
		return remind.Recipient{}, err
	}
	if err := remind.CheckText("name", in.Name, 100); err != nil {
		return remind.Recipient{}, err
	}
	if err := checkEmail("email", in.Email); err != nil {
		return remind.Recipient{}, err
	}
	if err := checkPhone("phone", in.Phone); err != nil {
		return remind.Recipient{}, err
	}
	if err := remind.CheckText("wechat_openid", in.WeChatOpenID, 128); err != nil {
		return remind.Recipient{}, err
	}
	if in.Profile != nil {
		if err := checkProfile(*in.Profile); err != nil {
			return remind.Recipient{}, err
		}
	}
	if in.WebhookURL != "" {
		if err := s.checkTarget(ctx, "webhook_url", in.WebhookURL); err != nil {
			return remind.Recipient{}, err
		}
	}
	now := s.now()
	rc := remind.Recipient{TenantID: t.ID, UID: uid, Name: in.Name, Email: in.Email, Phone: in.Phone, WeChatOpenID: in.WeChatOpenID,
		WebhookURL: in.WebhookURL, Muted: in.Muted, CreatedAt: now, UpdatedAt: now}
	old, err := s.store.GetRecipient(ctx, t.ID, uid)
	switch {
	case err == nil && old.WebhookURL == in.WebhookURL:
		rc.WebhookSecret = old.WebhookSecret
	case err != nil && !errors.Is(err, remind.ErrNotFound):
		return rc, fmt.Errorf("service: put recipient: %w", err)
	}
	rc.Contacts, rc.Profile = old.Contacts, old.Profile // zero when new
	if in.Profile != nil {
		rc.Profile = *in.Profile
	}
	if in.Contacts != nil {
		if rc.Contacts, err = s.contacts(ctx, *in.Contacts, old.Contacts); err != nil {
			return remind.Recipient{}, err
		}
	}
	if rc.WebhookURL != "" && rc.WebhookSecret == "" {
		rc.WebhookSecret = s.cfg.NewSecret()
	}
	if rc.WebhookURL == "" {
		rc.WebhookSecret = ""
	}
	return s.store.PutRecipient(ctx, rc)
}

// GetRecipient returns a recipient.
func (s *Service) GetRecipient(ctx context.Context, t remind.Tenant, uid string) (remind.Recipient, error) {
	return s.store.GetRecipient(ctx, t.ID, uid)
}

// DeleteRecipient removes a recipient.
func (s *Service) DeleteRecipient(ctx context.Context, t remind.Tenant, uid string) error {
	return s.store.DeleteRecipient(ctx, t.ID, uid)
}

// CreateWebhook registers a tenant-wide endpoint; the returned value holds
// its signing secret, shown this once.
func (s *Service) CreateWebhook(ctx context.Context, t remind.Tenant, url string) (remind.Webhook, error) {
	if url == "" {
		return remind.Webhook{}, remind.Invalid("url", "is required")
	}
	if err := s.checkTarget(ctx, "url", url); err != nil {
		return remind.Webhook{}, err
	}
	now := s.now()
	w := remind.Webhook{ID: remind.NewID(now), TenantID: t.ID, URL: url, Secret: s.cfg.NewSecret(), CreatedAt: now}
	if err := s.store.CreateWebhook(ctx, w); err != nil {
		return w, fmt.Errorf("service: create webhook: %w", err)
	}
	return w, nil
}

// ListWebhooks returns the tenant's endpoints.
func (s *Service) ListWebhooks(ctx context.Context, t remind.Tenant) ([]remind.Webhook, error) {
	return s.store.ListWebhooks(ctx, t.ID)
}

// GetWebhook returns one endpoint.
func (s *Service) GetWebhook(ctx context.Context, t remind.Tenant, id string) (remind.Webhook, error) {
	if !remind.IsID(id) {
		return remind.Webhook{}, remind.NotFound("webhook")
	}
	return s.store.GetWebhook(ctx, t.ID, id)
}

// DeleteWebhook removes an endpoint.
func (s *Service) DeleteWebhook(ctx context.Context, t remind.Tenant, id string) error {
	if !remind.IsID(id) {
		return remind.NotFound("webhook")
	}
	return s.store.DeleteWebhook(ctx, t.ID, id)
}

// Inbox lists a recipient's delivered in-app items.
func (s *Service) Inbox(ctx context.Context, t remind.Tenant, uid string, q store.ListQuery) ([]remind.InboxItem, error) {
	if err := remind.CheckUID("uid", uid); err != nil {
		return nil, err
	}
	return s.store.ListInbox(ctx, t.ID, uid, q)
}

// InboxAction records what a recipient did with an item: "read",
// "confirm" or "reject". Reading never undoes a confirm or reject.
func (s *Service) InboxAction(ctx context.Context, t remind.Tenant, uid, itemID, action string) (remind.InboxItem, error) {
	var st remind.InboxStatus
	switch action {
	case "read":
		st = remind.InboxRead
	case "confirm":
		st = remind.InboxConfirmed
	case "reject":
		st = remind.InboxRejected
	default:
		return remind.InboxItem{}, remind.Invalid("action", "must be read, confirm or reject")
	}
	if st == remind.InboxRead {
		items, err := s.store.ListInbox(ctx, t.ID, uid, store.ListQuery{After: prevID(itemID), Limit: 1})
		if err != nil {
			return remind.InboxItem{}, err
		}
		if len(items) == 1 && items[0].ID == itemID && items[0].Status != remind.InboxUnread {
			return items[0], nil
		}
	}
	return s.store.SetInboxStatus(ctx, t.ID, uid, itemID, st, s.now())
}

// prevID returns the 32-hex id just below id, so a list "after" it starts
// at id; ids of another shape give "" (the list then starts at the top and
// the item is not found, which only skips the read-keeps-confirm check).
func prevID(id string) string {
	if !remind.IsID(id) {
		return ""
	}
	b := []byte(id)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '0' {
			b[i] = 'f'
			continue
		}
		if b[i] == 'a' {
			b[i] = '9'
		} else {
			b[i]--
		}
		return string(b)
	}
	return ""
}

// SetOwnerEmail sets the e-mail address of the tenant's owner recipient
// (remind.OwnerUID), creating the owner when there is none and keeping
// everything else it holds: reminders without recipients reach it.
func (s *Service) SetOwnerEmail(ctx context.Context, t remind.Tenant, email string) (remind.Recipient, error) {
	in := RecipientInput{Email: email}
	old, err := s.store.GetRecipient(ctx, t.ID, remind.OwnerUID)
	switch {
	case err == nil:
		in = RecipientInput{Name: old.Name, Email: email, Phone: old.Phone, WeChatOpenID: old.WeChatOpenID, WebhookURL: old.WebhookURL, Muted: old.Muted}
	case !errors.Is(err, remind.ErrNotFound):
		return remind.Recipient{}, fmt.Errorf("service: owner: %w", err)
	}
	return s.PutRecipient(ctx, t, remind.OwnerUID, in)
}
