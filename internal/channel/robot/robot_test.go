package robot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/remind/remindtest"

	"github.com/raasdev/raas/internal/channel/robot"
	"github.com/raasdev/raas/internal/channel/robot/robottest"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/secretbox"
)

// Known answers computed outside Go (openssl dgst -sha256 -hmac, and
// Python's hmac), per the platforms' documents.
func TestSignKnownAnswers(t *testing.T) {
	const dsecret = "SEC8a2f9c1e3b7d4a6f0e5c9b2a1d8f7e6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e"
	if got, want := robot.DingTalkSign(dsecret, 1577262236757), "eCOigoWYYw9cULjMR1KVWbBI3DCMsLn52efkeGnC%2Fr4%3D"; got != want {
		t.Errorf("DingTalkSign = %s, want %s", got, want)
	}
	if got, want := robot.FeishuSign("feishu_secret_0123", 1599360473), "Q1FvhKP5kp2tSgnQujHctWQQ7zzhYkqT4/qJbzB7TKg="; got != want {
		t.Errorf("FeishuSign = %s, want %s", got, want)
	}
}

type recips map[string]remind.Recipient

func (r recips) GetRecipient(_ context.Context, _, uid string) (remind.Recipient, error) {
	rc, ok := r[uid]
	if !ok {
		return rc, remind.ErrNotFound
	}
	return rc, nil
}

var fireAt = time.Date(2030, 5, 6, 1, 30, 0, 0, time.UTC)

func delivery(t *testing.T, channel, title, desc string) remind.Delivery {
	t.Helper()
	r := remind.Reminder{ID: "r1", TenantID: "t", Title: title, Desc: desc, TZ: "Asia/Shanghai", Time: &fireAt,
		ExternalURL: "https://example.com/meeting", Recipients: []string{"team-chat"}, Channels: []string{channel}}
	rc := remind.Recipient{TenantID: "t", UID: "team-chat", Contacts: remind.Contacts{
		DingTalk: &remind.Robot{Webhook: "https://x.example/robot/send?access_token=a"},
		Feishu:   &remind.Robot{Webhook: "https://x.example/open-apis/bot/v2/hook/a"},
		WeCom:    &remind.Robot{Webhook: "https://x.example/cgi-bin/webhook/send?key=a"}}}
	ds := remindtest.NotInbox(remind.Plan(r, fireAt, map[string]remind.Recipient{"team-chat": rc}, nil, fireAt, remind.FirePolicy{Links: remindtest.Links}))
	if len(ds) != 1 {
		t.Fatalf("planned %d deliveries", len(ds))
	}
	return ds[0]
}

type platform struct {
	channel string
	fake    func(secret string) *robottest.Fake
	sender  func(recips, *secretbox.Box, func() time.Time) *robot.Sender
}

var client = netguard.Client(5*time.Second, true)

var platforms = []platform{
	{remind.ChannelDingTalk, func(s string) *robottest.Fake { return robottest.NewDingTalk("tok-d", s) },
		func(r recips, b *secretbox.Box, now func() time.Time) *robot.Sender {
			return robot.NewDingTalk(client, r, b, now, robot.Config{})
		}},
	{remind.ChannelFeishu, func(s string) *robottest.Fake { return robottest.NewFeishu("hook-f", s) },
		func(r recips, b *secretbox.Box, now func() time.Time) *robot.Sender {
			return robot.NewFeishu(client, r, b, now, robot.Config{})
		}},
	{remind.ChannelWeCom, func(string) *robottest.Fake { return robottest.NewWeCom("key-w") },
		func(r recips, b *secretbox.Box, now func() time.Time) *robot.Sender {
			return robot.NewWeCom(client, r, b, now, robot.Config{})
		}},
}

