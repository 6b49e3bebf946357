package store

import (
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// The subscriber types are domain values and live in remind; these names
// stay while code written against them moves over.

// SubscribeLink is remind.SubscribeLink.
type SubscribeLink = remind.SubscribeLink

// Subscriber is remind.Subscriber.
type Subscriber = remind.Subscriber

// Subscriber states: see remind.SubscriberPending and the others.
const (
	SubscriberPending      = remind.SubscriberPending
	SubscriberConfirmed    = remind.SubscriberConfirmed
	SubscriberUnsubscribed = remind.SubscriberUnsubscribed
)

// SubscriberID is remind.SubscriberID.
func SubscriberID(reminderID, channel, address string) string {
	return remind.SubscriberID(reminderID, channel, address)
}

// SubscriberRecipient is remind.SubscriberRecipient.
func SubscriberRecipient(sb Subscriber, at time.Time) remind.Recipient {
	return remind.SubscriberRecipient(sb, at)
}

// CalendarFeed is a recipient's calendar feed: every reminder the recipient
// is in, served at /c/{Token}/calendar.ics. Token (128 random bits, hex) is
// the feed's only credential, as a subscribe link's is.
type CalendarFeed struct {
	Token     string
	TenantID  string
	UID       string
	CreatedAt time.Time
}
