package main

import "github.com/raasdev/raas/internal/app"

// opsFlags registers the operator flags: metrics, rate limits, API docs.
func opsFlags(fs *flagSet, cfg *app.OpsConfig) {
	fs.BoolVar(&cfg.Metrics, "metrics", cfg.Metrics, "serve Prometheus metrics at /metrics")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", cfg.RateLimit, "requests a second allowed per API token (per client address without one); 0 turns the limit off")
	fs.IntVar(&cfg.RateBurst, "rate-burst", cfg.RateBurst, "requests a token may send at once before --rate-limit applies")
	fs.BoolVar(&cfg.Docs, "docs", cfg.Docs, "serve the OpenAPI document at /openapi.json and its reference page at /docs")
	cfg.Version = version()
}
