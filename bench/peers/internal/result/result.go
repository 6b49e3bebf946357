// Package result is the one-line JSON record every bench run prints
// (peers and RaaS alike).
package result

// Result is one benchmark run.
type Result struct {
	System     string  `json:"system"`
	Store      string  `json:"store"`
	Workload   string  `json:"workload"`
	Config     string  `json:"config"`
	Sink       string  `json:"sink,omitempty"` // RaaS: inproc or webhook
	N          int     `json:"n"`
	CreatePerS float64 `json:"create_per_s"`
	P50Ms      float64 `json:"p50_ms"`
	P99Ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	DrainS     float64 `json:"drain_s"`
	Delivered  int     `json:"delivered"`
	Duplicates int     `json:"duplicates"`
	Lost       int     `json:"lost"`
	Settings   string  `json:"settings"`
	Version    string  `json:"version"`
	// Extra fields (not required from every system).
	MinMs *float64 `json:"min_ms,omitempty"` // most negative lateness: ran before its time
	Early *int     `json:"early,omitempty"`  // jobs that ran before their scheduled time
	OverS float64  `json:"over_s,omitempty"` // spread window
	Error string   `json:"error,omitempty"`
}
