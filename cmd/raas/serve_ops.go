package main

import "github.com/raasdev/raas/internal/app"

// opsFlags registers the operator flags: metrics, rate limits, API docs.
func opsFlags(fs *flagSet, cfg *app.OpsConfig) {
	fs.BoolVar(&cfg.Metrics, "metrics", cfg.Metrics, "serve Prometheus metrics at /metrics")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", cfg.RateLimit, "requests a second allowed per authenticated tenant; 0 turns every rate limit off")
	fs.IntVar(&cfg.RateBurst, "rate-burst", cfg.RateBurst, "requests a tenant may send at once before --rate-limit applies")
	fs.Float64Var(&cfg.AnonRateLimit, "anon-rate-limit", cfg.AnonRateLimit, "requests a second allowed per client address for unauthenticated traffic (public pages, posters, failed sign-ins); 0 leaves it unlimited")
	fs.IntVar(&cfg.AnonRateBurst, "anon-rate-burst", cfg.AnonRateBurst, "requests an address may send at once before --anon-rate-limit applies")
	fs.Var(&cfg.TrustedProxies, "trusted-proxies", "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For names the client (none by default)")
	fs.BoolVar(&cfg.Docs, "docs", cfg.Docs, "serve the OpenAPI document at /openapi.json and its reference page at /docs")
	cfg.Version = version()
}
