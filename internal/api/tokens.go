package api

import (
	"net/http"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// tokenOut is an API token as the v1 API shows it: never its secret,
// except once in the answer that creates it.
type tokenOut struct {
	ID         string     `json:"id"`
	Token      string     `json:"token,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func token(k remind.APIToken) tokenOut {
	out := tokenOut{ID: k.ID, CreatedAt: k.CreatedAt}
	if !k.LastUsedAt.IsZero() {
		v := k.LastUsedAt
		out.LastUsedAt = &v
	}
	return out
}

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.ListTokens(r.Context(), TenantFrom(r.Context()))
	if err != nil {
		return err
	}
	out := struct {
		Data []tokenOut `json:"data"`
	}{Data: []tokenOut{}}
	for _, k := range list {
		out.Data = append(out.Data, token(k))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	if len(body) > 0 {
		var in struct{}
		if err := DecodeStrict(body, &in); err != nil {
			return err
		}
	}
	secret, k, err := h.svc.IssueToken(r.Context(), TenantFrom(r.Context()))
	if err != nil {
		return err
	}
	out := token(k)
	out.Token = secret
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RevokeToken(r.Context(), TenantFrom(r.Context()), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
