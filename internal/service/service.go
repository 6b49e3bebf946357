// Package service holds RaaS's use cases once, for every API: create a
// reminder (validate, read its time from text when it has none, compute the
// first firing, store it in one transaction, wake the scheduler), update,
// cancel, delete, recipients, webhooks, tokens and inbox actions; and
// (Subscriptions) subscribing to a reminder through its public link.
package service

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/recur"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/store"
	"github.com/raasdev/raas/internal/timeparse"
	"github.com/raasdev/raas/internal/zone"
)

// Store is what the service needs of the store.
type Store interface {
	CreateTenant(ctx context.Context, t remind.Tenant) error
	GetTenant(ctx context.Context, id string) (remind.Tenant, error)
	TenantByName(ctx context.Context, name string) (remind.Tenant, error)
	UpdateTenant(ctx context.Context, t remind.Tenant) error
	CreateToken(ctx context.Context, tok remind.APIToken) error
	TokenByHash(ctx context.Context, tokenHash string) (remind.APIToken, remind.Tenant, error)
	ListTokens(ctx context.Context, tenantID string) ([]remind.APIToken, error)
	ListAllTokens(ctx context.Context) ([]remind.APIToken, error)
	RevokeToken(ctx context.Context, tenantID, id string) error
	TouchToken(ctx context.Context, id string, at, notBefore time.Time) error
	CreateSession(ctx context.Context, s remind.Session) error
	SessionByHash(ctx context.Context, hash string, now time.Time) (remind.Session, remind.Tenant, error)
	DeleteSession(ctx context.Context, hash string) error
	CreateReminder(ctx context.Context, r remind.Reminder, idem *store.Idempotency) (remind.Reminder, bool, error)
	CreateReminders(ctx context.Context, tenantID string, items []store.BatchItem, batch *store.Idempotency) ([]store.BatchResult, bool, error)
	GetReminder(ctx context.Context, tenantID, id string) (remind.Reminder, error)
	ListReminders(ctx context.Context, tenantID string, q store.ListQuery) ([]remind.Reminder, error)
	ReminderOverview(ctx context.Context, tenantID string, next int) (store.Overview, error)
	ModifyReminder(ctx context.Context, tenantID, id string, at time.Time, ifMatch string, fn func(r *remind.Reminder) error) (remind.Reminder, error)
	CancelReminder(ctx context.Context, tenantID, id string, at time.Time) (remind.Reminder, error)
	DeleteReminder(ctx context.Context, tenantID, id string, at time.Time) error
	PutRecipient(ctx context.Context, rc remind.Recipient) (remind.Recipient, error)
	GetRecipient(ctx context.Context, tenantID, uid string) (remind.Recipient, error)
	ModifyRecipient(ctx context.Context, tenantID, uid string, at time.Time, fn func(rc *remind.Recipient) error) (remind.Recipient, error)
	DeleteRecipient(ctx context.Context, tenantID, uid string) error
	CreateWebhook(ctx context.Context, w remind.Webhook) error
	ListWebhooks(ctx context.Context, tenantID string) ([]remind.Webhook, error)
	GetWebhook(ctx context.Context, tenantID, id string) (remind.Webhook, error)
	DeleteWebhook(ctx context.Context, tenantID, id string) error
	ListDeliveries(ctx context.Context, tenantID, reminderID string) ([]store.DeliveryWithAttempts, error)
	FailedDeliveries(ctx context.Context, tenantID string, since time.Time, limit int) ([]remind.Delivery, error)
	InboxStatusByReminder(ctx context.Context, tenantID, reminderID string) (map[string]remind.InboxStatus, error)
	AckStates(ctx context.Context, tenantID, reminderID string) ([]remind.AckState, error)
	ListInbox(ctx context.Context, tenantID, uid string, q store.ListQuery) ([]remind.InboxItem, error)
	SetInboxStatus(ctx context.Context, tenantID, uid, itemID string, st remind.InboxStatus, at time.Time) (remind.InboxItem, error)
	SnoozeInboxItem(ctx context.Context, tenantID, uid, itemID string, at time.Time, plan store.SnoozePlanner) (remind.InboxItem, []remind.Delivery, error)
	LinkVersion(ctx context.Context, tenantID, uid string) (int, error)
	RevokeLinks(ctx context.Context, tenantID, uid string, at time.Time) (int, error)
}

