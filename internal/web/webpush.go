package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"slices"

	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/httpjson"
	"github.com/raasdev/raas/internal/remind"
)

// Web Push subscriptions: the subscribe page's script (assets/webpush.js)
// registers the service worker /sw.js, subscribes the browser with the
// server's VAPID public key and posts the PushSubscription here. Allowing
// notifications in the browser is the consent, so the subscriber is
// confirmed at once, as a WeChat scan is.

func (w *Web) registerWebPush(mux *http.ServeMux) {
	mux.HandleFunc("GET /sw.js", w.serviceWorker)
	mux.HandleFunc("GET /webpush/key", w.webPushKey)
	mux.HandleFunc("POST /s/{token}/webpush", w.subscribeWebPush)
	mux.HandleFunc("POST /s/{token}/webpush/unsubscribe", w.unsubscribeWebPush)
}

// webPushOn reports whether a reminder can be sent by web push here: the
// server has VAPID keys and the reminder's channels allow it.
func (w *Web) webPushOn(rem remind.Reminder) bool {
	return w.cfg.VAPIDPublicKey != "" && (len(rem.Channels) == 0 || slices.Contains(rem.Channels, remind.ChannelWebPush))
}

// serviceWorker serves assets/sw.js at the root, so its scope is the whole site.
func (w *Web) serviceWorker(rw http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(assetFS, "assets/sw.js")
	if err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-cache") // browsers look for updates
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = rw.Write(b)
}

func (w *Web) webPushKey(rw http.ResponseWriter, r *http.Request) {
	if w.cfg.VAPIDPublicKey == "" {
		httpjson.WriteError(rw, r, w.cfg.Log, errWebPushOff)
		return
	}
	httpjson.WriteJSON(rw, http.StatusOK, map[string]string{"public_key": w.cfg.VAPIDPublicKey})
}

var errWebPushOff = &remind.Error{Code: remind.CodeNotFound, Message: "web push is not set up on this server"}

func (w *Web) subscribeWebPush(rw http.ResponseWriter, r *http.Request) {
	if w.cfg.VAPIDPublicKey == "" {
		httpjson.WriteError(rw, r, w.cfg.Log, errWebPushOff)
		return
	}
	l, rem, err := w.uc.Subscribable(r.Context(), r.PathValue("token"))
	if err != nil {
		httpjson.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	if !w.webPushOn(rem) {
		httpjson.WriteError(rw, r, w.cfg.Log, &remind.Error{Code: remind.CodeConflict, Message: "this reminder is not sent by web push"})
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, webpush.MaxSubscriptionBytes))
	if err != nil {
		httpjson.WriteError(rw, r, w.cfg.Log, remind.Invalid("subscription", "is larger than %d bytes", webpush.MaxSubscriptionBytes))
		return
	}
	sub, err := webpush.ParseSubscription(raw, w.cfg.AllowHTTPPush)
	if err != nil {
		httpjson.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	// One subscriber per endpoint and reminder: subscribing the same
	// browser again changes nothing.
	sb, err := w.uc.SubscribeConfirmed(r.Context(), l, remind.ChannelWebPush, sub.Endpoint, sub.JSON(), "")
	if err != nil {
		httpjson.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	httpjson.WriteJSON(rw, http.StatusOK, map[string]any{"subscribed": true, "unsubscribe_url": w.unsubscribeURL(sb)})
}

// unsubscribeWebPush ends the subscription of an endpoint (the body is
// {"endpoint": …}, or the whole PushSubscription).
func (w *Web) unsubscribeWebPush(rw http.ResponseWriter, r *http.Request) {
	l, _, err := w.uc.Link(r.Context(), r.PathValue("token"))
	if err != nil {
		httpjson.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	var in struct {
		Endpoint string `json:"endpoint"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, webpush.MaxSubscriptionBytes)).Decode(&in); err != nil || in.Endpoint == "" {
		httpjson.WriteError(rw, r, w.cfg.Log, remind.Invalid("endpoint", "give the subscription's endpoint: {\"endpoint\": \"https://…\"}"))
		return
	}
	if _, err := w.uc.UnsubscribeKey(r.Context(), l, remind.ChannelWebPush, in.Endpoint); err != nil {
		httpjson.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	httpjson.WriteJSON(rw, http.StatusOK, map[string]any{"unsubscribed": true})
}

// ReminderPageURL implements webpush.Links: the subscribe page of the
// delivery's reminder, which a click on its notification opens when the
// reminder has no external_url.
func (w *Web) ReminderPageURL(ctx context.Context, d remind.Delivery) (string, error) {
	l, err := w.uc.ExistingLinkOf(ctx, d.TenantID, d.ReminderID)
	if errors.Is(err, remind.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("web: subscribe link: %w", err)
	}
	return w.PageURL(l), nil
}
