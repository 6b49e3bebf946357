package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/nextfire"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/zone"
)

// Sources of the reminders RaaS makes itself: a recipient's morning
// agenda, an owner's daily digest, an owner's notice of a subscription.
// They are ordinary one-off reminders (so they go out on the recipient's
// channels, durably, with links), left out of agendas.
const (
	SourceAgenda = "agenda"
	SourceDigest = "digest"
	SourceNotice = "notice"
)

// Summary times, in the recipient's zone: the agenda and the digest go out
// at SummaryHour, or later in the morning when the server was down then;
// after SummaryUntil that day's are skipped as stale.
const (
	SummaryHour  = 8
	SummaryUntil = 12
)

// SummaryStore is what the summaries read.
type SummaryStore interface {
	SummaryRecipients(ctx context.Context, afterTenant, afterUID string, limit int) ([]remind.Recipient, error)
	InboxChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.InboxItem, error)
	SubscribersChanged(ctx context.Context, tenantID string, since, until time.Time, limit int) ([]remind.Subscriber, error)
	FailedDeliveries(ctx context.Context, tenantID string, since time.Time, limit int) ([]remind.Delivery, error)
	GetTenant(ctx context.Context, id string) (remind.Tenant, error)
	GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error)
	ListReminders(ctx context.Context, tenantID string, q store.ListQuery) ([]remind.Reminder, error)
}

// Summaries sends the morning agenda to recipients who opted in (the day's
// reminders, skipped on a day with none) and the daily digest to owners
// who opted in (what fired, who confirmed or rejected, what failed and
// why, who subscribed or left; skipped on a day with nothing). Each is a
// reminder created with an idempotency key naming the recipient and the
// day, so several instances running passes at once send it once.
type Summaries struct {
	svc *Service
	st  SummaryStore

	mu   sync.Mutex
	done map[string]bool // "tenant/uid/kind/day" sent (or found empty) by this process
}

// NewSummaries returns the summaries of svc's tenants.
func NewSummaries(svc *Service, st SummaryStore) *Summaries {
	return &Summaries{svc: svc, st: st, done: map[string]bool{}}
}

// Pass sends, at now, every agenda and digest that is due and not sent.
func (m *Summaries) Pass(ctx context.Context, now time.Time) error {
	tenants := map[string]remind.Tenant{}
	afterT, afterU := "", ""
	for {
		page, err := m.st.SummaryRecipients(ctx, afterT, afterU, store.MaxPage)
		if err != nil {
			return fmt.Errorf("service: summaries: %w", err)
		}
		for _, rc := range page {
			t, ok := tenants[rc.TenantID]
			if !ok {
				if t, err = m.st.GetTenant(ctx, rc.TenantID); err != nil {
					return fmt.Errorf("service: summaries: %w", err)
				}
				tenants[rc.TenantID] = t
			}
			if err := m.recipient(ctx, t, rc, now); err != nil {
				return err
			}
		}
		if len(page) < store.MaxPage {
			return nil
		}
		afterT, afterU = page[len(page)-1].TenantID, page[len(page)-1].UID
	}
}

// summaryDay returns the recipient's day at now and its SummaryHour, and
// whether now is within the morning's sending window.
func summaryDay(t remind.Tenant, rc remind.Recipient, now time.Time) (day string, at time.Time, loc *time.Location, due bool) {
	tz := rc.Profile.TZ
	if tz == "" {
		tz = t.TZ
	}
	loc = zone.OrUTC(tz)
	local := now.In(loc)
	at = time.Date(local.Year(), local.Month(), local.Day(), SummaryHour, 0, 0, 0, loc)
	until := time.Date(local.Year(), local.Month(), local.Day(), SummaryUntil, 0, 0, 0, loc)
	return local.Format("2006-01-02"), at, loc, !now.Before(at) && now.Before(until)
}

