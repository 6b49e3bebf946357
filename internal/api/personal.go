package api

import (
	"net/http"
	"time"

	"github.com/raasdev/raas/internal/service"
)

// createLink answers the recipient's personal page link.
func (h *Handler) createLink(w http.ResponseWriter, r *http.Request) error {
	u, err := h.svc.PersonalURL(r.Context(), TenantFrom(r.Context()), r.PathValue("uid"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, map[string]string{"url": u})
	return nil
}

// revokeLink ends every personal link of the recipient made so far.
func (h *Handler) revokeLink(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.RevokePersonalLinks(r.Context(), TenantFrom(r.Context()), r.PathValue("uid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type snoozeIn struct {
	For  string `json:"for"`
	Text string `json:"text"`
}

type snoozeOut struct {
	inboxItemOut
	Until time.Time `json:"until"`
}

// snooze puts an inbox item off until {"for":"10m"} or {"text":"明天早上"}.
func (h *Handler) snooze(w http.ResponseWriter, r *http.Request) error {
	body, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	var in snoozeIn
	if err := DecodeStrict(body, &in); err != nil {
		return err
	}
	it, until, err := h.svc.Snooze(r.Context(), TenantFrom(r.Context()), r.PathValue("uid"), r.PathValue("id"), service.SnoozeInput{For: in.For, Text: in.Text})
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, snoozeOut{inboxItemOut: inboxItem(it), Until: until})
	return nil
}
