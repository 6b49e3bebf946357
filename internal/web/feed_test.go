package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
	"github.com/raasdev/raas/internal/web"
)

// TestRecipientFeed: a recipient's feed holds the reminders they are in,
// a cancelled one as STATUS:CANCELLED, and nobody else's; its URL is made
// once and its token is its only key.
func TestRecipientFeed(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Now()
	tn := remind.Tenant{ID: remind.NewID(now), Name: "t", TZ: remind.DefaultTZ, DateHour: 9, CreatedAt: now}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	at := now.Add(time.Hour)
	add := func(title string, recips ...string) remind.Reminder {
		r := remind.Reminder{ID: remind.NewID(now), TenantID: tn.ID, Title: title, Time: &at, TZ: tn.TZ, Start: at, Recipients: recips,
			Status: remind.StatusActive, NextFireAt: &at, Source: "v1", CreatedAt: now, UpdatedAt: now}
		if _, _, err := st.CreateReminder(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		return r
	}
	add("standup", "alice", "bob")
	gone := add("picnic", "alice")
	add("bob only", "bob")
	if _, err := st.CancelReminder(ctx, tn.ID, gone.ID, now); err != nil {
		t.Fatal(err)
	}
	w := web.New(web.Config{PublicURL: "https://raas.test"}, st, st)
	mux := http.NewServeMux()
	w.Register(mux)
	feed, err := w.FeedURL(ctx, tn.ID, "alice")
	if err != nil || !strings.HasPrefix(feed, "https://raas.test/c/") {
		t.Fatalf("FeedURL = %q, %v", feed, err)
	}
	if again, _ := w.FeedURL(ctx, tn.ID, "alice"); again != feed {
		t.Fatalf("a second FeedURL %q, was %q", again, feed)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", strings.TrimPrefix(feed, "https://raas.test"), nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %v", rec.Code, rec.Header())
	}
	cal, err := ics.ParseCalendar(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, ev := range cal.Events() {
		status[ev.GetProperty(ics.ComponentPropertySummary).Value] = ev.GetProperty(ics.ComponentPropertyStatus).Value
	}
	if len(status) != 2 || status["standup"] != "CONFIRMED" || status["picnic"] != "CANCELLED" {
		t.Fatalf("events %v:\n%s", status, rec.Body)
	}
	if n := strings.Count(rec.Body.String(), "BEGIN:VTIMEZONE"); n > 1 {
		t.Fatalf("%d VTIMEZONEs for one zone", n)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/c/"+strings.Repeat("0", 32)+"/calendar.ics", nil))
	if rec.Code != 404 {
		t.Fatalf("unknown feed: %d", rec.Code)
	}
}