// setup starts p's fake and a sender to it for recipient team-chat, whose
// robot has secret (sealed; WeCom has none).
func setup(t *testing.T, p platform, secret string, now func() time.Time) (*robottest.Fake, *robot.Sender) {
	t.Helper()
	box, err := secretbox.New(secretbox.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	if p.channel == remind.ChannelWeCom {
		secret = ""
	}
	f := p.fake(secret)
	t.Cleanup(f.Close)
	f.Now = now
	sealed, _ := box.Seal(secret)
	rb := &remind.Robot{Webhook: f.Webhook(), SealedSecret: sealed}
	c := remind.Contacts{}
	switch p.channel {
	case remind.ChannelDingTalk:
		c.DingTalk = rb
	case remind.ChannelFeishu:
		c.Feishu = rb
	default:
		c.WeCom = rb
	}
	rs := recips{"team-chat": {TenantID: "t", UID: "team-chat", Contacts: c}}
	return f, p.sender(rs, box, now)
}

func TestSendSignedReadable(t *testing.T) {
	now := func() time.Time { return fireAt }
	for _, p := range platforms {
		for _, secret := range []string{"", "SECsecret-0123456789"} {
			t.Run(p.channel+"/secret="+secret, func(t *testing.T) {
				f, s := setup(t, p, secret, now)
				code, err := s.Send(context.Background(), delivery(t, p.channel, "周会 Weekly", "带上周报\nbring the report"))
				if err != nil || code != 200 {
					t.Fatalf("Send = %d, %v", code, err)
				}
				msgs := f.Msgs()
				if len(msgs) != 1 || !msgs[0].SignOK {
					t.Fatalf("fake took %+v", msgs)
				}
				b, _ := json.Marshal(msgs[0].Body)
				for _, want := range []string{"周会 Weekly", "2030-05-06 09:30 CST (Asia/Shanghai)", `带上周报\nbring the report`, "https://example.com/meeting"} {
					if !strings.Contains(string(b), want) {
						t.Errorf("message %s lacks %q", b, want)
					}
				}
				if strings.Contains(string(b), "SECsecret") {
					t.Errorf("message shows the secret: %s", b)
				}
			})
		}
	}
}

// A wrong secret is refused by the platform's signature check: a permanent
// failure, and the error holds neither the secret nor the token.
func TestWrongSecretIsPermanentAndRedacted(t *testing.T) {
	now := func() time.Time { return fireAt }
	for _, p := range platforms[:2] {
		t.Run(p.channel, func(t *testing.T) {
			box, _ := secretbox.New(secretbox.NewKey())
			f := p.fake("right-secret")
			defer f.Close()
			sealed, _ := box.Seal("wrong-secret")
			rb := &remind.Robot{Webhook: f.Webhook(), SealedSecret: sealed}
			c := remind.Contacts{DingTalk: rb}
			if p.channel == remind.ChannelFeishu {
				c = remind.Contacts{Feishu: rb}
			}
			s := p.sender(recips{"team-chat": {UID: "team-chat", Contacts: c}}, box, now)
			_, err := s.Send(context.Background(), delivery(t, p.channel, "x", ""))
			if !deliver.IsPermanent(err) {
				t.Fatalf("err = %v, want permanent", err)
			}
			for _, secret := range []string{"wrong-secret", "tok-d", "hook-f"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q shows %q", err, secret)
				}
			}
		})
	}
}

// Answer codes: success, the rate limit retried after the platform's
// window, busy retried, the rest permanent.
func TestAnswerCodes(t *testing.T) {
	type want struct {
		ok, permanent bool
		after         time.Duration
	}
	cases := map[string][]struct {
		code int
		want want
	}{
		remind.ChannelDingTalk: {{0, want{ok: true}}, {130101, want{after: robot.DingTalkThrottle}}, {410100, want{after: robot.DingTalkThrottle}},
			{-1, want{}}, {300001, want{permanent: true}}, {310000, want{permanent: true}}, {400013, want{permanent: true}}},
		remind.ChannelFeishu: {{0, want{ok: true}}, {11232, want{after: robot.FeishuThrottle}}, {19021, want{permanent: true}}, {19024, want{permanent: true}}},
		remind.ChannelWeCom:  {{0, want{ok: true}}, {45009, want{after: robot.WeComThrottle}}, {-1, want{}}, {93000, want{permanent: true}}},
	}
	for _, p := range platforms {
		for _, tc := range cases[p.channel] {
			f, s := setup(t, p, "sec", func() time.Time { return fireAt })
			f.Answer(tc.code)
			_, err := s.Send(context.Background(), delivery(t, p.channel, "x", ""))
			after, retryAfter := deliver.RetryAfterOf(err)
			got := want{ok: err == nil, permanent: deliver.IsPermanent(err), after: after}
			if !retryAfter {
				got.after = 0
			}
			if got != tc.want {
				t.Errorf("%s code %d: err %v → %+v, want %+v", p.channel, tc.code, err, got, tc.want)
			}
		}
	}
}

