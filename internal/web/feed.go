package web

import (
	"context"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// A recipient's calendar feed lists the reminders they are in: the active
// ones, and those done or cancelled in the last feedKeep (so a cancellation
// reaches calendars as STATUS:CANCELLED). The tenant's reminders are read
// page by page, at most feedScan of them, keeping at most feedMax events.
const (
	feedKeep = 30 * 24 * time.Hour
	feedScan = 10 * store.MaxPage
	feedMax  = 200
)

// FeedURL returns the URL of a recipient's calendar feed, making its
// secret token the first time: the owner hands it to the recipient, whose
// calendar subscribes to it (webcal://).
func (w *Web) FeedURL(ctx context.Context, tenantID, uid string) (string, error) {
	f, err := w.uc.RecipientFeed(ctx, tenantID, uid)
	if err != nil {
		return "", err
	}
	return w.cfg.PublicURL + "/c/" + f.Token + "/calendar.ics", nil
}

func (w *Web) recipientFeed(rw http.ResponseWriter, r *http.Request) {
	f, err := w.uc.FeedByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	rems, err := w.remindersOf(r.Context(), f.TenantID, f.UID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rw.Header().Set("Content-Disposition", `inline; filename="reminders.ics"`)
	rw.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = io.WriteString(rw, ICSFeed(rems, w.cfg.Now()))
}

// remindersOf finds the reminders uid is in that a feed shows.
func (w *Web) remindersOf(ctx context.Context, tenantID, uid string) ([]remind.Reminder, error) {
	since := w.cfg.Now().Add(-feedKeep)
	var out []remind.Reminder
	q := store.ListQuery{Limit: store.MaxPage}
	for scanned := 0; scanned < feedScan && len(out) < feedMax; {
		page, err := w.rems.ListReminders(ctx, tenantID, q)
		if err != nil {
			return nil, err
		}
		for _, rem := range page {
			if slices.Contains(rem.Recipients, uid) && (rem.Status == remind.StatusActive || rem.UpdatedAt.After(since)) && len(out) < feedMax {
				out = append(out, rem)
			}
		}
		scanned += len(page)
		if len(page) < store.PageLimit(q.Limit) {
			break
		}
		q.After = page[len(page)-1].ID
	}
	return out, nil
}
