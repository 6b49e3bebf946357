package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/nextfire"
	"github.com/raasdev/raas/internal/recur"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
)

// CreateInput is a new reminder as any API describes it. Without Time and
// RRule, the time is read from Text, else Desc, else Title.
type CreateInput struct {
	Title       string
	Desc        string
	Text        string
	Time        *time.Time
	RRule       string
	TZ          string
	Start       *time.Time
	DeferMin    int
	ExternalURL string
	Recipients  []string
	Channels    []string
	Urgent      bool              // sent inside recipients' quiet hours too
	Ack         *remind.AckPolicy // nil: no acknowledgement asked
	Source      string
	Meta        map[string]string

	IdempotencyKey string // optional
	BodyHash       string // hash of the request, with IdempotencyKey
}

// CreateReminder validates, schedules and stores a new reminder. It returns
// the reminder and whether it is a replay of an earlier request with the
// same idempotency key.
func (s *Service) CreateReminder(ctx context.Context, t remind.Tenant, in CreateInput) (remind.Reminder, bool, error) {
	now := s.now()
	r, err := s.newReminder(t, in, now)
	if err != nil {
		return r, false, err
	}
	var idem *store.Idempotency
	if in.IdempotencyKey != "" {
		if err := remind.CheckText("Idempotency-Key", in.IdempotencyKey, 255); err != nil {
			return r, false, err
		}
		idem = &store.Idempotency{Key: in.IdempotencyKey, BodyHash: in.BodyHash, Since: now.Add(-s.cfg.IdempotencyTTL)}
	}
	stored, replayed, err := s.store.CreateReminder(ctx, r, idem)
	if err != nil {
		return stored, false, fmt.Errorf("service: create reminder: %w", err)
	}
	if !replayed && stored.NextFireAt != nil {
		s.wake.Notify(ctx, *stored.NextFireAt)
	}
	return stored, replayed, nil
}

// MaxBatch is the most reminders one CreateReminders call takes.
const MaxBatch = 1000

// BatchResult answers one reminder of a batch: the reminder (created, or
// replayed through its key) or its error.
type BatchResult = store.BatchResult

// CreateReminders validates and schedules each input as CreateReminder
// does and stores the valid ones together, in one store transaction,
// answering each in order: an invalid one with its error (nothing written
// for it). Each input may carry its own idempotency key. batchKey, when
// given, is the whole batch's: sent again with the same batchHash, the
// batch replays (true) and every item answers as the first time (an item
// created then is replayed even if it would now be refused); with another
// hash it fails with a conflict. An error is the whole batch's.
func (s *Service) CreateReminders(ctx context.Context, t remind.Tenant, ins []CreateInput, batchKey, batchHash string) ([]BatchResult, bool, error) {
	if len(ins) == 0 {
		return nil, false, remind.Invalid("reminders", "give at least one reminder")
	}
	if len(ins) > MaxBatch {
		return nil, false, remind.Invalid("reminders", "holds %d reminders; at most %d are allowed", len(ins), MaxBatch)
	}
	now := s.now()
	since := now.Add(-s.cfg.IdempotencyTTL)
	var batch *store.Idempotency
	if batchKey != "" {
		if err := remind.CheckText("Idempotency-Key", batchKey, 255); err != nil {
			return nil, false, err
		}
		batch = &store.Idempotency{Key: batchKey, BodyHash: batchHash, Since: since, Now: now}
	}
	items := make([]store.BatchItem, len(ins))
	for i, in := range ins {
		r, err := s.newReminder(t, in, now)
		items[i] = store.BatchItem{Reminder: r, Err: err}
		switch {
		case in.IdempotencyKey != "":
			if err := remind.CheckText("idempotency_key", in.IdempotencyKey, 255); err != nil {
				items[i].Err = err
				break
			}
			items[i].Idem = &store.Idempotency{Key: in.IdempotencyKey, BodyHash: in.BodyHash, Since: since, Now: now}
		case batch != nil:
			items[i].Idem = &store.Idempotency{Key: store.BatchItemKey(batchKey, i), BodyHash: batchHash, Since: since, Now: now}
		}
	}
	res, replayed, err := s.store.CreateReminders(ctx, t.ID, items, batch)
	if err != nil {
		return nil, false, fmt.Errorf("service: create reminders: %w", err)
	}
	var first *time.Time
	for _, r := range res {
		if r.Err == nil && !r.Replayed && r.Reminder.NextFireAt != nil && (first == nil || r.Reminder.NextFireAt.Before(*first)) {
			first = r.Reminder.NextFireAt
		}
	}
	if first != nil {
		s.wake.Notify(ctx, *first)
	}
	return res, replayed, nil
}