// Waker is told of every firing a write creates or moves; the scheduler
// implements it (and, across instances, a broadcast does). ctx is the
// write's: telling other instances is I/O, bounded by it (the waker may
// keep its values past the write's end).
type Waker interface {
	Notify(ctx context.Context, at time.Time)
}

// Config holds the service's policies.
type Config struct {
	AllowPrivateTargets bool              // accept webhook URLs on private networks
	Resolver            netguard.Resolver // looks webhook hosts up at registration (nil: names are checked at dial time only)
	IdempotencyTTL      time.Duration     // how long an Idempotency-Key is remembered (default 24h)
	PastTolerance       time.Duration     // how far in the past a one-off may be and still fire now (default 2s)
	NewSecret           func() string     // makes webhook signing secrets
	SessionTTL          time.Duration     // how long a dashboard sign-in lasts (default 7 days)
	Secrets             Sealer            // seals robot secrets (nil: a robot secret cannot be stored)
	// NotifyURL checks a notify service URL (notify.Check under the
	// server's address policy); nil refuses them all.
	NotifyURL func(ctx context.Context, raw string) error
	// Configured reports whether the server can send on a channel (has a
	// sender for it), for the warnings of Reach; nil takes every channel
	// as configured.
	Configured func(channel string) bool
	// LinkKey signs recipients' personal links (links.go); nil: no links.
	LinkKey []byte
	// PublicURL is the base of the personal links.
	PublicURL string
	// WakeDeliveries tells the dispatcher that deliveries were written
	// outside a firing (a snooze); nil: it finds them on its next poll.
	WakeDeliveries func()
}

// Service carries out the use cases.
type Service struct {
	store Store
	wake  Waker
	now   func() time.Time
	cfg   Config

	touched sync.Map // token id → time.Time its last use was written (see Authenticate)
}

// New returns a Service.
func New(s Store, wake Waker, now func() time.Time, cfg Config) *Service {
	if cfg.IdempotencyTTL <= 0 {
		cfg.IdempotencyTTL = 24 * time.Hour
	}
	if cfg.PastTolerance <= 0 {
		cfg.PastTolerance = 2 * time.Second
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	return &Service{store: s, wake: wake, now: now, cfg: cfg}
}

// Now returns the service's clock reading.
func (s *Service) Now() time.Time { return s.now() }

// ---- tenants and tokens

// EnsureTenant returns the tenant named name, creating it when missing.
func (s *Service) EnsureTenant(ctx context.Context, name string) (remind.Tenant, error) {
	t, err := s.store.TenantByName(ctx, name)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, remind.ErrNotFound) {
		return t, fmt.Errorf("service: tenant: %w", err)
	}
	t = remind.Tenant{ID: remind.NewID(s.now()), Name: name, DisplayName: name, TZ: remind.DefaultTZ, DateHour: remind.DefaultDateHour, CreatedAt: s.now()}
	if err := s.store.CreateTenant(ctx, t); err != nil {
		if errors.Is(err, remind.ErrConflict) { // created meanwhile by another process
			return s.store.TenantByName(ctx, name)
		}
		return t, fmt.Errorf("service: create tenant: %w", err)
	}
	return t, nil
}

// TenantPatch changes tenant settings; nil fields stay.
type TenantPatch struct {
	DisplayName *string
	AvatarURL   *string
	TZ          *string
	DateHour    *int
}

