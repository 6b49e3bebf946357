package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
)

// reminderRow is a reminder as the lists show it.
type reminderRow struct {
	ID, Title, Status, Next, Zone, Schedule string
}

func (d *Dashboard) row(r remind.Reminder) reminderRow {
	row := reminderRow{ID: r.ID, Title: r.Title, Status: string(r.Status), Next: d.in(r.NextFireAt, r.TZ), Zone: r.TZ, Schedule: "once"}
	if row.Title == "" {
		row.Title = "(untitled)"
	}
	if r.Recurring() {
		row.Schedule = "repeats"
	}
	return row
}

// ---- overview

type statusCount struct {
	Status string
	Count  int
}

type overviewPage struct {
	base
	Counts   []statusCount
	Total    int
	Upcoming []reminderRow
}

func (d *Dashboard) overview(w http.ResponseWriter, r *http.Request, s session) error {
	sum, err := d.svc.Summarize(r.Context(), s.Tenant, upcomingCount)
	if err != nil {
		return err
	}
	p := overviewPage{base: base{PageTitle: "Overview", Nav: "overview", Session: &s}, Total: sum.Total}
	for _, st := range []remind.Status{remind.StatusActive, remind.StatusDone, remind.StatusCancelled} {
		p.Counts = append(p.Counts, statusCount{Status: string(st), Count: sum.Counts[st]})
	}
	for _, rem := range sum.Next {
		p.Upcoming = append(p.Upcoming, d.row(rem))
	}
	d.render(w, http.StatusOK, "overview.html", p)
	return nil
}

// ---- list

type listPage struct {
	base
	Status   string
	Statuses []string
	Rows     []reminderRow
	NextURL  string
	FirstURL string
}

// listQuery reads ?status, ?cursor and ?limit as GET /v1/reminders does.
func listQuery(r *http.Request) (store.ListQuery, error) {
	v := r.URL.Query()
	q := store.ListQuery{After: v.Get("cursor"), Status: remind.Status(v.Get("status")), Limit: pageSize}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxPage {
			return q, remind.Invalid("limit", "must be a number from 1 to %d", store.MaxPage)
		}
		q.Limit = n
	}
	return q, nil
}

