// Package email is the e-mail channel: SMTP (STARTTLS, implicit TLS or
// plain, with AUTH when a username is set) through wneessen/go-mail, every
// message with a plain-text and an HTML part. Sender delivers reminder
// firings (remind.ChannelEmail; the delivery Target is the address, the
// payload a remind.Event); Mailer sends any Message (confirmation mails).
package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"strings"
	texttemplate "text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/raasdev/raas/internal/channel/msgtext"
	"github.com/raasdev/raas/internal/deliver"
	"github.com/raasdev/raas/internal/remind"
)

// TLS modes.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, which must be offered (default)
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, usually port 465)
	TLSNone     = "none"     // no TLS at all (a local relay)
)

// Config says how to reach the SMTP server.
type Config struct {
	Host     string
	Port     int // default 587, or 465 with TLSImplicit
	Username string
	Password string
	From     string // "RaaS <noreply@example.com>" or a bare address
	TLS      string // TLSStartTLS, TLSImplicit or TLSNone
	Timeout  time.Duration
	// TLSConfig overrides the TLS settings (tests trust a self-signed
	// certificate with RootCAs); ServerName defaults to Host.
	TLSConfig *tls.Config
}

// Message is one e-mail.
type Message struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string            // optional; stable ids let receivers drop duplicates
	Headers   map[string]string // extra headers such as List-Unsubscribe
}

// Mailer sends messages through one SMTP server.
type Mailer struct {
	cfg  Config
	from *mail.Address
}

// New checks cfg and returns a Mailer.
func New(cfg Config) (*Mailer, error) {
	if cfg.Host == "" {
		return nil, errors.New("email: no SMTP host")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email: from address %q: %w", cfg.From, err)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, fmt.Errorf("email: TLS mode %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	return &Mailer{cfg: cfg, from: from}, nil
}

// Send sends one message. SMTP answers that say retrying is useless (5xx)
// come back wrapped with deliver.Permanent.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	g := gomail.NewMsg(gomail.WithEncoding(gomail.EncodingQP))
	if err := g.FromFormat(m.from.Name, m.from.Address); err != nil {
		return deliver.Permanent(fmt.Errorf("email: from: %w", err))
	}
	if err := g.To(msg.To); err != nil {
		return deliver.Permanent(fmt.Errorf("email: to: %w", err))
	}
	g.Subject(msg.Subject)
	g.SetDate()
	if msg.MessageID != "" {
		g.SetMessageIDWithValue(msg.MessageID)
	} else {
		g.SetMessageID()
	}
	for k, v := range msg.Headers {
		g.SetGenHeader(gomail.Header(k), v)
	}
	g.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		g.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if m.cfg.TLSConfig != nil {
		tc = m.cfg.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = m.cfg.Host
	}
	opts := []gomail.Option{gomail.WithPort(m.cfg.Port), gomail.WithTimeout(m.cfg.Timeout), gomail.WithTLSConfig(tc)}
	switch m.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	c, err := gomail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return deliver.Permanent(fmt.Errorf("email: client: %w", err))
	}
	if err := c.DialAndSendWithContext(ctx, g); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return deliver.Permanent(fmt.Errorf("email: %w", err))
		}
		return fmt.Errorf("email: %w", err)
	}
	return nil
}

// Links gives what a reminder mail links to beyond the reminder itself.
type Links interface {
	// UnsubscribeURL returns the one-click unsubscribe URL of the delivery's
	// recipient, or "" when it has none (a tenant's own recipient). An error
	// marked deliver.Permanent means the mail must not go out (the
	// subscriber left meanwhile).
	UnsubscribeURL(ctx context.Context, d remind.Delivery) (string, error)
}

// Sender delivers reminder firings by e-mail.
type Sender struct {
	m     *Mailer
	links Links // may be nil
}

// NewSender returns a Sender; links may be nil.
func NewSender(m *Mailer, links Links) *Sender { return &Sender{m: m, links: links} }

