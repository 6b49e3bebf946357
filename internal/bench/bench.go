// Package bench measures RaaS the way a user choosing it would: a herd of
// reminders due at one instant, reminders spread over a window, millions
// pending, and a crash in the middle of a herd. Each workload prints one
// JSON line with the same fields as the peers' harness in bench/peers.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

// Result is one workload's figures; the fields match bench/peers.
type Result struct {
	System     string  `json:"system"`
	Store      string  `json:"store"`
	Sink       string  `json:"sink,omitempty"`
	Workload   string  `json:"workload"`
	Config     string  `json:"config"`
	N          int     `json:"n"`
	CreatePerS float64 `json:"create_per_s"`
	P50MS      float64 `json:"p50_ms"`
	P99MS      float64 `json:"p99_ms"`
	MaxMS      float64 `json:"max_ms"`
	DrainS     float64 `json:"drain_s"`
	Delivered  int     `json:"delivered"`
	Duplicates int     `json:"duplicates"`
	Lost       int     `json:"lost"`
	Settings   string  `json:"settings,omitempty"`
	Version    string  `json:"version,omitempty"`
	Error      string  `json:"error,omitempty"`

	// herd: the peak resident memory (VmHWM) of the bench process, which
	// holds RaaS, the sink and the recorder
	PeakRSSBytes int64 `json:"peak_rss_bytes,omitempty"`
	// herd: the same peak taken at T, before any firing (the creates' share)
	PeakRSSAtTBytes int64 `json:"peak_rss_at_t_bytes,omitempty"`
	Batch           int   `json:"batch,omitempty"` // herd: reminders per batch create (0: one create a call)
	// herd with the webhook sink: the HTTP floor (Floor) measured right
	// before and right after the herd, and drain_s against their mean
	FloorS     []float64 `json:"floor_s,omitempty"`
	FloorRatio float64   `json:"floor_ratio,omitempty"`

	// crash only: from the restart (SQLite: the new process is started;
	// PostgreSQL: the kill, with a survivor running) until the last
	// delivery arrived, i.e. how long the dead process's work waited.
	TakeoverS float64 `json:"takeover_s,omitempty"`

	// capacity only (startup_s also for crash: the restart's)
	Pending       int     `json:"pending,omitempty"`
	DBBytes       int64   `json:"db_bytes,omitempty"`
	RSSBytes      int64   `json:"rss_bytes,omitempty"`
	StartupS      float64 `json:"startup_s,omitempty"`
	CreateP50MS   float64 `json:"create_p50_ms,omitempty"`
	CreateP99MS   float64 `json:"create_p99_ms,omitempty"`
	EmptyCreateMS float64 `json:"empty_create_p50_ms,omitempty"`
}

// Print writes r as one JSON line.
func (r Result) Print(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// recorder notes each delivery's first arrival, its lateness against its
// own due time, and duplicates. It keeps 8 bytes of hash and 8 of
// lateness a delivery (not the ids), so a herd of millions measures the
// service and not the recorder.
type recorder struct {
	mu          sync.Mutex
	seed        maphash.Seed
	seen        map[uint64]struct{} // hash of each delivery id seen
	late        []int64             // lateness of each first arrival, µs
	lastArrival time.Time
	lastDue     time.Time
	dups        int
	arrived     chan struct{}
}

func newRecorder() *recorder {
	return &recorder{seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}, arrived: make(chan struct{}, 1)}
}

func (r *recorder) record(id string, due, at time.Time) {
	h := maphash.String(r.seed, id)
	r.mu.Lock()
	if _, ok := r.seen[h]; ok {
		r.dups++
	} else {
		r.seen[h] = struct{}{}
		r.late = append(r.late, at.Sub(due).Microseconds())
		if at.After(r.lastArrival) {
			r.lastArrival = at
		}
		if due.After(r.lastDue) {
			r.lastDue = due
		}
	}
	r.mu.Unlock()
	select {
	case r.arrived <- struct{}{}:
	default:
	}
}

// last returns the latest first arrival.
func (r *recorder) last() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastArrival
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

// wait blocks until n distinct deliveries arrived or timeout passed.
func (r *recorder) wait(ctx context.Context, n int, timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for r.count() < n {
		select {
		case <-r.arrived:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lateness fills the percentile fields: each arrival against its own due time.
func (r *recorder) lateness(res *Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ls := make([]float64, len(r.late))
	for i, us := range r.late {
		ls[i] = float64(us) / 1000
	}
	sort.Float64s(ls)
	res.Delivered, res.Duplicates = len(r.seen), r.dups
	res.Lost = res.N - res.Delivered
	if len(ls) == 0 {
		return
	}
	res.P50MS, res.P99MS, res.MaxMS = Percentile(ls, 50), Percentile(ls, 99), ls[len(ls)-1]
	res.DrainS = r.lastArrival.Sub(r.lastDue).Seconds()
}

// Percentile returns the p-th percentile (nearest rank) of sorted values.
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.5) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

// webhookSink is a loopback HTTP receiver feeding a recorder.
type webhookSink struct {
	srv *http.Server
	URL string
}

func startWebhookSink(rec *recorder) (*webhookSink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &webhookSink{URL: "http://" + ln.Addr().String() + "/hook"}
	bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		buf := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(buf)
		buf.Reset()
		if _, err := buf.ReadFrom(io.LimitReader(r.Body, 1<<20)); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		fireAt, ok := eventFireAt(buf.Bytes())
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rec.record(r.Header.Get("webhook-id"), fireAt, at)
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *webhookSink) Close() { _ = s.srv.Close() }

// eventFireAt reads data.fire_at of an event body (remind.Event) without
// decoding the rest: the sink shares the bench's cores with the sender, and
// a receiver's work should weigh on the measure no more than the HTTP
// floor's receiver, which reads the body and answers.
func eventFireAt(body []byte) (time.Time, bool) {
	const key = `"fire_at":"`
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return time.Time{}, false
	}
	rest := body[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(rest[:j]))
	return t, err == nil
}

// peakRSS returns this process's peak resident set size (VmHWM) from /proc.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	var kb int64
	for _, line := range splitLines(string(b)) {
		if n, _ := fmt.Sscanf(line, "VmHWM: %d kB", &kb); n == 1 {
			return kb * 1024
		}
	}
	return 0
}

// rssBytes returns a process's resident set size from /proc.
func rssBytes(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	var kb int64
	for _, line := range splitLines(string(b)) {
		if n, _ := fmt.Sscanf(line, "VmRSS: %d kB", &kb); n == 1 {
			return kb * 1024
		}
	}
	return 0
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
