package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/store"
)

// storeFlags registers the flags that say where data lives.
func storeFlags(fs *flagSet, cfg *app.Config) {
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "directory of the embedded SQLite database")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database URL: postgres://… for PostgreSQL, sqlite:PATH for a SQLite file (default: SQLite under --data)")
}

// openStoreCmd is the start of every admin command that works on the
// store directly (token, app, migrate): it parses the store flags plus
// whatever extra registers, and opens (and so migrates) the store. On
// failure it has said why on stderr and returns the exit code.
func openStoreCmd(ctx context.Context, name string, args []string, stderr io.Writer, extra func(*flagSet)) (store.Store, int) {
	fs := newFlagSet(name, stderr)
	cfg := app.Defaults()
	storeFlags(fs, &cfg)
	if extra != nil {
		extra(fs)
	}
	if err := fs.parse(args); err != nil {
		return nil, 2
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "raas %s: %v\n", name, err)
		return nil, 1
	}
	return st, 0
}

func serveConfig(fs *flagSet) (*app.Config, *string) {
	cfg := app.Defaults()
	storeFlags(fs, &cfg)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on")
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "URL at which people reach this server (for QR codes and links); default http://ADDR")
	fs.BoolVar(&cfg.AllowPrivateTargets, "allow-private-targets", false, "allow webhooks, group robots, notify service hosts, Web Push endpoints and the SMS and WeChat endpoints to be on loopback, private, link-local and other non-public addresses (and push and provider endpoints to be http)")
	fs.StringVar(&cfg.SecretKey, "secret-key", "", "key sealing recipients' DingTalk and Feishu robot secrets and signing their personal links, base64 of 32 bytes (openssl rand -base64 32); the same on every instance; empty: made once and kept in the data directory with SQLite, robot secrets and personal links refused with PostgreSQL")
	fs.DurationVar(&cfg.LateAfter, "late-after", cfg.LateAfter, "a firing this late is marked \"late\": true")
	fs.DurationVar(&cfg.MissedAfter, "missed-after", cfg.MissedAfter, "a firing this late (the service was down) is recorded as missed instead of sent")
	fs.DurationVar(&cfg.RetryFor, "retry-for", cfg.RetryFor, "how long failed deliveries are retried")
	fs.DurationVar(&cfg.Lease, "lease", cfg.Lease, "how long a live process holds a delivery it leased before another may take it")
	fs.DurationVar(&cfg.InstanceTimeout, "instance-timeout", cfg.InstanceTimeout, "PostgreSQL: an instance silent this long is dead and the others take over its deliveries at once (heartbeat every third of it)")
	fs.DurationVar(&cfg.Lookahead, "lookahead", cfg.Lookahead, "claim firings this long before they are due and send each at its time from memory")
	fs.DurationVar(&cfg.SpillAhead, "spill-ahead", cfg.SpillAhead, "while a herd fills the memory look-ahead, plan firings this long before they are due into the store (0: not at all)")
	fs.DurationVar(&cfg.WebhookTimeout, "webhook-timeout", cfg.WebhookTimeout, "timeout of one webhook call")
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "concurrent deliveries")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	wecronFlags(fs, &cfg.WeCron)
	webPushFlags(fs, &cfg.WebPush)
	teamRemindFlags(fs, &cfg.TeamRemind)
	opsFlags(fs, &cfg.Ops)
	return &cfg, logLevel
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", stderr)
	cfg, logLevel := serveConfig(fs)
	memLimit := memoryLimitFlag(fs)
	if err := fs.parse(args); err != nil {
		return 2
	}
	if err := applyMemoryLimit(*memLimit); err != nil {
		fmt.Fprintln(stderr, "raas serve:", err)
		return 2
	}
	log, err := newLogger(stderr, *logLevel)
	if err != nil {
		fmt.Fprintln(stderr, "raas serve:", err)
		return 2
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = defaultPublicURL(cfg.Addr)
	}
	start := time.Now()
	st, err := app.OpenStore(ctx, *cfg)
	if err != nil {
		log.Error("open store", "err", err)
		return 1
	}
	a := app.New(*cfg, st, log)
	if err := a.Start(ctx, nil); err != nil {
		log.Error("start", "err", err)
		st.Close()
		return 1
	}
	log.Info("started", "startup_ms", time.Since(start).Milliseconds(), "pid", os.Getpid(), "instance", a.Instance())
	urls, warning := openURLs(cfg.PublicURL, cfg.Ops.Docs)
	for _, u := range urls {
		log.Info("open", "what", u[0], "url", u[1])
	}
	if warning != "" {
		log.Warn(warning, "public_url", cfg.PublicURL)
	}
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := a.Stop(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// defaultPublicURL is the public URL when --public-url is not given: the
// listening address, with a host to reach it by when it names none
// (":8080" is http://127.0.0.1:8080).
func defaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// openURLs lists the URLs to open once the server runs, and a warning when
// the public URL is one a phone cannot reach (loopback), since QR codes
// and subscribe links carry it.
func openURLs(publicURL string, docs bool) (urls [][2]string, warning string) {
	base := strings.TrimRight(publicURL, "/")
	urls = append(urls, [2]string{"home", base + "/"}, [2]string{"dashboard", base + "/dashboard"})
	if docs {
		urls = append(urls, [2]string{"API reference", base + "/docs"})
	}
	urls = append(urls, [2]string{"health", base + "/readyz"})
	u, err := url.Parse(base)
	if err != nil {
		return urls, ""
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		warning = "the public URL is this machine's loopback address: QR codes and subscribe links will not open on a phone; " +
			"start with --public-url http://YOUR-LAN-IP:PORT (or your https domain) so they do"
	}
	return urls, warning
}
