// Package remindtest holds helpers the channels' tests share about
// planned deliveries.
package remindtest

import "github.com/raasdev/raas/internal/remind"

// NotInbox drops the inbox deliveries remind.Plan makes for every
// recipient, leaving those of the channel under test.
func NotInbox(ds []remind.Delivery) []remind.Delivery {
	var out []remind.Delivery
	for _, d := range ds {
		if d.Channel != remind.ChannelInbox {
			out = append(out, d)
		}
	}
	return out
}

// Links makes action links as the service does, under a test host (a
// remind.LinkMaker).
func Links(tenantID, uid string, version int, itemID string) *remind.Links {
	page := "https://raas.example/me/tok-" + uid
	item := page + "/items/" + itemID
	return &remind.Links{Page: page, Confirm: item + "/confirm", Reject: item + "/reject",
		Snooze10m: item + "/snooze?for=10m", Snooze1h: item + "/snooze?for=1h", SnoozeTomorrow: item + "/snooze?when=tomorrow"}
}
