package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

type noWake struct{}

func (noWake) Notify(context.Context, time.Time) {}

func TestSummarize(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := service.New(st, noWake{}, func() time.Time { return now }, service.Config{NewSecret: func() string { return "whsec_x" }})
	_, ta, err := svc.CreateToken(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	_, tb, err := svc.CreateToken(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	// Tenant a: five one-offs, created latest-first, two of them cancelled.
	var ids []string
	for i := 5; i >= 1; i-- {
		at := now.Add(time.Duration(i) * time.Hour)
		r, _, err := svc.CreateReminder(ctx, ta, service.CreateInput{Title: "r", Time: &at})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID) // ids[k] fires at 5-k hours
	}
	for _, id := range ids[3:] { // the ones at +2h and +1h
		if _, err := svc.CancelReminder(ctx, ta, id); err != nil {
			t.Fatal(err)
		}
	}
	at := now.Add(time.Minute)
	if _, _, err := svc.CreateReminder(ctx, tb, service.CreateInput{Title: "other tenant", Time: &at}); err != nil {
		t.Fatal(err)
	}

	sum, err := svc.Summarize(ctx, ta, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 5 || sum.Counts[remind.StatusActive] != 3 || sum.Counts[remind.StatusCancelled] != 2 {
		t.Fatalf("summary: total %d counts %v", sum.Total, sum.Counts)
	}
	if len(sum.Next) != 2 || sum.Next[0].ID != ids[2] || sum.Next[1].ID != ids[1] {
		t.Fatalf("next: %v, want %s then %s", sum.Next, ids[2], ids[1])
	}
}
