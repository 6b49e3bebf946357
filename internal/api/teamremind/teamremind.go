// Package teamremind is the team-remind-compatible open API ("应用接入-团队
// 消息提醒"): an app trades its appId and appSecret for a short-lived
// accessToken, then creates, updates, cancels, deletes and reads team
// reminders under /openapi/workbench/teamremind/. It translates to the
// service's use cases and back, and answers every error in-band
// ({"status":N,"message":…} with HTTP 200), as the seed's clients expect.
// docs/teamremind.md documents the status codes (the table in statuses.go).
package teamremind

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/ratelimit"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
)

// Store is what this API keeps beyond the service: apps, access tokens and
// the numeric ids it shows for reminders (the SQLite and PostgreSQL stores
// implement it), and the inbox status of a reminder's members.
type Store interface {
	CreateApp(ctx context.Context, appID, secretHash, tenantID string, at time.Time) error
	AppByID(ctx context.Context, appID string) (secretHash, tenantID string, err error)
	CreateAccessToken(ctx context.Context, tokenHash, appID, tenantID string, expiresAt, at time.Time) error
	AccessToken(ctx context.Context, tokenHash string) (remind.Tenant, time.Time, error)
	PurgeAccessTokens(ctx context.Context, before time.Time) (int64, error)
	TeamRemindNumber(ctx context.Context, tenantID, reminderID string) (int64, error)
	TeamRemindByNumber(ctx context.Context, tenantID string, num int64) (string, error)
	InboxStatusByReminder(ctx context.Context, tenantID, reminderID string) (map[string]remind.InboxStatus, error)
	SetAppSMSFallback(ctx context.Context, appID string, fallback time.Duration) error
	AppSMSFallback(ctx context.Context, tokenHash string) (time.Duration, error)
}

// Source is the Reminder.Source of reminders made through this API.
const Source = "teamremind"

// Meta keys this API keeps on its reminders.
const (
	MetaCreaterID   = "createrId"
	MetaCreaterName = "createrName"
	MetaRemindType  = "remindType"
	MetaCreateTime  = "createTime"
	MetaMembers     = "members" // JSON [{"uid":…,"name":…}]
	MetaLeft        = "left"    // JSON ["uid",…]: members who deleted it from their own workbench
)

// Remind types.
const (
	RemindInApp = 0
	RemindSMS   = 1
)

// Config tunes the API.
type Config struct {
	TokenTTL time.Duration // lifetime of an access token (default 2h)
	// KeepExpired is how long an expired token is kept so that it answers
	// 4003 (expired) rather than 4002 (unknown); default 24h.
	KeepExpired time.Duration
}

// Handler serves /openapi.
type Handler struct {
	svc  *service.Service
	apps *service.Apps // apps and access tokens
	st   Store
	log  *slog.Logger
}

// New returns the handler.
func New(svc *service.Service, st Store, log *slog.Logger, cfg Config) *Handler {
	apps := service.NewApps(svc, st, service.AppsConfig{TokenTTL: cfg.TokenTTL, KeepExpired: cfg.KeepExpired, Log: log})
	return &Handler{svc: svc, apps: apps, st: st, log: log}
}

// Register adds the routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("/openapi/token", h.token)
	ops := map[string]func(context.Context, remind.Tenant, request) (any, error){
		"create": h.create, "update": h.update, "cancel": h.cancel, "delete": h.delete, "detail": h.detail,
	}
	for name, fn := range ops {
		mux.HandleFunc("/openapi/workbench/teamremind/"+name, h.call(fn))
	}
	mux.HandleFunc("/openapi/", func(w http.ResponseWriter, r *http.Request) {
		h.answerErr(w, r, fail(StatusNoEndpoint, "no such endpoint: "+r.URL.Path))
	})
}

// ---- answers

type answer struct {
	Status  int    `json:"status"`
	Message string `json:"message,omitempty"`
	Field   string `json:"field,omitempty"` // the request field at fault, when one is (detail.remindTime)
	Data    any    `json:"data,omitempty"`
}

func ok(w http.ResponseWriter, data any) {
	api.WriteJSON(w, http.StatusOK, answer{Status: StatusOK, Data: data})
}

// apiError is an error with its in-band status.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.status, e.msg) }

func fail(status int, msg string) error { return &apiError{status, msg} }

