package remind

import (
	"fmt"
	"slices"
	"time"
)

// NobodyReached is the warning given when a firing would be sent nowhere.
const NobodyReached = "nobody will be reached: add a recipient, a webhook or the owner's e-mail"

// maxRecipientWarnings bounds the warnings about single recipients; the
// rest are counted in one more sentence.
const maxRecipientWarnings = 10

// Reach says whom the firing of r at fireAt would reach, planned by Plan
// itself so the two cannot disagree: the number of deliveries (recipient ×
// channel pairs and enabled tenant webhooks) on channels the server has
// (configured; nil means every channel), and plain sentences about what
// will not be sent or not at once.
func Reach(r Reminder, fireAt time.Time, recips map[string]Recipient, hooks []Webhook, configured func(channel string) bool) (int, []string) {
	if configured == nil {
		configured = func(string) bool { return true }
	}
	var warnings []string
	warn := func(format string, args ...any) {
		if w := fmt.Sprintf(format, args...); !slices.Contains(warnings, w) {
			warnings = append(warnings, w)
		}
	}
	for _, ch := range r.Channels {
		if !configured(ch) {
			warn("channel %s is not configured on this server", ch)
		}
	}
	ds := Plan(r, fireAt, recips, hooks, fireAt, FirePolicy{})
	// Counted: the firing's own deliveries (not an acknowledgement's
	// follow-ups), and the inbox only where it is asked for (named, or
	// the reminder names no channels): the inbox item every recipient
	// gets besides is their record of the firing, not a message.
	implicitInbox := len(r.Channels) > 0 && !slices.Contains(r.Channels, ChannelInbox)
	n := 0
	for _, d := range ds {
		if d.Step != StepFiring || (implicitInbox && d.Channel == ChannelInbox && d.Recipient != "") {
			continue
		}
		if configured(d.Channel) {
			n++
		} else {
			warn("channel %s is not configured on this server", d.Channel)
		}
	}
	if n == 0 {
		warnings = append([]string{NobodyReached}, warnings...)
	}
	var about []string // sentences about single recipients
	for _, uid := range FireRecipients(r, recips, hooks) {
		rc, known := recips[uid]
		if !known {
			rc = Recipient{UID: uid}
		}
		if rc.Muted {
			about = append(about, fmt.Sprintf("recipient %s is muted", uid))
			continue
		}
		for _, ch := range r.Channels {
			if KnownChannel(ch) && len(targets(rc, ch)) == 0 {
				about = append(about, fmt.Sprintf("recipient %s has no %s for channel %s", uid, addressName(ch), ch))
			}
		}
	}
	for _, d := range ds {
		if d.Recipient != "" && d.Step == StepFiring && d.DueAt.After(fireAt) && len(about) <= maxRecipientWarnings {
			s := fmt.Sprintf("recipient %s's quiet hours hold the next firing until %s", d.Recipient,
				d.DueAt.In(recipientZone(recips[d.Recipient], r.TZ)).Format("2006-01-02 15:04 MST"))
			if !slices.Contains(about, s) {
				about = append(about, s)
			}
		}
	}
	if len(about) > maxRecipientWarnings {
		more := len(about) - maxRecipientWarnings
		about = append(about[:maxRecipientWarnings], fmt.Sprintf("and %d more about single recipients", more))
	}
	return n, append(warnings, about...)
}

// addressName names what a recipient needs to be reached on channel.
func addressName(channel string) string {
	switch channel {
	case ChannelEmail:
		return "e-mail address"
	case ChannelSMS:
		return "phone"
	case ChannelWeChat:
		return "WeChat openid"
	case ChannelWebhook:
		return "webhook_url"
	case ChannelWebPush:
		return "Web Push subscription"
	case ChannelDingTalk:
		return "DingTalk robot"
	case ChannelFeishu:
		return "Feishu robot"
	case ChannelWeCom:
		return "WeCom robot"
	case ChannelNotify:
		return "notify URL"
	}
	return "address"
}