// The sender keeps to each platform's documented rate per robot: the
// 21st DingTalk message in a minute waits, without being sent, until the
// first leaves the window.
func TestHoldsBackToTheDocumentedRate(t *testing.T) {
	now := fireAt
	clock := func() time.Time { return now }
	f, s := setup(t, platforms[0], "sec", clock)
	d := delivery(t, remind.ChannelDingTalk, "x", "")
	for i := range 20 {
		now = fireAt.Add(time.Duration(i) * time.Second)
		if _, err := s.Send(context.Background(), d); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	now = fireAt.Add(30 * time.Second)
	_, err := s.Send(context.Background(), d)
	if after, ok := deliver.RetryAfterOf(err); !ok || after != 30*time.Second {
		t.Fatalf("21st send: %v (after %v), want a retry in 30s", err, after)
	}
	if n := len(f.Msgs()); n != 20 {
		t.Fatalf("fake took %d messages, want 20", n)
	}
	now = fireAt.Add(time.Minute)
	if _, err := s.Send(context.Background(), d); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestNoRobotOrRecipientIsPermanent(t *testing.T) {
	box, _ := secretbox.New(secretbox.NewKey())
	s := robot.NewWeCom(client, recips{"team-chat": {UID: "team-chat"}}, box, time.Now, robot.Config{})
	if _, err := s.Send(context.Background(), delivery(t, remind.ChannelWeCom, "x", "")); !deliver.IsPermanent(err) {
		t.Fatalf("no robot: %v", err)
	}
	s = robot.NewWeCom(client, recips{}, box, time.Now, robot.Config{})
	if _, err := s.Send(context.Background(), delivery(t, remind.ChannelWeCom, "x", "")); !deliver.IsPermanent(err) {
		t.Fatalf("no recipient: %v", err)
	}
	refuse := robot.Config{CheckURL: func(context.Context, string) error { return errors.New("points at 127.0.0.1") }}
	s = robot.NewWeCom(client, recips{"team-chat": {UID: "team-chat", Contacts: remind.Contacts{WeCom: &remind.Robot{Webhook: "http://127.0.0.1/x"}}}}, box, time.Now, refuse)
	if _, err := s.Send(context.Background(), delivery(t, remind.ChannelWeCom, "x", "")); !deliver.IsPermanent(err) {
		t.Fatalf("refused URL: %v", err)
	}
}

// Long text is cut at each platform's limit by characters, never inside
// one; WeCom's limit is in bytes and holds for Chinese text too.
func TestLongTextCutByCharacters(t *testing.T) {
	long := strings.Repeat("提醒事项", 3000) // 12,000 characters, 36,000 bytes
	for _, p := range platforms {
		f, s := setup(t, p, "", func() time.Time { return fireAt })
		if _, err := s.Send(context.Background(), delivery(t, p.channel, strings.Repeat("标题", 150), long)); err != nil {
			t.Fatalf("%s: %v", p.channel, err)
		}
		b := f.Msgs()[0].Body
		var text string
		switch p.channel {
		case remind.ChannelDingTalk:
			text = b["markdown"].(map[string]any)["text"].(string)
			if n := utf8.RuneCountInString(text); n > robot.DingTalkMaxText+200 {
				t.Errorf("dingtalk text is %d characters", n)
			}
		case remind.ChannelFeishu:
			raw, _ := json.Marshal(b)
			if len(raw) > 30<<10 {
				t.Errorf("feishu card is %d bytes", len(raw))
			}
			text = string(raw)
		case remind.ChannelWeCom:
			text = b["markdown"].(map[string]any)["content"].(string)
			if len(text) > robot.WeComMaxBytes {
				t.Errorf("wecom content is %d bytes", len(text))
			}
		}
		if !utf8.ValidString(text) || !strings.Contains(text, "…") {
			t.Errorf("%s: text not cut cleanly", p.channel)
		}
	}
}

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		s            string
		chars, bytes int
		want         string
	}{
		{"hello", 5, 0, "hello"},
		{"hello!", 5, 0, "hell…"},
		{"你好世界", 3, 0, "你好…"},
		{"你好世界", 0, 9, "你好…"},
		{"你好世界", 0, 8, "你…"},
		{"你好世界", 0, 12, "你好世界"},
		{"ab", 1, 0, "…"},
	} {
		if got := robot.Cut(tc.s, tc.chars, tc.bytes); got != tc.want {
			t.Errorf("Cut(%q, %d, %d) = %q, want %q", tc.s, tc.chars, tc.bytes, got, tc.want)
		}
	}
}