// answerErr answers err in-band with HTTP 200: this API's own errors with
// their status, domain errors by code, anything else as 5000 (logged).
func (h *Handler) answerErr(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var de *remind.Error
	switch {
	case errors.As(err, &ae):
		api.WriteJSON(w, http.StatusOK, answer{Status: ae.status, Message: ae.msg})
	case errors.As(err, &de):
		st, ok := domainStatus[de.Code]
		if !ok {
			st = StatusInvalid
		}
		code := http.StatusOK
		if de.Code == remind.CodeRateLimited {
			code = http.StatusTooManyRequests // the one answer whose HTTP status says something: clients back off on it
		}
		api.WriteJSON(w, code, answer{Status: st, Message: de.Error(), Field: de.Field})
	default:
		if r.Context().Err() != nil {
			return
		}
		h.log.ErrorContext(r.Context(), "teamremind: internal error", "err", err, "path", r.URL.Path)
		api.WriteJSON(w, http.StatusOK, answer{Status: StatusInternal, Message: "internal error"})
	}
}

// ---- access

// HashSecret returns the stored form of an appSecret or accessToken (both
// are 128-bit random values, so one SHA-256 suffices).
func HashSecret(s string) string { return service.HashToken(s) }

// CreateApp makes an app for the tenant named tenantName (created when new)
// and returns its id and secret (service.Apps.CreateApp).
func CreateApp(ctx context.Context, svc *service.Service, st Store, tenantName string) (appID, secret string, err error) {
	return service.NewApps(svc, st, service.AppsConfig{}).CreateApp(ctx, tenantName)
}

// SetSMSFallback sets an app's SMS fallback: an in-app team reminder
// made or updated through it afterwards asks its members to confirm, and
// those who have not after fallback get it by SMS (0: never).
func SetSMSFallback(ctx context.Context, svc *service.Service, st Store, appID string, fallback time.Duration) error {
	return service.NewApps(svc, st, service.AppsConfig{}).SetSMSFallback(ctx, appID, fallback)
}

// token answers GET or POST /openapi/token?appId=…&appSecret=… (a form or
// JSON body works too) with a new access token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		h.answerErr(w, r, fail(StatusInvalid, "use GET or POST"))
		return
	}
	appID, secret := r.URL.Query().Get("appId"), r.URL.Query().Get("appSecret")
	if r.Method == http.MethodPost && (appID == "" || secret == "") {
		body, err := api.ReadBody(w, r)
		if err != nil {
			h.answerErr(w, r, err)
			return
		}
		var in struct {
			AppID     string `json:"appId"`
			AppSecret string `json:"appSecret"`
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			_ = json.Unmarshal(body, &in)
		} else if q, err := parseForm(body); err == nil {
			in.AppID, in.AppSecret = q("appId"), q("appSecret")
		}
		appID, secret = first(appID, in.AppID), first(secret, in.AppSecret)
	}
	if appID == "" || secret == "" {
		h.answerErr(w, r, fail(StatusBadApp, "appId and appSecret are required"))
		return
	}
	tok, err := h.apps.IssueAccessToken(r.Context(), appID, secret)
	if errors.Is(err, service.ErrBadApp) {
		err = fail(StatusBadApp, "appId或appSecret错误")
	}
	if err != nil {
		h.answerErr(w, r, err)
		return
	}
	ok(w, map[string]any{"accessToken": tok, "expiresIn": int64(h.apps.TokenTTL() / time.Second)})
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// authenticate returns the tenant of the request's accessToken.
func (h *Handler) authenticate(r *http.Request) (remind.Tenant, error) {
	t, err := h.apps.Authenticate(r.Context(), r.URL.Query().Get("accessToken"))
	switch {
	case errors.Is(err, service.ErrNoAccessToken):
		return t, fail(StatusNoToken, "缺少accessToken")
	case errors.Is(err, service.ErrBadAccessToken):
		return t, fail(StatusBadToken, "accessToken无效，请重新获取")
	case errors.Is(err, service.ErrAccessTokenExpired):
		return t, fail(StatusTokenExpired, "accessToken超时，请重新获取")
	}
	return t, err
}

// call authenticates, decodes the body and runs fn.
func (h *Handler) call(fn func(context.Context, remind.Tenant, request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := h.authenticate(r)
		if err = ratelimit.Charge(r.Context(), t.ID, err); err != nil {
			h.answerErr(w, r, err)
			return
		}
		if r.Method != http.MethodPost {
			h.answerErr(w, r, fail(StatusInvalid, "use POST with a JSON body"))
			return
		}
		body, err := api.ReadBody(w, r)
		if err != nil {
			h.answerErr(w, r, err)
			return
		}
		in, err := decodeRequest(body)
		if err != nil {
			h.answerErr(w, r, err)
			return
		}
		if err := remind.CheckUID("requesterUid", string(in.RequesterUID)); err != nil {
			h.answerErr(w, r, err)
			return
		}
		if in.smsFallback, err = h.apps.SMSFallback(r.Context(), r.URL.Query().Get("accessToken")); err != nil {
			h.answerErr(w, r, err)
			return
		}
		data, err := fn(r.Context(), t, in)
		if err != nil {
			h.answerErr(w, r, err)
			return
		}
		ok(w, data)
	}
}

