package app

import "testing"

// The request log never shows a personal link's token.
func TestLogPathHidesPersonalTokens(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/me/t1.YWxpY2U.0.mac", "/me/…"},
		{"/me/t1.YWxpY2U.0.mac/items/abc/confirm", "/me/…/items/abc/confirm"},
		{"/v1/reminders", "/v1/reminders"},
		{"/media/x", "/media/x"},
	} {
		if got := logPath(tc.in); got != tc.want {
			t.Errorf("logPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