func (d *Dashboard) reminders(w http.ResponseWriter, r *http.Request, s session) error {
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	list, err := d.svc.ListReminders(r.Context(), s.Tenant, q)
	if err != nil {
		return err
	}
	p := listPage{base: base{PageTitle: "Reminders", Nav: "reminders", Session: &s}, Status: string(q.Status),
		Statuses: []string{string(remind.StatusActive), string(remind.StatusDone), string(remind.StatusCancelled)}}
	for _, rem := range list {
		p.Rows = append(p.Rows, d.row(rem))
	}
	link := func(cursor string) string {
		v := url.Values{}
		if q.Status != "" {
			v.Set("status", string(q.Status))
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if q.Limit != pageSize {
			v.Set("limit", strconv.Itoa(q.Limit))
		}
		if len(v) == 0 {
			return "/dashboard/reminders"
		}
		return "/dashboard/reminders?" + v.Encode()
	}
	if len(list) == store.PageLimit(q.Limit) {
		p.NextURL = link(list[len(list)-1].ID)
	}
	if q.After != "" {
		p.FirstURL = link("")
	}
	d.render(w, http.StatusOK, "reminders.html", p)
	return nil
}

// ---- detail

type attemptRow struct {
	N                  int
	At, Outcome, Error string
	StatusCode         int
	Duration           string
}

type deliveryRow struct {
	Occurrence, Due, Recipient, Channel, State, LastError, NextAttempt string
	Late                                                               bool
	AttemptCount                                                       int
	Attempts                                                           []attemptRow
}

type recipientRow struct {
	UID, Name, Channels string
	Known, Muted        bool
}

type reminderPage struct {
	base
	reminderRow
	R            remind.Reminder
	Time, Start  string
	Recipients   []recipientRow
	MoreRecips   int
	Channels     string
	SubscribeURL string
	QRURL        string
	Deliveries   []deliveryRow
	Older        int
	Created      string
	Cancellable  bool
}

func (d *Dashboard) reminder(w http.ResponseWriter, r *http.Request, s session) error {
	ctx := r.Context()
	rem, err := d.svc.GetReminder(ctx, s.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	dels, err := d.svc.Deliveries(ctx, s.Tenant, rem.ID)
	if err != nil {
		return err
	}
	p := reminderPage{base: base{PageTitle: d.row(rem).Title, Nav: "reminders", Session: &s}, reminderRow: d.row(rem), R: rem,
		Time: d.in(rem.Time, rem.TZ), Channels: strings.Join(rem.Channels, ", "), Created: d.in(&rem.CreatedAt, rem.TZ),
		Cancellable: rem.Status != remind.StatusCancelled}
	if rem.Recurring() {
		p.Start = d.in(&rem.Start, rem.TZ)
	}
	for i, uid := range rem.Recipients {
		if i == maxLookups {
			p.MoreRecips = len(rem.Recipients) - i
			break
		}
		row := recipientRow{UID: uid}
		rc, err := d.svc.GetRecipient(ctx, s.Tenant, uid)
		switch {
		case err == nil:
			row.Known, row.Name, row.Muted, row.Channels = true, rc.Name, rc.Muted, recipientChannels(rc)
		case !errors.Is(err, remind.ErrNotFound):
			return err
		}
		p.Recipients = append(p.Recipients, row)
	}
	if d.links != nil && rem.Status != remind.StatusCancelled {
		l, err := d.links.SubscribeLinkOf(ctx, s.Tenant.ID, rem.ID)
		switch {
		case err == nil:
			p.SubscribeURL, p.QRURL = d.cfg.PublicURL+"/s/"+l.Token, "/s/"+l.Token+"/qr.png"
		case !errors.Is(err, remind.ErrNotFound):
			return err
		}
	}
	if len(dels) > maxDeliveries {
		p.Older = len(dels) - maxDeliveries
		dels = dels[len(dels)-maxDeliveries:]
	}
	for _, dl := range slices.Backward(dels) {
		row := deliveryRow{Occurrence: d.in(&dl.Occurrence, rem.TZ), Due: d.in(&dl.DueAt, rem.TZ), Recipient: dl.Recipient, Channel: dl.Channel,
			State: string(dl.State), LastError: dl.LastError, Late: dl.Late, AttemptCount: dl.Delivery.Attempts}
		if row.Recipient == "" {
			row.Recipient = "(tenant webhook)"
		}
		if dl.State == remind.DeliveryPending {
			row.NextAttempt = d.in(&dl.NextAttemptAt, rem.TZ)
		}
		for _, a := range dl.Attempts {
			row.Attempts = append(row.Attempts, attemptRow{N: a.N, At: d.in(&a.At, rem.TZ), Outcome: a.Outcome, Error: a.Error,
				StatusCode: a.StatusCode, Duration: a.Duration.Round(time.Millisecond).String()})
		}
		p.Deliveries = append(p.Deliveries, row)
	}
	d.render(w, http.StatusOK, "reminder.html", p)
	return nil
}

func recipientChannels(rc remind.Recipient) string {
	var ch []string
	for _, c := range []struct{ name, v string }{{"email", rc.Email}, {"sms", rc.Phone}, {"wechat", rc.WeChatOpenID}, {"webhook", rc.WebhookURL}} {
		if c.v != "" {
			ch = append(ch, c.name)
		}
	}
	for _, c := range []string{remind.ChannelDingTalk, remind.ChannelFeishu, remind.ChannelWeCom} {
		if rc.Contacts.Robot(c) != nil {
			ch = append(ch, c)
		}
	}
	if len(rc.Contacts.Notify) > 0 {
		ch = append(ch, remind.ChannelNotify)
	}
	ch = append(ch, "inbox")
	return strings.Join(ch, ", ")
}

// ---- cancel and delete

type confirmPage struct {
	base
	reminderRow
	Action, Verb, Warning string
}

// actionOf checks the {action} of /dashboard/reminders/{id}/{action}.
func actionOf(r *http.Request) (string, error) {
	switch a := r.PathValue("action"); a {
	case "cancel", "delete":
		return a, nil
	}
	return "", remind.NotFound("page")
}

// confirm asks before a reminder is cancelled or deleted.
func (d *Dashboard) confirm(w http.ResponseWriter, r *http.Request, s session) error {
	action, err := actionOf(r)
	if err != nil {
		return err
	}
	rem, err := d.svc.GetReminder(r.Context(), s.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := confirmPage{base: base{PageTitle: "Confirm", Nav: "reminders", Session: &s}, reminderRow: d.row(rem), Action: action}
	if action == "cancel" {
		p.Verb, p.Warning = "Cancel reminder", "It will never fire again, including firings already queued. This cannot be undone."
	} else {
		p.Verb, p.Warning = "Delete reminder", "It disappears from the dashboard and the API and stops firing; its delivery history is kept. This cannot be undone."
	}
	d.render(w, http.StatusOK, "confirm.html", p)
	return nil
}

func (d *Dashboard) act(w http.ResponseWriter, r *http.Request, s session) error {
	action, err := actionOf(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if action == "cancel" {
		if _, err := d.svc.CancelReminder(r.Context(), s.Tenant, id); err != nil {
			return err
		}
		http.Redirect(w, r, "/dashboard/reminders/"+id, http.StatusSeeOther)
		return nil
	}
	if err := d.svc.DeleteReminder(r.Context(), s.Tenant, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/reminders", http.StatusSeeOther)
	return nil
}

// ---- create

type newForm struct {
	Text, Title, Desc, TZ, Recipients string
}

type previewView struct {
	Matched, Title, Time, End, RRule, Zone string
	Next                                   []string
}

type newPage struct {
	base
	Form    newForm
	Errors  map[string]string // field → message
	Error   string            // not about one field
	Preview *previewView
	Zone    string // the tenant's default
}

func (d *Dashboard) newForm(w http.ResponseWriter, r *http.Request, s session) error {
	d.render(w, http.StatusOK, "new.html", newPage{base: base{PageTitle: "New reminder", Nav: "new", Session: &s}, Zone: s.Tenant.TZ})
	return nil
}

// formField maps a service error's field to the form field to show it by.
func formField(field string) string {
	switch field {
	case "title", "desc", "tz", "recipients":
		return field
	case "":
		return ""
	}
	return "text" // time, rrule, defer, text: all come from the text
}

// create previews (action=preview) or creates (action=create) a reminder
// from the form; an invalid form comes back with the errors by the fields.
func (d *Dashboard) create(w http.ResponseWriter, r *http.Request, s session) error {
	f := newForm{Text: strings.TrimSpace(r.PostForm.Get("text")), Title: strings.TrimSpace(r.PostForm.Get("title")),
		Desc: strings.TrimSpace(r.PostForm.Get("desc")), TZ: strings.TrimSpace(r.PostForm.Get("tz")), Recipients: r.PostForm.Get("recipients")}
	p := newPage{base: base{PageTitle: "New reminder", Nav: "new", Session: &s}, Form: f, Zone: s.Tenant.TZ, Errors: map[string]string{}}
	var recips []string
	for _, uid := range strings.FieldsFunc(f.Recipients, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' }) {
		if err := remind.CheckUID("recipients", uid); err != nil {
			p.Errors["recipients"] = fmt.Sprintf("%q: %s", uid, strings.TrimPrefix(err.Error(), "recipients: "))
			break
		}
		recips = append(recips, uid)
	}
	if f.Text == "" {
		p.Errors["text"] = "Say when, e.g. “明天下午3点开会” or “every monday 9am standup”."
	}
	if len(p.Errors) > 0 {
		d.render(w, http.StatusBadRequest, "new.html", p)
		return nil
	}
	invalid := func(err error) error {
		var e *remind.Error
		if !errors.As(err, &e) || (e.Code != remind.CodeInvalid && e.Code != remind.CodeNoTime) {
			return err
		}
		if fld := formField(e.Field); fld != "" {
			p.Errors[fld] = e.Message
		} else {
			p.Error = e.Message
		}
		p.Preview = nil
		d.render(w, http.StatusBadRequest, "new.html", p)
		return nil
	}
	sch, err := d.svc.Parse(s.Tenant, f.Text, f.TZ, d.svc.Now())
	if err != nil {
		return invalid(err)
	}
	zone := f.TZ
	if zone == "" {
		zone = s.Tenant.TZ
	}
	pv := &previewView{Matched: sch.Matched, Title: sch.Title, Time: d.in(&sch.Time, zone), End: d.in(sch.End, zone), RRule: sch.RRule, Zone: zone}
	for _, t := range sch.Next {
		pv.Next = append(pv.Next, d.in(&t, zone))
	}
	p.Preview = pv
	if r.PostForm.Get("action") != "create" {
		d.render(w, http.StatusOK, "new.html", p)
		return nil
	}
	rem, _, err := d.svc.CreateReminder(r.Context(), s.Tenant, service.CreateInput{Title: f.Title, Desc: f.Desc, Text: f.Text, TZ: f.TZ,
		Recipients: recips, Source: "dashboard"})
	if err != nil {
		return invalid(err)
	}
	http.Redirect(w, r, "/dashboard/reminders/"+rem.ID, http.StatusSeeOther)
	return nil
}