// newReminder makes the reminder in describes, validated and scheduled.
func (s *Service) newReminder(t remind.Tenant, in CreateInput, now time.Time) (remind.Reminder, error) {
	r := remind.Reminder{
		ID: remind.NewID(now), TenantID: t.ID, Title: in.Title, Desc: in.Desc, RRule: strings.TrimPrefix(in.RRule, "RRULE:"),
		TZ: in.TZ, DeferMin: in.DeferMin, ExternalURL: in.ExternalURL, Recipients: in.Recipients, Channels: in.Channels, Ack: in.Ack,
		Urgent: in.Urgent, Status: remind.StatusActive, Source: in.Source, Meta: in.Meta, CreatedAt: now, UpdatedAt: now,
	}
	if r.Source == "" {
		r.Source = "v1"
	}
	return r, s.schedule(t, &r, in.Time, in.Start, in.Text, now)
}

// CheckCreate validates a new reminder exactly as CreateReminder does, and
// writes nothing: APIs that must do something before the reminder is
// stored (team-remind names its members) call it first, so a refused
// request leaves nothing behind.
func (s *Service) CheckCreate(t remind.Tenant, in CreateInput) error {
	now := s.now()
	r := remind.Reminder{TenantID: t.ID, Title: in.Title, Desc: in.Desc, RRule: strings.TrimPrefix(in.RRule, "RRULE:"),
		TZ: in.TZ, DeferMin: in.DeferMin, ExternalURL: in.ExternalURL, Recipients: in.Recipients, Channels: in.Channels, Ack: in.Ack}
	return s.schedule(t, &r, in.Time, in.Start, in.Text, now)
}

// schedule fills r's zone, time or rule and first firing, reading text when
// neither a time nor a rule is given, and validates the whole reminder.
// Every time it accepts, and the first firing, lie in the years
// remind.MinYear–MaxYear in r's zone and in UTC. Errors name the field the
// caller sent: a time read from the desc or title is that field's fault.
func (s *Service) schedule(t remind.Tenant, r *remind.Reminder, at, start *time.Time, text string, now time.Time) error {
	if r.TZ == "" {
		r.TZ = t.TZ
	}
	if r.TZ == "" {
		r.TZ = remind.DefaultTZ
	}
	loc, err := loadZone("tz", r.TZ)
	if err != nil {
		return err
	}
	if at != nil && r.RRule != "" {
		return remind.Invalid("time", "give either time or rrule, not both")
	}
	ruleField, startField := "rrule", "start" // who to blame for the rule and its anchor
	if at == nil && r.RRule == "" {
		textField := "text"
		if text == "" {
			text, textField = r.Desc, "desc"
		}
		if text == "" {
			text, textField = r.Title, "title"
		}
		if strings.TrimSpace(text) == "" {
			return remind.Invalid("time", "give a time, an rrule, or a text to read the time from")
		}
		sch, err := s.Parse(t, text, r.TZ, now)
		if err != nil {
			return renameField(err, "text", textField)
		}
		if sch.RRule != "" {
			r.RRule = sch.RRule
			st := sch.Time
			start = &st
			ruleField, startField = textField, textField
		} else {
			at = &sch.Time
		}
		if r.Title == "" {
			r.Title = sch.Title
		}
		if r.Title == "" {
			r.Title = sch.Matched
		}
	}
	if err := r.Validate(); err != nil {
		return err
	}
	fireField := "time"
	if r.RRule != "" {
		if len(r.RRule) > 1000 {
			return remind.Invalid("rrule", "is longer than 1000 bytes")
		}
		if start != nil {
			r.Start = start.In(loc)
		} else {
			r.Start, startField = now.In(loc).Truncate(time.Minute), ruleField
		}
		if err := remind.CheckYear(startField, r.Start, loc); err != nil {
			return err
		}
		if _, err := recur.Parse(r.RRule, r.Start); errors.Is(err, recur.ErrStartRange) {
			return &remind.Error{Code: remind.CodeInvalid, Field: startField, Err: err,
				Message: fmt.Sprintf("must lie in the years %d–%d for a recurring reminder", recur.MinStartYear, recur.MaxStartYear)}
		} else if err != nil {
			return &remind.Error{Code: remind.CodeInvalid, Field: ruleField, Message: err.Error(), Err: err}
		}
		r.Time, fireField = nil, ruleField
	} else {
		tm := at.In(loc)
		if err := remind.CheckYear("time", tm, loc); err != nil {
			return err
		}
		r.Time, r.Start = &tm, tm
		if r.FireAt(tm).Before(now.Add(-s.cfg.PastTolerance)) {
			field := "time"
			if r.DeferMin != 0 && !tm.Before(now) {
				field = "defer"
			}
			return remind.Invalid(field, "the reminder would fire at %s, which is in the past", r.FireAt(tm).Format(time.RFC3339))
		}
	}
	next, ok, err := nextfire.First(*r, now.Add(-s.cfg.PastTolerance))
	if err != nil {
		return err
	}
	if !ok {
		return remind.Invalid(ruleField, "has no occurrence after now")
	}
	if r.DeferMin != 0 {
		fireField = "defer"
	}
	if err := remind.CheckYear(fireField, next, loc); err != nil {
		return err
	}
	r.NextFireAt = &next
	r.Status = remind.StatusActive
	return nil
}

