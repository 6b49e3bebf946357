package service

import (
	"context"

	"github.com/raasdev/raas/internal/remind"
)

// Summary is an overview of a tenant's reminders.
type Summary struct {
	Counts map[remind.Status]int // reminders by status, deleted ones aside
	Total  int                   // all of them
	Next   []remind.Reminder     // the active reminders firing soonest, soonest first
}

// Summarize counts the tenant's reminders by status and finds the next
// ones to fire (at most next), with one store query each.
func (s *Service) Summarize(ctx context.Context, t remind.Tenant, next int) (Summary, error) {
	ov, err := s.store.ReminderOverview(ctx, t.ID, next)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Counts: ov.Counts, Next: ov.Next}
	for _, n := range ov.Counts {
		sum.Total += n
	}
	return sum, nil
}
