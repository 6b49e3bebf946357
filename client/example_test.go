package client_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/raasdev/raas/client"
)

// exampleServer starts the real service for an example.
func exampleServer() (*server, func()) {
	dir, err := os.MkdirTemp("", "raas-example")
	if err != nil {
		panic(err)
	}
	s, err := startServer(dir)
	if err != nil {
		panic(err)
	}
	return s, func() { s.stop(); os.RemoveAll(dir) }
}

func Example() {
	s, done := exampleServer()
	defer done()
	ctx := context.Background()
	c := client.New(s.URL, s.Token)

	at := time.Date(2030, 5, 1, 9, 30, 0, 0, time.UTC)
	r, err := c.CreateReminder(ctx, client.ReminderInput{Title: "renew the certificate", Time: &at, TZ: "Asia/Shanghai", Recipients: []string{"ops"}})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.Title, r.Status, r.NextFireAt.Format(time.RFC3339))

	r, _ = c.CancelReminder(ctx, r.ID)
	fmt.Println(r.Status)
	// Output:
	// renew the certificate active 2030-05-01T17:30:00+08:00
	// cancelled
}

func ExampleClient_CreateReminder_text() {
	s, done := exampleServer()
	defer done()
	c := client.New(s.URL, s.Token)
	// Without time or rrule, the server reads the time from the text.
	r, err := c.CreateReminder(context.Background(), client.ReminderInput{Text: "every monday 9am stand-up", TZ: "Europe/Berlin"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(r.Title, "|", r.RRule != "", "|", r.NextFireAt.Weekday(), r.NextFireAt.Format("15:04"))
	// Output:
	// stand-up | true | Monday 09:00
}

func ExampleError() {
	s, done := exampleServer()
	defer done()
	c := client.New(s.URL, s.Token)
	_, err := c.CreateReminder(context.Background(), client.ReminderInput{Title: "no time at all"})
	if e, ok := err.(*client.Error); ok {
		fmt.Println(e.Status, e.Code)
	}
	_, err = c.GetReminder(context.Background(), "does-not-exist")
	fmt.Println(client.IsNotFound(err))
	// Output:
	// 400 no_time_found
	// true
}

func ExampleVerifyWebhook() {
	// Your receiver: check the signature on the raw body before trusting it.
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := client.VerifyWebhook(secret, r.Header, body, time.Now()); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	recv := httptest.NewServer(handler)
	defer recv.Close()

	// A forged call is refused.
	req, _ := http.NewRequest("POST", recv.URL, strings.NewReader(`{"type":"reminder.fired"}`))
	req.Header.Set("webhook-id", "msg_1")
	req.Header.Set("webhook-timestamp", fmt.Sprint(time.Now().Unix()))
	req.Header.Set("webhook-signature", "v1,Zm9yZ2Vk")
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output: 401
}

func ExampleClient_CreateBatch() {
	s, done := exampleServer()
	defer done()
	c := client.New(s.URL, s.Token)
	at := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	items := []client.BatchItem{
		{ReminderInput: client.ReminderInput{Title: "happy new year, alice", Time: &at, Recipients: []string{"alice"}}, IdempotencyKey: "members.csv:2"},
		{ReminderInput: client.ReminderInput{Title: "happy new year, bob", Time: &at, TZ: "Mars/Olympus"}, IdempotencyKey: "members.csv:3"},
	}
	res, err := c.CreateBatch(context.Background(), items)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for i, r := range res {
		if r.Error != nil {
			fmt.Println(i, r.Status, r.Error.Field)
			continue
		}
		fmt.Println(i, r.Status, r.Reminder.Title)
	}
	// Output:
	// 0 201 happy new year, alice
	// 1 400 tz
}
