package remind

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Delivery ids sort the way their reminders were created (the stores'
// id indexes are written near one end during a herd), stay 32 hex digits
// for reminder ids of any shape, and differ for every input.
func TestDeliveryIDsFollowReminderCreation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	at := start.Add(time.Hour)
	seen := map[string]string{}
	var reminders, ids []string
	for i := range 2000 {
		// Creation times move forward by 0–3 ms: several reminders share a millisecond.
		created := start.Add(time.Duration(i/4+rng.IntN(2)) * time.Millisecond)
		rid := NewID(created)
		reminders = append(reminders, rid)
		for _, in := range [][3]string{{"a", ChannelWebhook, "w1"}, {"a", ChannelInbox, "a"}, {"b", ChannelEmail, "b@example.com"}} {
			id := DeliveryID(rid, at, in[0], in[1], in[2])
			if !IsID(id) {
				t.Fatalf("DeliveryID(%s, %v) = %q: not 32 hex digits", rid, in, id)
			}
			if id[:12] != rid[:12] {
				t.Fatalf("DeliveryID(%s, …) = %s: does not lead with the reminder's creation time", rid, id)
			}
			key := fmt.Sprint(rid, in)
			if prev, ok := seen[id]; ok {
				t.Fatalf("%s and %s share the delivery id %s", prev, key, id)
			}
			seen[id] = key
			ids = append(ids, id)
		}
		follow := StepDeliveryID(rid, at, "a", ChannelWebhook, "w1", "remind1", "")
		if follow[:12] != rid[:12] || follow == DeliveryID(rid, at, "a", ChannelWebhook, "w1") {
			t.Fatalf("follow-up id %s of %s", follow, rid)
		}
	}
	// Sorting the reminders by id sorts their deliveries' ids by the same
	// millisecond prefix.
	slices.Sort(reminders)
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1][:12] > sorted[i][:12] {
			t.Fatalf("ids out of creation order: %s before %s", sorted[i-1], sorted[i])
		}
	}
	// Another occurrence of the same reminder gets other ids.
	if DeliveryID(reminders[0], at, "a", ChannelInbox, "a") == DeliveryID(reminders[0], at.Add(time.Minute), "a", ChannelInbox, "a") {
		t.Fatal("two occurrences share a delivery id")
	}
	// Reminder ids of other shapes (tests, imports) still give stable 32-digit ids.
	for _, rid := range []string{"r1", "", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"} {
		a, b := DeliveryID(rid, at, "a", ChannelInbox, "a"), DeliveryID(rid, at, "a", ChannelInbox, "a")
		if a != b || !IsID(a) {
			t.Fatalf("DeliveryID(%q) = %q, then %q", rid, a, b)
		}
	}
}
