package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// SubscriptionStore is store.Store, which declares the subscription methods
// (the name stays for the suites written against it).
type SubscriptionStore = store.Store

// RunSubscriptions runs the subscription conformance tests against stores
// made by open.
func RunSubscriptions(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s SubscriptionStore)
	}{
		{"SubscribeLinks", testSubscribeLinks},
		{"SubscribeConfirmUnsubscribe", testSubscribeFlow},
		{"ConcurrentConfirmsAllLand", testConcurrentConfirms},
		{"WebPushSubscriber", testWebPushSubscriber},
		{"LateSubscriberGetsClaimedFiring", testLateSubscriberGetsClaimedFiring},
		{"CalendarFeeds", testCalendarFeeds},
		{"SubscriberName", testSubscriberName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			tc.fn(t, s)
		})
	}
}

func testSubscribeLinks(t *testing.T, s SubscriptionStore) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	r := mustCreate(t, s, reminder(a, t0.Add(time.Hour)))
	l, err := s.CreateSubscribeLink(ctx, remind.SubscribeLink{Token: "tok1", TenantID: a.ID, ReminderID: r.ID, CreatedAt: t0})
	if err != nil || l.Token != "tok1" || l.ReminderID != r.ID || !l.CreatedAt.Equal(t0) {
		t.Fatalf("CreateSubscribeLink = %+v, %v", l, err)
	}
	again, err := s.CreateSubscribeLink(ctx, remind.SubscribeLink{Token: "tok2", TenantID: a.ID, ReminderID: r.ID, CreatedAt: t0})
	if err != nil || again.Token != "tok1" {
		t.Fatalf("second CreateSubscribeLink = %+v, %v; want the first link", again, err)
	}
	if got, err := s.SubscribeLinkByToken(ctx, "tok1"); err != nil || got.ReminderID != r.ID || got.TenantID != a.ID {
		t.Fatalf("SubscribeLinkByToken = %+v, %v", got, err)
	}
	if _, err := s.SubscribeLinkByToken(ctx, "tok2"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unknown token: %v, want not found", err)
	}
	if _, err := s.SubscribeLinkOf(ctx, b.ID, r.ID); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("another tenant's link: %v, want not found", err)
	}
	if got, err := s.SubscribeLinkByReminder(ctx, r.ID); err != nil || got.Token != "tok1" {
		t.Fatalf("SubscribeLinkByReminder = %+v, %v", got, err)
	}
	exp := t0.Add(30 * 24 * time.Hour)
	if err := s.SetWeChatTicket(ctx, "tok1", "ticket-1", exp); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SubscribeLinkOf(ctx, a.ID, r.ID); err != nil || got.WeChatTicket != "ticket-1" || !got.WeChatExpireAt.Equal(exp) {
		t.Fatalf("after SetWeChatTicket = %+v, %v", got, err)
	}
	if err := s.SetWeChatTicket(ctx, "nope", "x", exp); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("SetWeChatTicket unknown: %v", err)
	}
}

func sub(tn remind.Tenant, r remind.Reminder, addr, token string) remind.Subscriber {
	return remind.Subscriber{ID: remind.SubscriberID(r.ID, remind.ChannelEmail, addr), TenantID: tn.ID, ReminderID: r.ID,
		Channel: remind.ChannelEmail, Address: addr, State: remind.SubscriberPending, Token: token, CreatedAt: t0, UpdatedAt: t0}
}

