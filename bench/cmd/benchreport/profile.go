package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"github.com/attnviz/attnviz/bench/workload"
)

// profileSection is a diagnostic, run only with -only profile: it samples
// the page's main thread (JS and wasm, with Go function names: the wasm is
// built without -s -w) with the DevTools CPU profiler while the app sits
// idle (or, with BENCH_PROFILE_EDITS=1, recomputes every 100 ms), lists
// where the time goes and the CPU time of every Chromium process type.
func profileSection(o *options, e *env) ([]Row, error) {
	dir := filepath.Join(o.work, "web-profile")
	wasm := filepath.Join(o.work, "main-symbols.wasm")
	if err := goBuild(o, "js", "wasm", wasm, "./cmd/wasm", "-tags=attnviz_simd", "-trimpath"); err != nil {
		return nil, err
	}
	if err := copyWebDir(o, dir, wasm); err != nil {
		return nil, err
	}
	b, done, err := openServed(o, dir, "index.html", "window.attnviz && attnviz.ready", 90*time.Second)
	if err != nil {
		return nil, err
	}
	defer done()
	time.Sleep(2 * time.Second)
	window := 5 * time.Second
	editing := os.Getenv("BENCH_PROFILE_EDITS") != ""
	if editing {
		// An edit every 100 ms (a letter typed, then taken back), T = 64 (or
		// BENCH_PROFILE_T), as in the edit-to-frame section: where does an
		// edit's time go?
		t := 64
		if n, err := strconv.Atoi(os.Getenv("BENCH_PROFILE_T")); err == nil && n > 0 {
			t = n
		}
		if _, err := evalJS[bool](b, 10*time.Second, "attnviz.set('dmodel', '64'); attnviz.set('heads', '8'); attnviz.setText("+fmt.Sprintf("%q", workloadText(t))+"); window.__editN = 0; window.__editText = attnviz.getText(); window.__editTimer = setInterval(() => attnviz.setText(window.__editText + (window.__editN++ % 2 ? '' : 'x')), 100); true"); err != nil {
			return nil, err
		}
		time.Sleep(time.Second)
		st, _ := evalJS[string](b, 10*time.Second, "attnviz.state()")
		fmt.Fprintln(os.Stderr, "state before profiling:", st[max(0, len(st)-400):])
	}
	var prof *profiler.Profile
	procs := processTree(b.pid)
	cpuByType := func() map[string]int64 {
		m := map[string]int64{}
		for pid, cmd := range procs {
			t, err := cpuTicks(pid)
			if err != nil {
				continue
			}
			kind := "browser"
			if i := strings.Index(cmd, "--type="); i >= 0 {
				kind = strings.Fields(cmd[i+len("--type="):])[0]
			}
			m[kind] += t
		}
		return m
	}
	cpu0 := cpuByType()
	v0, _ := evalJS[int](b, 10*time.Second, "attnviz.version()")
	err = b.do(window+30*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, profiler.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, profiler.Start, cdp.Empty{}); err != nil {
			return err
		}
		time.Sleep(window)
		res, err := cdp.Call(ctx, t, profiler.Stop, cdp.Empty{})
		prof = res.Profile
		return err
	}))
	if err != nil || prof == nil {
		return nil, fmt.Errorf("profiler: %v", err)
	}
	cpu1 := cpuByType()
	v1, _ := evalJS[int](b, 10*time.Second, "attnviz.drawnVersion()")
	var split []string
	for k, v := range cpu1 {
		split = append(split, fmt.Sprintf("%s %s", k, fmtCPU(time.Duration(v-cpu0[k])*clockTick)))
	}
	sort.Strings(split)
	fmt.Fprintf(os.Stderr, "versions drawn during the window: %d; CPU by process type: %s\n", v1-v0, strings.Join(split, ", "))
	// Self time per function: hit counts times the mean sample interval.
	total := int64(0)
	self := map[string]int64{}
	for _, n := range prof.Nodes {
		name := n.CallFrame.FunctionName
		if name == "" {
			name = "(anonymous " + filepath.Base(n.CallFrame.URL) + ")"
		}
		self[name] += n.HitCount
		total += n.HitCount
	}
	wall := (prof.EndTime - prof.StartTime) / 1e3 // ms
	perHit := wall / float64(max(total, 1))
	lines := topTimes(self, perHit, 20)
	fmt.Fprintf(os.Stderr, "main-thread profile (editing: %v) over %.0f ms (%d samples):\n  %s\n", editing, wall, total, strings.Join(lines, "\n  "))
	fmt.Fprintf(os.Stderr, "inclusive (self and callees):\n  %s\n", strings.Join(inclusiveTop(prof, perHit, 60), "\n  "))
	idle := float64(self["(idle)"]) * perHit
	what := "idle main-thread profile (diagnostic)"
	if editing {
		what = "main-thread profile while editing (diagnostic)"
	}
	return []Row{{Item: "4p", What: what, Value: fmt.Sprintf("%.0f ms busy of %.0f ms", wall-idle, wall),
		Reference: "—", Ratio: nan(), Note: "top self times: " + strings.Join(lines[:min(12, len(lines))], "; ")}}, nil
}

func workloadText(t int) string { return workload.Text(t) }

// inclusiveTop lists the n functions with the most time in themselves and
// their callees (a function counted once per sample, even when recursive).
func inclusiveTop(prof *profiler.Profile, perHit float64, n int) []string {
	byID := map[int64]*profiler.ProfileNode{}
	for _, nd := range prof.Nodes {
		byID[nd.ID] = nd
	}
	incl := map[string]int64{}
	var walk func(nd *profiler.ProfileNode, onStack map[string]bool) int64
	walk = func(nd *profiler.ProfileNode, onStack map[string]bool) int64 {
		name := nd.CallFrame.FunctionName
		if name == "" {
			name = "(anonymous " + filepath.Base(nd.CallFrame.URL) + ")"
		}
		hits := nd.HitCount
		fresh := !onStack[name]
		onStack[name] = true
		for _, c := range nd.Children {
			if ch := byID[c]; ch != nil {
				hits += walk(ch, onStack)
			}
		}
		if fresh {
			delete(onStack, name)
			incl[name] += hits
		}
		return hits
	}
	if len(prof.Nodes) > 0 {
		walk(prof.Nodes[0], map[string]bool{})
	}
	return topTimes(incl, perHit, n)
}

// topTimes lists the n names with the most samples, as "12.3 ms name".
func topTimes(hits map[string]int64, perHit float64, n int) []string {
	names := make([]string, 0, len(hits))
	for k := range hits {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return hits[names[i]] > hits[names[j]] })
	var out []string
	for _, name := range names[:min(n, len(names))] {
		out = append(out, fmt.Sprintf("%.1f ms %s", float64(hits[name])*perHit, name))
	}
	return out
}
