package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/raasdev/raas/internal/remind"
)

// AddPush turns notifications on in one more browser of the recipient (the
// personal page's button): sub is the browser's PushSubscription JSON,
// checked by the caller, endpoint its endpoint. The same browser again
// replaces its subscription; past remind.MaxPushSubscriptions the oldest
// is dropped. One store transaction, so a profile saved at the same time
// loses nothing.
func (s *Service) AddPush(ctx context.Context, t remind.Tenant, uid, sub, endpoint string) (remind.Recipient, error) {
	if err := remind.CheckUID("uid", uid); err != nil {
		return remind.Recipient{}, err
	}
	if endpoint == "" || remind.PushEndpoint(sub) != endpoint {
		return remind.Recipient{}, remind.Invalid("subscription", "is not a push subscription")
	}
	rc, err := s.store.ModifyRecipient(ctx, t.ID, uid, s.now(), func(rc *remind.Recipient) error {
		kept := slices.DeleteFunc(slices.Clone(rc.Contacts.WebPush), func(x string) bool { return remind.PushEndpoint(x) == endpoint })
		kept = append(kept, sub)
		if n := len(kept) - remind.MaxPushSubscriptions; n > 0 {
			kept = kept[n:]
		}
		rc.Contacts.WebPush = kept
		return nil
	})
	if err != nil {
		return rc, fmt.Errorf("service: turn on push: %w", err)
	}
	return rc, nil
}

// RemovePush turns notifications off in the recipient's browser with this
// endpoint; one that is not on is not an error.
func (s *Service) RemovePush(ctx context.Context, t remind.Tenant, uid, endpoint string) error {
	return s.DropPush(ctx, t.ID, uid, remind.AddressKey(endpoint))
}

// DropPush removes the recipient's browser whose endpoint has the address
// key key (the web push sender, when its push service says it is gone).
func (s *Service) DropPush(ctx context.Context, tenantID, uid, key string) error {
	if _, err := s.store.GetRecipient(ctx, tenantID, uid); err != nil {
		return err
	}
	_, err := s.store.ModifyRecipient(ctx, tenantID, uid, s.now(), func(rc *remind.Recipient) error {
		rc.Contacts.WebPush = slices.DeleteFunc(slices.Clone(rc.Contacts.WebPush), func(x string) bool {
			return remind.AddressKey(remind.PushEndpoint(x)) == key
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("service: turn off push: %w", err)
	}
	return nil
}

// SaveProfile sets the recipient's name and profile as their personal
// page's settings form says, in one store transaction, so a browser turned
// on at the same moment is not lost; their addresses and contacts are
// left as they are.
func (s *Service) SaveProfile(ctx context.Context, t remind.Tenant, uid, name string, p remind.Profile) (remind.Recipient, error) {
	if err := remind.CheckUID("uid", uid); err != nil {
		return remind.Recipient{}, err
	}
	if err := remind.CheckText("name", name, 100); err != nil {
		return remind.Recipient{}, err
	}
	if err := checkProfile(p); err != nil {
		return remind.Recipient{}, err
	}
	rc, err := s.store.ModifyRecipient(ctx, t.ID, uid, s.now(), func(rc *remind.Recipient) error {
		rc.Name, rc.Profile = name, p
		return nil
	})
	if err != nil {
		return rc, fmt.Errorf("service: save profile: %w", err)
	}
	return rc, nil
}
