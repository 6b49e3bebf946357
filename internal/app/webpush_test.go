package app

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raasdev/raas/internal/channel/webpush"
)

func TestWebPushConfig(t *testing.T) {
	good, _ := webpush.GenerateVAPIDKeys()
	other, _ := webpush.GenerateVAPIDKeys()
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		cfg     Config
		on      bool
		subject string
		log     string
	}{
		{"postgres without keys: off, said once", Config{DB: "postgres://db/raas", PublicURL: "https://raas.example"}, false, "", "set --vapid-public-key and --vapid-private-key"},
		{"postgres with keys", Config{DB: "postgres://db/raas", PublicURL: "https://raas.example/x",
			WebPush: WebPushConfig{VAPIDPublicKey: good.Public, VAPIDPrivateKey: good.Private}}, true, "https://raas.example", ""},
		{"a mismatched pair", Config{WebPush: WebPushConfig{VAPIDPublicKey: other.Public, VAPIDPrivateKey: good.Private}}, false, "", "must be one pair"},
		{"only one key", Config{WebPush: WebPushConfig{VAPIDPublicKey: good.Public}}, false, "", "must be one pair"},
		{"sqlite: made and kept", Config{DataDir: dir, PublicURL: "http://127.0.0.1:8080"}, true, "mailto:webpush@127.0.0.1", "made a VAPID key pair"},
		{"sqlite file elsewhere", Config{DB: "sqlite:" + filepath.Join(dir, "sub", "r.db"), WebPush: WebPushConfig{VAPIDSubject: "mailto:ops@example.com"}}, true, "mailto:ops@example.com", ""},
		{"bad subject", Config{DataDir: dir, WebPush: WebPushConfig{VAPIDSubject: "ops@example.com"}}, false, "", "want mailto:"},
	} {
		var buf bytes.Buffer
		a := &App{Config: tc.cfg, Log: slog.New(slog.NewTextHandler(&buf, nil))}
		cfg, on := a.webPushConfig()
		if on != tc.on || on && (cfg.Subject != tc.subject || cfg.Keys.Check() != nil) || !strings.Contains(buf.String(), tc.log) {
			t.Errorf("%s: on %v, %+v; log %q", tc.name, on, cfg, buf.String())
		}
		if strings.Count(buf.String(), "\n") > 1 {
			t.Errorf("%s: more than one log line: %q", tc.name, buf.String())
		}
	}
	// The pair made for the SQLite server is the one read back next time.
	a := &App{Config: Config{DataDir: dir}, Log: slog.New(slog.DiscardHandler)}
	first, _ := a.webPushConfig()
	again, _ := a.webPushConfig()
	if first.Keys != again.Keys || first.Keys.Public == "" {
		t.Fatalf("keys changed across starts: %v, %v", first.Keys, again.Keys)
	}
}