// decodeRequest reads a request body field by field, so every error names
// the JSON field at fault as the caller wrote it ("detail.remindTime",
// "detail.members[2].uid"). Fields it does not know are ignored, and null
// or "" is a field not given, as the seed's clients send them.
func decodeRequest(body []byte) (request, error) {
	var in request
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return in, remind.Invalid("body", "must be a JSON object")
	}
	var err error
	if in.RequesterUID, err = decodeFlexString("requesterUid", top["requesterUid"]); err != nil {
		return in, err
	}
	if in.RequesterName, err = decodeString("requesterName", top["requesterName"]); err != nil {
		return in, err
	}
	if in.TeamRemindID, err = decodeFlexString("teamRemindId", top["teamRemindId"]); err != nil {
		return in, err
	}
	raw, ok := top["detail"]
	if !ok || isNull(raw) {
		return in, nil
	}
	var d map[string]json.RawMessage
	if err := json.Unmarshal(raw, &d); err != nil {
		return in, remind.Invalid("detail", "must be an object")
	}
	in.Detail = &detailIn{}
	if in.Detail.CreateTime, err = decodeFlexInt("detail.createTime", d["createTime"]); err != nil {
		return in, err
	}
	if in.Detail.Content, err = decodeString("detail.content", d["content"]); err != nil {
		return in, err
	}
	if in.Detail.RemindTime, err = decodeFlexInt("detail.remindTime", d["remindTime"]); err != nil {
		return in, err
	}
	if in.Detail.RemindType, err = decodeFlexInt("detail.remindType", d["remindType"]); err != nil {
		return in, err
	}
	if raw, ok := d["members"]; ok && !isNull(raw) {
		var ms []json.RawMessage
		if err := json.Unmarshal(raw, &ms); err != nil {
			return in, remind.Invalid("detail.members", "must be an array of {uid, name}")
		}
		for i, mraw := range ms {
			field := fmt.Sprintf("detail.members[%d]", i)
			var m map[string]json.RawMessage
			if err := json.Unmarshal(mraw, &m); err != nil || m == nil {
				return in, remind.Invalid(field, "must be an object {uid, name}")
			}
			var mb member
			if mb.UID, err = decodeFlexString(field+".uid", m["uid"]); err != nil {
				return in, err
			}
			if mb.Name, err = decodeString(field+".name", m["name"]); err != nil {
				return in, err
			}
			in.Detail.Members = append(in.Detail.Members, mb)
		}
	}
	return in, nil
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

func decodeString(field string, raw json.RawMessage) (string, error) {
	if raw == nil || isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", remind.Invalid(field, "must be a string")
	}
	return s, nil
}

func decodeFlexString(field string, raw json.RawMessage) (flexString, error) {
	var f flexString
	if raw == nil {
		return f, nil
	}
	if err := f.UnmarshalJSON(raw); err != nil {
		return f, remind.Invalid(field, "must be a string or a number")
	}
	return f, nil
}

func decodeFlexInt(field string, raw json.RawMessage) (flexInt, error) {
	var f flexInt
	if raw == nil {
		return f, nil
	}
	if err := f.UnmarshalJSON(raw); err != nil {
		return f, remind.Invalid(field, "must be a whole number (or a string of one)")
	}
	return f, nil
}

// ---- flexible request values

// flexInt is a number given as a JSON number, a numeric string, or nothing
// ("" or null or absent: Set is false).
type flexInt struct {
	V   int64
	Set bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || fl != float64(int64(fl)) {
			return fmt.Errorf("%s is not a whole number", s)
		}
		n = int64(fl)
	}
	f.V, f.Set = n, true
	return nil
}

// flexString is a string given as a JSON string or number.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch {
	case s == "null":
		return nil
	case strings.HasPrefix(s, `"`):
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*f = flexString(strings.TrimSpace(v))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("%s is not a string or a number", s)
	}
	*f = flexString(n.String())
	return nil
}

type member struct {
	UID  flexString `json:"uid"`
	Name string     `json:"name"`
}

type detailIn struct {
	CreateTime flexInt  `json:"createTime"`
	Content    string   `json:"content"`
	RemindTime flexInt  `json:"remindTime"`
	RemindType flexInt  `json:"remindType"`
	Members    []member `json:"members"`
}

type request struct {
	RequesterUID  flexString `json:"requesterUid"`
	RequesterName string     `json:"requesterName"`
	TeamRemindID  flexString `json:"teamRemindId"`
	Detail        *detailIn  `json:"detail"`
	// smsFallback is the SMS fallback of the app whose token the request
	// carries (service.Apps.SMSFallback).
	smsFallback time.Duration
}

func parseForm(body []byte) (func(string) string, error) {
	req, err := http.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		return nil, err
	}
	return req.PostForm.Get, nil
}
