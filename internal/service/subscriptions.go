package service

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// SubscriptionStore is what the subscribe use cases need of the store: the
// drivers' subscription methods (storetest.RunSubscriptions proves them).
type SubscriptionStore interface {
	CreateSubscribeLink(ctx context.Context, l remind.SubscribeLink) (remind.SubscribeLink, error)
	SubscribeLinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error)
	SubscribeLinkByToken(ctx context.Context, token string) (remind.SubscribeLink, error)
	PutSubscriber(ctx context.Context, sb remind.Subscriber) (remind.Subscriber, error)
	GetSubscriber(ctx context.Context, tenantID, id string) (remind.Subscriber, error)
	SubscriberByToken(ctx context.Context, token string) (remind.Subscriber, error)
	ConfirmSubscriber(ctx context.Context, token string, at time.Time) (remind.Subscriber, error)
	Unsubscribe(ctx context.Context, token string, at time.Time) (remind.Subscriber, error)
	SubscribeLinkByReminder(ctx context.Context, reminderID string) (remind.SubscribeLink, error)
	SetWeChatTicket(ctx context.Context, token, ticket string, expireAt time.Time) error
	CalendarFeedOf(ctx context.Context, f store.CalendarFeed) (store.CalendarFeed, error)
	CalendarFeedByToken(ctx context.Context, token string) (store.CalendarFeed, error)
}

// ReminderReader reads one reminder.
type ReminderReader interface {
	GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error)
}

// Confirmer sends a pending e-mail subscriber the mail whose link confirms
// the subscription (double opt-in). The pages implement it: the mail is
// theirs to word.
type Confirmer interface {
	SendConfirmation(ctx context.Context, sb remind.Subscriber, r remind.Reminder) error
}

// ErrEmailOff is returned by SubscribeEmail when the server sends no mail.
var ErrEmailOff = errors.New("service: e-mail subscriptions are not set up")

// ErrConfirmationNotSent wraps the mailer's error when the confirmation
// mail could not be sent; the subscriber stays pending and may ask again.
var ErrConfirmationNotSent = errors.New("service: the confirmation mail could not be sent")

// ResendAfter is how long a pending e-mail subscriber waits before another
// confirmation mail goes out, so the form cannot flood a mailbox.
const ResendAfter = time.Minute

// EmailOutcome says what SubscribeEmail did.
type EmailOutcome int

const (
	// ConfirmationSent: the address is pending and a confirmation mail went out.
	ConfirmationSent EmailOutcome = iota
	// ConfirmationPending: a mail went out less than ResendAfter ago; none was sent now.
	ConfirmationPending
	// AlreadySubscribed: the address is confirmed already; nothing changed.
	AlreadySubscribed
)

// Subscriptions holds the use cases of people subscribing to a reminder
// through its public link, without an API token: e-mail (double opt-in),
// WeChat (scanning the code is the consent) and Web Push subscriptions,
// confirming and unsubscribing.
type Subscriptions struct {
	store     SubscriptionStore
	reminders ReminderReader
	mail      Confirmer // nil: no e-mail subscriptions
	now       func() time.Time
	notice    Notice // nil: nobody is told
}

// Notice hears of every subscriber who joined or left (confirmed or
// unsubscribed), after it is written: Service.NoticeSubscription tells the
// owner when the reminder asks for it.
type Notice func(ctx context.Context, sb remind.Subscriber)

// OnChange sets who hears of subscribers joining and leaving.
func (s *Subscriptions) OnChange(n Notice) { s.notice = n }

// changed tells the notice of sb, when the write succeeded.
func (s *Subscriptions) changed(ctx context.Context, sb remind.Subscriber, err error) {
	if err == nil && s.notice != nil {
		s.notice(ctx, sb)
	}
}

// NewSubscriptions returns the subscribe use cases; mail may be nil (no
// e-mail subscriptions).
func NewSubscriptions(st SubscriptionStore, reminders ReminderReader, mail Confirmer, now func() time.Time) *Subscriptions {
	return &Subscriptions{store: st, reminders: reminders, mail: mail, now: now}
}

// EmailOn reports whether e-mail subscriptions are set up.
func (s *Subscriptions) EmailOn() bool { return s.mail != nil }

// LinkOf returns a reminder's subscribe link, making one (a new 128-bit
// token) the first time; two callers at once get the same link.
func (s *Subscriptions) LinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error) {
	l, err := s.store.SubscribeLinkOf(ctx, tenantID, reminderID)
	if errors.Is(err, remind.ErrNotFound) {
		l, err = s.store.CreateSubscribeLink(ctx, remind.SubscribeLink{Token: remind.NewToken(16), TenantID: tenantID, ReminderID: reminderID, CreatedAt: s.now()})
	}
	if err != nil {
		return l, fmt.Errorf("service: subscribe link: %w", err)
	}
	return l, nil
}

// ErrCancelled is a subscribe link whose reminder was cancelled: its pages
// answer 410 Gone, saying so, and its images are gone.
var ErrCancelled = &remind.Error{Code: remind.CodeNotFound, Message: "this reminder was cancelled"}

