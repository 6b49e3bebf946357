package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/raasdev/raas/client"
	"github.com/raasdev/raas/internal/describe"
	"github.com/raasdev/raas/internal/remind"
)

// remoteConfig is ~/.config/raas/config.json (or under $XDG_CONFIG_HOME).
type remoteConfig struct {
	Server string `json:"server"`
	Token  string `json:"token"`
}

// configPath returns where the client config file lives.
func configPath() string {
	dir, err := os.UserConfigDir() // $XDG_CONFIG_HOME or ~/.config on Linux
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "raas", "config.json")
}

// listFlag is a repeatable string flag (--to a --to b, or --to a,b).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

const remindUsage = `usage: raas remind <add|list|show|edit|cancel|import> [flags]

  raas remind add "明天下午三点开会" [--to UID]...   create a reminder; the server reads the time from the text
  raas remind edit ID [--text TEXT] [--title T] [--at WHEN] [--to UID]...
                                                    change a reminder: --text or --at (words, or an
                                                    RFC 3339 time) set when it fires, --to its recipients
  raas remind list [--status active|done|cancelled] [--limit N]
  raas remind show ID                               a reminder with its deliveries
  raas remind cancel ID
  raas remind import FILE [--format csv|jsonl] [--batch N]
                                                    create a reminder per line of a CSV (with a header) or JSON Lines
                                                    file; columns text, time, title, desc, rrule, recipients, channels,
                                                    tz. Interrupted, the same command resumes: each line's
                                                    idempotency key comes from the file's path and the line number.

The server and token come from --server/--token, else $RAAS_URL (or
$RAAS_SERVER) and $RAAS_TOKEN, else %s
({"server": "http://127.0.0.1:8080", "token": "raas_…"}). --json prints JSON.
Schedules are told in Chinese when $LANG (or $LC_ALL) is Chinese.
`

