package robot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/channel/msgtext"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
)

// Message limits, in characters (never splitting one) and, where the
// platform counts bytes, in UTF-8 bytes.
const (
	DingTalkMaxTitle = 64
	DingTalkMaxText  = 5000 // markdown text: the body must stay under 20,000 bytes
	FeishuMaxTitle   = 100
	FeishuMaxText    = 2000 // a card request may be at most 30 KB
	WeComMaxBytes    = 4096 // markdown content, in bytes
)

// Windows after which a robot that answered its rate-limit code is tried again.
const (
	DingTalkThrottle = 10 * time.Minute // "over 20 a minute: throttled for 10 minutes"
	FeishuThrottle   = time.Minute
	WeComThrottle    = time.Minute
)

// ---- DingTalk

type dingtalk struct{}

func (dingtalk) channel() string { return remind.ChannelDingTalk }
func (dingtalk) limits() []limit { return []limit{{20, time.Minute}} }

func (dingtalk) request(webhook, secret string, now time.Time, d remind.Delivery, ev remind.EventData) (string, []byte, error) {
	u := webhook
	if secret != "" {
		ts := now.UnixMilli()
		sep := "&"
		if !strings.Contains(u, "?") {
			sep = "?"
		}
		u += sep + "timestamp=" + strconv.FormatInt(ts, 10) + "&sign=" + DingTalkSign(secret, ts)
	}
	v := view(ev)
	title := Cut(v.title, DingTalkMaxTitle, 0)
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n**%s**\n\n", title, v.when)
	acts := v.actionsMarkdown()
	if v.desc != "" { // the links are kept whole: the description gives way
		b.WriteString(Cut(v.desc, max(DingTalkMaxText-utf8.RuneCountInString(acts), 100), 0) + "\n\n")
	}
	if v.link != "" {
		fmt.Fprintf(&b, "[打开 / Open](%s)\n", v.link)
	}
	if acts != "" {
		b.WriteString("\n" + acts + "\n")
	}
	body, err := json.Marshal(map[string]any{
		"msgtype":  "markdown",
		"msgUuid":  d.ID, // the platform drops a retried send it already took
		"markdown": map[string]string{"title": title, "text": b.String()},
	})
	return u, body, err
}

func (dingtalk) answer(a answer) error {
	code := codeOf(a.ErrCode)
	switch code {
	case 0:
		return nil
	case 130101, 410100: // send too fast
		return deliver.RetryAfter(fmt.Errorf("dingtalk: errcode %d (rate limit): %s", code, a.ErrMsg), DingTalkThrottle)
	case -1: // system busy
		return fmt.Errorf("dingtalk: errcode -1 (busy): %s", a.ErrMsg)
	}
	// 300001 token does not exist, 310000 sign/keyword/IP refused,
	// 400013 the group was dissolved, 400101 robot stopped…
	return deliver.Permanent(fmt.Errorf("dingtalk: errcode %d: %s", code, a.ErrMsg))
}

// ---- Feishu / Lark

type feishu struct{}

func (feishu) channel() string { return remind.ChannelFeishu }
func (feishu) limits() []limit { return []limit{{100, time.Minute}, {5, time.Second}} }

