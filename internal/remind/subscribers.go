package remind

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// SubscribeLink is a reminder's public subscribe link: Token (128 random
// bits, hex) is what the QR code and /s/{token} carry, so the reminder id
// itself never needs to be shown to subscribers. With a WeChat official
// account, the link also remembers the parametric QR ticket made for it.
type SubscribeLink struct {
	Token          string
	TenantID       string
	ReminderID     string
	WeChatTicket   string    // "" until one is made
	WeChatExpireAt time.Time // when WeChat forgets the ticket
	CreatedAt      time.Time
}

// Subscriber states.
const (
	SubscriberPending      = "pending"      // asked; waiting for the confirmation link (e-mail)
	SubscriberConfirmed    = "confirmed"    // receives the reminder
	SubscriberUnsubscribed = "unsubscribed" // left; kept as history
)

// Subscriber is one person subscribed to one reminder on one channel. A
// confirmed subscriber is also a tenant Recipient whose uid is ID and which
// is listed in the reminder's Recipients, so firing and retries go through
// the ordinary scheduler and dispatcher.
type Subscriber struct {
	ID         string // also the recipient uid: "sub-" + hash of reminder, channel and address
	TenantID   string
	ReminderID string
	Channel    string // ChannelEmail, ChannelWeChat or ChannelWebPush
	Address    string // e-mail address, WeChat openid or PushSubscription JSON
	State      string
	Token      string // secret of the confirm and unsubscribe links (128 random bits, hex)
	Name       string // what the channel says they are called (a WeChat nickname); "" when it says nothing
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// SubscriberID returns the id (and recipient uid) of the subscription of
// address to a reminder on a channel: the same person subscribing again
// gets the same id, and two reminders' subscriptions never share a recipient.
func SubscriberID(reminderID, channel, address string) string {
	h := sha256.Sum256([]byte(reminderID + "\x00" + channel + "\x00" + address))
	return "sub-" + hex.EncodeToString(h[:16])
}

// SubscriberRecipient is the recipient a confirmed subscriber becomes.
func SubscriberRecipient(sb Subscriber, at time.Time) Recipient {
	rc := Recipient{TenantID: sb.TenantID, UID: sb.ID, Name: sb.Name, CreatedAt: at, UpdatedAt: at}
	switch sb.Channel {
	case ChannelEmail:
		rc.Email = sb.Address
	case ChannelWeChat:
		rc.WeChatOpenID = sb.Address
	case ChannelWebPush:
		rc.WebPush = true // the subscription stays the subscriber's address
	}
	return rc
}
