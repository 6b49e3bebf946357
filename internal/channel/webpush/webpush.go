// Package webpush is the Web Push channel: reminder firings go to the
// browsers that subscribed to a reminder on its subscribe page, through
// their push services (RFC 8030), encrypted for each browser (RFC 8291,
// aes128gcm) and signed with the server's VAPID key (RFC 8292), by
// SherClockHolmes/webpush-go. The delivery Target is the subscriber's id
// (its recipient uid); the subscription itself is the subscriber's address.
package webpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	wp "github.com/SherClockHolmes/webpush-go"

	"github.com/raasdev/raas/internal/channel/msgtext"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
)

// DefaultTTL is how long a push service keeps a message for a browser that
// is offline: a reminder a day late is still worth showing, later is not.
const DefaultTTL = 24 * time.Hour

// Subscribers finds a delivery's subscriber and ends its subscription when
// the push service says it is gone.
type Subscribers interface {
	GetSubscriber(ctx context.Context, tenantID, id string) (remind.Subscriber, error)
	Unsubscribe(ctx context.Context, token string, at time.Time) (remind.Subscriber, error)
}

// Recipients finds the browsers a named recipient turned on from their
// personal page (remind.Contacts.WebPush) and forgets one when its push
// service says it is gone.
type Recipients interface {
	GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error)
	// DropPush removes the recipient's subscription whose endpoint has
	// the address key key (remind.AddressKey).
	DropPush(ctx context.Context, tenantID, uid, key string) error
}

// Links gives the pages a notification links to (see web.Web).
type Links interface {
	// UnsubscribeURL returns the one-click unsubscribe link of the
	// delivery's subscriber (a deliver.Permanent error once it has left).
	UnsubscribeURL(ctx context.Context, d remind.Delivery) (string, error)
	// ReminderPageURL returns the reminder's subscribe page, opened by a
	// click on a notification of a reminder without an external_url.
	ReminderPageURL(ctx context.Context, d remind.Delivery) (string, error)
}

// Config is the sender's identity towards push services.
type Config struct {
	Keys    VAPIDKeys
	Subject string        // contact in the VAPID JWT: "mailto:ops@example.com" or an https URL
	TTL     time.Duration // default DefaultTTL
}

// Message is the JSON a notification carries, read by the service worker
// (internal/web/assets/sw.js): it shows title and body, tags the
// notification with the delivery id so a repeated delivery replaces the
// one shown instead of adding another, and opens url when clicked.
type Message struct {
	Title          string `json:"title"`
	Body           string `json:"body"`
	URL            string `json:"url,omitempty"`
	DeliveryID     string `json:"delivery_id"`
	ReminderID     string `json:"reminder_id"`
	UnsubscribeURL string `json:"unsubscribe_url,omitempty"`
	// Actions are the notification's buttons (browsers show two): confirm
	// and snooze, each opening its link's page; url is then the
	// recipient's page unless the reminder has a link of its own.
	Actions []Action `json:"actions,omitempty"`
}

// Action is one notification button.
type Action struct {
	Action string `json:"action"` // "confirm", "snooze_10m"
	Title  string `json:"title"`
	URL    string `json:"url"`
}

// actions returns the buttons of a recipient's notification.
func actions(l *remind.Links) []Action {
	if l == nil {
		return nil
	}
	var out []Action
	for _, a := range []Action{{"confirm", "✅ 确认 Confirm", l.Confirm}, {"snooze_10m", "⏰ 10分钟后 10 min", l.Snooze10m}} {
		if a.URL != "" {
			out = append(out, a)
		}
	}
	return out
}

// Sender pushes deliveries to subscribed browsers.
type Sender struct {
	cfg    Config
	client *http.Client
	subs   Subscribers
	recips Recipients // nil: only subscribers get pushes
	links  Links
	now    func() time.Time
}

// WithRecipients lets s push to named recipients' browsers too.
func (s *Sender) WithRecipients(r Recipients) *Sender {
	s.recips = r
	return s
}

// NewSender returns a Sender posting through client (which should guard
// addresses; see netguard); links may be nil.
func NewSender(cfg Config, client *http.Client, subs Subscribers, links Links, now func() time.Time) *Sender {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	return &Sender{cfg: cfg, client: client, subs: subs, links: links, now: now}
}

