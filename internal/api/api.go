// Package api is RaaS's v1 REST API: JSON over HTTP with bearer tokens. It
// decodes and checks requests, calls the service, and maps domain errors to
// HTTP answers in one place; it knows no SQL.
package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/ratelimit"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/zone"
)

// Handler serves /v1.
type Handler struct {
	svc *service.Service
	hub InboxFollower
	log *slog.Logger
}

// InboxFollower hears of new inbox items as they arrive, for the inbox's
// Server-Sent Events stream (the inbox channel's hub implements it).
type InboxFollower interface {
	// Follow returns a channel of new items for one inbox and a function
	// that stops following.
	Follow(tenantID, uid string) (<-chan remind.InboxItem, func())
}

// New returns the v1 API handler.
func New(svc *service.Service, hub InboxFollower, log *slog.Logger) *Handler {
	return &Handler{svc: svc, hub: hub, log: log}
}

type ctxKey struct{}

// TenantFrom returns the tenant authenticated for a request.
func TenantFrom(ctx context.Context) remind.Tenant {
	t, _ := ctx.Value(ctxKey{}).(remind.Tenant)
	return t
}

// WithTenant returns ctx carrying t.
func WithTenant(ctx context.Context, t remind.Tenant) context.Context {
	return context.WithValue(ctx, ctxKey{}, t)
}

// BearerToken returns the token of an "Authorization: Bearer …" header.
func BearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Register adds the v1 routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	route := func(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
		mux.Handle(pattern, h.auth(fn))
	}
	route("POST /v1/reminders", h.createReminder)
	route("POST /v1/reminders/batch", h.createBatch)
	route("GET /v1/reminders", h.listReminders)
	route("GET /v1/reminders/{id}", h.getReminder)
	route("PATCH /v1/reminders/{id}", h.patchReminder)
	route("POST /v1/reminders/{id}/cancel", h.cancelReminder)
	route("DELETE /v1/reminders/{id}", h.deleteReminder)
	route("GET /v1/reminders/{id}/deliveries", h.deliveries)
	route("PUT /v1/recipients/{uid}", h.putRecipient)
	route("GET /v1/recipients/{uid}", h.getRecipient)
	route("DELETE /v1/recipients/{uid}", h.deleteRecipient)
	route("POST /v1/recipients/{uid}/link", h.createLink) // personal.go
	route("DELETE /v1/recipients/{uid}/link", h.revokeLink)
	route("POST /v1/webhooks", h.createWebhook)
	route("GET /v1/webhooks", h.listWebhooks)
	route("GET /v1/webhooks/{id}", h.getWebhook)
	route("DELETE /v1/webhooks/{id}", h.deleteWebhook)
	route("GET /v1/inbox/{uid}", h.inbox)
	route("GET /v1/inbox/{uid}/stream", h.stream)
	route("POST /v1/inbox/{uid}/items/{id}/{action}", h.inboxAction)
	route("POST /v1/inbox/{uid}/items/{id}/snooze", h.snooze)
	route("GET /v1/tokens", h.listTokens)
	route("POST /v1/tokens", h.createToken)
	route("DELETE /v1/tokens/{id}", h.revokeToken)
	route("GET /v1/tenant", h.getTenant)
	route("PATCH /v1/tenant", h.patchTenant)
	route("POST /v1/parse", h.parse)
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, h.log, &remind.Error{Code: remind.CodeNotFound, Message: "no such endpoint: " + r.Method + " " + r.URL.Path})
	})
}

