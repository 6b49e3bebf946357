package dashboard

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
)

// ---- live preview

// parse answers the edit and new forms' live preview: how the server reads
// the text, as JSON ({"words","zone","first"} or {"error"}).
func (d *Dashboard) parse(w http.ResponseWriter, r *http.Request, s session) error {
	text := strings.TrimSpace(r.PostForm.Get("text"))
	out := map[string]string{}
	code := http.StatusOK
	pv, err := d.preview(r, s, text, strings.TrimSpace(r.PostForm.Get("tz")))
	switch c := remind.CodeOf(err); {
	case err == nil:
		out["words"], out["zone"], out["first"] = pv.Words, pv.Zone, pv.Time
	case c == remind.CodeInvalid || c == remind.CodeNoTime:
		code, out["error"] = http.StatusBadRequest, err.(*remind.Error).Message
		if text == "" {
			out["error"] = "Say when."
		}
	default:
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	return json.NewEncoder(w).Encode(out)
}

// ---- tokens

type tokenRow struct {
	ID, Created, LastUsed string
}

type tokensPage struct {
	base
	Tokens  []tokenRow
	Created *tokenRow
	Secret  string // of Created, shown this once
	// The tenant's settings form: values and errors by field.
	DisplayName, AvatarURL, TZ, DateHour string
	Errors                               map[string]string
	Saved                                bool
	Owner                                ownerForm
}

// ownerForm is the owner recipient's contact points and profile, as the
// settings page edits them (see saveOwner).
type ownerForm struct {
	Name, Email, Phone, WeChatOpenID, TZ, Lang, QuietHours string
	Errors                                                 map[string]string
	Saved                                                  bool
}

func (d *Dashboard) tokensPage(w http.ResponseWriter, r *http.Request, s session, code int, p tokensPage) error {
	list, err := d.svc.ListTokens(r.Context(), s.Tenant)
	if err != nil {
		return err
	}
	p.base = base{PageTitle: "Settings and tokens", Nav: "tokens", Session: &s}
	if p.Errors == nil {
		t := s.Tenant
		p.DisplayName, p.AvatarURL, p.TZ, p.DateHour = t.DisplayName, t.AvatarURL, t.TZ, strconv.Itoa(t.DateHour)
	}
	if p.Owner.Errors == nil {
		rc, err := d.svc.GetRecipient(r.Context(), s.Tenant, remind.OwnerUID)
		if err != nil && !errors.Is(err, remind.ErrNotFound) {
			return err
		}
		p.Owner = ownerForm{Name: rc.Name, Email: rc.Email, Phone: rc.Phone, WeChatOpenID: rc.WeChatOpenID, TZ: rc.Profile.TZ,
			Lang: rc.Profile.Lang, QuietHours: rc.Profile.QuietHours, Saved: p.Owner.Saved}
	}
	for _, k := range list {
		row := tokenRow{ID: k.ID, Created: d.in(&k.CreatedAt, s.Tenant.TZ), LastUsed: d.in(&k.LastUsedAt, s.Tenant.TZ)}
		if row.LastUsed == "" {
			row.LastUsed = "never"
		}
		p.Tokens = append(p.Tokens, row)
	}
	d.render(w, code, "tokens.html", p)
	return nil
}

func (d *Dashboard) tokens(w http.ResponseWriter, r *http.Request, s session) error {
	return d.tokensPage(w, r, s, http.StatusOK, tokensPage{})
}

// createToken makes a token and shows its secret this once (pages are
// not cached: Cache-Control no-store).
func (d *Dashboard) createToken(w http.ResponseWriter, r *http.Request, s session) error {
	secret, k, err := d.svc.IssueToken(r.Context(), s.Tenant)
	if err != nil {
		return err
	}
	return d.tokensPage(w, r, s, http.StatusCreated, tokensPage{Created: &tokenRow{ID: k.ID}, Secret: secret})
}

// revokeToken revokes a token; revoking the one this session was opened
// with signs this browser out too.
func (d *Dashboard) revokeToken(w http.ResponseWriter, r *http.Request, s session) error {
	if err := d.svc.RevokeToken(r.Context(), s.Tenant, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/tokens", http.StatusSeeOther)
	return nil
}

// saveSettings changes the tenant's name and avatar (what subscribe pages
// show as who invites), default zone and the hour date-only phrases fire.
func (d *Dashboard) saveSettings(w http.ResponseWriter, r *http.Request, s session) error {
	f := r.PostForm
	p := tokensPage{DisplayName: strings.TrimSpace(f.Get("display_name")), AvatarURL: strings.TrimSpace(f.Get("avatar_url")),
		TZ: strings.TrimSpace(f.Get("tz")), DateHour: strings.TrimSpace(f.Get("date_hour")), Errors: map[string]string{}}
	hour, err := strconv.Atoi(p.DateHour)
	if err != nil {
		p.Errors["date_hour"] = "must be an hour from 0 to 23"
		return d.tokensPage(w, r, s, http.StatusBadRequest, p)
	}
	t, err := d.svc.UpdateTenant(r.Context(), s.Tenant, service.TenantPatch{DisplayName: &p.DisplayName, AvatarURL: &p.AvatarURL, TZ: &p.TZ, DateHour: &hour})
	var e *remind.Error
	if errors.As(err, &e) && e.Code == remind.CodeInvalid {
		p.Errors[e.Field] = e.Message
		return d.tokensPage(w, r, s, http.StatusBadRequest, p)
	}
	if err != nil {
		return err
	}
	s.Tenant = t
	return d.tokensPage(w, r, s, http.StatusOK, tokensPage{Saved: true})
}

// saveOwner sets the owner recipient's contact points and profile (zone,
// language, quiet hours): reminders without recipients reach the owner.
// What the form does not show (robots, webhook, preferred channels,
// opt-ins, muted) is kept.
func (d *Dashboard) saveOwner(w http.ResponseWriter, r *http.Request, s session) error {
	f := r.PostForm
	o := ownerForm{Name: strings.TrimSpace(f.Get("owner_name")), Email: strings.TrimSpace(f.Get("owner_email")), Phone: strings.TrimSpace(f.Get("owner_phone")),
		WeChatOpenID: strings.TrimSpace(f.Get("owner_wechat_openid")), TZ: strings.TrimSpace(f.Get("owner_tz")), Lang: strings.TrimSpace(f.Get("owner_lang")),
		QuietHours: strings.TrimSpace(f.Get("owner_quiet_hours")), Errors: map[string]string{}}
	old, err := d.svc.GetRecipient(r.Context(), s.Tenant, remind.OwnerUID)
	if err != nil && !errors.Is(err, remind.ErrNotFound) {
		return err
	}
	pf := old.Profile
	pf.TZ, pf.Lang, pf.QuietHours = o.TZ, o.Lang, o.QuietHours
	_, err = d.svc.PutRecipient(r.Context(), s.Tenant, remind.OwnerUID, service.RecipientInput{Name: o.Name, Email: o.Email, Phone: o.Phone,
		WeChatOpenID: o.WeChatOpenID, WebhookURL: old.WebhookURL, Muted: old.Muted, Profile: &pf})
	var e *remind.Error
	if errors.As(err, &e) && e.Code == remind.CodeInvalid {
		o.Errors[e.Field] = e.Message
		return d.tokensPage(w, r, s, http.StatusBadRequest, tokensPage{Owner: o})
	}
	if err != nil {
		return err
	}
	return d.tokensPage(w, r, s, http.StatusOK, tokensPage{Owner: ownerForm{Saved: true}})
}
