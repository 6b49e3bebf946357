package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/raasdev/raas/client"
)

func TestCreateBatch(t *testing.T) {
	srv, err := startServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	c := client.New(srv.URL, srv.Token)
	ctx := context.Background()
	at := time.Now().Add(time.Hour)
	items := []client.BatchItem{
		{ReminderInput: client.ReminderInput{Title: "a", Time: &at}},
		{ReminderInput: client.ReminderInput{Title: "b", RRule: "FREQ=FORTNIGHTLY"}},
		{ReminderInput: client.ReminderInput{Title: "c", Time: &at}, IdempotencyKey: "file:3"},
	}
	res, err := c.CreateBatchWithKey(ctx, "k", items)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Status != 201 || res[0].Reminder == nil || res[0].Reminder.Title != "a" {
		t.Fatalf("item 0: %+v", res)
	}
	if res[1].Status != 400 || res[1].Error == nil || res[1].Error.Field != "rrule" || res[1].Error.Status != 400 {
		t.Fatalf("item 1: %+v", res[1])
	}
	// The same item key in a new batch replays; the batch key replays all.
	again, err := c.CreateBatch(ctx, items[2:])
	if err != nil || !again[0].Replayed || again[0].Reminder.ID != res[2].Reminder.ID || !again[0].Reminder.Replayed {
		t.Fatalf("item key replay: %+v %v", again, err)
	}
	whole, err := c.CreateBatchWithKey(ctx, "k", items)
	if err != nil || whole[0].Reminder.ID != res[0].Reminder.ID || !whole[0].Replayed {
		t.Fatalf("batch replay: %+v %v", whole, err)
	}
	if _, err := c.CreateBatch(ctx, nil); err == nil {
		t.Fatal("an empty batch was accepted")
	}
}
