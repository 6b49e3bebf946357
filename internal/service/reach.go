package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/raasdev/raas/internal/remind"
)

// Reach is whom a reminder's next firing would reach: Count deliveries
// (recipient × channel pairs and enabled tenant webhooks) and, in plain
// sentences, what will not be sent or not at once.
type Reach struct {
	Count    int
	Warnings []string
}

// Reach plans r's next firing as the scheduler would (remind.Reach, on the
// recipients and webhooks stored now) without writing anything. A
// reminder that will not fire again reaches nobody and says so.
func (s *Service) Reach(ctx context.Context, t remind.Tenant, r remind.Reminder) (Reach, error) {
	out, err := s.ReachAll(ctx, t, []remind.Reminder{r})
	if err != nil {
		return Reach{}, err
	}
	return out[0], nil
}

// ReachAll is Reach for several reminders of one tenant, reading each
// recipient and the webhooks once.
func (s *Service) ReachAll(ctx context.Context, t remind.Tenant, rs []remind.Reminder) ([]Reach, error) {
	hooks, err := s.store.ListWebhooks(ctx, t.ID)
	if err != nil {
		return nil, fmt.Errorf("service: reach: %w", err)
	}
	known := map[string]remind.Recipient{}
	looked := map[string]bool{}
	out := make([]Reach, len(rs))
	for i, r := range rs {
		if r.NextFireAt == nil {
			out[i] = Reach{Warnings: []string{"it will not fire again"}}
			continue
		}
		uids := r.Recipients
		if remind.NeedsOwner(r, hooks) {
			uids = []string{remind.OwnerUID}
		}
		recips := make(map[string]remind.Recipient, len(uids))
		for _, uid := range uids {
			if !looked[uid] {
				looked[uid] = true
				rc, err := s.store.GetRecipient(ctx, t.ID, uid)
				switch {
				case err == nil:
					known[uid] = rc
				case !errors.Is(err, remind.ErrNotFound):
					return nil, fmt.Errorf("service: reach: %w", err)
				}
			}
			if rc, ok := known[uid]; ok {
				recips[uid] = rc
			}
		}
		n, w := remind.Reach(r, *r.NextFireAt, recips, hooks, s.cfg.Configured)
		out[i] = Reach{Count: n, Warnings: w}
	}
	return out, nil
}
