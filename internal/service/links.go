package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/remind"
)

// A recipient's personal links (/me/{token}) are stateless: the token is
// the tenant, the uid and the recipient's link version, with an
// HMAC-SHA256 over them keyed by Config.LinkKey (derived from the server's
// secret key). A revoke bumps the version (Store.RevokeLinks), so every
// link signed before fails.

// ErrLinkRevoked is returned for a well-signed personal link whose
// version is no longer the recipient's: it was revoked.
var ErrLinkRevoked = &remind.Error{Code: remind.CodeForbidden, Message: "this link was revoked; ask for a new one"}

// errNoLinks: the server has no key to sign links with.
var errNoLinks = &remind.Error{Code: remind.CodeConflict, Message: "personal links need the server's secret key (--secret-key)"}

// Person is whom a personal link names.
type Person struct {
	Tenant  remind.Tenant
	UID     string
	Version int
	Token   string
}

const linkMACSize = 16

// signLink returns the token of (tenantID, uid, version).
func (s *Service) signLink(tenantID, uid string, version int) string {
	return signLink(s.cfg.LinkKey, tenantID, uid, version)
}

func signLink(key []byte, tenantID, uid string, version int) string {
	body := tenantID + "." + base64.RawURLEncoding.EncodeToString([]byte(uid)) + "." + strconv.Itoa(version)
	return body + "." + base64.RawURLEncoding.EncodeToString(linkMAC(key, body))
}

func linkMAC(key []byte, body string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("raas/me\x00"))
	m.Write([]byte(body))
	return m.Sum(nil)[:linkMACSize]
}

// parseLink checks a token's signature (in constant time) and returns
// what it names.
func (s *Service) parseLink(token string) (tenantID, uid string, version int, ok bool) {
	if len(s.cfg.LinkKey) == 0 || len(token) > 512 {
		return "", "", 0, false
	}
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", "", 0, false
	}
	body := token[:i]
	mac, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil || !hmac.Equal(mac, linkMAC(s.cfg.LinkKey, body)) {
		return "", "", 0, false
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 {
		return "", "", 0, false
	}
	u, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", "", 0, false
	}
	v, err := strconv.Atoi(parts[2])
	if err != nil || v < 0 {
		return "", "", 0, false
	}
	return parts[0], string(u), v, true
}

// LinksEnabled reports whether the server can sign personal links.
func (s *Service) LinksEnabled() bool { return len(s.cfg.LinkKey) > 0 }

// PersonalURL returns the recipient's personal page link, signed for
// their current link version.
func (s *Service) PersonalURL(ctx context.Context, t remind.Tenant, uid string) (string, error) {
	if err := remind.CheckUID("uid", uid); err != nil {
		return "", err
	}
	if !s.LinksEnabled() {
		return "", errNoLinks
	}
	v, err := s.store.LinkVersion(ctx, t.ID, uid)
	if err != nil {
		return "", err
	}
	return s.pageURL(s.signLink(t.ID, uid, v)), nil
}

func (s *Service) pageURL(token string) string { return pageURL(s.cfg.PublicURL, token) }

func pageURL(base, token string) string { return strings.TrimRight(base, "/") + "/me/" + token }

// RevokePersonalLinks ends every personal link of the recipient made so
// far (and the action links in messages already sent).
func (s *Service) RevokePersonalLinks(ctx context.Context, t remind.Tenant, uid string) error {
	if err := remind.CheckUID("uid", uid); err != nil {
		return err
	}
	_, err := s.store.RevokeLinks(ctx, t.ID, uid, s.now())
	return err
}

// Personal returns whom a personal link names: remind.ErrNotFound for a
// token not signed by this server, ErrLinkRevoked for a revoked one.
func (s *Service) Personal(ctx context.Context, token string) (Person, error) {
	tenantID, uid, v, ok := s.parseLink(token)
	if !ok {
		return Person{}, remind.NotFound("link")
	}
	cur, err := s.store.LinkVersion(ctx, tenantID, uid)
	if err != nil {
		return Person{}, err
	}
	if v != cur {
		return Person{}, ErrLinkRevoked
	}
	t, err := s.store.GetTenant(ctx, tenantID)
	if err != nil {
		if errors.Is(err, remind.ErrNotFound) {
			return Person{}, remind.NotFound("link")
		}
		return Person{}, err
	}
	return Person{Tenant: t, UID: uid, Version: v, Token: token}, nil
}