// runRemind is `raas remind`: a client of a running server, built on client/.
func runRemind(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stderr, remindUsage, configPath())
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub := args[0]
	fs := newFlagSet("remind "+sub, stderr)
	server := fs.String("server", "", "URL of the RaaS server (also $RAAS_URL)")
	token := fs.String("token", "", "API token (from raas token create)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	var to listFlag
	var status *string
	var limit *int
	var tz *string
	var format *string
	var batch *int
	var text, title, at *string
	switch sub {
	case "import":
		format = fs.String("format", "", "csv or jsonl (default: from the file name)")
		batch = fs.Int("batch", client.MaxBatch, "reminders per request (1-1000)")
	case "add":
		fs.Var(&to, "to", "recipient uid (repeat, or comma-separate)")
		tz = fs.String("tz", "", "IANA time zone of the text (default: the tenant's)")
	case "list":
		status = fs.String("status", "", "only active, done or cancelled reminders")
		limit = fs.Int("limit", 50, "how many reminders (1-1000)")
	case "edit":
		fs.Var(&to, "to", "the new recipients (repeat, or comma-separate)")
		text = fs.String("text", "", "when it fires, in words (the server reads it as on add)")
		title = fs.String("title", "", "the new title")
		at = fs.String("at", "", "when it fires: an RFC 3339 time (2026-11-28T15:00:00+08:00) or words")
		tz = fs.String("tz", "", "IANA time zone of the text")
	case "show", "cancel":
	default:
		fmt.Fprintf(stderr, "raas remind: unknown subcommand %q\n", sub)
		fmt.Fprintf(stderr, remindUsage, configPath())
		return 2
	}
	if err := fs.parse(interleave(args[1:])); err != nil {
		return 2
	}
	lang := cliLang()
	c, err := remoteClient(*server, *token, client.WithLanguage(string(lang)))
	if err != nil {
		fmt.Fprintln(stderr, "raas remind:", err)
		return 2
	}
	if sub == "import" {
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "usage: raas remind import FILE [--format csv|jsonl] [--batch N]")
			return 2
		}
		return runImport(ctx, c, fs.Arg(0), *format, *batch, *asJSON, stdout, stderr)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out := &printer{w: stdout, json: *asJSON, lang: lang}
	switch sub {
	case "add":
		if fs.NArg() == 0 {
			fmt.Fprintln(stderr, `usage: raas remind add "TEXT" [--to UID]...`)
			return 2
		}
		r, err := c.CreateReminder(ctx, client.ReminderInput{Text: strings.Join(fs.Args(), " "), Recipients: to, TZ: *tz})
		return out.result(stderr, err, func() { out.created(r) }, r)
	case "edit":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "usage: raas remind edit ID [--text TEXT] [--title T] [--at WHEN] [--to UID]...")
			return 2
		}
		seen := map[string]bool{} // given on the command line (not $RAAS_TITLE and the like)
		fs.Visit(func(f *flag.Flag) { seen[f.Name] = true })
		p, ok := editPatch(seen, *text, *title, *at, *tz, to)
		if !ok {
			fmt.Fprintln(stderr, "raas remind edit: say what to change: --text, --title, --at, --tz or --to (--text and --at not both)")
			return 2
		}
		r, err := c.UpdateReminder(ctx, fs.Arg(0), p)
		return out.result(stderr, err, func() { out.created(r) }, r)
	case "list":
		page, err := c.ListReminders(ctx, client.ListOptions{Status: *status, Limit: *limit})
		if err != nil {
			return out.result(stderr, err, nil, nil)
		}
		return out.result(stderr, nil, func() {
			out.reminders(page.Data)
			if page.NextCursor != "" {
				fmt.Fprintf(stdout, "(more: raise --limit)\n")
			}
		}, page)
	case "show", "cancel":
		if fs.NArg() != 1 {
			fmt.Fprintf(stderr, "usage: raas remind %s ID\n", sub)
			return 2
		}
		id := fs.Arg(0)
		if sub == "cancel" {
			r, err := c.CancelReminder(ctx, id)
			return out.result(stderr, err, func() { out.reminders([]client.Reminder{*r}) }, r)
		}
		r, err := c.GetReminder(ctx, id)
		if err != nil {
			return out.result(stderr, err, nil, nil)
		}
		ds, err := c.Deliveries(ctx, id)
		both := struct {
			*client.Reminder
			Deliveries []client.Delivery `json:"deliveries"`
		}{r, ds}
		return out.result(stderr, err, func() { out.show(r, ds) }, both)
	}
	return 2
}

// interleave moves flags before positional arguments, so that
// `raas remind add "text" --to alice` works with the flag package, which
// stops at the first non-flag.
func interleave(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && name != "json" && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

// remoteClient resolves server and token: flags (and their $RAAS_SERVER,
// $RAAS_TOKEN twins), then $RAAS_URL, then the config file.
func remoteClient(server, token string, opts ...client.Option) (*client.Client, error) {
	if server == "" {
		server = os.Getenv("RAAS_URL")
	}
	if server == "" || token == "" {
		if p := configPath(); p != "" {
			if b, err := os.ReadFile(p); err == nil {
				var rc remoteConfig
				if err := json.Unmarshal(b, &rc); err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				if server == "" {
					server = rc.Server
				}
				if token == "" {
					token = rc.Token
				}
			}
		}
	}
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	if token == "" {
		return nil, errors.New("no API token: give --token, set $RAAS_TOKEN or write " + configPath())
	}
	return client.New(server, token, append([]client.Option{client.WithUserAgent("raas-cli/" + version())}, opts...)...), nil
}

// editPatch makes the patch of `raas remind edit` from the flags that
// were given (seen); ok is false when it would change nothing, or when
// --text and --at both say when.
func editPatch(seen map[string]bool, text, title, at, tz string, to []string) (client.ReminderPatch, bool) {
	var p client.ReminderPatch
	if seen["text"] && seen["at"] {
		return p, false
	}
	if seen["title"] {
		p.Title = &title
	}
	if seen["tz"] {
		p.TZ = &tz
	}
	if seen["to"] {
		p.Recipients = &to
	}
	switch {
	case seen["text"]:
		p.Text = &text
	case seen["at"]:
		if t, err := time.Parse(time.RFC3339, at); err == nil {
			p.Time = &t
		} else {
			p.Text = &at
		}
	}
	return p, p.Title != nil || p.TZ != nil || p.Recipients != nil || p.Text != nil || p.Time != nil
}

// cliLang is the language of the answers: Chinese when the locale is.
func cliLang() describe.Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(strings.ToLower(l), "zh") {
				return describe.ZH
			}
			return describe.EN
		}
	}
	return describe.EN
}

