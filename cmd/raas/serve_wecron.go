package main

import (
	"github.com/raasdev/raas/internal/app"
	"github.com/raasdev/raas/internal/channel/wechat"
)

func wecronFlags(fs *flagSet, cfg *app.WeCronConfig) {
	fs.StringVar(&cfg.PosterFont, "poster-font", cfg.PosterFont, "CJK font file for posters (default: search /usr/share/fonts for fonts-noto-cjk, fonts-wqy-microhei)")
	fs.StringVar(&cfg.SMTP.Host, "smtp-host", cfg.SMTP.Host, "SMTP server for e-mail (empty: e-mail off)")
	fs.IntVar(&cfg.SMTP.Port, "smtp-port", cfg.SMTP.Port, "SMTP port (default 587, or 465 with --smtp-tls=tls)")
	fs.StringVar(&cfg.SMTP.Username, "smtp-username", cfg.SMTP.Username, "SMTP AUTH PLAIN user (empty: no AUTH)")
	fs.StringVar(&cfg.SMTP.Password, "smtp-password", cfg.SMTP.Password, "SMTP password")
	fs.StringVar(&cfg.SMTP.From, "smtp-from", cfg.SMTP.From, "sender, e.g. \"RaaS <noreply@example.com>\"")
	fs.StringVar(&cfg.SMTP.TLS, "smtp-tls", "starttls", "starttls (required), tls (implicit, SMTPS) or none")
	fs.StringVar(&cfg.WeChat.AppID, "wechat-app-id", cfg.WeChat.AppID, "WeChat official account AppID (empty: WeChat off)")
	fs.StringVar(&cfg.WeChat.Secret, "wechat-secret", cfg.WeChat.Secret, "WeChat official account AppSecret")
	fs.StringVar(&cfg.WeChat.Token, "wechat-token", cfg.WeChat.Token, "WeChat callback token (signatures of /wechat/callback)")
	fs.StringVar(&cfg.WeChat.AESKey, "wechat-aes-key", cfg.WeChat.AESKey, "WeChat EncodingAESKey (43 characters) for safe mode: callbacks must then be encrypted (empty: plaintext mode)")
	fs.StringVar(&cfg.WeChat.TemplateID, "wechat-template-id", cfg.WeChat.TemplateID, "WeChat template message id for firings (fields first, keyword1-3, remark)")
	fs.StringVar(&cfg.WeChat.APIBase, "wechat-api-base", wechat.DefaultAPIBase, "WeChat API base URL")
	fs.StringVar(&cfg.WeChat.ShowQRBase, "wechat-showqr-base", wechat.DefaultShowQRBase, "base URL of WeChat's showqrcode")
	fs.StringVar(&cfg.WeChat.OAuthBase, "wechat-oauth-base", wechat.DefaultOAuthBase, "base URL of WeChat's web sign-in (subscribing inside WeChat's browser)")
	fs.StringVar(&cfg.WeChatFollowURL, "wechat-follow-url", cfg.WeChatFollowURL, "the official account's profile page (https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=…), shown after subscribing inside WeChat (empty: none)")
}