func testSubscribeFlow(t *testing.T, s SubscriptionStore) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	r := mustCreate(t, s, reminder(a, t0.Add(time.Hour), "u1"))
	sb, err := s.PutSubscriber(ctx, sub(a, r, "x@example.com", "c1"))
	if err != nil || sb.State != remind.SubscriberPending || sb.Token != "c1" {
		t.Fatalf("PutSubscriber = %+v, %v", sb, err)
	}
	// Asking again while pending gives a new token (a new confirmation mail).
	if sb, err = s.PutSubscriber(ctx, sub(a, r, "x@example.com", "c2")); err != nil || sb.Token != "c2" {
		t.Fatalf("PutSubscriber again = %+v, %v", sb, err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "c1", t0); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("confirm with the old token: %v, want not found", err)
	}
	if got, _ := s.GetReminder(ctx, a.ID, r.ID); len(got.Recipients) != 1 {
		t.Fatalf("pending subscriber is a recipient: %v", got.Recipients)
	}
	at := t0.Add(time.Minute)
	sb, err = s.ConfirmSubscriber(ctx, "c2", at)
	if err != nil || sb.State != remind.SubscriberConfirmed {
		t.Fatalf("ConfirmSubscriber = %+v, %v", sb, err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "c2", at); err != nil {
		t.Fatalf("confirming twice: %v", err)
	}
	got, err := s.GetReminder(ctx, a.ID, r.ID)
	if err != nil || !slices.Equal(got.Recipients, []string{"u1", sb.ID}) {
		t.Fatalf("recipients after confirm = %v, %v", got.Recipients, err)
	}
	rc, err := s.GetRecipient(ctx, a.ID, sb.ID)
	if err != nil || rc.Email != "x@example.com" || rc.Muted {
		t.Fatalf("subscriber's recipient = %+v, %v", rc, err)
	}
	// A confirmed subscriber asking again stays confirmed with its token.
	if again, err := s.PutSubscriber(ctx, sub(a, r, "x@example.com", "c3")); err != nil || again.State != remind.SubscriberConfirmed || again.Token != "c2" {
		t.Fatalf("PutSubscriber on confirmed = %+v, %v", again, err)
	}
	if g, err := s.GetSubscriber(ctx, a.ID, sb.ID); err != nil || g.Address != "x@example.com" {
		t.Fatalf("GetSubscriber = %+v, %v", g, err)
	}
	if _, err := s.GetSubscriber(ctx, b.ID, sb.ID); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("another tenant's subscriber: %v", err)
	}
	if g, err := s.SubscriberByToken(ctx, "c2"); err != nil || g.ID != sb.ID {
		t.Fatalf("SubscriberByToken = %+v, %v", g, err)
	}
	if l, err := s.ListSubscribers(ctx, a.ID, r.ID); err != nil || len(l) != 1 || l[0].ID != sb.ID {
		t.Fatalf("ListSubscribers = %+v, %v", l, err)
	}
	// The firing plans an email delivery to the subscriber.
	ds, err := s.FireDue(ctx, t0.Add(time.Hour), 10, store.Lease{Until: t0.Add(2 * time.Hour)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		return store.FirePlan{Deliveries: remind.Plan(r, *r.NextFireAt, recips, hooks, t0.Add(time.Hour), remind.FirePolicy{}), Status: remind.StatusDone}
	})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		if d.Recipient == sb.ID && d.Channel == remind.ChannelEmail && d.Target == "x@example.com" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no email delivery to the subscriber among %d deliveries", len(ds))
	}

	un, err := s.Unsubscribe(ctx, "c2", at.Add(time.Minute))
	if err != nil || un.State != remind.SubscriberUnsubscribed {
		t.Fatalf("Unsubscribe = %+v, %v", un, err)
	}
	if _, err := s.Unsubscribe(ctx, "c2", at.Add(time.Minute)); err != nil {
		t.Fatalf("unsubscribing twice: %v", err)
	}
	if got, _ := s.GetReminder(ctx, a.ID, r.ID); !slices.Equal(got.Recipients, []string{"u1"}) {
		t.Fatalf("recipients after unsubscribe = %v", got.Recipients)
	}
	if _, err := s.GetRecipient(ctx, a.ID, sb.ID); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("recipient after unsubscribe: %v, want not found", err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "c2", at); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("confirm after unsubscribe: %v, want not found", err)
	}
	if _, err := s.Unsubscribe(ctx, "nope", at); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unsubscribe unknown: %v", err)
	}
	// Subscribing again after leaving starts over as pending.
	if again, err := s.PutSubscriber(ctx, sub(a, r, "x@example.com", "c4")); err != nil || again.State != remind.SubscriberPending {
		t.Fatalf("resubscribe = %+v, %v", again, err)
	}
	// A deleted reminder takes no new subscribers.
	if err := s.DeleteReminder(ctx, a.ID, r.ID, at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "c4", at); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("confirm on a deleted reminder: %v, want not found", err)
	}
}

