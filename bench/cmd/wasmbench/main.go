//go:build js && wasm

// Command wasmbench times attnviz's text-to-trace run compiled to wasm, in
// the browser, on the same shapes and with the same method as the native
// run of the benchmark report. The page's query says what to run:
// ?smoke=1 for tiny sizes, ?seconds=S per shape and turn, ?turns=N passes
// over all shapes (default 3, as the native side; each shape's best
// counts). It publishes window.benchResult, a JSON array of
// {"shape": "T=.. d=.. H=..", "ns": ns/op}, window.benchTurns (every
// turn's ns/op, [turn][shape]), or window.benchError.
package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"syscall/js"

	"github.com/attnviz/attnviz/bench/workload"
	"github.com/attnviz/attnviz/core/pipeline"
)

type result struct {
	Shape string  `json:"shape"`
	NS    float64 `json:"ns"`
}

func main() {
	win := js.Global()
	search := win.Get("location").Get("search").String() // "?smoke=1&seconds=0.5"
	if len(search) > 0 {
		search = search[1:]
	}
	q, _ := url.ParseQuery(search)
	shapes := workload.CoreShapes()
	if q.Get("smoke") == "1" {
		shapes = workload.SmokeShapes()
	}
	seconds, err := strconv.ParseFloat(q.Get("seconds"), 64)
	if err != nil || seconds <= 0 {
		seconds = 0.5
	}
	turns, err := strconv.Atoi(q.Get("turns"))
	if err != nil || turns < 1 {
		turns = 3
	}
	// Each shape's figure is its best over turns passes through all shapes:
	// the browser compiles hot wasm functions with its optimizing compiler
	// in the background, which on a loaded machine can take longer than the
	// first shape's timing.
	out := make([]result, len(shapes))
	var perTurn [][]float64
	for turn := range turns {
		var ts []float64
		for i, s := range shapes {
			cfg, text := workload.Config(s), workload.Text(s.T)
			r := pipeline.Runner{Reuse: true}
			var runErr error
			ns := workload.TimePerOp(seconds, func() {
				if _, err := r.Run(cfg, text); err != nil {
					runErr = err
				}
			})
			if runErr != nil {
				win.Set("benchError", fmt.Sprintf("%s: %v", s, runErr))
				return
			}
			if turn == 0 || ns < out[i].NS {
				out[i] = result{s.String(), ns}
			}
			ts = append(ts, ns)
			win.Set("benchProgress", turn*len(shapes)+i+1)
		}
		perTurn = append(perTurn, ts)
	}
	pt, _ := json.Marshal(perTurn)
	win.Set("benchTurns", string(pt))
	b, _ := json.Marshal(out)
	win.Set("benchResult", string(b))
}
