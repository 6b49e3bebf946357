package main

import "github.com/raasdev/raas/internal/app"

// webPushFlags registers the Web Push flags.
func webPushFlags(fs *flagSet, cfg *app.WebPushConfig) {
	fs.StringVar(&cfg.VAPIDPublicKey, "vapid-public-key", cfg.VAPIDPublicKey, "Web Push VAPID public key, base64url (make a pair with: raas vapid generate); empty: made once and kept in the data directory with SQLite, web push off with PostgreSQL")
	fs.StringVar(&cfg.VAPIDPrivateKey, "vapid-private-key", cfg.VAPIDPrivateKey, "Web Push VAPID private key, base64url; the same pair on every instance")
	fs.StringVar(&cfg.VAPIDSubject, "vapid-subject", cfg.VAPIDSubject, "contact push services see: mailto:ADDRESS or an https:// URL (default: the public URL if https, else mailto:webpush@HOST)")
}
