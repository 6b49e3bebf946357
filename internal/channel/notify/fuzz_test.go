package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/channel/notify"
	"github.com/raasdev/raas/internal/netguard"
)

// FuzzCheck: a tenant's notify URL never panics the check, a refusal is a
// URLError that does not quote the URL, and what passes names a service
// RaaS offers.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"ntfy://ntfy.sh/topic", "gotify://g.example.com/Aabcdefghijklmn", "generic+https://h.example/x?a=b",
		"slack://hook:AAAAAAAAA-BBBBBBBBB-123456789123456789123456@webhook", "telegram://1:a@telegram?chats=@c", "bark://:k@b.example/",
		"matrix://u:p@m.example/?rooms=!r:m.example", "pushover://shoutrrr:tok@user/", "teams://a@b/c/d?host=x.webhook.office.com",
		"ntfy://127.0.0.1/x", "ntfy://[::1]/x", "discord://t@1", "smtp://x", "ntfy://%zz", "://", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := notify.Check(context.Background(), raw, netguard.Policy{})
		if err == nil {
			if !strings.Contains(strings.Join(notify.Services, " "), notify.Scheme(raw)) {
				t.Fatalf("accepted %q of service %q", raw, notify.Scheme(raw))
			}
			return
		}
		var ue *netguard.URLError
		if !errors.As(err, &ue) {
			t.Fatalf("Check(%q) = %T %v, want a URLError", raw, err, err)
		}
		if len(raw) > 12 && strings.Contains(err.Error(), raw) {
			t.Fatalf("Check(%q) quotes the URL: %v", raw, err)
		}
	})
}