// Send mails one delivery to its Target address.
func (s *Sender) Send(ctx context.Context, d remind.Delivery) (int, error) {
	if d.Target == "" {
		return 0, deliver.Permanent(errors.New("email: no address"))
	}
	ev, err := remind.DecodeEvent(d.Payload)
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("email: payload: %w", err))
	}
	unsub := ""
	if s.links != nil {
		if unsub, err = s.links.UnsubscribeURL(ctx, d); err != nil {
			return 0, err
		}
	}
	msg, err := ReminderMessage(d.Target, ev.Data, unsub)
	if err != nil {
		return 0, deliver.Permanent(err)
	}
	msg.MessageID = d.ID + "@raas"
	if err := s.m.Send(ctx, msg); err != nil {
		return 0, err
	}
	return 250, nil
}

// Unsubscribe adds the RFC 2369 and RFC 8058 headers for a one-click
// unsubscribe URL (answered by POST with List-Unsubscribe=One-Click).
func Unsubscribe(msg *Message, url string) {
	if url == "" {
		return
	}
	if msg.Headers == nil {
		msg.Headers = map[string]string{}
	}
	msg.Headers[string(gomail.HeaderListUnsubscribe)] = "<" + url + ">"
	msg.Headers[string(gomail.HeaderListUnsubscribePost)] = "List-Unsubscribe=One-Click"
}

type reminderView struct {
	Title, Desc, When, Link, Unsubscribe string
	Late                                 bool
	W                                    msgtext.Words
	Actions                              []msgtext.Action // confirm, reject, snooze, the recipient's page
}

var reminderText = texttemplate.Must(texttemplate.New("text").Parse(`{{.W.Reminder}}: {{.Title}}
{{.W.When}}: {{.When}}
{{if .Desc}}
{{.Desc}}
{{end}}{{if .Link}}
{{.W.Details}}: {{.Link}}
{{end}}{{if .Actions}}
{{range .Actions}}{{.Label}}: {{.URL}}
{{end}}{{end}}{{if .Unsubscribe}}
{{.W.Unsubscribe}}: {{.Unsubscribe}}
{{end}}`))

var reminderHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!doctype html>
<html><body style="font-family:sans-serif;max-width:600px;margin:auto;padding:16px">
<h2>{{.Title}}</h2>
<p><strong>{{.When}}</strong></p>
{{if .Desc}}<p style="white-space:pre-wrap">{{.Desc}}</p>{{end}}
{{if .Link}}<p><a href="{{.Link}}">{{.W.Open}}</a></p>{{end}}
{{if .Actions}}<p>{{range .Actions}}<a href="{{.URL}}" style="display:inline-block;margin:4px 8px 4px 0;padding:8px 12px;border:1px solid #2563eb;border-radius:6px;color:#2563eb;text-decoration:none">{{.Label}}</a>{{end}}</p>{{end}}
{{if .Unsubscribe}}<p style="color:#888;font-size:12px"><a href="{{.Unsubscribe}}">{{.W.Unsubscribe}}</a></p>{{end}}
</body></html>`))

// ReminderMessage renders the mail of one firing: the time in the
// recipient's zone and the fixed words in their language (msgtext).
func ReminderMessage(to string, ev remind.EventData, unsubscribeURL string) (Message, error) {
	w := msgtext.WordsOf(ev)
	v := reminderView{Title: ev.Title, Desc: ev.Desc, Link: ev.ExternalURL, Unsubscribe: unsubscribeURL, Actions: msgtext.Actions(ev.Links, msgtext.Lang(ev)),
		When: msgtext.When(ev), Late: ev.Late, W: w}
	if v.Title == "" {
		v.Title = w.Reminder
	}
	msg := Message{To: to, Subject: w.Subject + oneLine(v.Title)}
	var tb, hb bytes.Buffer
	if err := reminderText.Execute(&tb, v); err != nil {
		return msg, fmt.Errorf("email: render: %w", err)
	}
	if err := reminderHTML.Execute(&hb, v); err != nil {
		return msg, fmt.Errorf("email: render: %w", err)
	}
	msg.Text, msg.HTML = tb.String(), hb.String()
	Unsubscribe(&msg, unsubscribeURL)
	return msg, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
