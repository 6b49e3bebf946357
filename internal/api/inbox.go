package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

type inboxItemOut struct {
	ID          string    `json:"id"`
	ReminderID  string    `json:"reminder_id"`
	Title       string    `json:"title"`
	Desc        string    `json:"desc,omitempty"`
	ExternalURL string    `json:"external_url,omitempty"`
	Occurrence  time.Time `json:"occurrence"`
	Status      string    `json:"status"`
	SnoozedFrom string    `json:"snoozed_from,omitempty"`
	StatusCode  int       `json:"msg_status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func inboxItem(it remind.InboxItem) inboxItemOut {
	return inboxItemOut{ID: it.ID, ReminderID: it.ReminderID, Title: it.Title, Desc: it.Desc, ExternalURL: it.ExternalURL,
		Occurrence: it.Occurrence, Status: it.Status.String(), SnoozedFrom: it.SnoozedFrom, StatusCode: it.Status.MsgStatus(), CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
}

func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) error {
	q, err := pageQuery(r)
	if err != nil {
		return err
	}
	items, err := h.svc.Inbox(r.Context(), TenantFrom(r.Context()), r.PathValue("uid"), q)
	if err != nil {
		return err
	}
	out := struct {
		Data       []inboxItemOut `json:"data"`
		NextCursor string         `json:"next_cursor,omitempty"`
	}{Data: make([]inboxItemOut, 0, len(items))}
	for _, it := range items {
		out.Data = append(out.Data, inboxItem(it))
	}
	if len(items) > 0 && len(items) == store.PageLimit(q.Limit) {
		out.NextCursor = items[len(items)-1].ID
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) inboxAction(w http.ResponseWriter, r *http.Request) error {
	it, err := h.svc.InboxAction(r.Context(), TenantFrom(r.Context()), r.PathValue("uid"), r.PathValue("id"), r.PathValue("action"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, inboxItem(it))
	return nil
}

// stream follows an inbox with Server-Sent Events: one "item" event per new
// item as it fires, and a comment every 15 s to keep proxies from closing it.
func (h *Handler) stream(w http.ResponseWriter, r *http.Request) error {
	t, uid := TenantFrom(r.Context()), r.PathValue("uid")
	if err := remind.CheckUID("uid", uid); err != nil {
		return err
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("api: streaming unsupported by the response writer")
	}
	items, stop := h.hub.Follow(t.ID, uid)
	defer stop()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": following\n\n")
	fl.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case it := <-items:
			b, err := json.Marshal(inboxItem(it))
			if err != nil { // never an event with empty data: log it and go on
				RecordError(w, fmt.Errorf("api: inbox stream: item %s left out: %w", it.ID, err))
				continue
			}
			fmt.Fprintf(w, "id: %s\nevent: item\ndata: %s\n\n", it.ID, b)
		}
		fl.Flush()
	}
}
