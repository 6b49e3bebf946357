package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// Audience lists and removes a reminder's subscribers (the subscription
// store of internal/web); nil in Config means the dashboard shows none.
type Audience interface {
	ListSubscribers(ctx context.Context, tenantID, reminderID string) ([]store.Subscriber, error)
	GetSubscriber(ctx context.Context, tenantID, id string) (store.Subscriber, error)
	Unsubscribe(ctx context.Context, token string, at time.Time) (store.Subscriber, error)
}

// subscriberRow is one subscriber as the reminder's page shows it.
type subscriberRow struct {
	ID, Name, Channel, State, Since string
}

// audienceView is the subscribers of a reminder, with counts per channel.
type audienceView struct {
	Rows   []subscriberRow
	Counts []channelCount
	Left   int // unsubscribed, kept as history
}

type channelCount struct {
	Channel string
	Count   int
}

// audience reads the reminder's subscribers for its page.
func (d *Dashboard) audience(ctx context.Context, s session, rem remind.Reminder) (*audienceView, error) {
	if d.cfg.Audience == nil {
		return nil, nil
	}
	subs, err := d.cfg.Audience.ListSubscribers(ctx, s.Tenant.ID, rem.ID)
	if err != nil {
		return nil, err
	}
	v := &audienceView{}
	counts := map[string]int{}
	for _, sb := range subs {
		if sb.State == store.SubscriberUnsubscribed {
			v.Left++
			continue
		}
		v.Rows = append(v.Rows, subscriberRow{ID: sb.ID, Name: subscriberName(sb), Channel: channelName(sb.Channel), State: sb.State,
			Since: d.in(&sb.UpdatedAt, rem.TZ)})
		if sb.State == store.SubscriberConfirmed {
			counts[sb.Channel]++
		}
	}
	for _, c := range []string{remind.ChannelEmail, remind.ChannelWeChat, remind.ChannelWebPush} {
		if counts[c] > 0 {
			v.Counts = append(v.Counts, channelCount{Channel: channelName(c), Count: counts[c]})
		}
	}
	return v, nil
}

// subscriberName names a subscriber for the owner: by the name the channel
// gave (a WeChat nickname, from signing in inside WeChat's browser); else
// the e-mail address; a WeChat follower who scanned the code by the end of
// their openid (a scan tells the server no name); a browser by its push
// service.
func subscriberName(sb store.Subscriber) string {
	if sb.Name != "" {
		return sb.Name
	}
	switch sb.Channel {
	case remind.ChannelEmail:
		return sb.Address
	case remind.ChannelWeChat:
		id := sb.Address
		if len(id) > 6 {
			id = "…" + id[len(id)-6:]
		}
		return "WeChat follower " + id
	case remind.ChannelWebPush:
		var sub struct {
			Endpoint string `json:"endpoint"`
		}
		if json.Unmarshal([]byte(sb.Address), &sub) == nil {
			if u, err := url.Parse(sub.Endpoint); err == nil {
				return browserOf(u.Hostname())
			}
		}
		return "A browser"
	}
	return sb.ID
}

// browserOf names the browser family behind a push service's host.
func browserOf(host string) string {
	switch {
	case host == "fcm.googleapis.com" || strings.HasSuffix(host, ".googleapis.com"):
		return "Chrome, Edge or another Chromium browser"
	case strings.HasSuffix(host, "mozilla.com"):
		return "Firefox"
	case strings.HasSuffix(host, "push.apple.com"):
		return "Safari (Mac, iPhone or iPad)"
	case strings.HasSuffix(host, "notify.windows.com"):
		return "Edge on Windows"
	case host != "":
		return "A browser (" + host + ")"
	}
	return "A browser"
}

// removeSubscriber ends a subscription on the owner's word: the same as
// the subscriber's own unsubscribe link.
func (d *Dashboard) removeSubscriber(w http.ResponseWriter, r *http.Request, s session) error {
	if d.cfg.Audience == nil {
		return remind.NotFound("subscriber")
	}
	rem, err := d.svc.GetReminder(r.Context(), s.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	sb, err := d.cfg.Audience.GetSubscriber(r.Context(), s.Tenant.ID, r.PathValue("sub"))
	if errors.Is(err, remind.ErrNotFound) || err == nil && sb.ReminderID != rem.ID {
		return remind.NotFound("subscriber")
	}
	if err != nil {
		return err
	}
	if sb.State != store.SubscriberUnsubscribed {
		if _, err := d.cfg.Audience.Unsubscribe(r.Context(), sb.Token, d.svc.Now()); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/dashboard/reminders/"+rem.ID+"#audience", http.StatusSeeOther)
	return nil
}