// Send pushes one delivery. The push service's 201 (any 2xx) is success;
// 404 and 410 say the subscription is gone, so the subscriber is
// unsubscribed and the delivery fails for good; 429 and 5xx are retried
// (honouring Retry-After); any other answer fails for good, a redirect too
// (not followed; see netguard.Client), and so does an endpoint the address
// guard refuses.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	named := d.Target != d.Recipient // a named recipient's browser, by its address key
	var sb remind.Subscriber
	var sub Subscription
	var err error
	if named {
		sub, err = s.recipientSubscription(ctx, d)
	} else {
		sb, sub, err = s.subscription(ctx, d)
	}
	if err != nil {
		return 0, err
	}
	ev, err := remind.DecodeEvent(d.Payload)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("webpush: payload: %w", err))
	}
	msg := Message{Title: clip(ev.Data.Title, 200), Body: body(ev.Data), URL: ev.Data.ExternalURL, DeliveryID: d.ID, ReminderID: d.ReminderID,
		Actions: actions(ev.Data.Links)}
	if msg.URL == "" && ev.Data.Links != nil {
		msg.URL = ev.Data.Links.Page
	}
	if msg.Title == "" {
		msg.Title = "提醒 / Reminder"
	}
	if s.links != nil {
		if !named { // a named recipient turns a browser off on their page
			if msg.UnsubscribeURL, err = s.links.UnsubscribeURL(ctx, d); err != nil {
				return 0, err
			}
		}
		if msg.URL == "" {
			if msg.URL, err = s.links.ReminderPageURL(ctx, d); err != nil {
				return 0, err
			}
		}
	}
	payload, err := fit(msg)
	if err != nil {
		return 0, deliver.Permanent(err)
	}
	resp, err := wp.SendNotificationWithContext(ctx, payload, &wp.Subscription{Endpoint: sub.Endpoint, Keys: wp.Keys{P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth}}, &wp.Options{
		HTTPClient:      s.client,
		Subscriber:      libSubject(s.cfg.Subject),
		Topic:           topic(d.ID), // a retry replaces the copy a push service still holds
		TTL:             int(s.cfg.TTL / time.Second),
		Urgency:         wp.UrgencyHigh, // reminders are due now
		VAPIDPublicKey:  s.cfg.Keys.Public,
		VAPIDPrivateKey: s.cfg.Keys.Private,
	})
	if errors.Is(err, wp.ErrMaxPadExceeded) || errors.Is(err, netguard.ErrForbidden) {
		// A refused address stays refused: no retries for RetryFor.
		return 0, deliver.Permanent(fmt.Errorf("webpush: %w", err))
	}
	if err != nil {
		return 0, fmt.Errorf("webpush: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return code, nil
	case (code == http.StatusNotFound || code == http.StatusGone) && named:
		if err := s.recips.DropPush(ctx, d.TenantID, d.Recipient, d.Target); err != nil {
			return code, fmt.Errorf("webpush: push service answered %d, and forgetting the browser failed: %w", code, err)
		}
		return code, deliver.Gone(fmt.Errorf("webpush: push service answered %d: the browser's subscription is gone and was removed from the recipient", code))
	case code == http.StatusNotFound || code == http.StatusGone:
		if _, err := s.subs.Unsubscribe(ctx, sb.Token, s.now()); err != nil {
			return code, fmt.Errorf("webpush: push service answered %d, and unsubscribing failed: %w", code, err)
		}
		return code, deliver.Gone(fmt.Errorf("webpush: push service answered %d: the subscription is gone, subscriber unsubscribed", code))
	case code == http.StatusTooManyRequests || code >= 500:
		err := fmt.Errorf("webpush: push service answered %d", code)
		if secs, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && secs > 0 {
			return code, deliver.RetryAfter(err, time.Duration(secs)*time.Second)
		}
		return code, err
	}
	if r := netguard.Redirect(resp); r != "" {
		return code, deliver.Permanent(fmt.Errorf("webpush: push service answered %s", r))
	}
	return code, deliver.Permanent(fmt.Errorf("webpush: push service answered %d", code))
}