func (m *Summaries) recipient(ctx context.Context, t remind.Tenant, rc remind.Recipient, now time.Time) error {
	day, at, loc, due := summaryDay(t, rc, now)
	if !due {
		return nil
	}
	if rc.Profile.AgendaOptIn {
		if err := m.once(rc, SourceAgenda, day, func() error { return m.agenda(ctx, t, rc, day, loc, now) }); err != nil {
			return err
		}
	}
	if rc.Profile.DigestOptIn && rc.UID == remind.OwnerUID {
		if err := m.once(rc, SourceDigest, day, func() error { return m.digest(ctx, t, rc, day, at, loc, now) }); err != nil {
			return err
		}
	}
	return nil
}

// once runs send unless this process did it for the key already; a send
// that fails is tried again on the next pass.
func (m *Summaries) once(rc remind.Recipient, kind, day string, send func() error) error {
	key := rc.TenantID + "/" + rc.UID + "/" + kind + "/" + day
	m.mu.Lock()
	done := m.done[key]
	m.mu.Unlock()
	if done {
		return nil
	}
	if err := send(); err != nil {
		return err
	}
	m.mu.Lock()
	for k := range m.done { // keep only today's keys
		if !strings.HasSuffix(k, "/"+day) {
			delete(m.done, k)
		}
	}
	m.done[key] = true
	m.mu.Unlock()
	return nil
}

// AgendaLine is one firing in a recipient's agenda.
type AgendaLine struct {
	At    time.Time
	Title string
}