// renameField returns err with its field from renamed to to, when it is a
// domain error about from.
func renameField(err error, from, to string) error {
	var de *remind.Error
	if from == to || !errors.As(err, &de) || de.Field != from {
		return err
	}
	c := *de
	c.Field = to
	return &c
}

// GetReminder returns one of the tenant's reminders.
func (s *Service) GetReminder(ctx context.Context, t remind.Tenant, id string) (remind.Reminder, error) {
	if !remind.IsID(id) {
		return remind.Reminder{}, remind.NotFound("reminder")
	}
	return s.store.GetReminder(ctx, t.ID, id)
}

// ListReminders pages through the tenant's reminders.
func (s *Service) ListReminders(ctx context.Context, t remind.Tenant, q store.ListQuery) ([]remind.Reminder, error) {
	if q.Status != "" && !q.Status.Valid() {
		return nil, remind.Invalid("status", "must be active, done or cancelled")
	}
	if q.After != "" && !remind.IsID(q.After) {
		return nil, remind.Invalid("cursor", "is not a cursor this service gave out")
	}
	return s.store.ListReminders(ctx, t.ID, q)
}

// Patch changes a reminder; nil fields stay as they are. Setting Time
// clears the rule and setting RRule clears the time.
type Patch struct {
	Title       *string
	Desc        *string
	Text        *string
	Time        *time.Time
	RRule       *string
	TZ          *string
	Start       *time.Time
	DeferMin    *int
	ExternalURL *string
	Recipients  *[]string
	Channels    *[]string
	Urgent      *bool
	Ack         *remind.AckPolicy // replaces the reminder's policy when non-nil
	RemoveAck   bool              // takes the policy off (and stops pending follow-ups)
	Meta        map[string]string // merged into the reminder's meta when non-nil

	// IfMatch, when set, is the ETag (remind.Reminder.ETag) the caller last
	// saw: the patch applies only if the reminder has not changed since,
	// else it fails with remind.ErrPrecondition.
	IfMatch string
}

// UpdateReminder applies a patch and reschedules the reminder, in one store
// transaction that holds the reminder (store.Store.ModifyReminder): the
// patch applies to the reminder as it is then, so a concurrent cancel,
// leave or subscription is never undone, and a firing claimed ahead of its
// time is planned again from the patched reminder. A cancelled reminder
// cannot be changed.
func (s *Service) UpdateReminder(ctx context.Context, t remind.Tenant, id string, p Patch) (remind.Reminder, error) {
	if !remind.IsID(id) {
		return remind.Reminder{}, remind.NotFound("reminder")
	}
	now := s.now()
	r, err := s.store.ModifyReminder(ctx, t.ID, id, now, p.IfMatch, func(r *remind.Reminder) error {
		if r.Status == remind.StatusCancelled {
			return &remind.Error{Code: remind.CodeConflict, Message: "the reminder is cancelled"}
		}
		if err := s.applyPatch(t, r, p, now); err != nil {
			return err
		}
		r.UpdatedAt = now
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("service: update reminder: %w", err)
	}
	if r.NextFireAt != nil {
		s.wake.Notify(ctx, *r.NextFireAt)
	}
	return r, nil
}

// CheckUpdate validates a patch exactly as UpdateReminder does, on the
// reminder as it is now, and writes nothing (see CheckCreate).
func (s *Service) CheckUpdate(ctx context.Context, t remind.Tenant, id string, p Patch) error {
	r, err := s.GetReminder(ctx, t, id)
	if err != nil {
		return err
	}
	if r.Status == remind.StatusCancelled {
		return &remind.Error{Code: remind.CodeConflict, Message: "the reminder is cancelled"}
	}
	return s.applyPatch(t, &r, p, s.now())
}

// applyPatch changes r as p says and schedules it again.
func (s *Service) applyPatch(t remind.Tenant, r *remind.Reminder, p Patch, now time.Time) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&r.Title, p.Title)
	set(&r.Desc, p.Desc)
	set(&r.TZ, p.TZ)
	set(&r.ExternalURL, p.ExternalURL)
	if p.DeferMin != nil {
		r.DeferMin = *p.DeferMin
	}
	if p.Recipients != nil {
		r.Recipients = *p.Recipients
	}
	if p.Channels != nil {
		r.Channels = *p.Channels
	}
	if p.Urgent != nil {
		r.Urgent = *p.Urgent
	}
	switch {
	case p.RemoveAck:
		r.Ack = nil
	case p.Ack != nil:
		a := *p.Ack
		r.Ack = &a
	}
	if len(p.Meta) > 0 {
		meta := make(map[string]string, len(r.Meta)+len(p.Meta))
		maps.Copy(meta, r.Meta)
		maps.Copy(meta, p.Meta)
		r.Meta = meta
	}
	at, start, text := r.Time, &r.Start, ""
	switch {
	case p.Time != nil:
		at, r.RRule, start = p.Time, "", nil
	case p.RRule != nil:
		at, r.RRule = nil, strings.TrimPrefix(*p.RRule, "RRULE:")
		if p.Start != nil {
			start = p.Start
		}
	case p.Text != nil:
		at, r.RRule, start, text = nil, "", nil, *p.Text
	case p.Start != nil && r.RRule != "":
		start = p.Start
	}
	if r.RRule == "" {
		start = nil
	}
	return s.schedule(t, r, at, start, text, now)
}