// ErrOver is a reminder with nothing left to fire: it takes no subscriptions.
var ErrOver = &remind.Error{Code: remind.CodeConflict, Message: "this reminder has nothing left to fire and takes no subscriptions"}

// Link resolves a subscribe token to its link and reminder. A token that is
// not one and a link that does not exist are remind.ErrNotFound; a
// cancelled reminder is ErrCancelled, returned with the reminder (to name
// it).
func (s *Subscriptions) Link(ctx context.Context, token string) (remind.SubscribeLink, remind.Reminder, error) {
	if !remind.IsID(token) {
		return remind.SubscribeLink{}, remind.Reminder{}, remind.NotFound("subscribe link")
	}
	l, err := s.store.SubscribeLinkByToken(ctx, token)
	if err != nil {
		return l, remind.Reminder{}, err
	}
	r, err := s.reminders.GetReminder(ctx, l.TenantID, l.ReminderID)
	if err == nil && r.Status == remind.StatusCancelled {
		err = ErrCancelled
	}
	return l, r, err
}

// Subscribable is Link for the actions that subscribe: a reminder with
// nothing left to fire is ErrOver.
func (s *Subscriptions) Subscribable(ctx context.Context, token string) (remind.SubscribeLink, remind.Reminder, error) {
	l, r, err := s.Link(ctx, token)
	if err == nil && (r.Status != remind.StatusActive || r.NextFireAt == nil) {
		err = ErrOver
	}
	return l, r, err
}

