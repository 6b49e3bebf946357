// Package metrics exposes RaaS's Prometheus metrics on a registry the app
// owns (never the global default one): firings, deliveries, lateness, store
// latency, HTTP durations by route pattern, and gauges of what waits in the
// store, refreshed at most every RefreshEvery so a scrape never counts
// millions of rows.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/raasdev/raas/internal/remind"
)

// RefreshEvery is how long the store gauges are cached between counts.
const RefreshEvery = 30 * time.Second

// Counts is what a CountFunc reports of the store.
type Counts struct {
	PendingReminders int64 // active reminders with a next firing
	RetryQueue       int64 // pending deliveries that failed at least once and wait for a retry
	PendingDelivery  int64 // all pending deliveries (due, leased or waiting for a retry)
}

// CountFunc counts what waits in the store; it should use indexes only.
type CountFunc func(ctx context.Context) (Counts, error)

// Metrics holds RaaS's collectors and the registry they are on.
type Metrics struct {
	Registry *prometheus.Registry

	firings   *prometheus.CounterVec
	lateness  prometheus.Histogram
	deliver   *prometheus.CounterVec
	sendTime  *prometheus.HistogramVec
	storeTime *prometheus.HistogramVec
	storeErrs *prometheus.CounterVec
	httpTime  *prometheus.HistogramVec
	limited   prometheus.Counter
	loopFails *prometheus.GaugeVec

	policy remind.FirePolicy
}

// LatenessBuckets go from 1 ms to 60 s.
var LatenessBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60}

// New returns metrics on a new registry. policy classifies firings as on
// time, late or missed; count (may be nil) feeds the store gauges; version
// is reported in raas_build_info.
func New(policy remind.FirePolicy, count CountFunc, version string) *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry(), policy: policy}
	m.firings = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "raas_firings_total", Help: "Reminder occurrences fired, by outcome (on_time, late, missed).",
	}, []string{"outcome"})
	m.lateness = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "raas_firing_lateness_seconds", Help: "How long after its due time each delivery's first attempt started (firings are claimed ahead of time, so this, not the claim, is the lateness people see).",
		Buckets: LatenessBuckets,
	})
	m.deliver = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "raas_deliveries_total", Help: "Delivery attempts, by channel and outcome (delivered, retry, failed).",
	}, []string{"channel", "outcome"})
	m.sendTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "raas_delivery_attempt_duration_seconds", Help: "Duration of one delivery attempt, by channel.",
		Buckets: prometheus.ExponentialBucketsRange(0.001, 30, 14),
	}, []string{"channel"})
	m.storeTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "raas_store_duration_seconds", Help: "Duration of store calls, by operation.",
		Buckets: prometheus.ExponentialBucketsRange(0.0001, 10, 16),
	}, []string{"op"})
	m.storeErrs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "raas_store_errors_total", Help: "Store calls that failed (not counting not-found), by operation.",
	}, []string{"op"})
	m.httpTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "raas_http_request_duration_seconds", Help: "HTTP request durations, by route pattern, method and status class.",
		Buckets: prometheus.ExponentialBucketsRange(0.0005, 30, 16),
	}, []string{"route", "method", "code"})
	m.limited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "raas_http_rate_limited_total", Help: "Requests answered 429 by the per-token rate limit.",
	})
	m.loopFails = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "raas_loop_consecutive_failures", Help: "Consecutive failed store calls of each background loop (scheduler, dispatcher poll, outcome writer, heartbeat); 0 while the store answers. Each failure doubles the loop's wait, up to 5 s.",
	}, []string{"loop"})
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "raas_build_info", Help: "Always 1; the version label says which build runs.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.Registry.MustRegister(m.firings, m.lateness, m.deliver, m.sendTime, m.storeTime, m.storeErrs, m.httpTime, m.limited, m.loopFails, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if count != nil {
		m.Registry.MustRegister(newStoreGauges(count, RefreshEvery, time.Now))
	}
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Fired implements scheduler.Observer.
func (m *Metrics) Fired(r remind.Reminder, fireAt, now time.Time) {
	late := now.Sub(fireAt)
	if late < 0 {
		late = 0
	}
	outcome := "on_time"
	switch {
	case m.policy.MissedAfter > 0 && late >= m.policy.MissedAfter:
		outcome = "missed"
	case m.policy.LateAfter > 0 && late >= m.policy.LateAfter:
		outcome = "late"
	}
	m.firings.WithLabelValues(outcome).Inc()
}