// LeaveReminder takes uid off a reminder's recipients, whatever its status
// (a member removing it from their own view), and cancels what is pending
// for them; the others' firings and the schedule are untouched. meta is
// merged into the reminder's meta. Leaving twice is fine. It runs in one
// store transaction holding the reminder, so two members leaving at once
// both leave.
func (s *Service) LeaveReminder(ctx context.Context, t remind.Tenant, id, uid string, meta map[string]string) (remind.Reminder, error) {
	if !remind.IsID(id) {
		return remind.Reminder{}, remind.NotFound("reminder")
	}
	now := s.now()
	r, err := s.store.ModifyReminder(ctx, t.ID, id, now, "", func(r *remind.Reminder) error {
		r.RemoveRecipient(uid)
		if len(meta) > 0 {
			m := make(map[string]string, len(r.Meta)+len(meta))
			maps.Copy(m, r.Meta)
			maps.Copy(m, meta)
			r.Meta = m
		}
		r.UpdatedAt = now
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("service: leave reminder: %w", err)
	}
	if r.NextFireAt != nil {
		s.wake.Notify(ctx, *r.NextFireAt)
	}
	return r, nil
}

// CancelReminder stops a reminder for good, including firings already due
// and queued.
func (s *Service) CancelReminder(ctx context.Context, t remind.Tenant, id string) (remind.Reminder, error) {
	if !remind.IsID(id) {
		return remind.Reminder{}, remind.NotFound("reminder")
	}
	return s.store.CancelReminder(ctx, t.ID, id, s.now())
}

// DeleteReminder removes a reminder from view; its delivery history stays.
func (s *Service) DeleteReminder(ctx context.Context, t remind.Tenant, id string) error {
	if !remind.IsID(id) {
		return remind.NotFound("reminder")
	}
	return s.store.DeleteReminder(ctx, t.ID, id, s.now())
}

// Deliveries returns a reminder's deliveries with their attempts.
func (s *Service) Deliveries(ctx context.Context, t remind.Tenant, id string) ([]store.DeliveryWithAttempts, error) {
	if _, err := s.GetReminder(ctx, t, id); err != nil {
		return nil, err
	}
	return s.store.ListDeliveries(ctx, t.ID, id)
}

// FailedDeliveries returns t's deliveries that failed or were missed since
// since, the latest first, at most limit.
func (s *Service) FailedDeliveries(ctx context.Context, t remind.Tenant, since time.Time, limit int) ([]remind.Delivery, error) {
	ds, err := s.store.FailedDeliveries(ctx, t.ID, since, limit)
	if err != nil {
		return nil, fmt.Errorf("service: failed deliveries: %w", err)
	}
	return ds, nil
}

// AckStates returns, for a reminder of t, each recipient's acknowledgement
// of each occurrence: the status of their own inbox item for it (the one
// its firing made, remind.InboxItemID), by occurrence then uid. Items
// others got (escalations) are not acknowledgements of the firing.
func (s *Service) AckStates(ctx context.Context, t remind.Tenant, id string) ([]remind.AckState, error) {
	if _, err := s.GetReminder(ctx, t, id); err != nil {
		return nil, err
	}
	all, err := s.store.AckStates(ctx, t.ID, id)
	if err != nil {
		return nil, fmt.Errorf("service: ack states: %w", err)
	}
	out := all[:0]
	for _, a := range all {
		if a.ItemID == remind.InboxItemID(id, a.Occurrence, a.UID) {
			out = append(out, a)
		}
	}
	return out, nil
}
