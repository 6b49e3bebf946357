package dashboard

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// answeredRE finds the status in "webhook answered 503".
var answeredRE = regexp.MustCompile(`answered (\d{3})\b`)

// cause is a delivery failure in plain words: what went wrong and what to
// do about it. Key groups failures of the same cause.
type cause struct {
	Key, Title, Fix string
}

// explain turns a delivery's channel, last error and status code into a
// cause. The error strings are the channels' own (internal/channel/*,
// internal/deliver); what no rule knows is shown as the channel said it.
func explain(channel, err string, code int) cause {
	e := strings.ToLower(err)
	if m := answeredRE.FindStringSubmatch(e); code == 0 && m != nil {
		code, _ = strconv.Atoi(m[1])
	}
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(e, x) {
				return true
			}
		}
		return false
	}
	switch {
	case has("no sender for channel"):
		switch channel {
		case "email":
			return cause{"unconfigured-email", "E-mail is not set up on this server", "Start the server with --smtp-host (and --smtp-from), or send on another channel."}
		case "sms":
			return cause{"unconfigured-sms", "SMS is not set up on this server", "Start the server with an SMS provider (--sms-provider and its keys), or send on another channel."}
		case "wechat":
			return cause{"unconfigured-wechat", "WeChat is not set up on this server", "Start the server with --wechat-app-id, --wechat-secret and --wechat-template-id, or send on another channel."}
		case "webpush":
			return cause{"unconfigured-webpush", "Browser push is not set up on this server", "Start the server with --vapid-public-key and --vapid-private-key (raas vapid makes a pair), or send on another channel."}
		}
		return cause{"unconfigured-" + channel, "The " + channel + " channel is not set up on this server", "Configure it when starting the server, or send on another channel."}
	case has("dingtalk: errcode 300001", "dingtalk: errcode 300005", "dingtalk: errcode 400013", "dingtalk: errcode 400101",
		"feishu: code 19001", "feishu: code 19002", "wecom: errcode 93000", "wecom: errcode 93004"):
		return cause{"robot-token-" + channel, "The " + channelName(channel) + " robot's address is no longer valid",
			"The robot was removed from its group or its token changed: copy the webhook from the group's robot settings again and save it on the recipient. Other channels are not affected."}
	case has("dingtalk: errcode 310000", "feishu: code 19021", "feishu: code 19022", "feishu: code 19024"):
		return cause{"robot-security-" + channel, "The " + channelName(channel) + " robot refused the message under its security settings",
			"Check the robot's security settings: the signing secret saved here must be the robot's, a keyword rule needs the keyword in the title, an IP rule must allow this server."}
	case has("unsubscribed"):
		return cause{"unsubscribed", "The subscriber has unsubscribed", "Nothing to do: they asked not to get it any more."}
	case has("recipient was deleted"):
		return cause{"recipient-deleted", "The recipient was deleted", "Add the recipient again, or take them off the reminder."}
	case has("webhook endpoint was deleted", "webhook endpoint is disabled"):
		return cause{"webhook-gone", "The webhook endpoint was deleted or disabled", "Nothing to do unless you want it back: add it again under Webhooks."}
	case has("has no webhook_url"), has("no address"), has("has no phone number"):
		return cause{"no-address-" + channel, "The recipient has no address for " + channelName(channel), "Add one under Recipients, or send on another channel."}
	case code == 404 || code == 410 || has("answered 410", "answered 404", "endpoint disabled"):
		if channel == "webpush" {
			return cause{"push-gone", "The browser's push subscription has expired", "Nothing to do: the subscriber removed it or the browser dropped it; they can subscribe again."}
		}
		return cause{"endpoint-gone", fmt.Sprintf("The endpoint answered %d: it is gone", code), "Fix the URL, or remove the webhook or the recipient's webhook_url."}
	case code == 401 || code == 403:
		return cause{"refused", fmt.Sprintf("The endpoint refused the request (%d)", code), "Check that the receiver verifies signatures with the secret this server gave it."}
	case code >= 500 && code < 600:
		return cause{"server-error", fmt.Sprintf("The endpoint is failing (HTTP %d)", code), "The receiving server has a problem; it will be retried. Check its logs."}
	case code == 429:
		return cause{"throttled", "The endpoint asked to slow down (429)", "It will be retried later; raise the receiver's limits if it keeps happening."}
	case has("redirect", "register the final url"):
		return cause{"redirect", "The endpoint redirects", "Register the final URL the redirect points to."}
	case has("private", "loopback", "not allowed", "blocked address"):
		return cause{"private-target", "The address is on a private network", "This server does not send to private addresses unless started with --allow-private-targets."}
	case has("timeout", "deadline exceeded"):
		return cause{"timeout", "The receiver took too long to answer", "It will be retried. Make the receiver answer quickly and do slow work afterwards."}
	case has("connection refused", "no such host", "network is unreachable", "dial tcp"):
		return cause{"unreachable", "The receiver could not be reached", "Check the address, and that the receiver is up and reachable from this server."}
	case has("smtp", "550", "553", "mailbox"):
		return cause{"smtp", "The mail server refused the message", "Check the address, and the SMTP settings (--smtp-host, --smtp-from, credentials)."}
	case has("rate limit") && channel != "sms":
		return cause{"throttled-" + channel, "The " + channelName(channel) + " platform asked to slow down", "It is retried after the platform's window; send fewer messages to one group at once if it keeps happening."}
	case has("rate limit"):
		return cause{"sms-rate", "Too many messages to one phone", "The server's SMS limit kept this one back; nothing to do."}
	case has("missed"), err == "" && code == 0:
		return cause{"missed", "It fell due while the server was down", "Nothing to do now; keep the server running (or several instances on PostgreSQL)."}
	}
	return cause{"other-" + channel, "Delivery by " + channelName(channel) + " failed", ""}
}

// channelName is a channel as people call it.
func channelName(ch string) string {
	switch ch {
	case "email":
		return "e-mail"
	case "sms":
		return "SMS"
	case "wechat":
		return "WeChat"
	case "webpush":
		return "browser push"
	case "inbox":
		return "in-app inbox"
	case "dingtalk":
		return "DingTalk"
	case "feishu":
		return "Feishu"
	case "wecom":
		return "WeCom"
	}
	return ch
}

// statusLabel is the status code of an attempt as its protocol calls it:
// an SMTP reply for e-mail, an HTTP status for the rest; "" for none.
func statusLabel(channel string, code int) string {
	switch {
	case code == 0:
		return ""
	case channel == "email":
		return fmt.Sprintf("SMTP %d", code)
	case channel == "wechat" || channel == "sms":
		return fmt.Sprintf("code %d", code)
	}
	return fmt.Sprintf("HTTP %d", code)
}

// times is "1 time", "3 times".
func times(n int) string {
	if n == 1 {
		return "1 time"
	}
	return fmt.Sprintf("%d times", n)
}