// auth authenticates the bearer token and runs fn, answering its error.
func (h *Handler) auth(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := h.svc.Authenticate(r.Context(), BearerToken(r))
		if err = ratelimit.Charge(r.Context(), t.ID, err); err != nil {
			if remind.CodeOf(err) == remind.CodeUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="raas"`)
			}
			WriteError(w, r, h.log, err)
			return
		}
		r = r.WithContext(WithTenant(r.Context(), t))
		if err := fn(w, r); err != nil {
			WriteError(w, r, h.log, err)
		}
	})
}

// ---- reminders

type reminderIn struct {
	Title       string            `json:"title"`
	Desc        string            `json:"desc"`
	Text        string            `json:"text"`
	Time        *Time             `json:"time"`
	RRule       string            `json:"rrule"`
	TZ          string            `json:"tz"`
	Start       *StartTime        `json:"start"`
	Defer       int               `json:"defer"`
	ExternalURL string            `json:"external_url"`
	Recipients  []string          `json:"recipients"`
	Channels    []string          `json:"channels"`
	Urgent      bool              `json:"urgent"`
	Ack         *AckJSON          `json:"ack"`
	Meta        map[string]string `json:"meta"`
}

// ReminderOut is a reminder as the v1 API shows it.
type ReminderOut struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Desc        string        `json:"desc"`
	Time        *time.Time    `json:"time"`
	RRule       string        `json:"rrule,omitempty"`
	TZ          string        `json:"tz"`
	Start       *time.Time    `json:"start,omitempty"`
	Defer       int           `json:"defer"`
	ExternalURL string        `json:"external_url,omitempty"`
	Recipients  []string      `json:"recipients"`
	Channels    []string      `json:"channels"`
	Urgent      bool          `json:"urgent,omitempty"`
	Ack         *AckJSON      `json:"ack,omitempty"`
	Status      remind.Status `json:"status"`
	// ScheduleText is the schedule in words, in the language the request's
	// Accept-Language prefers (Chinese or English; see internal/describe).
	ScheduleText string            `json:"schedule_text"`
	NextFireAt   *time.Time        `json:"next_fire_at"`
	FiredCount   int               `json:"fired_count"`
	Source       string            `json:"source"`
	Meta         map[string]string `json:"meta,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// ReminderAnswer is the answer to a create or update: the reminder, and
// whom its next firing would reach (service.Reach).
type ReminderAnswer struct {
	ReminderOut
	// Reaches counts the recipient × channel pairs and enabled webhooks
	// the next firing would be sent to.
	Reaches int `json:"reaches"`
	// Warnings say, in plain sentences, what will not be sent or not at once.
	Warnings []string `json:"warnings"`
}

// answer renders a created or updated reminder with its reach.
func (h *Handler) answer(req *http.Request, out ReminderOut, r remind.Reminder) (ReminderAnswer, error) {
	reach, err := h.svc.Reach(req.Context(), TenantFrom(req.Context()), r)
	if err != nil {
		return ReminderAnswer{}, err
	}
	return reachAnswer(out, reach), nil
}

func reachAnswer(out ReminderOut, reach service.Reach) ReminderAnswer {
	a := ReminderAnswer{ReminderOut: out, Reaches: reach.Count, Warnings: reach.Warnings}
	if a.Warnings == nil {
		a.Warnings = []string{}
	}
	return a
}

// reminderFor renders a reminder for the request, its schedule in the
// words of the caller's Accept-Language.
func reminderFor(req *http.Request, r remind.Reminder) ReminderOut {
	out := Reminder(r)
	out.ScheduleText = describe.Schedule(r, describe.Negotiate(req.Header.Get("Accept-Language")))
	return out
}

// Reminder renders a reminder for the v1 API, times in its own zone, its
// schedule in English words.
func Reminder(r remind.Reminder) ReminderOut {
	loc := zone.OrUTC(r.TZ)
	in := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := t.In(loc)
		return &v
	}
	out := ReminderOut{
		ID: r.ID, Title: r.Title, Desc: r.Desc, Time: in(r.Time), RRule: r.RRule, TZ: r.TZ, Defer: r.DeferMin,
		ExternalURL: r.ExternalURL, Recipients: r.Recipients, Channels: r.Channels, Urgent: r.Urgent, Ack: ackOut(r.Ack), Status: r.Status,
		NextFireAt: in(r.NextFireAt), FiredCount: r.FiredCount, Source: r.Source, Meta: r.Meta,
		CreatedAt: r.CreatedAt.In(loc), UpdatedAt: r.UpdatedAt.In(loc), ScheduleText: describe.Schedule(r, describe.EN),
	}
	if r.RRule != "" {
		out.Start = in(&r.Start)
	}
	if out.Recipients == nil {
		out.Recipients = []string{}
	}
	if out.Channels == nil {
		out.Channels = []string{}
	}
	return out
}

func timePtr(t *Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.Time
	return &v
}

func startPtr(t *StartTime) *time.Time {
	if t == nil {
		return nil
	}
	v := t.Time
	return &v
}

func (h *Handler) createReminder(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	var in reminderIn
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	if err := checkMeta(in.Meta); err != nil {
		return err
	}
	ack, err := ackIn(in.Ack)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	rem, replayed, err := h.svc.CreateReminder(r.Context(), TenantFrom(r.Context()), service.CreateInput{
		Title: in.Title, Desc: in.Desc, Text: in.Text, Time: timePtr(in.Time), RRule: in.RRule, TZ: in.TZ, Start: startPtr(in.Start),
		DeferMin: in.Defer, ExternalURL: in.ExternalURL, Recipients: in.Recipients, Channels: in.Channels, Ack: ack, Source: "v1", Meta: in.Meta,
		Urgent: in.Urgent, IdempotencyKey: r.Header.Get("Idempotency-Key"), BodyHash: hex.EncodeToString(sum[:]),
	})
	if err != nil {
		return err
	}
	ans, err := h.answer(r, reminderFor(r, rem), rem)
	if err != nil {
		return err
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/v1/reminders/"+rem.ID)
	w.Header().Set("ETag", rem.ETag())
	WriteJSON(w, http.StatusCreated, ans)
	return nil
}

func checkMeta(m map[string]string) error {
	if len(m) > 50 {
		return remind.Invalid("meta", "at most 50 keys")
	}
	for k, v := range m {
		if err := remind.CheckText("meta", k, 64); err != nil {
			return err
		}
		if err := remind.CheckText("meta", v, 1000); err != nil {
			return err
		}
	}
	return nil
}

type listOut struct {
	Data       []json.RawMessage `json:"data"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

func pageQuery(r *http.Request) (store.ListQuery, error) {
	q := store.ListQuery{After: r.URL.Query().Get("cursor"), Status: remind.Status(r.URL.Query().Get("status"))}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxPage {
			return q, remind.Invalid("limit", "must be a number from 1 to %d", store.MaxPage)
		}
		q.Limit = n
	}
	return q, nil
}

func (h *Handler) listReminders(w http.ResponseWriter, r *http.Request) error {
	q, err := pageQuery(r)
	if err != nil {
		return err
	}
	list, err := h.svc.ListReminders(r.Context(), TenantFrom(r.Context()), q)
	if err != nil {
		return err
	}
	// Each reminder is encoded on its own, so one that cannot be (a row
	// written before times were bounded) is logged and left out rather
	// than breaking every page it is on; the cursor still moves past it.
	out := listOut{Data: make([]json.RawMessage, 0, len(list))}
	for _, rem := range list {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(reminderFor(r, rem)); err != nil {
			RecordError(w, fmt.Errorf("api: list: reminder %s left out: %w", rem.ID, err))
			continue
		}
		out.Data = append(out.Data, bytes.TrimSpace(buf.Bytes()))
	}
	if len(list) == store.PageLimit(q.Limit) {
		out.NextCursor = list[len(list)-1].ID
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) getReminder(w http.ResponseWriter, r *http.Request) error {
	rem, err := h.svc.GetReminder(r.Context(), TenantFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", rem.ETag())
	WriteJSON(w, http.StatusOK, reminderFor(r, rem))
	return nil
}

type patchIn struct {
	Title       *string           `json:"title"`
	Desc        *string           `json:"desc"`
	Text        *string           `json:"text"`
	Time        *Time             `json:"time"`
	RRule       *string           `json:"rrule"`
	TZ          *string           `json:"tz"`
	Start       *StartTime        `json:"start"`
	Defer       *int              `json:"defer"`
	ExternalURL *string           `json:"external_url"`
	Recipients  *[]string         `json:"recipients"`
	Channels    *[]string         `json:"channels"`
	Urgent      *bool             `json:"urgent"`
	Ack         json.RawMessage   `json:"ack"`
	Meta        map[string]string `json:"meta"`
}

func (h *Handler) patchReminder(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	var in patchIn
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	if err := checkMeta(in.Meta); err != nil {
		return err
	}
	ack, removeAck, err := ackPatch(in.Ack)
	if err != nil {
		return err
	}
	rem, err := h.svc.UpdateReminder(r.Context(), TenantFrom(r.Context()), r.PathValue("id"), service.Patch{
		Title: in.Title, Desc: in.Desc, Text: in.Text, Time: timePtr(in.Time), RRule: in.RRule, TZ: in.TZ, Start: startPtr(in.Start),
		DeferMin: in.Defer, ExternalURL: in.ExternalURL, Recipients: in.Recipients, Channels: in.Channels, Ack: ack, RemoveAck: removeAck, Meta: in.Meta,
		Urgent: in.Urgent, IfMatch: r.Header.Get("If-Match"),
	})
	if err != nil {
		return err
	}
	ans, err := h.answer(r, reminderFor(r, rem), rem)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", rem.ETag())
	WriteJSON(w, http.StatusOK, ans)
	return nil
}

func (h *Handler) cancelReminder(w http.ResponseWriter, r *http.Request) error {
	rem, err := h.svc.CancelReminder(r.Context(), TenantFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, reminderFor(r, rem))
	return nil
}

func (h *Handler) deleteReminder(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.DeleteReminder(r.Context(), TenantFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type attemptOut struct {
	N          int       `json:"n"`
	At         time.Time `json:"at"`
	DurationMS float64   `json:"duration_ms"`
	Outcome    string    `json:"outcome"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
}

type deliveryOut struct {
	ID            string               `json:"id"`
	Occurrence    time.Time            `json:"occurrence"`
	DueAt         time.Time            `json:"due_at"`
	Recipient     string               `json:"recipient,omitempty"`
	Channel       string               `json:"channel"`
	Step          string               `json:"step,omitempty"`
	About         string               `json:"about,omitempty"`
	State         remind.DeliveryState `json:"state"`
	Late          bool                 `json:"late"`
	AttemptCount  int                  `json:"attempt_count"`
	NextAttemptAt *time.Time           `json:"next_attempt_at,omitempty"`
	LastError     string               `json:"last_error,omitempty"`
	FinishedAt    *time.Time           `json:"finished_at,omitempty"`
	Attempts      []attemptOut         `json:"attempts"`
}

func (h *Handler) deliveries(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.Deliveries(r.Context(), TenantFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	acks, err := h.svc.AckStates(r.Context(), TenantFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Data []deliveryOut `json:"data"`
		Acks []AckOut      `json:"acks"`
	}{Data: make([]deliveryOut, 0, len(list)), Acks: AcksByOccurrence(acks)}
	for _, d := range list {
		do := deliveryOut{ID: d.ID, Occurrence: d.Occurrence, DueAt: d.DueAt, Recipient: d.Recipient, Channel: d.Channel,
			Step: d.Step, About: d.About, State: d.State,
			Late: d.Late, AttemptCount: d.Delivery.Attempts, LastError: d.LastError, FinishedAt: d.FinishedAt, Attempts: []attemptOut{}}
		if d.State == remind.DeliveryPending {
			t := d.NextAttemptAt
			do.NextAttemptAt = &t
		}
		for _, a := range d.Attempts {
			do.Attempts = append(do.Attempts, attemptOut{N: a.N, At: a.At, DurationMS: float64(a.Duration.Microseconds()) / 1000, Outcome: a.Outcome, StatusCode: a.StatusCode, Error: a.Error})
		}
		out.Data = append(out.Data, do)
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

// ---- recipients

type recipientIn struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	WeChatOpenID string `json:"wechat_openid"`
	WebhookURL   string `json:"webhook_url"`
	Muted        bool   `json:"muted"`
	// The profile: replaced whole by a PUT, like the fields above.
	TZ                string   `json:"tz"`
	Lang              string   `json:"lang"`
	PreferredChannels []string `json:"preferred_channels"`
	QuietHours        string   `json:"quiet_hours"`
	Agenda            bool     `json:"agenda"`
	Digest            bool     `json:"digest"`
	// Contacts, when sent, replace the recipient's robots and notify URLs;
	// when left out, those stored are kept.
	Contacts *contactsIn `json:"contacts"`
}

type contactsIn struct {
	DingTalk *robotIn `json:"dingtalk"`
	Feishu   *robotIn `json:"feishu"`
	WeCom    *robotIn `json:"wecom"`
	Notify   []string `json:"notify"`
}

type robotIn struct {
	Webhook string `json:"webhook"`
	Secret  string `json:"secret"`
}

func (r *robotIn) input() *service.RobotInput {
	if r == nil {
		return nil
	}
	return &service.RobotInput{Webhook: r.Webhook, Secret: r.Secret}
}

func (in recipientIn) input() service.RecipientInput {
	out := service.RecipientInput{Name: in.Name, Email: in.Email, Phone: in.Phone, WeChatOpenID: in.WeChatOpenID, WebhookURL: in.WebhookURL, Muted: in.Muted,
		Profile: &remind.Profile{TZ: in.TZ, Lang: in.Lang, PreferredChannels: in.PreferredChannels, QuietHours: in.QuietHours, AgendaOptIn: in.Agenda, DigestOptIn: in.Digest}}
	if c := in.Contacts; c != nil {
		out.Contacts = &service.ContactsInput{DingTalk: c.DingTalk.input(), Feishu: c.Feishu.input(), WeCom: c.WeCom.input(), Notify: c.Notify}
	}
	return out
}

// contactsOut shows a recipient's contacts: secrets never, only "set".
type contactsOut struct {
	DingTalk *robotOut `json:"dingtalk,omitempty"`
	Feishu   *robotOut `json:"feishu,omitempty"`
	WeCom    *robotOut `json:"wecom,omitempty"`
	Notify   []string  `json:"notify,omitempty"`
	// WebPush is how many browsers the recipient turned notifications
	// on in (from their personal page); the subscriptions are not shown.
	WebPush int `json:"webpush,omitempty"`
}

type robotOut struct {
	Webhook string `json:"webhook"`
	Secret  string `json:"secret,omitempty"` // "set" or absent
}

func robotView(r *remind.Robot) *robotOut {
	if r == nil {
		return nil
	}
	out := &robotOut{Webhook: r.Webhook}
	if r.SealedSecret != "" {
		out.Secret = service.SecretSet
	}
	return out
}

func contactsView(c remind.Contacts) *contactsOut {
	if c.IsZero() {
		return nil
	}
	return &contactsOut{DingTalk: robotView(c.DingTalk), Feishu: robotView(c.Feishu), WeCom: robotView(c.WeCom), Notify: c.Notify, WebPush: len(c.WebPush)}
}

type recipientOut struct {
	UID           string       `json:"uid"`
	Name          string       `json:"name"`
	Email         string       `json:"email,omitempty"`
	Phone         string       `json:"phone,omitempty"`
	WeChatOpenID  string       `json:"wechat_openid,omitempty"`
	WebhookURL    string       `json:"webhook_url,omitempty"`
	WebhookSecret string       `json:"webhook_secret,omitempty"`
	Contacts      *contactsOut `json:"contacts,omitempty"`
	TZ            string       `json:"tz,omitempty"`
	Lang          string       `json:"lang,omitempty"`
	Preferred     []string     `json:"preferred_channels,omitempty"`
	QuietHours    string       `json:"quiet_hours,omitempty"`
	Agenda        bool         `json:"agenda"`
	Digest        bool         `json:"digest"`
	Muted         bool         `json:"muted"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
}

func recipient(rc remind.Recipient, withSecret bool) recipientOut {
	out := recipientOut{UID: rc.UID, Name: rc.Name, Email: rc.Email, Phone: rc.Phone, WeChatOpenID: rc.WeChatOpenID,
		WebhookURL: rc.WebhookURL, Contacts: contactsView(rc.Contacts), Muted: rc.Muted,
		TZ: rc.Profile.TZ, Lang: rc.Profile.Lang, Preferred: rc.Profile.PreferredChannels, QuietHours: rc.Profile.QuietHours,
		Agenda: rc.Profile.AgendaOptIn, Digest: rc.Profile.DigestOptIn, CreatedAt: rc.CreatedAt, UpdatedAt: rc.UpdatedAt}
	if withSecret {
		out.WebhookSecret = rc.WebhookSecret
	}
	return out
}

func (h *Handler) putRecipient(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	var in recipientIn
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	rc, err := h.svc.PutRecipient(r.Context(), TenantFrom(r.Context()), r.PathValue("uid"), in.input())
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, recipient(rc, true))
	return nil
}

func (h *Handler) getRecipient(w http.ResponseWriter, r *http.Request) error {
	rc, err := h.svc.GetRecipient(r.Context(), TenantFrom(r.Context()), r.PathValue("uid"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, recipient(rc, false))
	return nil
}

func (h *Handler) deleteRecipient(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.DeleteRecipient(r.Context(), TenantFrom(r.Context()), r.PathValue("uid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- webhooks

type webhookOut struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	var in struct {
		URL string `json:"url"`
	}
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	wh, err := h.svc.CreateWebhook(r.Context(), TenantFrom(r.Context()), in.URL)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, webhookOut{ID: wh.ID, URL: wh.URL, Secret: wh.Secret, Disabled: wh.Disabled, CreatedAt: wh.CreatedAt})
	return nil
}

func (h *Handler) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.ListWebhooks(r.Context(), TenantFrom(r.Context()))
	if err != nil {
		return err
	}
	out := struct {
		Data []webhookOut `json:"data"`
	}{Data: []webhookOut{}}
	for _, wh := range list {
		out.Data = append(out.Data, webhookOut{ID: wh.ID, URL: wh.URL, Disabled: wh.Disabled, CreatedAt: wh.CreatedAt})
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) getWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, err := h.svc.GetWebhook(r.Context(), TenantFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, webhookOut{ID: wh.ID, URL: wh.URL, Disabled: wh.Disabled, CreatedAt: wh.CreatedAt})
	return nil
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.DeleteWebhook(r.Context(), TenantFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- tenant

type tenantOut struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	AvatarURL   string `json:"avatar_url"`
	TZ          string `json:"tz"`
	DateHour    int    `json:"date_hour"`
}

func (h *Handler) getTenant(w http.ResponseWriter, r *http.Request) error {
	t := TenantFrom(r.Context())
	WriteJSON(w, http.StatusOK, tenantOut{t.Name, t.DisplayName, t.AvatarURL, t.TZ, t.DateHour})
	return nil
}

func (h *Handler) patchTenant(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	var in struct {
		DisplayName *string `json:"display_name"`
		AvatarURL   *string `json:"avatar_url"`
		TZ          *string `json:"tz"`
		DateHour    *int    `json:"date_hour"`
	}
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	t, err := h.svc.UpdateTenant(r.Context(), TenantFrom(r.Context()), service.TenantPatch(in))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, tenantOut{t.Name, t.DisplayName, t.AvatarURL, t.TZ, t.DateHour})
	return nil
}

// ---- parse

func (h *Handler) parse(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	var in struct {
		Text string   `json:"text"`
		Now  *NowTime `json:"now"`
		TZ   string   `json:"tz"`
	}
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	now := h.svc.Now()
	if in.Now != nil {
		now = in.Now.Time
	}
	sch, err := h.svc.Parse(TenantFrom(r.Context()), in.Text, in.TZ, now)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, sch)
	return nil
}