type printer struct {
	w    io.Writer
	json bool
	lang describe.Lang
}

// created answers an add or an edit with a sentence saying how the server
// read it: "I will remind alice on Friday 28 Nov at 15:00 (Asia/Shanghai),
// then every Friday." and the reminder's id.
func (p *printer) created(r *client.Reminder) {
	rem := remind.Reminder{ID: r.ID, Title: r.Title, Time: r.Time, RRule: r.RRule, TZ: r.TZ, DeferMin: r.Defer,
		Recipients: r.Recipients, Status: remind.Status(r.Status), NextFireAt: r.NextFireAt}
	if r.Start != nil {
		rem.Start = *r.Start
	}
	title := r.Title
	if title == "" {
		title = "-"
	}
	fmt.Fprintf(p.w, "%s  %s\n%s\n", r.ID, title, describe.Sentence(rem, p.lang, time.Now()))
	p.reach(r)
}

// reach prints whom the next firing reaches and the server's warnings
// (the answers to add and edit carry them).
func (p *printer) reach(r *client.Reminder) {
	if r.Reaches == nil {
		return
	}
	if p.lang == describe.ZH {
		fmt.Fprintf(p.w, "下次提醒送达 %d 处（收件人×渠道）\n", *r.Reaches)
	} else {
		fmt.Fprintf(p.w, "next firing reaches %d (recipient × channel)\n", *r.Reaches)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(p.w, "warning: %s\n", w)
	}
}

// result prints v as JSON or runs table, or reports err; it returns the exit code.
func (p *printer) result(stderr io.Writer, err error, table func(), v any) int {
	if err != nil {
		var e *client.Error
		if errors.As(err, &e) {
			fmt.Fprintf(stderr, "raas remind: %s (%s)\n", e.Message, e.Code)
		} else {
			fmt.Fprintln(stderr, "raas remind:", err)
		}
		return 1
	}
	if p.json {
		enc := json.NewEncoder(p.w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			fmt.Fprintln(stderr, "raas remind: cannot write the answer as JSON:", err)
			return 1
		}
		return 0
	}
	table()
	return 0
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format("2006-01-02 15:04 MST")
}

func (p *printer) reminders(rs []client.Reminder) {
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tNEXT\tSCHEDULE\tTO\tTITLE")
	for _, r := range rs {
		rec := r.ScheduleText
		if rec == "" {
			rec = "-"
		}
		to := strings.Join(r.Recipients, ",")
		if to == "" {
			to = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, fmtTime(r.NextFireAt), rec, to, r.Title)
	}
	tw.Flush()
}

func (p *printer) show(r *client.Reminder, ds []client.Delivery) {
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	row("ID", r.ID)
	row("Title", r.Title)
	row("Desc", r.Desc)
	row("Status", r.Status)
	row("Time", fmtTime(r.Time))
	row("Schedule", r.ScheduleText)
	row("RRule", r.RRule)
	row("Zone", r.TZ)
	row("Next", fmtTime(r.NextFireAt))
	row("Fired", fmt.Sprint(r.FiredCount))
	row("To", strings.Join(r.Recipients, ", "))
	row("Channels", strings.Join(r.Channels, ", "))
	tw.Flush()
	fmt.Fprintf(p.w, "\nDeliveries (%d):\n", len(ds))
	if len(ds) == 0 {
		return
	}
	tw = tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OCCURRENCE\tTO\tCHANNEL\tSTATE\tATTEMPTS\tLAST ERROR")
	for _, d := range ds {
		to := d.Recipient
		if to == "" {
			to = "(tenant webhook)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", d.Occurrence.Format("2006-01-02 15:04 MST"), to, d.Channel, d.State, d.AttemptCount, d.LastError)
	}
	tw.Flush()
}
