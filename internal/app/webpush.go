package app

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/raasdev/raas/internal/channel/webpush"
)

// WebPushConfig configures the Web Push channel. Every instance must sign
// with the same VAPID key pair, and keep it: subscriptions are made for
// one key. Unset, a single SQLite server makes a pair once and keeps it in
// the data directory (VAPIDKeyFile); with PostgreSQL (several instances)
// web push stays off until the pair is given.
type WebPushConfig struct {
	VAPIDPublicKey  string
	VAPIDPrivateKey string
	VAPIDSubject    string // "mailto:…" or "https://…"; default: the public URL when https, else mailto:webpush@<its host>
}

// VAPIDKeyFile is the file in the data directory holding the VAPID key pair
// a SQLite server made itself.
const VAPIDKeyFile = "vapid.json"

// webPushConfig returns the sender's configuration, or ok false (said in
// the log) when web push is off.
func (a *App) webPushConfig() (cfg webpush.Config, ok bool) {
	c := a.Config.WebPush
	keys := webpush.VAPIDKeys{Public: c.VAPIDPublicKey, Private: c.VAPIDPrivateKey}
	switch {
	case keys.Public != "" || keys.Private != "":
		if err := keys.Check(); err != nil {
			a.Log.Error("web push is off: --vapid-public-key and --vapid-private-key must be one pair (make one with `raas vapid generate`)", "err", err)
			return cfg, false
		}
	case a.Config.DB != "" && !strings.HasPrefix(a.Config.DB, "sqlite:"):
		a.Log.Warn("web push is off: with PostgreSQL every instance must sign with the same VAPID keys; set --vapid-public-key and --vapid-private-key (RAAS_VAPID_PUBLIC_KEY, RAAS_VAPID_PRIVATE_KEY) to a pair made once with `raas vapid generate`")
		return cfg, false
	default:
		file, err := a.keyFile(VAPIDKeyFile)
		if err == nil {
			var created bool
			keys, created, err = webpush.LoadOrCreateVAPIDKeys(file)
			if created {
				a.Log.Info("web push: made a VAPID key pair", "file", file)
			}
		}
		if err != nil {
			a.Log.Error("web push is off: no VAPID keys", "err", err)
			return cfg, false
		}
	}
	subject, err := vapidSubject(c.VAPIDSubject, a.Config.PublicURL)
	if err != nil {
		a.Log.Error("web push is off", "err", err)
		return cfg, false
	}
	return webpush.Config{Keys: keys, Subject: subject}, true
}

// vapidSubject returns the contact push services see in the VAPID JWT.
func vapidSubject(subject, publicURL string) (string, error) {
	if subject != "" {
		if !strings.HasPrefix(subject, "mailto:") && !strings.HasPrefix(subject, "https://") {
			return "", fmt.Errorf("--vapid-subject %q: want mailto:ADDRESS or an https:// URL", subject)
		}
		return subject, nil
	}
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" {
		return "mailto:webpush@localhost", nil
	}
	if u.Scheme == "https" {
		return u.Scheme + "://" + u.Host, nil
	}
	return "mailto:webpush@" + u.Hostname(), nil
}
