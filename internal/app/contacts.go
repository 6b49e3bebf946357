package app

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/raasdev/raas/internal/channel/notify"
	"github.com/raasdev/raas/internal/channel/robot"
	"github.com/raasdev/raas/internal/netguard"
	"github.com/raasdev/raas/internal/remind"
	"github.com/raasdev/raas/internal/secretbox"
)

// SecretKeyFile is the file in the data directory holding the key that
// seals recipients' robot secrets when --secret-key is not given (SQLite).
const SecretKeyFile = "secret.key"

// secretBox returns the box sealing robot secrets: --secret-key, else
// (SQLite) a key made once and kept in the data directory. With
// PostgreSQL and no key it returns nil: robots without a secret still
// work, a secret cannot be stored (every instance must seal alike).
func (a *App) secretBox() *secretbox.Box {
	key := a.Config.SecretKey
	if key == "" {
		if a.Config.DB != "" && !strings.HasPrefix(a.Config.DB, "sqlite:") {
			a.Log.Warn("robot secrets cannot be stored: with PostgreSQL every instance must seal them with the same key; set --secret-key (RAAS_SECRET_KEY) to one made once with `openssl rand -base64 32`")
			return nil
		}
		dir := a.Config.DataDir
		if p := strings.TrimPrefix(a.Config.DB, "sqlite:"); p != "" {
			dir = filepath.Dir(p) // beside the database it belongs with
		}
		var err error
		if err = os.MkdirAll(dir, 0o700); err == nil {
			var created bool
			key, created, err = secretbox.LoadOrCreate(filepath.Join(dir, SecretKeyFile))
			if created {
				a.Log.Info("made a key to seal robot secrets with; back it up with the database", "file", filepath.Join(dir, SecretKeyFile))
			}
		}
		if err != nil {
			a.Log.Error("robot secrets cannot be stored: no secret key", "err", err)
			return nil
		}
	}
	box, err := secretbox.New(key)
	if err != nil {
		a.Log.Error("robot secrets cannot be stored: --secret-key", "err", err)
		return nil
	}
	return box
}

// noBox opens nothing: a sealed secret with no key is a permanent failure.
type noBox struct{}

func (noBox) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	return "", errors.New("no --secret-key to open the robot's secret with")
}

// targetPolicy is the address policy of tenants' URLs (webhooks, robots,
// notify services), with the DNS answer checked.
func (a *App) targetPolicy() netguard.Policy {
	return netguard.Policy{AllowPrivate: a.Config.AllowPrivateTargets, Resolver: net.DefaultResolver}
}

// registerContacts adds the DingTalk, Feishu, WeCom and notify senders.
func (a *App) registerContacts(box *secretbox.Box) {
	var opener robot.Opener = noBox{}
	if box != nil {
		opener = box
	}
	client := netguard.Client(a.Config.WebhookTimeout, a.Config.AllowPrivateTargets)
	p := a.targetPolicy()
	cfg := robot.Config{CheckURL: func(ctx context.Context, raw string) error { return netguard.CheckURL(ctx, raw, p) }}
	a.Senders[remind.ChannelDingTalk] = robot.NewDingTalk(client, a.Store, opener, a.now, cfg)
	a.Senders[remind.ChannelFeishu] = robot.NewFeishu(client, a.Store, opener, a.now, cfg)
	a.Senders[remind.ChannelWeCom] = robot.NewWeCom(client, a.Store, opener, a.now, cfg)
	a.Senders[remind.ChannelNotify] = notify.NewSender(a.Store, client, p)
}

// checkNotifyURL is the service's check of notify URLs.
func (a *App) checkNotifyURL(ctx context.Context, raw string) error {
	return notify.Check(ctx, raw, a.targetPolicy())
}