func testConcurrentConfirms(t *testing.T, s SubscriptionStore) {
	ctx := context.Background()
	a := tenant(t, s, "a")
	r := mustCreate(t, s, reminder(a, t0.Add(time.Hour)))
	const n = 12
	for i := range n {
		if _, err := s.PutSubscriber(ctx, sub(a, r, fmt.Sprintf("p%d@example.com", i), fmt.Sprintf("t%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.ConfirmSubscriber(ctx, fmt.Sprintf("t%d", i), t0)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetReminder(ctx, a.ID, r.ID)
	if err != nil || len(got.Recipients) != n {
		t.Fatalf("%d recipients after %d concurrent confirmations (%v)", len(got.Recipients), n, err)
	}
}

// testWebPushSubscriber: a confirmed web push subscriber keeps its
// subscription JSON as its address and becomes a recipient marked WebPush,
// which an API PutRecipient does not clear, and a firing plans a webpush
// delivery to it (target: its uid) and none to an e-mail subscriber.
func testWebPushSubscriber(t *testing.T, s SubscriptionStore) {
	ctx := context.Background()
	a := tenant(t, s, "a")
	r := reminder(a, t0.Add(time.Hour))
	r.Channels = []string{remind.ChannelEmail, remind.ChannelWebPush}
	r = mustCreate(t, s, r)
	const subJSON = `{"endpoint":"https://push.example/ep/1","keys":{"p256dh":"BPk","auth":"YXV0aA"}}`
	wp := remind.Subscriber{ID: remind.SubscriberID(r.ID, remind.ChannelWebPush, "https://push.example/ep/1"), TenantID: a.ID, ReminderID: r.ID,
		Channel: remind.ChannelWebPush, Address: subJSON, State: remind.SubscriberPending, Token: "w1", CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.PutSubscriber(ctx, wp); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "w1", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutSubscriber(ctx, sub(a, r, "m@example.com", "m1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "m1", t0); err != nil {
		t.Fatal(err)
	}
	mail := remind.SubscriberID(r.ID, remind.ChannelEmail, "m@example.com")
	if g, err := s.GetSubscriber(ctx, a.ID, wp.ID); err != nil || g.Address != subJSON || g.Channel != remind.ChannelWebPush {
		t.Fatalf("GetSubscriber = %+v, %v", g, err)
	}
	rc, err := s.GetRecipient(ctx, a.ID, wp.ID)
	if err != nil || !rc.WebPush || rc.Email != "" {
		t.Fatalf("web push subscriber's recipient = %+v, %v", rc, err)
	}
	if mrc, err := s.GetRecipient(ctx, a.ID, mail); err != nil || mrc.WebPush {
		t.Fatalf("e-mail subscriber's recipient = %+v, %v", mrc, err)
	}
	rc.Name = "renamed"
	rc.WebPush = false
	if got, err := s.PutRecipient(ctx, rc); err != nil || !got.WebPush || got.Name != "renamed" {
		t.Fatalf("PutRecipient over a web push subscriber = %+v, %v; want WebPush kept", got, err)
	}
	ds, err := s.FireDue(ctx, t0.Add(time.Hour), 10, store.Lease{Until: t0.Add(2 * time.Hour)}, func(r remind.Reminder, recips map[string]remind.Recipient, hooks []remind.Webhook) store.FirePlan {
		return store.FirePlan{Deliveries: remind.Plan(r, *r.NextFireAt, recips, hooks, t0.Add(time.Hour), remind.FirePolicy{}), Status: remind.StatusDone}
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range ds {
		got[d.Recipient+"/"+d.Channel] = d.Target
	}
	// Each also gets the inbox item every recipient of a firing gets.
	if len(got) != 4 || got[wp.ID+"/"+remind.ChannelWebPush] != wp.ID || got[mail+"/"+remind.ChannelEmail] != "m@example.com" ||
		got[wp.ID+"/"+remind.ChannelInbox] != wp.ID || got[mail+"/"+remind.ChannelInbox] != mail {
		t.Fatalf("deliveries %v: want one webpush to the push subscriber and one email to the mail subscriber, and their inbox items", got)
	}
}

// testLateSubscriberGetsClaimedFiring: a subscriber confirmed after the
// firing was claimed ahead, but before its time, is in it; one who
// unsubscribes in that window is not. Both changes take the claim back, so
// the firing is planned again from the recipients as they are then.
func testLateSubscriberGetsClaimedFiring(t *testing.T, s SubscriptionStore) {
	ctx := context.Background()
	a := tenant(t, s, "a")
	due := t0.Add(4 * time.Second)
	r := mustCreate(t, s, reminder(a, due, "u1"))
	early := sub(a, r, "early@example.com", "e1")
	for _, sb := range []remind.Subscriber{early, sub(a, r, "late@example.com", "l1")} {
		if _, err := s.PutSubscriber(ctx, sb); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ConfirmSubscriber(ctx, "e1", t0); err != nil {
		t.Fatal(err)
	}
	recipientsOf := func(ds []remind.Delivery) []string {
		var to []string
		for _, d := range ds {
			if !slices.Contains(to, d.Recipient) {
				to = append(to, d.Recipient)
			}
		}
		slices.Sort(to)
		return to
	}
	first, err := s.FireDue(ctx, t0.Add(10*time.Second), 10, store.Lease{Until: t0.Add(time.Minute)}, planAhead(t0))
	if want := slices.Sorted(slices.Values([]string{"u1", early.ID})); err != nil || !slices.Equal(recipientsOf(first), want) {
		t.Fatalf("fire ahead: to %v, want %v (%v)", recipientsOf(first), want, err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "l1", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unsubscribe(ctx, "e1", t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	again, err := s.FireDue(ctx, t0.Add(12*time.Second), 10, store.Lease{Until: t0.Add(time.Minute)}, planAhead(t0.Add(2*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	to := recipientsOf(again)
	late := sub(a, r, "late@example.com", "l1").ID
	if want := []string{late, "u1"}; !slices.Equal(to, slices.Sorted(slices.Values(want))) {
		t.Fatalf("the firing planned again goes to %v, want %v (late subscriber in, unsubscribed one out)", to, want)
	}
	got, _ := s.GetReminder(ctx, a.ID, r.ID)
	if got.FiredCount != 1 {
		t.Fatalf("fired %d times, want once", got.FiredCount)
	}
}

// testCalendarFeeds: a recipient has one feed, made the first time and
// found by its token; another tenant's recipient of the same uid has its own.
func testCalendarFeeds(t *testing.T, s SubscriptionStore) {
	ctx := context.Background()
	a, b := tenant(t, s, "a"), tenant(t, s, "b")
	f, err := s.CalendarFeedOf(ctx, store.CalendarFeed{Token: "feed1", TenantID: a.ID, UID: "alice", CreatedAt: t0})
	if err != nil || f.Token != "feed1" || f.UID != "alice" || !f.CreatedAt.Equal(t0) {
		t.Fatalf("CalendarFeedOf = %+v, %v", f, err)
	}
	again, err := s.CalendarFeedOf(ctx, store.CalendarFeed{Token: "feed2", TenantID: a.ID, UID: "alice", CreatedAt: t0.Add(time.Hour)})
	if err != nil || again.Token != "feed1" || !again.CreatedAt.Equal(t0) {
		t.Fatalf("second CalendarFeedOf = %+v, %v", again, err)
	}
	other, err := s.CalendarFeedOf(ctx, store.CalendarFeed{Token: "feed3", TenantID: b.ID, UID: "alice", CreatedAt: t0})
	if err != nil || other.Token != "feed3" {
		t.Fatalf("another tenant's alice = %+v, %v", other, err)
	}
	got, err := s.CalendarFeedByToken(ctx, "feed1")
	if err != nil || got.TenantID != a.ID || got.UID != "alice" {
		t.Fatalf("CalendarFeedByToken = %+v, %v", got, err)
	}
	if _, err := s.CalendarFeedByToken(ctx, "feed2"); !errors.Is(err, remind.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}

// testSubscriberName: the name a channel gives a subscriber (a WeChat
// nickname) is kept on the subscriber and given to the recipient it
// becomes; a later confirmation without one keeps the recipient's name.
func testSubscriberName(t *testing.T, s SubscriptionStore) {
	ctx := context.Background()
	a := tenant(t, s, "a")
	r := mustCreate(t, s, reminder(a, t0.Add(time.Hour)))
	sb := remind.Subscriber{ID: remind.SubscriberID(r.ID, remind.ChannelWeChat, "oOPENID1"), TenantID: a.ID, ReminderID: r.ID,
		Channel: remind.ChannelWeChat, Address: "oOPENID1", State: remind.SubscriberPending, Token: "n1", Name: "小明", CreatedAt: t0, UpdatedAt: t0}
	if got, err := s.PutSubscriber(ctx, sb); err != nil || got.Name != "小明" {
		t.Fatalf("PutSubscriber = %+v, %v", got, err)
	}
	if got, err := s.ConfirmSubscriber(ctx, "n1", t0); err != nil || got.Name != "小明" {
		t.Fatalf("ConfirmSubscriber = %+v, %v", got, err)
	}
	if rc, err := s.GetRecipient(ctx, a.ID, sb.ID); err != nil || rc.Name != "小明" || rc.WeChatOpenID != "oOPENID1" {
		t.Fatalf("recipient = %+v, %v", rc, err)
	}
	list, err := s.ListSubscribers(ctx, a.ID, r.ID)
	if err != nil || len(list) != 1 || list[0].Name != "小明" {
		t.Fatalf("ListSubscribers = %+v, %v", list, err)
	}
	// Unsubscribed and subscribed again by a path that names nobody: the
	// name known is kept.
	if _, err := s.Unsubscribe(ctx, "n1", t0); err != nil {
		t.Fatal(err)
	}
	sb.Name, sb.Token, sb.State = "", "n2", remind.SubscriberPending
	if _, err := s.PutSubscriber(ctx, sb); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmSubscriber(ctx, "n2", t0); err != nil {
		t.Fatal(err)
	}
	if rc, err := s.GetRecipient(ctx, a.ID, sb.ID); err != nil || rc.WeChatOpenID != "oOPENID1" || rc.Name != "小明" {
		t.Fatalf("recipient after subscribing again = %+v, %v", rc, err)
	}
}