// LinkMaker makes the action links messages carry (remind.FirePolicy.Links).
func (s *Service) LinkMaker() remind.LinkMaker { return LinkMaker(s.cfg.LinkKey, s.cfg.PublicURL) }

// LinkMaker returns what makes the action links of a recipient's inbox
// item, signed with key under publicURL; nil without a key.
func LinkMaker(key []byte, publicURL string) remind.LinkMaker {
	if len(key) == 0 {
		return nil
	}
	return func(tenantID, uid string, version int, itemID string) *remind.Links {
		page := pageURL(publicURL, signLink(key, tenantID, uid, version))
		item := page + "/items/" + itemID
		return &remind.Links{
			Page: page, Confirm: item + "/confirm", Reject: item + "/reject",
			Snooze10m: item + "/snooze?for=10m", Snooze1h: item + "/snooze?for=1h", SnoozeTomorrow: item + "/snooze?when=tomorrow",
		}
	}
}

// ---- snooze

// SnoozeInput says until when: For a duration ("10m"), or Text read by the
// time parser in the recipient's zone ("明天早上"); exactly one.
type SnoozeInput struct {
	For  string
	Text string
}

// Longest snooze: beyond it, a new reminder is the better tool.
const maxSnooze = 366 * 24 * time.Hour

// SnoozeUntil reads when a snooze made at now ends, in the zone tz (the
// reminder's, else the tenant's).
func (s *Service) SnoozeUntil(t remind.Tenant, in SnoozeInput, tz string, now time.Time) (time.Time, error) {
	switch {
	case in.For != "" && in.Text != "":
		return time.Time{}, remind.Invalid("for", "give for or text, not both")
	case in.For != "":
		d, err := time.ParseDuration(in.For)
		if err != nil || d < time.Minute || d > maxSnooze {
			return time.Time{}, remind.Invalid("for", "must be a duration from 1m to 8784h (\"10m\", \"1h\")")
		}
		return now.Add(d).Truncate(time.Second), nil
	case in.Text != "":
		sch, err := s.Parse(t, in.Text, tz, now)
		if err != nil {
			if remind.CodeOf(err) == remind.CodeNoTime {
				return time.Time{}, &remind.Error{Code: remind.CodeUnprocessable, Field: "text", Message: "names no time to snooze to", Err: err}
			}
			return time.Time{}, err
		}
		if !sch.Time.After(now) || sch.Time.Sub(now) > maxSnooze {
			return time.Time{}, &remind.Error{Code: remind.CodeUnprocessable, Field: "text", Message: "does not name a time in the coming year"}
		}
		return sch.Time, nil
	}
	return time.Time{}, remind.Invalid("for", "give for (\"10m\") or text (\"明天早上\")")
}

// Snooze puts the recipient's item off: the same occurrence comes back to
// them at the time in says, on the channels of the firing the item
// records, as a new item naming this one (snoozed_from); this one becomes
// snoozed. The reminder's series is not moved.
func (s *Service) Snooze(ctx context.Context, t remind.Tenant, uid, itemID string, in SnoozeInput) (remind.InboxItem, time.Time, error) {
	if err := remind.CheckUID("uid", uid); err != nil {
		return remind.InboxItem{}, time.Time{}, err
	}
	now := s.now()
	tz := t.TZ
	var at time.Time
	it, _, err := s.store.SnoozeInboxItem(ctx, t.ID, uid, itemID, now, func(it remind.InboxItem, orig []remind.Delivery, version int) ([]remind.Delivery, error) {
		if in.Text != "" { // read in the recipient's zone, else the reminder's, else the tenant's
			if rc, err := s.store.GetRecipient(ctx, t.ID, uid); err == nil && rc.Profile.TZ != "" {
				tz = rc.Profile.TZ
			} else if r, err := s.store.GetReminder(ctx, t.ID, it.ReminderID); err == nil && r.TZ != "" {
				tz = r.TZ
			}
		}
		var err error
		if at, err = s.SnoozeUntil(t, in, tz, now); err != nil {
			return nil, err
		}
		return remind.PlanSnooze(it, orig, at, now, version, s.LinkMaker()), nil
	})
	if err != nil {
		return remind.InboxItem{}, time.Time{}, err
	}
	if s.cfg.WakeDeliveries != nil {
		s.cfg.WakeDeliveries()
	}
	return it, at, nil
}
