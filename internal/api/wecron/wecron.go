// Package wecron serves the WeCron-compatible API ("提醒即服务"): an
// existing WeCron client changes only the host name.
//
//	POST   /reminds/api/                 create (Authorization: Token <token>)
//	GET    /reminds/api/{id}/            read, owner only
//	DELETE /reminds/api/{id}/            delete, owner only (204)
//	GET    /reminds/api/{id}/share_post/ the poster PNG, public
//
// Bodies are JSON (or a form, as Django REST framework also took) with
// time (Unix ms), title, desc, defer (minutes) and external_url; fields it
// does not know are ignored, as WeCron's serializer ignored them. Without
// time, the time and any recurrence are read from desc, then title. Answers
// carry exactly the documented fields.
//
// Errors follow Django REST framework's shape, with the field and RaaS's
// error code added: {"detail": "time: must be …", "field": "time",
// "code": "invalid_argument"}: 400 for invalid parameters or when no time
// is found, 401 for a missing or unknown token (with WWW-Authenticate:
// Token), 404 for another tenant's or an unknown reminder.
//
// The poster is public, as a poster is meant to be shared: its URL holds
// the reminder id, of which 80 bits are random, and only reminders that have
// a subscribe link (made by this API) have one.
package wecron

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/ratelimit"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
)

// Links are the subscribe links, QR codes and posters (internal/web).
type Links interface {
	Link(ctx context.Context, tenantID, reminderID string) (remind.SubscribeLink, error)
	QRCodeURL(ctx context.Context, l remind.SubscribeLink) (string, error)
	// ServePoster answers the GET of a reminder's poster (with ETag and
	// Cache-Control, 304 when the client has it); it returns an error,
	// having written nothing, when there is none.
	ServePoster(ctx context.Context, w http.ResponseWriter, r *http.Request, reminderID string) error
}

// Handler serves the WeCron API.
type Handler struct {
	svc       *service.Service
	links     Links
	publicURL string
	log       *slog.Logger
}

// New returns the handler; publicURL is the base of post_url.
func New(svc *service.Service, links Links, publicURL string, log *slog.Logger) *Handler {
	return &Handler{svc: svc, links: links, publicURL: strings.TrimRight(publicURL, "/"), log: log}
}

// Register adds the routes to mux (with and without the trailing slash).
func (h *Handler) Register(mux *http.ServeMux) {
	for _, p := range []string{"/reminds/api/{$}", "/reminds/api"} {
		mux.Handle("POST "+p, h.auth(h.create))
	}
	for _, p := range []string{"/reminds/api/{id}/{$}", "/reminds/api/{id}"} {
		mux.Handle("GET "+p, h.auth(h.get))
		mux.Handle("DELETE "+p, h.auth(h.delete))
	}
	mux.HandleFunc("GET /reminds/api/{id}/share_post/{$}", h.poster)
	mux.HandleFunc("GET /reminds/api/{id}/share_post", h.poster)
}

// Owner is the documented "owner" object.
type Owner struct {
	Nickname   string `json:"nickname"`
	HeadImgURL string `json:"headimgurl"`
}

// Remind is a reminder as WeCron shows it.
type Remind struct {
	ID                string `json:"id"`
	Title             string `json:"title"`
	Time              int64  `json:"time"`
	Desc              string `json:"desc"`
	Defer             int    `json:"defer"`
	ExternalURL       string `json:"external_url"`
	Owner             Owner  `json:"owner"`
	ParticipateQRCode string `json:"participate_qrcode"`
	PostURL           string `json:"post_url"`
}

type errorBody struct {
	Detail string `json:"detail"`
	Field  string `json:"field,omitempty"`
	Code   string `json:"code"`
}

var statusOf = map[remind.Code]int{
	remind.CodeInvalid: http.StatusBadRequest, remind.CodeNoTime: http.StatusBadRequest,
	remind.CodeNotFound: http.StatusNotFound, remind.CodeConflict: http.StatusConflict,
	remind.CodeUnauthorized: http.StatusUnauthorized, remind.CodeForbidden: http.StatusForbidden,
	remind.CodeTooLarge: http.StatusRequestEntityTooLarge, remind.CodeRateLimited: http.StatusTooManyRequests,
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var de *remind.Error
	if !errors.As(err, &de) {
		api.WriteError(w, r, h.log, err) // logs it and says nothing of the cause
		return
	}
	code, ok := statusOf[de.Code]
	if !ok {
		code = http.StatusBadRequest
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Token")
	}
	api.WriteJSON(w, code, errorBody{Detail: de.Error(), Field: de.Field, Code: string(de.Code)})
}

// token reads "Authorization: Token <t>" (and, for convenience, Bearer).
func token(r *http.Request) string {
	v := r.Header.Get("Authorization")
	if len(v) > 6 && strings.EqualFold(v[:6], "token ") {
		return strings.TrimSpace(v[6:])
	}
	return api.BearerToken(r)
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, t remind.Tenant) error