// Attempted implements deliver.Observer.
func (m *Metrics) Attempted(d remind.Delivery, outcome string, took time.Duration) {
	if d.Attempts <= 1 {
		// The first attempt started took ago: that, against the due time, is the lateness.
		m.lateness.Observe(max(time.Since(d.DueAt)-took, 0).Seconds())
	}
	m.deliver.WithLabelValues(d.Channel, outcome).Inc()
	m.sendTime.WithLabelValues(d.Channel).Observe(took.Seconds())
}

// LoopFailures implements backoff.Reporter: it sets the loop's count of
// consecutive store failures.
func (m *Metrics) LoopFailures(loop string, n int) {
	m.loopFails.WithLabelValues(loop).Set(float64(n))
}

// RateLimited counts one request refused by the rate limit.
func (m *Metrics) RateLimited() { m.limited.Inc() }

// ObserveStore records one store call.
func (m *Metrics) ObserveStore(op string, took time.Duration, err error) {
	m.storeTime.WithLabelValues(op).Observe(took.Seconds())
	if err != nil && !isNotFound(err) {
		m.storeErrs.WithLabelValues(op).Inc()
	}
}

// ObserveHTTP records one request; route is the ServeMux pattern that
// served it ("" when none matched), never the raw path, so the label set
// stays bounded.
func (m *Metrics) ObserveHTTP(route, method string, code int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		method = "other"
	}
	m.httpTime.WithLabelValues(route, method, strconv.Itoa(code/100)+"xx").Observe(took.Seconds())
}

// Middleware times each request by the route pattern the mux chose. It must
// wrap the ServeMux directly, with the same *http.Request, because the mux
// records the pattern on it.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &codeWriter{ResponseWriter: w}
		defer func() {
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			m.ObserveHTTP(r.Pattern, r.Method, code, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

type codeWriter struct {
	http.ResponseWriter
	code int
}

func (w *codeWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *codeWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *codeWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *codeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// storeGauges is a collector that counts on a scrape only when its cached
// counts are older than every, so scrapes stay cheap however often they come.
type storeGauges struct {
	count CountFunc
	every time.Duration
	now   func() time.Time

	pending, retry, deliveries *prometheus.Desc

	mu     sync.Mutex
	at     time.Time
	counts Counts
	ok     bool
}

func newStoreGauges(count CountFunc, every time.Duration, now func() time.Time) *storeGauges {
	return &storeGauges{count: count, every: every, now: now,
		pending:    prometheus.NewDesc("raas_reminders_pending", "Active reminders waiting for a next firing (refreshed every 30 s).", nil, nil),
		retry:      prometheus.NewDesc("raas_retry_queue_depth", "Pending deliveries that failed at least once and wait for a retry (refreshed every 30 s).", nil, nil),
		deliveries: prometheus.NewDesc("raas_deliveries_pending", "Pending deliveries: due, being sent or waiting for a retry (refreshed every 30 s).", nil, nil),
	}
}

func (g *storeGauges) Describe(ch chan<- *prometheus.Desc) {
	ch <- g.pending
	ch <- g.retry
	ch <- g.deliveries
}

func (g *storeGauges) Collect(ch chan<- prometheus.Metric) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now := g.now(); !g.ok || now.Sub(g.at) >= g.every {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := g.count(ctx)
		cancel()
		g.at = now // on error too: do not hammer a struggling store
		if err == nil {
			g.counts, g.ok = c, true
		}
	}
	if !g.ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(g.pending, prometheus.GaugeValue, float64(g.counts.PendingReminders))
	ch <- prometheus.MustNewConstMetric(g.retry, prometheus.GaugeValue, float64(g.counts.RetryQueue))
	ch <- prometheus.MustNewConstMetric(g.deliveries, prometheus.GaugeValue, float64(g.counts.PendingDelivery))
}
