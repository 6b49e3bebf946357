package app

import (
	"net/http/httptest"
	"testing"
)

// TestStaticAssetsAreNotLimited: health checks and the pages' embedded
// assets are never charged to a budget; everything else is.
func TestStaticAssetsAreNotLimited(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		exempt       bool
	}{
		{"GET", "/healthz", true},
		{"GET", "/metrics", true},
		{"GET", "/dashboard/assets/dashboard.css", true},
		{"HEAD", "/s-assets/subscribe.js", true},
		{"POST", "/dashboard/assets/x", false},
		{"GET", "/dashboard", false},
		{"GET", "/s/0123456789abcdef0123456789abcdef", false},
		{"GET", "/s/0123456789abcdef0123456789abcdef/qr.png", false},
		{"GET", "/v1/reminders", false},
	} {
		if got := exemptFromLimit(httptest.NewRequest(tc.method, tc.path, nil)); got != tc.exempt {
			t.Errorf("%s %s exempt = %v, want %v", tc.method, tc.path, got, tc.exempt)
		}
	}
}
