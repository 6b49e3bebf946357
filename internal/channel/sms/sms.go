// Package sms is the SMS channel: a delivery becomes one templated text to
// the recipient's phone through a Provider (Alibaba Cloud SMS or Tencent
// Cloud SMS, each signing its calls as the provider documents). Chinese SMS
// goes out only through a pre-approved sign name and template with short
// variables, so the Sender maps reminder fields onto template parameters;
// free text is impossible.
//
// The Sender keeps one bad loop from texting a person a hundred times: at
// most Limit messages per number per Window, counted in the database so the
// limit holds across instances. A limited send, like a provider's rejection
// of a bad number, fails for good (deliver.Permanent) instead of being retried.
package sms

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/zone"
)

// Param is one template variable: its name (Alibaba's TemplateParam keys)
// and value; Tencent's templates take the values in order.
type Param struct {
	Name  string
	Value string
}

// Message is one text to send.
type Message struct {
	Phone  string
	Params []Param // in template order
}

// Provider sends one templated text. It returns the HTTP status of the
// provider's answer (0 when there was none) and an error when the message
// was not accepted; a *ProviderError says whether retrying can help.
type Provider interface {
	Name() string
	Send(ctx context.Context, m Message) (status int, err error)
}

// ProviderError is a provider's refusal, with its code.
type ProviderError struct {
	Provider  string
	Code      string
	Message   string
	Permanent bool // retrying cannot help (bad number, bad template, bad keys, provider's rate limit)
}

// Error implements error.
func (e *ProviderError) Error() string {
	return fmt.Sprintf("sms: %s refused the message: %s: %s", e.Provider, e.Code, e.Message)
}

// Quota counts sends per number; the SQLite and PostgreSQL stores implement it.
type Quota interface {
	// TakeSMSQuota records one send to phone at at and returns true, unless
	// limit sends are recorded within window before at (then it returns false).
	TakeSMSQuota(ctx context.Context, phone, deliveryID string, at time.Time, window time.Duration, limit int) (bool, error)
}

// Fields a template parameter can take its value from.
const (
	FieldTitle   = "title"   // the reminder's title
	FieldContent = "content" // the reminder's description (team-remind content), else its title
	FieldTime    = "time"    // the occurrence in the reminder's zone, as TimeLayout
	FieldCreator = "creator" // the team-remind creator's name (meta createrName)
	// FieldLink is the recipient's personal page, where they confirm,
	// reject or snooze ("-" when the server makes no links). A link is
	// never cut: the template's variable must be one for links.
	FieldLink = "link"
)

// ParamSpec maps one template variable onto a reminder field.
type ParamSpec struct {
	Name  string
	Field string
}

// ParseParams reads "name:field,name:field" (a bare "field" is named after
// itself) into specs, checking the fields.
func ParseParams(s string) ([]ParamSpec, error) {
	var out []ParamSpec
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, field, ok := strings.Cut(part, ":")
		if !ok {
			field = name
		}
		switch field {
		case FieldTitle, FieldContent, FieldTime, FieldCreator, FieldLink:
		default:
			return nil, fmt.Errorf("sms: template parameter %q: unknown field %q (want title, content, time, creator or link)", name, field)
		}
		out = append(out, ParamSpec{Name: name, Field: field})
	}
	if len(out) == 0 {
		return nil, errors.New("sms: no template parameters")
	}
	return out, nil
}

// Config tunes the Sender.
type Config struct {
	Params      []ParamSpec   // default title:title,time:time
	MaxParamLen int           // characters a variable may hold (default 35, Alibaba's limit)
	TimeLayout  string        // default "01-02 15:04"
	Limit       int           // messages per number per Window; 0 means no limit
	Window      time.Duration // default 1h
}

// Sender is the deliver.Sender of the SMS channel.
type Sender struct {
	p   Provider
	q   Quota
	now func() time.Time
	cfg Config
}

