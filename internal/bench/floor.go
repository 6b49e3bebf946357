package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// floorBody is a webhook event of the size RaaS posts (remind.Event), with
// the headers a Standard Webhooks sender adds.
var floorBody = []byte(`{"type":"reminder.fired","data":{"id":"01a21c0342c9b13b8347c27664a707af","title":"t10","tz":"Asia/Shanghai",` +
	`"occurrence":"2026-11-27T07:58:27.458Z","channel":"webhook","delivery_id":"d9927839b5600d63e9d04c5fecb82596","late":false}}`)

// floorDrain is the HTTP floor of this machine: n posts from a bare
// net/http client to a bare net/http server on loopback, workers at once
// on keep-alive connections, with nothing of RaaS in between (what
// ../shared/bench/httplimit measures). A webhook herd is measured against
// it right before and after (Result.FloorS).
func floorDrain(ctx context.Context, n, workers int) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	var got atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr} // as httplimit's: no timeout, no context
	url := "http://" + ln.Addr().String() + "/hook"
	start := time.Now()
	_, err = createConcurrently(ctx, n, workers, nil, func(int) error {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(floorBody))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("webhook-id", "d9927839b5600d63e9d04c5fecb82596")
		req.Header.Set("webhook-timestamp", "1795766471")
		req.Header.Set("webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=")
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	})
	took := time.Since(start)
	if err == nil && got.Load() != int64(n) {
		err = fmt.Errorf("bench: the floor's server received %d of %d", got.Load(), n)
	}
	return took, err
}

// Floor measures the HTTP floor alone (`raas bench floor`): drain_s is
// how long o.N posts took over o.Config.Workers connections.
func Floor(ctx context.Context, o Options) Result {
	o.defaults()
	res := Result{System: "net/http", Store: "none", Sink: "webhook", Workload: "floor", Config: "default", N: o.N, Version: version(),
		Settings: fmt.Sprintf("workers=%d", o.Config.Workers)}
	took, err := floorDrain(ctx, o.N, o.Config.Workers)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.DrainS, res.Delivered = took.Seconds(), o.N
	return res
}

// withFloor runs a webhook herd between two measures of the floor with the
// same count and connections, and reports both and the herd's drain
// against their mean: the machine's HTTP speed drifts between runs, so a
// herd is compared with the floor of its own minutes.
func withFloor(ctx context.Context, o Options, herd func() Result) Result {
	before, err := floorDrain(ctx, o.N, o.Config.Workers)
	if err != nil {
		res := herd()
		res.Error = "floor: " + err.Error()
		return res
	}
	res := herd()
	after, err := floorDrain(ctx, o.N, o.Config.Workers)
	if err != nil {
		res.Error = "floor: " + err.Error()
		return res
	}
	res.FloorS = []float64{before.Seconds(), after.Seconds()}
	if mean := (before + after).Seconds() / 2; mean > 0 {
		res.FloorRatio = res.DrainS / mean
	}
	return res
}
