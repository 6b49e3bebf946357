package dashboard

import (
	"testing"

	"github.com/raasdev/raas/internal/remind"
)

// The people page lists a recipient's robots and notify URLs among its channels.
func TestRecipientChannelsListsContacts(t *testing.T) {
	for _, tc := range []struct {
		rc   remind.Recipient
		want string
	}{
		{remind.Recipient{}, "in-app inbox"},
		{remind.Recipient{Email: "a@example.com"}, "e-mail, in-app inbox"},
		{remind.Recipient{Contacts: remind.Contacts{Feishu: &remind.Robot{Webhook: "https://f.example/h"}, Notify: []string{"ntfy://n.example/t"}}}, "Feishu, notify, in-app inbox"},
		{remind.Recipient{Contacts: remind.Contacts{DingTalk: &remind.Robot{}, WeCom: &remind.Robot{}}}, "DingTalk, WeCom, in-app inbox"},
	} {
		d := &Dashboard{} // no channel list: every channel counts as set up
		if got := d.recipientChannels(tc.rc); got != tc.want {
			t.Errorf("recipientChannels(%+v) = %q, want %q", tc.rc, got, tc.want)
		}
	}
}