// NewSender returns a Sender through p, counting sends in q (nil: no limit).
func NewSender(p Provider, q Quota, now func() time.Time, cfg Config) *Sender {
	if len(cfg.Params) == 0 {
		cfg.Params = []ParamSpec{{FieldTitle, FieldTitle}, {FieldTime, FieldTime}}
	}
	if cfg.MaxParamLen <= 0 {
		cfg.MaxParamLen = 35
	}
	if cfg.TimeLayout == "" {
		cfg.TimeLayout = "01-02 15:04"
	}
	if cfg.Window <= 0 {
		cfg.Window = time.Hour
	}
	return &Sender{p: p, q: q, now: now, cfg: cfg}
}

// Send texts one delivery. Errors are Permanent when retrying cannot help:
// no phone, an unreadable payload, the per-number limit reached, or a
// provider refusal marked permanent.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	if d.Target == "" {
		return 0, deliver.Permanent(errors.New("sms: the recipient has no phone number"))
	}
	ev, err := remind.DecodeEvent(d.Payload)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("sms: payload: %w", err))
	}
	msg := Message{Phone: d.Target, Params: s.Params(ev.Data)}
	if s.q != nil && s.cfg.Limit > 0 {
		ok, err := s.q.TakeSMSQuota(ctx, d.Target, d.ID, s.now(), s.cfg.Window, s.cfg.Limit)
		if err != nil {
			return 0, fmt.Errorf("sms: rate limit: %w", err)
		}
		if !ok {
			return 0, deliver.Permanent(fmt.Errorf("sms: rate limit: %s already got %d messages within %s; not sent",
				Mask(d.Target), s.cfg.Limit, s.cfg.Window))
		}
	}
	status, err := s.p.Send(ctx, msg)
	var pe *ProviderError
	if errors.As(err, &pe) && pe.Permanent {
		return status, deliver.Permanent(err)
	}
	return status, err
}

// Params maps an event's reminder fields onto the template parameters.
func (s *Sender) Params(e remind.EventData) []Param {
	out := make([]Param, 0, len(s.cfg.Params))
	for _, p := range s.cfg.Params {
		var v string
		switch p.Field {
		case FieldTitle:
			v = e.Title
		case FieldContent:
			v = e.Desc
			if v == "" {
				v = e.Title
			}
		case FieldTime:
			t := e.Occurrence
			if loc, err := zone.Load(e.TZ); err == nil {
				t = t.In(loc)
			}
			v = t.Format(s.cfg.TimeLayout)
		case FieldCreator:
			v = e.Meta["createrName"]
		case FieldLink:
			if e.Links != nil && e.Links.Page != "" {
				out = append(out, Param{Name: p.Name, Value: e.Links.Page})
				continue
			}
		}
		out = append(out, Param{Name: p.Name, Value: Truncate(v, s.cfg.MaxParamLen)})
	}
	return out
}

// Truncate makes v a usable template variable of at most max characters:
// one line, trimmed, "…" marking a cut, and "-" for nothing (providers
// refuse empty variables).
func Truncate(v string, max int) string {
	v = strings.Join(strings.Fields(v), " ")
	if v == "" {
		return "-"
	}
	if utf8.RuneCountInString(v) <= max {
		return v
	}
	r := []rune(v)
	return string(r[:max-1]) + "…"
}

// Mask hides the middle of a phone number for logs and errors.
func Mask(phone string) string {
	if len(phone) < 7 {
		return "***"
	}
	return phone[:3] + strings.Repeat("*", len(phone)-7) + phone[len(phone)-4:]
}

// Disabled is the Provider used when no SMS provider is configured: every
// send fails for good with a clear error.
type Disabled struct{}

// Name implements Provider.
func (Disabled) Name() string { return "none" }

// Send implements Provider.
func (Disabled) Send(context.Context, Message) (int, error) {
	return 0, &ProviderError{Provider: "none", Code: "NotConfigured", Message: "no SMS provider is configured (start the server with --sms-provider alibaba or tencent)", Permanent: true}
}
