package service

import (
	"context"
	"sort"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// Summary is an overview of a tenant's reminders.
type Summary struct {
	Counts  map[remind.Status]int // reminders by status, of those read
	Total   int                   // reminders read
	Partial bool                  // the tenant has more than the scan limit; counts are lower bounds
	Next    []remind.Reminder     // the active reminders firing soonest, soonest first
}

// Summarize counts the tenant's reminders by status and finds the next few
// to fire. It pages through the list query (no count query exists in the
// store), reading at most scanLimit reminders; a tenant with more gets a
// partial summary. next is how many upcoming reminders to return.
func (s *Service) Summarize(ctx context.Context, t remind.Tenant, scanLimit, next int) (Summary, error) {
	sum := Summary{Counts: map[remind.Status]int{}}
	var q store.ListQuery
	for {
		q.Limit = min(store.MaxPage, scanLimit-sum.Total)
		if q.Limit <= 0 { // read enough: is there more?
			more, err := s.store.ListReminders(ctx, t.ID, store.ListQuery{After: q.After, Limit: 1})
			if err != nil {
				return sum, err
			}
			sum.Partial = len(more) > 0
			break
		}
		page, err := s.store.ListReminders(ctx, t.ID, q)
		if err != nil {
			return sum, err
		}
		for _, r := range page {
			sum.Counts[r.Status]++
			if r.Status == remind.StatusActive && r.NextFireAt != nil {
				sum.Next = upcoming(sum.Next, r, next)
			}
		}
		sum.Total += len(page)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	return sum, nil
}

// upcoming inserts r into list (sorted by next firing) and keeps the first n.
func upcoming(list []remind.Reminder, r remind.Reminder, n int) []remind.Reminder {
	i := sort.Search(len(list), func(i int) bool { return list[i].NextFireAt.After(*r.NextFireAt) })
	if i >= n {
		return list
	}
	list = append(list, remind.Reminder{})
	copy(list[i+1:], list[i:])
	list[i] = r
	if len(list) > n {
		list = list[:n]
	}
	return list
}