// recipientSubscription returns the subscription of the named
// recipient's browser the delivery targets (by its endpoint's address key).
func (s *Sender) recipientSubscription(ctx context.Context, d remind.Delivery) (Subscription, error) {
	if s.recips == nil {
		return Subscription{}, deliver.Permanent(errors.New("webpush: no subscriber"))
	}
	rc, err := s.recips.GetRecipient(ctx, d.TenantID, d.Recipient)
	if errors.Is(err, remind.ErrNotFound) {
		return Subscription{}, deliver.Permanent(errors.New("webpush: recipient was deleted"))
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("webpush: %w", err)
	}
	for _, raw := range rc.Contacts.WebPush {
		if remind.AddressKey(remind.PushEndpoint(raw)) == d.Target {
			sub, err := ParseSubscription([]byte(raw), true) // checked when stored; the dial-time guard checks again
			if err != nil {
				return sub, deliver.Permanent(fmt.Errorf("webpush: stored subscription: %w", err))
			}
			return sub, nil
		}
	}
	return Subscription{}, deliver.Permanent(errors.New("webpush: the recipient turned this browser off"))
}

// subscription returns the confirmed web push subscriber the delivery
// targets and its subscription.
func (s *Sender) subscription(ctx context.Context, d remind.Delivery) (remind.Subscriber, Subscription, error) {
	if d.Target == "" {
		return remind.Subscriber{}, Subscription{}, deliver.Permanent(errors.New("webpush: no subscriber"))
	}
	sb, err := s.subs.GetSubscriber(ctx, d.TenantID, d.Target)
	if errors.Is(err, remind.ErrNotFound) {
		return sb, Subscription{}, deliver.Permanent(errors.New("webpush: the recipient is no web push subscriber"))
	}
	if err != nil {
		return sb, Subscription{}, fmt.Errorf("webpush: %w", err)
	}
	if sb.Channel != remind.ChannelWebPush {
		return sb, Subscription{}, deliver.Permanent(fmt.Errorf("webpush: the recipient subscribed by %s, not web push", sb.Channel))
	}
	if sb.State != remind.SubscriberConfirmed {
		return sb, Subscription{}, deliver.Permanent(errors.New("webpush: the subscriber has unsubscribed"))
	}
	// The address was checked when it was stored; any address and http
	// are allowed here so that what the subscribe page accepted (see its
	// allowPrivate) can be sent: the client's dial-time guard checks again.
	sub, err := ParseSubscription([]byte(sb.Address), true)
	if err != nil {
		return sb, sub, deliver.Permanent(fmt.Errorf("webpush: stored subscription: %w", err))
	}
	return sb, sub, nil
}

// maxPayload is the most a message may hold: webpush-go pads to one
// 4096-byte record, less the 86-byte header, the 16-byte tag and the
// delimiter.
const maxPayload = 4096 - 86 - 16 - 1

// fit returns msg as JSON no longer than maxPayload, shortening the body
// and then leaving out the links when it is longer.
func fit(msg Message) ([]byte, error) {
	for i := 0; ; i++ {
		b, err := json.Marshal(msg)
		if err != nil || len(b) <= maxPayload {
			return b, err
		}
		switch i {
		case 0:
			msg.Body = clip(msg.Body, 200)
		case 1:
			msg.UnsubscribeURL = ""
		case 2:
			msg.URL = ""
		case 3:
			msg.Actions = nil
		default:
			return nil, fmt.Errorf("webpush: message of %d bytes does not fit in a push message", len(b))
		}
	}
}

// body is the notification text: the occurrence in the recipient's zone
// (else the reminder's), then the description.
func body(ev remind.EventData) string {
	loc := msgtext.Zone(ev)
	b := ev.Occurrence.In(loc).Format("2006-01-02 15:04")
	if ev.Desc != "" {
		b += "\n" + clip(ev.Desc, 1000)
	}
	return b
}

// clip shortens s to at most n runes: a push message holds about 3,900
// bytes once encrypted and padded.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// topic returns a Topic header value (at most 32 base64url characters)
// for a delivery id.
func topic(id string) string {
	var b strings.Builder
	for _, c := range id {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteRune(c)
		}
		if b.Len() == 32 {
			break
		}
	}
	return b.String()
}

// libSubject adapts a VAPID subject to webpush-go, which puts "mailto:"
// before anything that does not start with "https:".
func libSubject(s string) string {
	return strings.TrimPrefix(s, "mailto:")
}