// Agenda returns the firings of the recipient's reminders from now to the
// end of their day (in loc), in time order. The owner's agenda holds the
// reminders without recipients too (they go to the owner).
func (m *Summaries) Agenda(ctx context.Context, t remind.Tenant, uid string, loc *time.Location, now time.Time) ([]AgendaLine, error) {
	local := now.In(loc)
	end := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	var out []AgendaLine
	q := store.ListQuery{Status: remind.StatusActive, Limit: store.MaxPage}
	for {
		page, err := m.st.ListReminders(ctx, t.ID, q)
		if err != nil {
			return nil, fmt.Errorf("service: agenda: %w", err)
		}
		for _, r := range page {
			if r.NextFireAt == nil || systemSource(r.Source) {
				continue
			}
			if !slices.Contains(r.Recipients, uid) && (uid != remind.OwnerUID || len(r.Recipients) > 0) {
				continue
			}
			at, ok := *r.NextFireAt, true
			for n := 0; ok && at.Before(end) && n < 48; n++ {
				if !at.Before(now) {
					out = append(out, AgendaLine{At: at, Title: r.Title})
				}
				if at, ok, err = nextfire.After(r, at, now, 0); err != nil {
					break
				}
			}
		}
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	sort.Slice(out, func(i, j int) bool { // by time; ties by title, so the order never depends on ids
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Title < out[j].Title
	})
	return out, nil
}

func systemSource(s string) bool { return s == SourceAgenda || s == SourceDigest || s == SourceNotice }

func english(rc remind.Recipient) bool { return rc.Profile.Lang == "en" }

func (m *Summaries) agenda(ctx context.Context, t remind.Tenant, rc remind.Recipient, day string, loc *time.Location, now time.Time) error {
	lines, err := m.Agenda(ctx, t, rc.UID, loc, now)
	if err != nil || len(lines) == 0 {
		return err // nothing today: no message
	}
	var b strings.Builder
	for _, l := range lines {
		title := strings.Join(strings.Fields(l.Title), " ")
		if title == "" {
			title = "提醒 / Reminder"
		}
		fmt.Fprintf(&b, "%s  %s\n", l.At.In(loc).Format("15:04"), title)
	}
	title := fmt.Sprintf("今日提醒：%d 项", len(lines))
	if english(rc) {
		title = fmt.Sprintf("Today: %d reminder%s", len(lines), plural(len(lines)))
	}
	return m.send(ctx, t, rc, SourceAgenda, day, title, strings.TrimSpace(b.String()), now)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// send creates the summary: a one-off reminder to rc, now, keyed by the
// recipient, the kind and the day, so a second instance's pass replays it.
func (m *Summaries) send(ctx context.Context, t remind.Tenant, rc remind.Recipient, kind, day, title, desc string, now time.Time) error {
	key := "raas:" + kind + ":" + rc.UID + ":" + day
	at := now
	_, _, err := m.svc.CreateReminder(ctx, t, CreateInput{Title: cut(title, 200), Desc: cut(desc, 4000), Time: &at, TZ: rc.Profile.TZ,
		Recipients: []string{rc.UID}, Source: kind, Meta: map[string]string{"kind": kind, "day": day},
		IdempotencyKey: key, BodyHash: key})
	if errors.Is(err, remind.ErrConflict) {
		return nil // sent by another instance with other words
	}
	if err != nil {
		return fmt.Errorf("service: %s for %s: %w", kind, rc.UID, err)
	}
	return nil
}

// cut shortens s to at most n characters.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// digest tells the owner what happened in the 24 hours before the
// morning's SummaryHour.
func (m *Summaries) digest(ctx context.Context, t remind.Tenant, rc remind.Recipient, day string, at time.Time, loc *time.Location, now time.Time) error {
	since := at.Add(-24 * time.Hour)
	en := english(rc)
	rems := map[string]remind.Reminder{} // read once each; a deleted one is named by its id
	reminder := func(id string) remind.Reminder {
		r, ok := rems[id]
		if !ok {
			var err error
			if r, err = m.st.GetReminder(ctx, t.ID, id); err != nil {
				r = remind.Reminder{ID: id, Title: id}
			}
			rems[id] = r
		}
		return r
	}
	titleOf := func(id string) string { return strings.Join(strings.Fields(reminder(id).Title), " ") }
	items, err := m.st.InboxChanged(ctx, t.ID, since, at, store.MaxPage)
	if err != nil {
		return fmt.Errorf("service: digest: %w", err)
	}
	fired := map[string]bool{}
	var firedLines, ackLines []string
	for _, it := range items {
		if systemSource(reminder(it.ReminderID).Source) {
			continue // the agenda, digests and notices themselves
		}
		k := it.ReminderID + "@" + it.Occurrence.String()
		if !it.CreatedAt.Before(since) && !fired[k] {
			fired[k] = true
			firedLines = append(firedLines, fmt.Sprintf("%s  %s", it.Occurrence.In(loc).Format("01-02 15:04"), titleOf(it.ReminderID)))
		}
		switch it.Status {
		case remind.InboxConfirmed, remind.InboxRejected:
			verb := map[bool]string{true: "confirmed", false: "确认"}[en]
			if it.Status == remind.InboxRejected {
				verb = map[bool]string{true: "rejected", false: "拒绝"}[en]
			}
			ackLines = append(ackLines, fmt.Sprintf("%s %s「%s」", it.UID, verb, titleOf(it.ReminderID)))
		}
	}
	failed, err := m.st.FailedDeliveries(ctx, t.ID, since, 200)
	if err != nil {
		return fmt.Errorf("service: digest: %w", err)
	}
	var failLines []string
	seen := map[string]bool{}
	for _, d := range failed {
		if !d.UpdatedAt.Before(at) {
			continue
		}
		why := d.LastError
		if why == "" {
			why = string(d.State)
		}
		line := fmt.Sprintf("「%s」 %s → %s: %s", titleOf(d.ReminderID), d.Channel, d.Recipient, cut(why, 120))
		if !seen[line] {
			seen[line] = true
			failLines = append(failLines, line)
		}
	}
	subs, err := m.st.SubscribersChanged(ctx, t.ID, since, at, store.MaxPage)
	if err != nil {
		return fmt.Errorf("service: digest: %w", err)
	}
	var subLines []string
	for _, sb := range subs {
		who := SubscriberLabel(sb)
		verb := map[bool]string{true: "subscribed to", false: "订阅了"}[en]
		switch {
		case sb.State == remind.SubscriberUnsubscribed && !sb.CreatedAt.Before(since):
			verb = map[bool]string{true: "subscribed to and left", false: "订阅后又退订了"}[en]
		case sb.State == remind.SubscriberUnsubscribed:
			verb = map[bool]string{true: "left", false: "退订了"}[en]
		}
		subLines = append(subLines, fmt.Sprintf("%s %s「%s」", who, verb, titleOf(sb.ReminderID)))
	}
	if len(firedLines)+len(ackLines)+len(failLines)+len(subLines) == 0 {
		return nil // a quiet day: no digest
	}
	var b strings.Builder
	section := func(zh, enTitle string, lines []string) {
		if len(lines) == 0 {
			return
		}
		h := zh
		if en {
			h = enTitle
		}
		fmt.Fprintf(&b, "%s (%d)\n", h, len(lines))
		for i, l := range lines {
			if i == 20 {
				fmt.Fprintf(&b, "  …\n")
				break
			}
			fmt.Fprintf(&b, "  %s\n", l)
		}
		b.WriteString("\n")
	}
	section("已发出", "Fired", firedLines)
	section("确认与拒绝", "Confirmed and rejected", ackLines)
	section("发送失败", "Failed", failLines)
	section("订阅变化", "Subscriptions", subLines)
	title := fmt.Sprintf("每日摘要 %s", day)
	if en {
		title = "Daily digest " + day
	}
	return m.send(ctx, t, rc, SourceDigest, day, title, strings.TrimSpace(b.String()), now)
}

// SubscriberLabel names a subscriber in words for the owner: the name the
// channel gave, the e-mail address, or the channel.
func SubscriberLabel(sb remind.Subscriber) string {
	switch {
	case sb.Name != "":
		return sb.Name
	case sb.Channel == remind.ChannelEmail:
		return sb.Address
	case sb.Channel == remind.ChannelWeChat:
		return "WeChat follower …" + sb.Address[max(0, len(sb.Address)-6):]
	}
	return "A browser"
}

// NotifyOwnerMeta is the reminder Meta key that asks for the owner to be
// told of every subscriber who joins or leaves (v1 "notify_owner").
const NotifyOwnerMeta = "notify_owner"

// NoticeSubscription tells the tenant's owner that sb joined or left its
// reminder, when the reminder asks for it (Meta[NotifyOwnerMeta] "true"):
// a one-off reminder to the owner, now, keyed by the subscriber's change
// so a change told twice is sent once. The caller logs an error: it is
// never the subscriber's problem.
func (s *Service) NoticeSubscription(ctx context.Context, sb remind.Subscriber) error {
	r, err := s.store.GetReminder(ctx, sb.TenantID, sb.ReminderID)
	if err != nil || r.Meta[NotifyOwnerMeta] != "true" {
		return nil
	}
	t, err := s.store.GetTenant(ctx, sb.TenantID)
	if err != nil {
		return fmt.Errorf("service: notice: %w", err)
	}
	en := false
	if owner, err := s.store.GetRecipient(ctx, t.ID, remind.OwnerUID); err == nil {
		en = english(owner)
	}
	title := strings.Join(strings.Fields(r.Title), " ")
	var text string
	switch {
	case sb.State == remind.SubscriberUnsubscribed && en:
		text = fmt.Sprintf("%s left “%s”", SubscriberLabel(sb), title)
	case sb.State == remind.SubscriberUnsubscribed:
		text = fmt.Sprintf("%s 退订了「%s」", SubscriberLabel(sb), title)
	case sb.State == remind.SubscriberConfirmed && en:
		text = fmt.Sprintf("%s subscribed to “%s”", SubscriberLabel(sb), title)
	case sb.State == remind.SubscriberConfirmed:
		text = fmt.Sprintf("%s 订阅了「%s」", SubscriberLabel(sb), title)
	default:
		return nil
	}
	now := s.now()
	key := "raas:notice:" + sb.ID + ":" + sb.State + ":" + sb.UpdatedAt.UTC().Format(time.RFC3339Nano)
	if _, _, err := s.CreateReminder(ctx, t, CreateInput{Title: cut(text, 200), Time: &now, Recipients: []string{remind.OwnerUID},
		Source: SourceNotice, Meta: map[string]string{"kind": SourceNotice, "reminder": r.ID}, IdempotencyKey: key, BodyHash: key}); err != nil {
		return fmt.Errorf("service: telling the owner of a subscriber to %s: %w", r.ID, err)
	}
	return nil
}
