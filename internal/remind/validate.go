package remind

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a reminder may hold.
const (
	MaxTitle      = 200
	MaxDesc       = 4000
	MaxURL        = 2048
	MaxRecipients = 1000
	MaxUID        = 128
	MaxDeferMin   = 365 * 24 * 60
)

// The years every time a reminder holds must lie in, both in the
// reminder's zone and in UTC: RFC 3339, JSON and the stores stop at 9999,
// and nothing fires before the Unix epoch.
const (
	MinYear = 1970
	MaxYear = 9999
)

// CheckYear returns an invalid-argument error about field unless t lies in
// the years MinYear–MaxYear in loc and in UTC.
func CheckYear(field string, t time.Time, loc *time.Location) error {
	for _, y := range []int{t.In(loc).Year(), t.UTC().Year()} {
		if y < MinYear || y > MaxYear {
			return Invalid(field, "is %s (%s), outside the years %d–%d", t.In(loc).Format("2006-01-02 15:04 MST"), loc, MinYear, MaxYear)
		}
	}
	return nil
}

// CheckText returns an invalid-argument error when s is not valid UTF-8, is
// longer than max runes, or holds control characters other than newlines and tabs.
func CheckText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	for _, c := range s {
		if c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f {
			return Invalid(field, "must not contain control characters")
		}
	}
	return nil
}

// CheckURL returns an invalid-argument error unless s is empty or an absolute
// http(s) URL.
func CheckURL(field, s string) error {
	if s == "" {
		return nil
	}
	if len(s) > MaxURL {
		return Invalid(field, "is longer than %d bytes", MaxURL)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Invalid(field, "must be an absolute http or https URL")
	}
	return nil
}

// CheckUID returns an invalid-argument error unless uid is a usable recipient id.
func CheckUID(field, uid string) error {
	if uid == "" {
		return Invalid(field, "must not be empty")
	}
	if len(uid) > MaxUID {
		return Invalid(field, "is longer than %d bytes", MaxUID)
	}
	if strings.ContainsAny(uid, "/?#") || !utf8.ValidString(uid) {
		return Invalid(field, "must not contain '/', '?' or '#'")
	}
	return CheckText(field, uid, MaxUID)
}

// Validate checks the fields of a reminder that need no clock or calendar.
func (r Reminder) Validate() error {
	if err := CheckText("title", r.Title, MaxTitle); err != nil {
		return err
	}
	if err := CheckText("desc", r.Desc, MaxDesc); err != nil {
		return err
	}
	if err := CheckURL("external_url", r.ExternalURL); err != nil {
		return err
	}
	if r.DeferMin > MaxDeferMin || r.DeferMin < -MaxDeferMin {
		return Invalid("defer", "must be within ±%d minutes", MaxDeferMin)
	}
	if len(r.Recipients) > MaxRecipients {
		return Invalid("recipients", "at most %d recipients", MaxRecipients)
	}
	seen := map[string]bool{}
	for _, uid := range r.Recipients {
		if err := CheckUID("recipients", uid); err != nil {
			return err
		}
		if seen[uid] {
			return Invalid("recipients", "lists %q twice", uid)
		}
		seen[uid] = true
	}
	for _, ch := range r.Channels {
		if !KnownChannel(ch) {
			return Invalid("channels", "unknown channel %q", ch)
		}
	}
	if r.Ack != nil {
		return r.Ack.Validate()
	}
	return nil
}
