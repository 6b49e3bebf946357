// Command benchchart renders bench results (one JSON object a line, as
// printed by peerbench and `raas bench`) as an SVG chart of lateness
// percentiles on a log scale, or with -table as a markdown table.
//
//	go run ./cmd/benchchart results.jsonl > bench-lateness.svg
//	go run ./cmd/benchchart -table results.jsonl > table.md
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"

	"github.com/raasdev/raas/bench/peers/internal/result"
)

func main() {
	table := flag.Bool("table", false, "print a markdown table instead of an SVG")
	title := flag.String("title", "Lateness (start − scheduled time) per run, log scale", "chart title")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchchart [-table] [-title T] results.jsonl")
		os.Exit(2)
	}
	rs, err := load(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchchart:", err)
		os.Exit(1)
	}
	if *table {
		writeTable(os.Stdout, rs)
		return
	}
	writeSVG(os.Stdout, rs, *title)
}

func load(path string) ([]result.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rs []result.Result
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || !strings.HasPrefix(t, "{") {
			continue
		}
		var r result.Result
		if err := json.Unmarshal([]byte(t), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		rs = append(rs, r)
	}
	return rs, sc.Err()
}

func label(r result.Result) string {
	return fmt.Sprintf("%s %s/%s %s n=%d", r.Workload, r.System, r.Store, config(r), r.N)
}

// config names a run's settings, with RaaS's sink when it is not the
// in-process one (the webhook sink measures the HTTP delivery path too).
func config(r result.Result) string {
	if r.Sink != "" && r.Sink != "inproc" {
		return r.Config + ", " + r.Sink + " sink"
	}
	return r.Config
}

func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func writeTable(w io.Writer, rs []result.Result) {
	fmt.Fprintln(w, "| workload | system | store | config | n | create/s | p50 ms | p99 ms | max ms | min ms | early | drain s | delivered | dup | lost | version | error |")
	fmt.Fprintln(w, "|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|")
	for _, r := range rs {
		minMs, early := "", ""
		if r.MinMs != nil {
			minMs = num(*r.MinMs)
		}
		if r.Early != nil {
			early = fmt.Sprint(*r.Early)
		}
		wl := r.Workload
		if r.Workload == "spread" && r.OverS > 0 {
			wl = fmt.Sprintf("spread over %ss", num(r.OverS))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %.2f | %d | %d | %d | %s | %s |\n",
			wl, r.System, r.Store, config(r), r.N, num(r.CreatePerS), num(r.P50Ms), num(r.P99Ms), num(r.MaxMs),
			minMs, early, r.DrainS, r.Delivered, r.Duplicates, r.Lost, r.Version, strings.ReplaceAll(r.Error, "|", "/"))
	}
}

// writeSVG draws, per run, three horizontal bars (p50, p99, max) on a log10
// axis in milliseconds. Values below the axis floor (including negative
// lateness, i.e. early starts) are drawn at the floor and marked.
func writeSVG(w io.Writer, rs []result.Result, title string) {
	const (
		floor   = 1.0 // ms: axis minimum
		left    = 330
		right   = 40
		plotW   = 620
		top     = 60
		barH    = 7
		rowH    = 3*barH + 12
		bottomM = 70
	)
	maxV := 10.0
	for _, r := range rs {
		maxV = math.Max(maxV, r.MaxMs)
	}
	lo, hi := math.Log10(floor), math.Ceil(math.Log10(maxV))
	x := func(v float64) float64 {
		if v < floor {
			v = floor
		}
		return left + (math.Log10(v)-lo)/(hi-lo)*plotW
	}
	height := top + len(rs)*rowH + bottomM
	width := left + plotW + right
	colors := [3]string{"#4c78a8", "#f58518", "#e45756"}
	names := [3]string{"p50", "p99", "max"}

	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(w, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", 10, html.EscapeString(title))
	for i, n := range names {
		fmt.Fprintf(w, `<rect x="%d" y="32" width="12" height="10" fill="%s"/><text x="%d" y="41">%s</text>`+"\n", left+i*70, colors[i], left+i*70+16, n)
	}
	fmt.Fprintf(w, `<text x="%d" y="41" fill="#555">ms, log scale; values below %s ms (or early) drawn at the axis start</text>`+"\n", left+220, num(floor))
	// Grid: decades.
	bottom := top + len(rs)*rowH
	for d := lo; d <= hi; d++ {
		gx := x(math.Pow(10, d))
		fmt.Fprintf(w, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", gx, top-4, gx, bottom)
		lbl := num(math.Pow(10, d))
		if d >= 3 {
			lbl = num(math.Pow(10, d-3)) + " s"
		}
		fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", gx, bottom+16, lbl)
	}
	fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle">lateness (start − scheduled)</text>`+"\n", left+plotW/2, bottom+36)
	for i, r := range rs {
		y := top + i*rowH
		if i > 0 && rs[i-1].Workload != r.Workload {
			fmt.Fprintf(w, `<line x1="10" y1="%d" x2="%d" y2="%d" stroke="#888"/>`+"\n", y-4, width-10, y-4)
		}
		lbl := label(r)
		if r.Lost > 0 || r.Error != "" {
			lbl += " (!)"
		}
		fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-8, y+2*barH, html.EscapeString(lbl))
		for j, v := range []float64{r.P50Ms, r.P99Ms, r.MaxMs} {
			by := y + j*barH
			bw := x(v) - left
			if bw < 1 {
				bw = 1
			}
			fmt.Fprintf(w, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %s ms</title></rect>`+"\n",
				left, by, bw, barH-1, colors[j], html.EscapeString(label(r)), names[j], num(v))
			fmt.Fprintf(w, `<text x="%.1f" y="%d" font-size="8" fill="#333">%s</text>`+"\n", left+bw+3, by+barH-1, num(v))
		}
	}
	fmt.Fprintf(w, `<text x="10" y="%d" fill="#555">(!) = lost jobs or an error in that run; see the table.</text>`+"\n", height-12)
	fmt.Fprintln(w, "</svg>")
}
