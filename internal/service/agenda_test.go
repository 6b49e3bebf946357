package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/service"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/store/sqlite/sqlitetest"
)

// summariesOf lists the tenant's reminders of a system source.
func summariesOf(t *testing.T, svc *service.Service, tn remind.Tenant, source string) []remind.Reminder {
	t.Helper()
	all, err := svc.ListReminders(context.Background(), tn, store.ListQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []remind.Reminder
	for _, r := range all {
		if r.Source == source {
			out = append(out, r)
		}
	}
	return out
}

// The morning agenda goes out at 08:00 in the recipient's zone, once
// however many passes and processes run, lists the day's firings in time
// order (a recurring reminder's every firing that day), and is skipped on
// a day with nothing.
func TestAgendaAtEightInTheRecipientsZone(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2030, 3, 4, 6, 0, 0, 0, sh) // Monday 06:00 in Shanghai
	svc := service.New(st, noWake{}, func() time.Time { return now }, service.Config{NewSecret: func() string { return "whsec_x" }})
	_, tn, err := svc.CreateToken(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	for uid, p := range map[string]remind.Profile{
		"amy": {TZ: "Asia/Shanghai", AgendaOptIn: true},
		"bob": {TZ: "America/New_York", AgendaOptIn: true, Lang: "en"},
		"cat": {TZ: "Asia/Shanghai"}, // did not ask
	} {
		if _, err := svc.PutRecipient(ctx, tn, uid, service.RecipientInput{Profile: &p}); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(in service.CreateInput) {
		t.Helper()
		if _, _, err := svc.CreateReminder(ctx, tn, in); err != nil {
			t.Fatal(err)
		}
	}
	at := func(h, m int) *time.Time { x := time.Date(2030, 3, 4, h, m, 0, 0, sh); return &x }
	mk(service.CreateInput{Title: "站会", Time: at(9, 30), Recipients: []string{"amy", "cat"}})
	mk(service.CreateInput{Title: "评审", Time: at(14, 0), Recipients: []string{"amy"}})
	mk(service.CreateInput{Title: "明天的", Time: at(33, 0), Recipients: []string{"amy"}}) // tomorrow 09:00
	start := time.Date(2030, 3, 4, 10, 0, 0, 0, sh)
	mk(service.CreateInput{Title: "喝水", RRule: "FREQ=HOURLY;INTERVAL=4", Start: &start, TZ: "Asia/Shanghai", Recipients: []string{"amy"}})

	sums := service.NewSummaries(svc, st)
	other := service.NewSummaries(svc, st) // a second instance
	pass := func(s *service.Summaries) {
		t.Helper()
		if err := s.Pass(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	pass(sums)
	if got := summariesOf(t, svc, tn, service.SourceAgenda); len(got) != 0 {
		t.Fatalf("agenda before 08:00: %+v", got)
	}
	now = time.Date(2030, 3, 4, 8, 0, 0, 0, sh)
	pass(sums)
	pass(sums)
	pass(other)
	got := summariesOf(t, svc, tn, service.SourceAgenda)
	if len(got) != 1 {
		t.Fatalf("%d agendas, want 1: %+v", len(got), got)
	}
	a := got[0]
	if len(a.Recipients) != 1 || a.Recipients[0] != "amy" || a.Title != "今日提醒：6 项" {
		t.Fatalf("agenda %q to %v", a.Title, a.Recipients)
	}
	want := "09:30  站会\n10:00  喝水\n14:00  喝水\n14:00  评审\n18:00  喝水\n22:00  喝水"
	if a.Desc != want {
		t.Fatalf("agenda lines:\n%s\nwant:\n%s", a.Desc, want)
	}
	if a.NextFireAt == nil || a.NextFireAt.After(now) {
		t.Fatalf("the agenda fires at %v, want now", a.NextFireAt)
	}

	// Bob, in New York, has nothing today: at his 08:00 no agenda comes.
	now = time.Date(2030, 3, 4, 8, 0, 0, 0, ny)
	pass(sums)
	if got := summariesOf(t, svc, tn, service.SourceAgenda); len(got) != 1 {
		t.Fatalf("an agenda for an empty day: %+v", got)
	}
	// Given a reminder, bob's agenda comes the next morning, in English;
	// amy's next day has its own agenda.
	mk(service.CreateInput{Title: "Dentist", Time: func() *time.Time { x := time.Date(2030, 3, 5, 11, 0, 0, 0, ny); return &x }(), Recipients: []string{"bob"}})
	now = time.Date(2030, 3, 5, 8, 30, 0, 0, ny)
	pass(sums)
	var bob remind.Reminder
	for _, r := range summariesOf(t, svc, tn, service.SourceAgenda) {
		if r.Recipients[0] == "bob" {
			bob = r
		}
	}
	if bob.Title != "Today: 1 reminder" || bob.Desc != "11:00  Dentist" {
		t.Fatalf("bob's agenda: %q %q", bob.Title, bob.Desc)
	}
	// After the morning window a missed agenda is not sent late.
	sums3 := service.NewSummaries(svc, st)
	now = time.Date(2030, 3, 6, 12, 0, 0, 0, sh)
	n := len(summariesOf(t, svc, tn, service.SourceAgenda))
	pass(sums3)
	if got := summariesOf(t, svc, tn, service.SourceAgenda); len(got) != n {
		t.Fatalf("a stale agenda was sent at noon")
	}
}

// The owner's digest says what fired, who confirmed or rejected, what
// failed and why, and who subscribed or left in the day before 08:00; a
// quiet day sends none. A reminder asking for it tells the owner of each
// subscriber joining or leaving, once.
func TestDigestAndNotices(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Open(t)
	now := time.Date(2030, 3, 3, 12, 0, 0, 0, time.UTC)
	svc := service.New(st, noWake{}, func() time.Time { return now }, service.Config{NewSecret: func() string { return "whsec_x" }})
	_, tn, err := svc.CreateToken(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	p := remind.Profile{TZ: "UTC", DigestOptIn: true, Lang: "en"}
	if _, err := svc.PutRecipient(ctx, tn, remind.OwnerUID, service.RecipientInput{Email: "owner@example.com", Profile: &p}); err != nil {
		t.Fatal(err)
	}
	sums := service.NewSummaries(svc, st)
	now = time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)
	if err := sums.Pass(ctx, now); err != nil {
		t.Fatal(err)
	}
	if got := summariesOf(t, svc, tn, service.SourceDigest); len(got) != 0 {
		t.Fatalf("a digest of a quiet day: %+v", got)
	}

	// A day's events: a firing to two members, one confirms, one rejects;
	// a subscriber joins a reminder that asks to tell the owner.
	now = time.Date(2030, 3, 4, 9, 0, 0, 0, time.UTC)
	at := now.Add(time.Minute)
	r, _, err := svc.CreateReminder(ctx, tn, service.CreateInput{Title: "Standup", Time: &at, Recipients: []string{"amy", "bob"},
		Meta: map[string]string{service.NotifyOwnerMeta: "true"}})
	if err != nil {
		t.Fatal(err)
	}
	occ := at
	for _, uid := range []string{"amy", "bob"} {
		if _, err := st.AddInboxItem(ctx, remind.InboxItem{ID: "item-" + uid, TenantID: tn.ID, UID: uid, ReminderID: r.ID, Title: r.Title,
			Occurrence: occ, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.SetInboxStatus(ctx, tn.ID, "amy", "item-amy", remind.InboxConfirmed, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetInboxStatus(ctx, tn.ID, "bob", "item-bob", remind.InboxRejected, at.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	subs := service.NewSubscriptions(st, st, nil, func() time.Time { return now })
	var told []error
	subs.OnChange(func(ctx context.Context, sb remind.Subscriber) { told = append(told, svc.NoticeSubscription(ctx, sb)) })
	link, err := subs.LinkOf(ctx, tn.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := subs.SubscribeConfirmed(ctx, link, remind.ChannelWeChat, "oXYZ", "oXYZ", "小明")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subs.SubscribeConfirmed(ctx, link, remind.ChannelWeChat, "oXYZ", "oXYZ", "小明"); err != nil { // again: no second notice
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if _, err := subs.Unsubscribe(ctx, sb.Token); err != nil {
		t.Fatal(err)
	}
	for _, err := range told {
		if err != nil {
			t.Fatal(err)
		}
	}
	notices := summariesOf(t, svc, tn, service.SourceNotice)
	var titles []string
	for _, n := range notices {
		if len(n.Recipients) != 1 || n.Recipients[0] != remind.OwnerUID {
			t.Fatalf("notice to %v", n.Recipients)
		}
		titles = append(titles, n.Title)
	}
	if strings.Join(titles, "|") != "小明 subscribed to “Standup”|小明 left “Standup”" && strings.Join(titles, "|") != "小明 left “Standup”|小明 subscribed to “Standup”" {
		t.Fatalf("notices: %q", titles)
	}

	now = time.Date(2030, 3, 5, 8, 1, 0, 0, time.UTC)
	if err := sums.Pass(ctx, now); err != nil {
		t.Fatal(err)
	}
	got := summariesOf(t, svc, tn, service.SourceDigest)
	if len(got) != 1 || got[0].Title != "Daily digest 2030-03-05" || got[0].Recipients[0] != remind.OwnerUID {
		t.Fatalf("digests: %+v", got)
	}
	for _, want := range []string{"Fired (1)", "Standup", "amy confirmed", "bob rejected", "Subscriptions (1)", "小明 subscribed to and left「Standup」"} {
		if !strings.Contains(got[0].Desc, want) {
			t.Errorf("the digest lacks %q:\n%s", want, got[0].Desc)
		}
	}
}
