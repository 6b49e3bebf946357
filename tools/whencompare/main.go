// Command whencompare sets RaaS's time parser beside olebedev/when, the one
// Go peer, on the English phrases of case files: how many each reads to the
// expected time, and the median time per phrase. It is a module of its own
// so the peer stays out of the product's module graph.
//
//	cd tools/whencompare && go run . ../../internal/timeparse/testdata/dev_cases.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/olebedev/when"
	"github.com/olebedev/when/rules/common"
	"github.com/olebedev/when/rules/en"

	"github.com/raasdev/raas/internal/timeparse"
)

type testCase struct {
	Lang   string `json:"lang"`
	Ref    string `json:"ref"`
	Text   string `json:"text"`
	Expect struct {
		Time string `json:"time"`
		None bool   `json:"none"`
	} `json:"expect"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: whencompare CASES.jsonl...")
		os.Exit(2)
	}
	w := when.New(nil)
	w.Add(en.All...)
	w.Add(common.All...)
	for _, path := range os.Args[1:] {
		cases, err := load(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var ours, theirs int
		var oursT, theirsT []time.Duration
		for _, c := range cases {
			ref, err := time.Parse(time.RFC3339, c.Ref)
			if err != nil {
				continue
			}
			want, _ := time.Parse(time.RFC3339, c.Expect.Time)
			o := timeparse.DefaultOptions(ref)
			o.Lang = "en"
			start := time.Now()
			s, err := timeparse.Parse(c.Text, o)
			oursT = append(oursT, time.Since(start))
			if c.Expect.None && err != nil || !c.Expect.None && err == nil && s.Time.Equal(want) {
				ours++
			}
			start = time.Now()
			r, err := w.Parse(c.Text, ref)
			theirsT = append(theirsT, time.Since(start))
			if c.Expect.None && (err != nil || r == nil) || !c.Expect.None && err == nil && r != nil && r.Time.Equal(want) {
				theirs++
			}
		}
		fmt.Printf("%s: %d English phrases; timeparse %d right, median %v; olebedev/when %d right, median %v\n",
			path, len(cases), ours, median(oursT), theirs, median(theirsT))
	}
}

func load(path string) ([]testCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []testCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c testCase
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.Lang == "en" {
			out = append(out, c)
		}
	}
	return out, sc.Err()
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}