func FuzzCut(f *testing.F) {
	f.Add("提醒事项 reminder", 5, 10)
	f.Fuzz(func(t *testing.T, s string, chars, bytes int) {
		if !utf8.ValidString(s) || chars < 0 || bytes < 0 || (bytes > 0 && bytes < 3) {
			return
		}
		got := robot.Cut(s, chars, bytes)
		if !utf8.ValidString(got) {
			t.Fatalf("Cut split a character: %q", got)
		}
		if (chars > 0 && utf8.RuneCountInString(got) > chars) || (bytes > 0 && len(got) > bytes) {
			t.Fatalf("Cut(%q, %d, %d) = %q over the limit", s, chars, bytes, got)
		}
		if got != s && !strings.HasPrefix(s, strings.TrimSuffix(got, "…")) {
			t.Fatal("not a prefix")
		}
	})
}

// Every platform's message carries the recipient's action links: DingTalk
// and WeCom as markdown links, Feishu as card buttons; a long description
// is cut, never the links.
func TestActionLinksPerPlatform(t *testing.T) {
	want := remindtest.Links("t", "team-chat", 0, "item")
	for _, p := range platforms {
		for _, desc := range []string{"d", strings.Repeat("提醒事项", 3000)} {
			f, s := setup(t, p, "", func() time.Time { return fireAt })
			d := delivery(t, p.channel, "周会", desc)
			ev, _ := remind.DecodeEvent(d.Payload)
			if ev.Data.Links == nil {
				t.Fatalf("%s: the planned event has no links", p.channel)
			}
			*want = *ev.Data.Links
			if _, err := s.Send(context.Background(), d); err != nil {
				t.Fatalf("%s: %v", p.channel, err)
			}
			b := f.Msgs()[0].Body
			urls := []string{want.Confirm, want.Reject, want.Snooze10m, want.Snooze1h, want.SnoozeTomorrow, want.Page}
			switch p.channel {
			case remind.ChannelDingTalk, remind.ChannelWeCom:
				key := "text"
				if p.channel == remind.ChannelWeCom {
					key = "content"
				}
				text := b["markdown"].(map[string]any)[key].(string)
				if !strings.Contains(text, "[✅ 确认 Confirm]("+want.Confirm+")") {
					t.Errorf("%s: no confirm link in %q", p.channel, text[max(0, len(text)-600):])
				}
				for _, u := range urls {
					if !strings.Contains(text, "("+u+")") {
						t.Errorf("%s: no link to %s", p.channel, u)
					}
				}
			case remind.ChannelFeishu:
				got := map[string]string{}
				for _, el := range b["card"].(map[string]any)["elements"].([]any) {
					e := el.(map[string]any)
					if e["tag"] != "action" {
						continue
					}
					for _, a := range e["actions"].([]any) {
						btn := a.(map[string]any)
						got[btn["url"].(string)] = btn["text"].(map[string]any)["content"].(string)
					}
				}
				for _, u := range urls {
					if got[u] == "" {
						t.Errorf("feishu: no button to %s in %v", u, got)
					}
				}
				if got[want.Confirm] != "✅ 确认 Confirm" {
					t.Errorf("feishu: confirm button labelled %q", got[want.Confirm])
				}
			}
		}
	}
}
