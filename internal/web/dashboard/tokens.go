package dashboard

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/raasdev/raas/internal/remind"
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
}

func (d *Dashboard) tokensPage(w http.ResponseWriter, r *http.Request, s session, code int, p tokensPage) error {
	list, err := d.svc.ListTokens(r.Context(), s.Tenant)
	if err != nil {
		return err
	}
	p.base = base{PageTitle: "API tokens", Nav: "tokens", Session: &s}
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
