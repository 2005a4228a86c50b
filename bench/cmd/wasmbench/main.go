//go:build js && wasm

// Command wasmbench times attnviz's text-to-trace run compiled to wasm, in
// the browser, on the same shapes and with the same method as the native
// run of the benchmark report. The page's query says what to run:
// ?smoke=1 for tiny sizes, ?seconds=S per shape. It publishes
// window.benchResult, a JSON array of {"shape": "T=.. d=.. H=..", "ns": ns/op},
// or window.benchError.
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
	var out []result
	for _, s := range shapes {
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
		out = append(out, result{s.String(), ns})
		win.Set("benchProgress", len(out))
	}
	b, _ := json.Marshal(out)
	win.Set("benchResult", string(b))
}