// UpdateTenant applies a patch to a tenant's settings.
func (s *Service) UpdateTenant(ctx context.Context, t remind.Tenant, p TenantPatch) (remind.Tenant, error) {
	if p.DisplayName != nil {
		if err := remind.CheckText("display_name", *p.DisplayName, 100); err != nil {
			return t, err
		}
		t.DisplayName = *p.DisplayName
	}
	if p.AvatarURL != nil {
		if err := remind.CheckURL("avatar_url", *p.AvatarURL); err != nil {
			return t, err
		}
		t.AvatarURL = *p.AvatarURL
	}
	if p.TZ != nil {
		if _, err := loadZone("tz", *p.TZ); err != nil {
			return t, err
		}
		t.TZ = *p.TZ
	}
	if p.DateHour != nil {
		if *p.DateHour < 0 || *p.DateHour > 23 {
			return t, remind.Invalid("date_hour", "must be an hour from 0 to 23")
		}
		t.DateHour = *p.DateHour
	}
	if err := s.store.UpdateTenant(ctx, t); err != nil {
		return t, fmt.Errorf("service: update tenant: %w", err)
	}
	return t, nil
}

// loadZone loads a zone a caller named in field (cached: see package
// zone), refusing names no IANA zone has before trying them.
func loadZone(field, name string) (*time.Location, error) {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, remind.Invalid(field, "unknown time zone %q", name)
	}
	loc, err := zone.Load(name)
	if err != nil {
		return nil, remind.Invalid(field, "unknown time zone %q", name)
	}
	return loc, nil
}

// ---- parsing

// Parse reads a time phrase for a tenant: its zone and date hour apply unless tz is given.
func (s *Service) Parse(t remind.Tenant, text, tz string, now time.Time) (timeparse.Schedule, error) {
	if tz == "" {
		tz = t.TZ
	}
	loc, err := loadZone("tz", tz)
	if err != nil {
		return timeparse.Schedule{}, err
	}
	if err := remind.CheckText("text", text, remind.MaxDesc); err != nil {
		return timeparse.Schedule{}, err
	}
	opts := timeparse.DefaultOptions(now.In(loc))
	opts.Loc, opts.DateHour = loc, t.DateHour
	sch, err := timeparse.Parse(text, opts)
	switch {
	case errors.Is(err, timeparse.ErrNoTime):
		return sch, &remind.Error{Code: remind.CodeNoTime, Field: "text", Message: "no time found in the text", Err: err}
	case errors.Is(err, timeparse.ErrNowRange):
		return sch, &remind.Error{Code: remind.CodeInvalid, Field: "now", Err: err,
			Message: fmt.Sprintf("must lie in the years %d–%d (in %s)", timeparse.MinNowYear, timeparse.MaxNowYear, loc)}
	case errors.Is(err, recur.ErrInvalid):
		// The phrase makes a rule that cannot be evaluated from now.
		return sch, &remind.Error{Code: remind.CodeInvalid, Field: "text", Message: "cannot be scheduled: " + err.Error(), Err: err}
	}
	return sch, err
}

// ---- helpers shared by the inputs

var phoneRE = regexp.MustCompile(`^\+?[0-9]{5,20}$`)

func checkEmail(field, v string) error {
	if v == "" {
		return nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 {
		return remind.Invalid(field, "must be a plain e-mail address like name@example.com")
	}
	return nil
}

func checkPhone(field, v string) error {
	if v != "" && !phoneRE.MatchString(v) {
		return remind.Invalid(field, "must be a phone number of digits, optionally starting with +")
	}
	return nil
}

// checkTarget refuses an outgoing URL (a webhook) that netguard.CheckURL
// refuses: not http(s), or pointing, in any spelling or through its DNS
// answer now, at a non-public address (checked again at dial time).
func (s *Service) checkTarget(ctx context.Context, field, raw string) error {
	if raw == "" {
		return nil
	}
	err := netguard.CheckURL(ctx, raw, netguard.Policy{AllowPrivate: s.cfg.AllowPrivateTargets, Resolver: s.cfg.Resolver})
	return TargetError(field, err)
}

// TargetError turns a netguard.CheckURL refusal into the invalid-argument
// error naming field (nil stays nil).
func TargetError(field string, err error) error {
	var ue *netguard.URLError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ue) && ue.Address:
		return remind.Invalid(field, "%s; only public addresses are called (start the server with --allow-private-targets to allow others)", ue.Reason)
	case errors.As(err, &ue):
		return remind.Invalid(field, "%s", ue.Reason)
	}
	return remind.Invalid(field, "is not a usable URL")
}
