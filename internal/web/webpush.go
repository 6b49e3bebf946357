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

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/channel/webpush"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
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
		api.WriteError(rw, r, w.cfg.Log, errWebPushOff)
		return
	}
	api.WriteJSON(rw, http.StatusOK, map[string]string{"public_key": w.cfg.VAPIDPublicKey})
}

var errWebPushOff = &remind.Error{Code: remind.CodeNotFound, Message: "web push is not set up on this server"}

func (w *Web) subscribeWebPush(rw http.ResponseWriter, r *http.Request) {
	if w.cfg.VAPIDPublicKey == "" {
		api.WriteError(rw, r, w.cfg.Log, errWebPushOff)
		return
	}
	l, rem, err := w.subscribable(r.Context(), r.PathValue("token"))
	if err != nil {
		api.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	if !w.webPushOn(rem) {
		api.WriteError(rw, r, w.cfg.Log, &remind.Error{Code: remind.CodeConflict, Message: "this reminder is not sent by web push"})
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, webpush.MaxSubscriptionBytes))
	if err != nil {
		api.WriteError(rw, r, w.cfg.Log, remind.Invalid("subscription", "is larger than %d bytes", webpush.MaxSubscriptionBytes))
		return
	}
	sub, err := webpush.ParseSubscription(raw, w.cfg.AllowHTTPPush)
	if err != nil {
		api.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	sb, err := w.webPushSubscribe(r.Context(), l, sub)
	if err != nil {
		api.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	api.WriteJSON(rw, http.StatusOK, map[string]any{"subscribed": true, "unsubscribe_url": w.unsubscribeURL(sb)})
}

// webPushSubscribe puts and confirms the subscriber of a subscription: one
// per endpoint and reminder, so subscribing the same browser again changes
// nothing.
func (w *Web) webPushSubscribe(ctx context.Context, l store.SubscribeLink, sub webpush.Subscription) (store.Subscriber, error) {
	now := w.cfg.Now()
	sb, err := w.subs.PutSubscriber(ctx, store.Subscriber{ID: store.SubscriberID(l.ReminderID, remind.ChannelWebPush, sub.Endpoint), TenantID: l.TenantID,
		ReminderID: l.ReminderID, Channel: remind.ChannelWebPush, Address: sub.JSON(), State: store.SubscriberPending,
		Token: remind.NewToken(16), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return sb, fmt.Errorf("web: web push subscriber: %w", err)
	}
	return w.subs.ConfirmSubscriber(ctx, sb.Token, now)
}

// unsubscribeWebPush ends the subscription of an endpoint (the body is
// {"endpoint": …}, or the whole PushSubscription).
func (w *Web) unsubscribeWebPush(rw http.ResponseWriter, r *http.Request) {
	l, _, err := w.linkReminder(r.Context(), r.PathValue("token"))
	if err != nil {
		api.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	var in struct {
		Endpoint string `json:"endpoint"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, webpush.MaxSubscriptionBytes)).Decode(&in); err != nil || in.Endpoint == "" {
		api.WriteError(rw, r, w.cfg.Log, remind.Invalid("endpoint", "give the subscription's endpoint: {\"endpoint\": \"https://…\"}"))
		return
	}
	sb, err := w.subs.GetSubscriber(r.Context(), l.TenantID, store.SubscriberID(l.ReminderID, remind.ChannelWebPush, in.Endpoint))
	if err == nil {
		_, err = w.subs.Unsubscribe(r.Context(), sb.Token, w.cfg.Now())
	}
	if err != nil {
		if errors.Is(err, remind.ErrNotFound) {
			err = remind.NotFound("subscription")
		}
		api.WriteError(rw, r, w.cfg.Log, err)
		return
	}
	api.WriteJSON(rw, http.StatusOK, map[string]any{"unsubscribed": true})
}

// ReminderPageURL implements webpush.Links: the subscribe page of the
// delivery's reminder, which a click on its notification opens when the
// reminder has no external_url.
func (w *Web) ReminderPageURL(ctx context.Context, d remind.Delivery) (string, error) {
	l, err := w.subs.SubscribeLinkOf(ctx, d.TenantID, d.ReminderID)
	if errors.Is(err, remind.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("web: subscribe link: %w", err)
	}
	return w.PageURL(l), nil
}
