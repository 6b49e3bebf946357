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

	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/zone"
)

// reminderRow is a reminder as the lists show it.
type reminderRow struct {
	ID, Title, Status, Next, Zone, Schedule string
}

// langOf is the language the viewer reads schedules in.
func langOf(r *http.Request) describe.Lang {
	return describe.Negotiate(r.Header.Get("Accept-Language"))
}

func (d *Dashboard) row(r remind.Reminder, lang describe.Lang) reminderRow {
	row := reminderRow{ID: r.ID, Title: r.Title, Status: string(r.Status), Next: d.in(r.NextFireAt, r.TZ), Zone: r.TZ, Schedule: describe.Schedule(r, lang)}
	if row.Title == "" {
		row.Title = "(untitled)"
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
	Counts    []statusCount
	Total     int
	Upcoming  []reminderRow
	Attention []attentionRow
}

// attentionRow is one cause of failed deliveries, with how many failed of
// it lately and the reminders they belong to.
type attentionRow struct {
	cause
	Count     int
	Latest    string
	Reminders []reminderRef // the first few
}

// reminderRef is a link to a reminder by its title.
type reminderRef struct{ ID, Title string }

// attentionWindow is how far back the "needs attention" panel looks.
const (
	attentionWindow = 7 * 24 * time.Hour
	attentionRead   = 200
)

// attention groups the tenant's recent failed deliveries by cause, the
// most frequent first.
func (d *Dashboard) attention(r *http.Request, s session) ([]attentionRow, error) {
	ds, err := d.svc.FailedDeliveries(r.Context(), s.Tenant, d.svc.Now().Add(-attentionWindow), attentionRead)
	if err != nil {
		return nil, err
	}
	var rows []attentionRow
	idx := map[string]int{}
	for _, dl := range ds {
		c := explain(dl.Channel, dl.LastError, 0)
		if dl.State == remind.DeliveryMissed {
			c = explain(dl.Channel, "missed", 0)
		}
		i, ok := idx[c.Key]
		if !ok {
			i = len(rows)
			idx[c.Key] = i
			rows = append(rows, attentionRow{cause: c, Latest: d.in(&dl.UpdatedAt, s.Tenant.TZ)})
		}
		rows[i].Count++
		if len(rows[i].Reminders) < 3 && !slices.ContainsFunc(rows[i].Reminders, func(x reminderRef) bool { return x.ID == dl.ReminderID }) {
			rows[i].Reminders = append(rows[i].Reminders, reminderRef{ID: dl.ReminderID})
		}
	}
	slices.SortStableFunc(rows, func(a, b attentionRow) int { return b.Count - a.Count })
	// Name the reminders (at most three per cause); a deleted one keeps its id.
	titles := map[string]string{}
	for i := range rows {
		for j, ref := range rows[i].Reminders {
			t, ok := titles[ref.ID]
			if !ok {
				if rem, err := d.svc.GetReminder(r.Context(), s.Tenant, ref.ID); err == nil {
					t = d.row(rem, langOf(r)).Title
				} else if !errors.Is(err, remind.ErrNotFound) {
					return nil, err
				} else {
					t = "reminder " + ref.ID[max(0, len(ref.ID)-8):] + " (deleted)"
				}
				titles[ref.ID] = t
			}
			rows[i].Reminders[j].Title = t
		}
	}
	return rows, nil
}

func (d *Dashboard) overview(w http.ResponseWriter, r *http.Request, s session) error {
	sum, err := d.svc.Summarize(r.Context(), s.Tenant, upcomingCount)
	if err != nil {
		return err
	}
	p := overviewPage{base: base{PageTitle: "Overview", Nav: "overview", Session: &s}, Total: sum.Total}
	if p.Attention, err = d.attention(r, s); err != nil {
		return err
	}
	for _, st := range []remind.Status{remind.StatusActive, remind.StatusDone, remind.StatusCancelled} {
		p.Counts = append(p.Counts, statusCount{Status: string(st), Count: sum.Counts[st]})
	}
	for _, rem := range sum.Next {
		p.Upcoming = append(p.Upcoming, d.row(rem, langOf(r)))
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
		p.Rows = append(p.Rows, d.row(rem, langOf(r)))
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

// attemptRow is a run of attempts with the same outcome, status and
// error: a delivery retried ten times against a dead endpoint is one row
// saying "×10".
type attemptRow struct {
	First, Last        int // attempt numbers
	At, Outcome, Error string
	Status             string // "HTTP 503", "SMTP 550"
	Duration           string
	Repeats            int
}

type deliveryRow struct {
	Occurrence, Due, Recipient, Channel, State, LastError, NextAttempt string
	Step, About                                                        string // a follow-up's step, and who did not confirm
	Late                                                               bool
	AttemptCount                                                       int
	Attempts                                                           []attemptRow
	Cause                                                              *cause // why it failed, for failed deliveries
}

// collapse groups consecutive attempts that ended alike.
func (d *Dashboard) collapse(channel, zone string, as []remind.Attempt) []attemptRow {
	var out []attemptRow
	for _, a := range as {
		st := statusLabel(channel, a.StatusCode)
		if n := len(out); n > 0 && out[n-1].Outcome == a.Outcome && out[n-1].Status == st && out[n-1].Error == a.Error {
			out[n-1].Last, out[n-1].Repeats = a.N, out[n-1].Repeats+1
			out[n-1].At = d.in(&a.At, zone)
			continue
		}
		out = append(out, attemptRow{First: a.N, Last: a.N, At: d.in(&a.At, zone), Outcome: a.Outcome, Error: a.Error, Status: st,
			Duration: a.Duration.Round(time.Millisecond).String(), Repeats: 1})
	}
	return out
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
	Fired        string // "Fired 1 time"
	Recipients   []recipientRow
	MoreRecips   int
	Channels     string
	Webhooks     int  // the tenant's webhooks, which receive every firing
	Owner        bool // no recipients, no webhook: the owner recipient gets it
	Reach        service.Reach
	Ack          string // the acknowledgement policy in words; "" for none
	SubscribeURL string
	QRURL        string
	PosterURL    string
	Deliveries   []deliveryRow
	Older        int
	Created      string
	Audience     *audienceView
	Matrix       *matrixView
	Cancellable  bool // only an active reminder can be cancelled
	Editable     bool // a cancelled one cannot be changed
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
	p := reminderPage{base: base{PageTitle: d.row(rem, langOf(r)).Title, Nav: "reminders", Session: &s}, reminderRow: d.row(rem, langOf(r)), R: rem,
		Time: d.in(rem.Time, rem.TZ), Channels: d.channelList(rem.Channels), Created: d.in(&rem.CreatedAt, rem.TZ),
		Fired: "Fired " + times(rem.FiredCount), Cancellable: rem.Status == remind.StatusActive, Editable: rem.Status != remind.StatusCancelled}
	if rem.FiredCount == 0 {
		p.Fired = "Not fired yet"
	}
	p.Ack = ackWords(rem.Ack)
	hooks, err := d.svc.ListWebhooks(ctx, s.Tenant)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if !h.Disabled {
			p.Webhooks++
		}
	}
	if rem.Recurring() {
		p.Start = rem.Start.In(zone.OrUTC(rem.TZ)).Format("2006-01-02 Mon") // the anchor's date: its clock is not a firing
	}
	if p.Reach, err = d.svc.Reach(ctx, s.Tenant, rem); err != nil {
		return err
	}
	if len(rem.Recipients) == 0 && p.Webhooks == 0 {
		switch _, err := d.svc.GetRecipient(ctx, s.Tenant, remind.OwnerUID); {
		case err == nil:
			p.Owner = true
		case !errors.Is(err, remind.ErrNotFound):
			return err
		}
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
			row.Known, row.Name, row.Muted, row.Channels = true, rc.Name, rc.Muted, d.recipientChannels(rc)
		case !errors.Is(err, remind.ErrNotFound):
			return err
		}
		p.Recipients = append(p.Recipients, row)
	}
	if d.links != nil && rem.Status != remind.StatusCancelled {
		l, err := d.links.SubscribeLinkOf(ctx, s.Tenant.ID, rem.ID)
		switch {
		case err == nil:
			p.SubscribeURL, p.QRURL, p.PosterURL = d.cfg.PublicURL+"/s/"+l.Token, "/s/"+l.Token+"/qr.png", "/s/"+l.Token+"/poster.png"
		case !errors.Is(err, remind.ErrNotFound):
			return err
		}
	}
	if p.Audience, err = d.audience(ctx, s, rem); err != nil {
		return err
	}
	if len(dels) > 0 {
		acks, err := d.svc.AckStates(ctx, s.Tenant, rem.ID)
		if err != nil {
			return err
		}
		p.Matrix = d.matrix(rem, dels, acks)
	}
	if len(dels) > maxDeliveries {
		p.Older = len(dels) - maxDeliveries
		dels = dels[len(dels)-maxDeliveries:]
	}
	for _, dl := range slices.Backward(dels) {
		row := deliveryRow{Occurrence: d.in(&dl.Occurrence, rem.TZ), Due: d.in(&dl.DueAt, rem.TZ), Recipient: dl.Recipient, Channel: dl.Channel, Step: dl.Step, About: dl.About,
			State: string(dl.State), LastError: dl.LastError, Late: dl.Late, AttemptCount: dl.Delivery.Attempts}
		if row.Recipient == "" {
			row.Recipient = "(tenant webhook)"
		}
		if dl.State == remind.DeliveryPending {
			row.NextAttempt = d.in(&dl.NextAttemptAt, rem.TZ)
		}
		row.Attempts = d.collapse(dl.Channel, rem.TZ, dl.Attempts)
		if n := len(dl.Attempts); n > 0 && dl.Attempts[n-1].Error == dl.LastError {
			row.LastError = "" // the attempt list shows it
		}
		if dl.State == remind.DeliveryFailed || dl.State == remind.DeliveryMissed || dl.State == remind.DeliveryPending && dl.LastError != "" {
			code := 0
			if n := len(dl.Attempts); n > 0 {
				code = dl.Attempts[n-1].StatusCode
			}
			c := explain(dl.Channel, dl.LastError, code)
			if dl.State == remind.DeliveryMissed {
				c = explain(dl.Channel, "missed", 0)
			}
			row.Cause = &c
		}
		p.Deliveries = append(p.Deliveries, row)
	}
	d.render(w, http.StatusOK, "reminder.html", p)
	return nil
}

// recipientChannels lists the channels a recipient can be reached on:
// those they have an address for that this server has set up.
func (d *Dashboard) recipientChannels(rc remind.Recipient) string {
	var ch []string
	for _, c := range []struct{ name, v string }{{"email", rc.Email}, {"sms", rc.Phone}, {"wechat", rc.WeChatOpenID}, {"webhook", rc.WebhookURL}} {
		if c.v != "" && d.configured(c.name) {
			ch = append(ch, channelName(c.name))
		}
	}
	for _, c := range []string{remind.ChannelDingTalk, remind.ChannelFeishu, remind.ChannelWeCom} {
		if rc.Contacts.Robot(c) != nil && d.configured(c) {
			ch = append(ch, channelName(c))
		}
	}
	if len(rc.Contacts.Notify) > 0 && d.configured(remind.ChannelNotify) {
		ch = append(ch, channelName(remind.ChannelNotify))
	}
	if rc.WebPush && d.configured(remind.ChannelWebPush) {
		ch = append(ch, channelName(remind.ChannelWebPush))
	}
	ch = append(ch, channelName(remind.ChannelInbox))
	return strings.Join(ch, ", ")
}

// channelList names a reminder's channels, marking those this server has
// not set up (their deliveries fail).
func (d *Dashboard) channelList(chs []string) string {
	var out []string
	for _, c := range chs {
		n := channelName(c)
		if !d.configured(c) {
			n += " (not set up on this server)"
		}
		out = append(out, n)
	}
	return strings.Join(out, ", ")
}

// configured reports whether the server delivers on channel; without a
// list (Config.Channels nil) every channel counts.
func (d *Dashboard) configured(channel string) bool {
	return d.cfg.Channels == nil || slices.Contains(d.cfg.Channels, channel)
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
	case "cancel", "delete", "edit":
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
	switch {
	case action == "edit":
		return d.editForm(w, r, s, rem)
	case action == "cancel" && rem.Status != remind.StatusActive:
		return conflict("this reminder is " + string(rem.Status) + ": there is nothing left to cancel")
	}
	p := confirmPage{base: base{PageTitle: "Confirm", Nav: "reminders", Session: &s}, reminderRow: d.row(rem, langOf(r)), Action: action}
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
	if action == "edit" {
		return d.edit(w, r, s)
	}
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
	Words                                  string // the schedule in words
	Next                                   []string
}

type newPage struct {
	base
	Options []channelOption
	Form    newForm
	Errors  map[string]string // field → message
	Error   string            // not about one field
	Preview *previewView
	Zone    string // the tenant's default
}

func (d *Dashboard) newForm(w http.ResponseWriter, r *http.Request, s session) error {
	d.render(w, http.StatusOK, "new.html", newPage{base: base{PageTitle: "New reminder", Nav: "new", Session: &s}, Zone: s.Tenant.TZ, Options: d.channelOptions(nil)})
	return nil
}

// channelOptions are the channel checkboxes: the server's channels, those
// in checked ticked.
func (d *Dashboard) channelOptions(checked map[string]bool) []channelOption {
	names := d.cfg.Channels
	if names == nil {
		names = []string{remind.ChannelInbox, remind.ChannelWebhook, remind.ChannelEmail, remind.ChannelSMS, remind.ChannelWeChat, remind.ChannelWebPush}
	}
	var out []channelOption
	for _, n := range names {
		out = append(out, channelOption{Name: n, Label: channelName(n), Checked: checked[n]})
	}
	return out
}

// formChannels reads the ticked channels of a form.
func formChannels(r *http.Request) ([]string, map[string]bool, error) {
	var chans []string
	ticked := map[string]bool{}
	for _, c := range r.PostForm["channel"] {
		if !remind.KnownChannel(c) {
			return nil, nil, remind.Invalid("channel", "unknown channel %q", c)
		}
		if !ticked[c] {
			ticked[c] = true
			chans = append(chans, c)
		}
	}
	return chans, ticked, nil
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
	chans, ticked, err := formChannels(r)
	if err != nil {
		return err
	}
	p := newPage{base: base{PageTitle: "New reminder", Nav: "new", Session: &s}, Form: f, Zone: s.Tenant.TZ, Errors: map[string]string{}, Options: d.channelOptions(ticked)}
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
	pv, err := d.preview(r, s, f.Text, f.TZ)
	if err != nil {
		return invalid(err)
	}
	p.Preview = pv
	if r.PostForm.Get("action") != "create" {
		d.render(w, http.StatusOK, "new.html", p)
		return nil
	}
	rem, _, err := d.svc.CreateReminder(r.Context(), s.Tenant, service.CreateInput{Title: f.Title, Desc: f.Desc, Text: f.Text, TZ: f.TZ,
		Recipients: recips, Channels: chans, Source: "dashboard"})
	if err != nil {
		return invalid(err)
	}
	http.Redirect(w, r, "/dashboard/reminders/"+rem.ID, http.StatusSeeOther)
	return nil
}

// ---- edit

type editForm struct {
	Text, Title, Desc, Recipients string
	Channels                      map[string]bool
}

type channelOption struct {
	Name, Label string
	Checked     bool
}

type editPage struct {
	base
	reminderRow
	Form     editForm
	Options  []channelOption
	Errors   map[string]string
	Error    string
	Preview  *previewView
	Schedule string // the schedule as it is now, in words
	ETag     string // of the reminder the form was filled from
}

// editView fills the page of the edit form for rem.
func (d *Dashboard) editView(r *http.Request, s session, rem remind.Reminder, f editForm) editPage {
	p := editPage{base: base{PageTitle: "Edit", Nav: "reminders", Session: &s}, reminderRow: d.row(rem, langOf(r)), Form: f,
		Errors: map[string]string{}, Schedule: describe.Schedule(rem, langOf(r)) + " (" + rem.TZ + ")", ETag: rem.ETag()}
	p.Options = d.channelOptions(f.Channels)
	return p
}

// editForm shows a reminder's edit form, filled with what it has now.
func (d *Dashboard) editForm(w http.ResponseWriter, r *http.Request, s session, rem remind.Reminder) error {
	if rem.Status == remind.StatusCancelled {
		return conflict("a cancelled reminder cannot be changed")
	}
	f := editForm{Title: rem.Title, Desc: rem.Desc, Recipients: strings.Join(rem.Recipients, ", "), Channels: map[string]bool{}}
	for _, c := range rem.Channels {
		f.Channels[c] = true
	}
	d.render(w, http.StatusOK, "edit.html", d.editView(r, s, rem, f))
	return nil
}

// edit previews (action=preview) or saves (action=save) the edit form.
// An empty "when" keeps the schedule; recipients and channels are
// replaced by what the form says.
func (d *Dashboard) edit(w http.ResponseWriter, r *http.Request, s session) error {
	rem, err := d.svc.GetReminder(r.Context(), s.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := editForm{Text: strings.TrimSpace(r.PostForm.Get("text")), Title: strings.TrimSpace(r.PostForm.Get("title")),
		Desc: strings.TrimSpace(r.PostForm.Get("desc")), Recipients: r.PostForm.Get("recipients"), Channels: map[string]bool{}}
	chans, ticked, err := formChannels(r)
	if err != nil {
		return err
	}
	f.Channels = ticked
	p := d.editView(r, s, rem, f)
	recips, bad := splitUIDs(f.Recipients)
	if bad != "" {
		p.Errors["recipients"] = bad
		d.render(w, http.StatusBadRequest, "edit.html", p)
		return nil
	}
	invalid := func(err error) error {
		var e *remind.Error
		if !errors.As(err, &e) || (e.Code != remind.CodeInvalid && e.Code != remind.CodeNoTime) {
			return err
		}
		if fld := formField(e.Field); fld != "" && fld != "tz" {
			p.Errors[fld] = e.Message
		} else {
			p.Error = e.Message
		}
		p.Preview = nil
		d.render(w, http.StatusBadRequest, "edit.html", p)
		return nil
	}
	patch := service.Patch{Title: &f.Title, Desc: &f.Desc, Recipients: &recips, Channels: &chans, IfMatch: r.PostForm.Get("etag")}
	if f.Text != "" {
		pv, err := d.preview(r, s, f.Text, rem.TZ)
		if err != nil {
			return invalid(err)
		}
		p.Preview = pv
		patch.Text = &f.Text
	}
	if r.PostForm.Get("action") != "save" {
		if p.Preview == nil {
			p.Error = "Nothing to preview: type when it should fire."
		}
		d.render(w, http.StatusOK, "edit.html", p)
		return nil
	}
	if _, err := d.svc.UpdateReminder(r.Context(), s.Tenant, rem.ID, patch); err != nil {
		return invalid(err)
	}
	http.Redirect(w, r, "/dashboard/reminders/"+rem.ID, http.StatusSeeOther)
	return nil
}

// splitUIDs reads a list of recipient uids separated by commas or spaces;
// bad says what is wrong with the first bad one.
func splitUIDs(v string) (uids []string, bad string) {
	uids = []string{}
	for _, uid := range strings.FieldsFunc(v, func(c rune) bool {
		return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '，' || c == '、'
	}) {
		if err := remind.CheckUID("recipients", uid); err != nil {
			return nil, fmt.Sprintf("%q: %s", uid, strings.TrimPrefix(err.Error(), "recipients: "))
		}
		if !slices.Contains(uids, uid) {
			uids = append(uids, uid)
		}
	}
	return uids, ""
}

// preview reads text as the parse endpoint does and says how it was read.
func (d *Dashboard) preview(r *http.Request, s session, text, tz string) (*previewView, error) {
	sch, err := d.svc.Parse(s.Tenant, text, tz, d.svc.Now())
	if err != nil {
		return nil, err
	}
	zone := tz
	if zone == "" {
		zone = s.Tenant.TZ
	}
	t := sch.Time
	words := describe.Schedule(remind.Reminder{RRule: sch.RRule, Time: &t, Start: t, TZ: zone}, langOf(r))
	pv := &previewView{Matched: sch.Matched, Title: sch.Title, Time: d.in(&sch.Time, zone), End: d.in(sch.End, zone), RRule: sch.RRule, Zone: zone, Words: words}
	for _, n := range sch.Next {
		pv.Next = append(pv.Next, d.in(&n, zone))
	}
	return pv, nil
}

func conflict(msg string) error { return &remind.Error{Code: remind.CodeConflict, Message: msg} }

// ackWords says what an acknowledgement policy does; "" for none.
func ackWords(a *remind.AckPolicy) string {
	if a == nil {
		return ""
	}
	out := "each recipient confirms within " + a.Within.String()
	if a.MaxRepeats > 0 {
		out += fmt.Sprintf("; reminded again every %s, up to %s", a.Repeat, times(a.MaxRepeats))
	}
	if len(a.EscalateTo) > 0 {
		out += "; then " + strings.Join(a.EscalateTo, ", ") + " hear who did not"
	}
	if len(a.ThenChannels) > 0 {
		out += "; then sent again by " + strings.Join(a.ThenChannels, ", ")
	}
	return out
}