func (h *Handler) auth(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := h.svc.Authenticate(r.Context(), token(r))
		if err = ratelimit.Charge(r.Context(), t.ID, err); err != nil {
			h.writeError(w, r, err)
			return
		}
		if err := fn(w, r, t); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// input is the documented request body.
type input struct {
	Time        *time.Time
	Title       string
	Desc        string
	Defer       int
	ExternalURL string
}

// decode reads a JSON object or a form into input, field by field, so
// every error names its field; unknown fields are ignored and null is absent.
func decode(w http.ResponseWriter, r *http.Request) (input, error) {
	var in input
	body, err := api.ReadBody(w, r)
	if err != nil {
		return in, err
	}
	fields := map[string]json.RawMessage{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return in, remind.Invalid("body", "is not a valid form")
		}
		for k := range form {
			b, _ := json.Marshal(form.Get(k))
			fields[k] = b
		}
	} else if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return in, remind.Invalid("body", "must be a JSON object")
	}
	str := func(name string, dst *string) error {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			return nil
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return remind.Invalid(name, "must be a string")
		}
		return nil
	}
	num := func(name string) (int64, bool, error) {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			return 0, false, nil
		}
		var s string
		if json.Unmarshal(raw, &s) == nil { // "1514297534431", as DRF accepts
			if strings.TrimSpace(s) == "" {
				return 0, false, nil
			}
			raw = json.RawMessage(strings.TrimSpace(s))
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(string(raw), 64)
			if ferr != nil || f != float64(int64(f)) {
				return 0, false, remind.Invalid(name, "must be a whole number")
			}
			n = int64(f)
		}
		return n, true, nil
	}
	if err := str("title", &in.Title); err != nil {
		return in, err
	}
	if err := str("desc", &in.Desc); err != nil {
		return in, err
	}
	if err := str("external_url", &in.ExternalURL); err != nil {
		return in, err
	}
	ms, ok, err := num("time")
	if err != nil {
		return in, err
	}
	if ok {
		if ms <= 0 || ms > 253402300799999 {
			return in, remind.Invalid("time", "must be a Unix timestamp in milliseconds, like 1507695258535")
		}
		t := time.UnixMilli(ms)
		in.Time = &t
	}
	d, _, err := num("defer")
	if err != nil {
		return in, err
	}
	if d > remind.MaxDeferMin || d < -remind.MaxDeferMin {
		return in, remind.Invalid("defer", "must be within ±%d minutes", remind.MaxDeferMin)
	}
	in.Defer = int(d)
	return in, nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request, t remind.Tenant) error {
	in, err := decode(w, r)
	if err != nil {
		return err
	}
	if in.Time == nil && strings.TrimSpace(in.Desc) == "" && strings.TrimSpace(in.Title) == "" {
		return &remind.Error{Code: remind.CodeNoTime, Field: "time", Message: "give time, or a desc (or title) to read the time from"}
	}
	rem, _, err := h.svc.CreateReminder(r.Context(), t, service.CreateInput{
		Title: in.Title, Desc: in.Desc, Time: in.Time, DeferMin: in.Defer, ExternalURL: in.ExternalURL,
		// Only subscribers are recipients, each on the channel it chose.
		Channels: []string{remind.ChannelEmail, remind.ChannelWeChat, remind.ChannelWebPush},
		Source:   "wecron",
	})
	if err != nil {
		return inOwnWords(err, in)
	}
	out, err := h.view(r.Context(), t, rem)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

// inOwnWords names the WeCron field a service error is about: the service
// reads the time from desc, then title, and a rule or its start read there
// is that field's fault; no time found at all is about time when no desc
// was given (a title alone is not where a time is looked for first).
func inOwnWords(err error, in input) error {
	var de *remind.Error
	if !errors.As(err, &de) {
		return err
	}
	textField := "desc"
	if strings.TrimSpace(in.Desc) == "" {
		textField = "title"
	}
	c := *de
	switch {
	case de.Code == remind.CodeNoTime:
		c.Field, c.Message = "desc", "no time found in desc or title; give time (Unix ms) or a desc like 明天下午3点开会"
		if textField != "desc" {
			c.Field = "time"
		}
	case de.Field == "text" || de.Field == "rrule" || de.Field == "start":
		c.Field = textField
	case de.Field == "recipients" || de.Field == "channels" || de.Field == "meta" || de.Field == "tz":
		c.Field = "" // not the caller's: set by this API or the tenant
	default:
		return err
	}
	return &c
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, t remind.Tenant) error {
	rem, err := h.svc.GetReminder(r.Context(), t, r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := h.view(r.Context(), t, rem)
	if err != nil {
		return err
	}
	api.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request, t remind.Tenant) error {
	if err := h.svc.DeleteReminder(r.Context(), t, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) view(ctx context.Context, t remind.Tenant, rem remind.Reminder) (Remind, error) {
	l, err := h.links.Link(ctx, t.ID, rem.ID)
	if err != nil {
		return Remind{}, err
	}
	qr, err := h.links.QRCodeURL(ctx, l)
	if err != nil {
		return Remind{}, err
	}
	at := rem.Start
	switch {
	case rem.Time != nil:
		at = *rem.Time
	case rem.NextFireAt != nil:
		at = rem.Occurrence(*rem.NextFireAt)
	}
	return Remind{
		ID: rem.ID, Title: rem.Title, Time: at.UnixMilli(), Desc: rem.Desc, Defer: rem.DeferMin, ExternalURL: rem.ExternalURL,
		Owner:             Owner{Nickname: t.DisplayName, HeadImgURL: t.AvatarURL},
		ParticipateQRCode: qr, PostURL: h.publicURL + "/reminds/api/" + rem.ID + "/share_post/",
	}, nil
}

func (h *Handler) poster(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !remind.IsID(id) {
		h.writeError(w, r, remind.NotFound("poster"))
		return
	}
	if err := h.links.ServePoster(r.Context(), w, r, id); err != nil {
		if errors.Is(err, remind.ErrNotFound) {
			err = remind.NotFound("poster")
		}
		h.writeError(w, r, err)
	}
}
