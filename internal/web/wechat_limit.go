package web

import (
	"net/http"

	"github.com/raasdev/raas/internal/ratelimit"
	"github.com/raasdev/raas/internal/remind"
)

// wechatBudget is the rate-limit key of signed WeChat callbacks: they come
// from WeChat's few servers carrying every subscriber's events, so they
// share one tenant-sized budget instead of their addresses' small
// anonymous one. Tenant ids are 32 hex digits, so it names no tenant.
const wechatBudget = "wechat-callback"

// wechatAllowed checks a callback's signature and charges its rate limit:
// signed callbacks to the WeChat budget, others to their address's. When
// it says no it has answered (403, or 429 over the budget).
func (w *Web) wechatAllowed(rw http.ResponseWriter, r *http.Request) bool {
	var authErr error
	if !w.wechatSigned(r) {
		authErr = &remind.Error{Code: remind.CodeForbidden, Message: "bad signature"}
	}
	switch err := ratelimit.Charge(r.Context(), wechatBudget, authErr); {
	case err == nil:
		return true
	case remind.CodeOf(err) == remind.CodeRateLimited:
		http.Error(rw, err.Error(), http.StatusTooManyRequests)
	default:
		http.Error(rw, "bad signature", http.StatusForbidden)
	}
	return false
}