func (feishu) request(webhook, secret string, now time.Time, d remind.Delivery, ev remind.EventData) (string, []byte, error) {
	v := view(ev)
	elements := []any{
		map[string]any{"tag": "div", "text": map[string]string{"tag": "lark_md", "content": "**" + v.when + "**"}},
	}
	if v.desc != "" {
		elements = append(elements, map[string]any{"tag": "div", "text": map[string]string{"tag": "plain_text", "content": Cut(v.desc, FeishuMaxText, 0)}})
	}
	var buttons []any
	if v.link != "" {
		buttons = append(buttons, map[string]any{
			"tag": "button", "type": "primary", "url": v.link,
			"text": map[string]string{"tag": "plain_text", "content": "打开 / Open"},
		})
	}
	for i, a := range v.actions {
		kind := "default"
		if i == 0 && v.link == "" {
			kind = "primary"
		}
		buttons = append(buttons, map[string]any{
			"tag": "button", "type": kind, "url": a.URL,
			"text": map[string]string{"tag": "plain_text", "content": a.Label},
		})
	}
	if len(buttons) > 0 {
		elements = append(elements, map[string]any{"tag": "action", "actions": buttons})
	}
	msg := map[string]any{
		"msg_type": "interactive",
		"card": map[string]any{
			"config":   map[string]bool{"wide_screen_mode": true},
			"header":   map[string]any{"template": "blue", "title": map[string]string{"tag": "plain_text", "content": Cut(v.title, FeishuMaxTitle, 0)}},
			"elements": elements,
		},
	}
	if secret != "" {
		ts := now.Unix()
		msg["timestamp"] = strconv.FormatInt(ts, 10)
		msg["sign"] = FeishuSign(secret, ts)
	}
	body, err := json.Marshal(msg)
	return webhook, body, err
}

func (feishu) answer(a answer) error {
	code := codeOf(a.Code, a.StatusCode)
	msg := a.Msg
	switch code {
	case 0:
		return nil
	case 11232, 9499: // frequency limited / too many requests
		return deliver.RetryAfter(fmt.Errorf("feishu: code %d (rate limit): %s", code, msg), FeishuThrottle)
	}
	// 19021 sign match fail or timestamp expired, 19022 IP not allowed,
	// 19024 keyword missing, 19001 bad parameters…
	return deliver.Permanent(fmt.Errorf("feishu: code %d: %s", code, msg))
}

// ---- WeCom

type wecom struct{}

func (wecom) channel() string { return remind.ChannelWeCom }
func (wecom) limits() []limit { return []limit{{20, time.Minute}} }

func (wecom) request(webhook, _ string, _ time.Time, d remind.Delivery, ev remind.EventData) (string, []byte, error) {
	v := view(ev)
	head := fmt.Sprintf("### %s\n**%s**\n", Cut(v.title, 100, 0), v.when)
	tail := ""
	if v.link != "" {
		tail = fmt.Sprintf("\n[打开 / Open](%s)", v.link)
	}
	if acts := v.actionsMarkdown(); acts != "" {
		tail += "\n" + acts
	}
	room := WeComMaxBytes - len(head) - len(tail) - 1
	if room < 0 {
		return "", nil, errors.New("the message does not fit the platform's limit")
	}
	content := head
	if v.desc != "" {
		content += "\n" + Cut(v.desc, 0, room)
	}
	content += tail
	body, err := json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": content}})
	return webhook, body, err
}

func (wecom) answer(a answer) error {
	code := codeOf(a.ErrCode)
	switch code {
	case 0:
		return nil
	case 45009: // api freq out of limit
		return deliver.RetryAfter(fmt.Errorf("wecom: errcode 45009 (rate limit): %s", a.ErrMsg), WeComThrottle)
	case -1: // system busy
		return fmt.Errorf("wecom: errcode -1 (busy): %s", a.ErrMsg)
	}
	// 93000 invalid webhook URL (key), 40008 bad message type, 44004 empty…
	return deliver.Permanent(fmt.Errorf("wecom: errcode %d: %s", code, a.ErrMsg))
}

// Cut is msgtext.Cut.
func Cut(s string, maxChars, maxBytes int) string { return msgtext.Cut(s, maxChars, maxBytes) }

type msgView struct {
	title, when, desc, link string
	actions                 []msgtext.Action // confirm, reject, snooze, the recipient's page
}

func view(ev remind.EventData) msgView {
	v := msgtext.Of(ev)
	return msgView{title: v.Title, when: v.When, desc: v.Desc, link: v.Link, actions: v.Actions}
}

func (v msgView) actionsMarkdown() string { return msgtext.View{Actions: v.actions}.ActionsMarkdown() }
