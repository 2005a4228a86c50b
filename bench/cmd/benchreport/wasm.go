package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// wasmSection times the same text-to-trace runs as the core section,
// compiled to wasm (bench/cmd/wasmbench), inside headless Chromium, and
// compares them with the native times of this run.
func wasmSection(o *options, e *env) ([]Row, error) {
	ss := shapes(o)
	native := nativeCache
	if native == nil {
		var err error
		if native, err = nativeTimes(o, ss); err != nil {
			return nil, err
		}
	}
	dir := filepath.Join(o.work, "wasmbench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := goBuild(o, "js", "wasm", filepath.Join(dir, "bench.wasm"), "./bench/cmd/wasmbench", wasmBuildFlags...); err != nil {
		return nil, err
	}
	if err := copyFiles(dir, map[string]string{
		filepath.Join(o.root, "bench", "cmd", "wasmbench", "index.html"): "index.html",
		filepath.Join(o.root, "web", "kernels.js"):                       "kernels.js",
		filepath.Join(o.root, "web", "kernels.wasm"):                     "kernels.wasm",
	}); err != nil {
		return nil, err
	}
	query := "?seconds=0.5"
	if o.smoke {
		query = "?smoke=1&seconds=0.05&turns=2"
	}
	// The whole run takes about a minute; one that has not finished in three
	// is stuck, so it runs once more in a fresh browser, and the report
	// says so. (Runs that took many minutes came from rounds sized on one
	// call timed with the browser's coarse clock: bench/workload.timeOnce.)
	var b *browser
	var done func()
	var err error
	for attempt := 1; ; attempt++ {
		b, done, err = openServed(o, dir, "index.html"+query, "window.benchResult !== undefined || window.benchError !== undefined", 3*time.Minute)
		if err == nil {
			break
		}
		if attempt == 2 {
			return nil, fmt.Errorf("wasm bench, second try: %v", err)
		}
		e.fact("wasm: the first try in Chromium did not finish (%v) and the section ran again in a fresh browser", err)
		fmt.Fprintln(os.Stderr, "benchreport: wasm bench did not finish, trying once more:", err)
	}
	defer done()
	if msg, _ := evalJS[string](b, 10*time.Second, "String(window.benchError || '')"); msg != "" {
		return nil, fmt.Errorf("wasm bench: %s", msg)
	}
	kernels, err := evalJS[string](b, 10*time.Second, "String(window.benchKernels)")
	if err != nil {
		return nil, err
	}
	if kernels != "simd" {
		return nil, fmt.Errorf("wasm bench: the SIMD kernel (web/kernels.wasm) did not attach: %s", kernels)
	}
	turnsRaw, err := evalJS[string](b, 10*time.Second, "window.benchTurns")
	if err != nil {
		return nil, err
	}
	var turns [][]float64 // [turn][shape] ns/op
	if err := json.Unmarshal([]byte(turnsRaw), &turns); err != nil {
		return nil, fmt.Errorf("wasm bench turns %q: %v", turnsRaw, err)
	}
	raw, err := evalJS[string](b, 10*time.Second, "window.benchResult")
	if err != nil {
		return nil, err
	}
	var res []struct {
		Shape string  `json:"shape"`
		NS    float64 `json:"ns"`
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		return nil, fmt.Errorf("wasm bench result %q: %v", raw, err)
	}
	byName := map[string]float64{}
	perTurn := map[string]string{} // "102.0 µs, 46.8 µs"
	for i, r := range res {
		byName[r.Shape] = r.NS
		var ts []string
		for _, t := range turns {
			if i < len(t) {
				ts = append(ts, fmtDur(t[i]))
			}
		}
		perTurn[r.Shape] = strings.Join(ts, ", ")
	}
	e.fact("wasm: bench/cmd/wasmbench (the same pipeline.Runner runs, GOOS=js GOARCH=wasm, built like `make wasm`; matrix products in the SIMD kernel web/kernels.wasm: %s) timed in headless Chromium (%s) with the same best-of-rounds method, each shape's best of %d turns through all shapes (the browser optimizes hot wasm code in the background; the first turn's first shape can run before that); native = the core section's attnviz figures",
		kernels, "chromium "+fmt.Sprint(chromiumFlags), len(turns))
	var rows []Row
	for _, s := range ss {
		w, ok := byName[s.String()]
		if !ok {
			return rows, fmt.Errorf("wasm bench has no result for %s", s)
		}
		rows = append(rows, Row{Item: "2", What: fmt.Sprintf("browser (wasm) vs native %s", s),
			Value: fmtDur(w), Reference: fmtDur(native[s]), Ratio: w / native[s], Target: 4,
			Note: "wasm per turn (the best counts): " + perTurn[s.String()]})
	}
	return rows, nil
}