// SubscribeEmail subscribes address to the reminder of a subscribe link,
// pending until the link in the confirmation mail is followed. It fails
// with ErrEmailOff when no mail is sent, an invalid-argument error on
// "email" for a bad address, remind.ErrNotFound for a bad link, and
// ErrConfirmationNotSent when the mail could not go out.
func (s *Subscriptions) SubscribeEmail(ctx context.Context, token, address string) (remind.Subscriber, remind.Reminder, EmailOutcome, error) {
	if s.mail == nil {
		return remind.Subscriber{}, remind.Reminder{}, 0, ErrEmailOff
	}
	l, rem, err := s.Subscribable(ctx, token)
	if err != nil {
		return remind.Subscriber{}, rem, 0, err
	}
	addr, err := checkSubscriberAddress(address)
	if err != nil {
		return remind.Subscriber{}, rem, 0, err
	}
	now := s.now()
	id := remind.SubscriberID(l.ReminderID, remind.ChannelEmail, addr)
	old, err := s.store.GetSubscriber(ctx, l.TenantID, id)
	switch {
	case err == nil && old.State == remind.SubscriberConfirmed:
		return old, rem, AlreadySubscribed, nil
	case err == nil && old.State == remind.SubscriberPending && now.Sub(old.UpdatedAt) < ResendAfter:
		return old, rem, ConfirmationPending, nil
	case err != nil && !errors.Is(err, remind.ErrNotFound):
		return remind.Subscriber{}, rem, 0, fmt.Errorf("service: subscribe e-mail: %w", err)
	}
	sb, err := s.store.PutSubscriber(ctx, remind.Subscriber{ID: id, TenantID: l.TenantID, ReminderID: l.ReminderID, Channel: remind.ChannelEmail,
		Address: addr, State: remind.SubscriberPending, Token: remind.NewToken(16), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return sb, rem, 0, fmt.Errorf("service: subscribe e-mail: %w", err)
	}
	if err := s.mail.SendConfirmation(ctx, sb, rem); err != nil {
		return sb, rem, 0, fmt.Errorf("%w: %w", ErrConfirmationNotSent, err)
	}
	return sb, rem, ConfirmationSent, nil
}

// checkSubscriberAddress accepts a bare e-mail address of at most 254 bytes.
func checkSubscriberAddress(v string) (string, error) {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	if v == "" || err != nil || a.Address != v || len(v) > 254 {
		return "", remind.Invalid("email", "must be an e-mail address like name@example.com")
	}
	return v, nil
}

// SubscribeConfirmed subscribes address on channel (WeChat openid, Web
// Push subscription) to the reminder of l, confirmed at once: scanning the
// code or allowing notifications is the consent. key makes the
// subscriber's id (the openid, the push endpoint), so subscribing again
// changes nothing. name is what the channel calls them ("" when it says
// nothing: a WeChat scan; a WeChat sign-in gives the nickname).
func (s *Subscriptions) SubscribeConfirmed(ctx context.Context, l remind.SubscribeLink, channel, key, address, name string) (remind.Subscriber, error) {
	now := s.now()
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) > 64 {
		name = string([]rune(name)[:64])
	}
	sb, err := s.store.PutSubscriber(ctx, remind.Subscriber{ID: remind.SubscriberID(l.ReminderID, channel, key), TenantID: l.TenantID,
		ReminderID: l.ReminderID, Channel: channel, Address: address, Name: name, State: remind.SubscriberPending,
		Token: remind.NewToken(16), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return sb, fmt.Errorf("service: subscribe %s: %w", channel, err)
	}
	sb, err = s.store.ConfirmSubscriber(ctx, sb.Token, now)
	s.changed(ctx, sb, err)
	return sb, err
}

// Confirm confirms the subscriber whose confirmation token this is, and
// returns it with its reminder (zero when it cannot be read). A token that
// is not one is remind.ErrNotFound.
func (s *Subscriptions) Confirm(ctx context.Context, token string) (remind.Subscriber, remind.Reminder, error) {
	if !remind.IsID(token) {
		return remind.Subscriber{}, remind.Reminder{}, remind.NotFound("subscription")
	}
	sb, err := s.store.ConfirmSubscriber(ctx, token, s.now())
	if err != nil {
		return sb, remind.Reminder{}, err
	}
	s.changed(ctx, sb, nil)
	return sb, s.reminderOf(ctx, sb), nil
}

// Subscriber returns the subscriber of an unsubscribe token with its
// reminder (zero when it cannot be read), changing nothing.
func (s *Subscriptions) Subscriber(ctx context.Context, token string) (remind.Subscriber, remind.Reminder, error) {
	if !remind.IsID(token) {
		return remind.Subscriber{}, remind.Reminder{}, remind.NotFound("subscription")
	}
	sb, err := s.store.SubscriberByToken(ctx, token)
	if err != nil {
		return sb, remind.Reminder{}, err
	}
	return sb, s.reminderOf(ctx, sb), nil
}

// Unsubscribe ends the subscription of an unsubscribe token; doing it
// twice is not an error.
func (s *Subscriptions) Unsubscribe(ctx context.Context, token string) (remind.Subscriber, error) {
	if !remind.IsID(token) {
		return remind.Subscriber{}, remind.NotFound("subscription")
	}
	sb, err := s.store.Unsubscribe(ctx, token, s.now())
	s.changed(ctx, sb, err)
	return sb, err
}

// UnsubscribeKey ends the subscription of key (a push endpoint) on channel
// to the reminder of l; one that does not exist is remind.ErrNotFound.
func (s *Subscriptions) UnsubscribeKey(ctx context.Context, l remind.SubscribeLink, channel, key string) (remind.Subscriber, error) {
	sb, err := s.store.GetSubscriber(ctx, l.TenantID, remind.SubscriberID(l.ReminderID, channel, key))
	if err == nil {
		sb, err = s.store.Unsubscribe(ctx, sb.Token, s.now())
		s.changed(ctx, sb, err)
	}
	if errors.Is(err, remind.ErrNotFound) {
		return sb, remind.NotFound("subscription")
	}
	return sb, err
}

func (s *Subscriptions) reminderOf(ctx context.Context, sb remind.Subscriber) remind.Reminder {
	r, err := s.reminders.GetReminder(ctx, sb.TenantID, sb.ReminderID)
	if err != nil {
		return remind.Reminder{}
	}
	return r
}

// PosterLink returns the subscribe link of a reminder found by its id alone
// (a shared poster's URL carries only that).
func (s *Subscriptions) PosterLink(ctx context.Context, reminderID string) (remind.SubscribeLink, error) {
	return s.store.SubscribeLinkByReminder(ctx, reminderID)
}

// ExistingLinkOf returns a reminder's subscribe link, remind.ErrNotFound
// when it has none (LinkOf makes one).
func (s *Subscriptions) ExistingLinkOf(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error) {
	return s.store.SubscribeLinkOf(ctx, tenantID, reminderID)
}

// KeepWeChatTicket records the WeChat QR ticket made for a link, valid
// until expireAt.
func (s *Subscriptions) KeepWeChatTicket(ctx context.Context, token, ticket string, expireAt time.Time) error {
	return s.store.SetWeChatTicket(ctx, token, ticket, expireAt)
}

// ErrUnsubscribed is a delivery to a subscriber who has left (or never
// confirmed): it must not go out.
var ErrUnsubscribed = errors.New("the subscriber has unsubscribed")

// ConfirmedSubscriber returns the subscriber a delivery goes to while they
// are subscribed, and ErrUnsubscribed once they are not.
func (s *Subscriptions) ConfirmedSubscriber(ctx context.Context, tenantID, id string) (remind.Subscriber, error) {
	sb, err := s.store.GetSubscriber(ctx, tenantID, id)
	if errors.Is(err, remind.ErrNotFound) || err == nil && sb.State != remind.SubscriberConfirmed {
		return sb, ErrUnsubscribed
	}
	return sb, err
}

// RecipientFeed returns a recipient's calendar feed, making its secret
// token the first time.
func (s *Subscriptions) RecipientFeed(ctx context.Context, tenantID, uid string) (store.CalendarFeed, error) {
	f, err := s.store.CalendarFeedOf(ctx, store.CalendarFeed{Token: remind.NewToken(16), TenantID: tenantID, UID: uid, CreatedAt: s.now()})
	if err != nil {
		return f, fmt.Errorf("service: calendar feed: %w", err)
	}
	return f, nil
}

// FeedByToken returns the calendar feed a secret token opens.
func (s *Subscriptions) FeedByToken(ctx context.Context, token string) (store.CalendarFeed, error) {
	if !remind.IsID(token) {
		return store.CalendarFeed{}, remind.NotFound("calendar feed")
	}
	return s.store.CalendarFeedByToken(ctx, token)
}
