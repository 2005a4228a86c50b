package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdpio "github.com/chromedp/cdproto/io"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/attnviz/attnviz/bench/workload"
)

// traceSection (-only trace) is a diagnostic: it records a Chromium trace
// (the DevTools timeline categories, GPU and compositor) while 8 keys are
// typed into the app at T = 64 (BENCH_TRACE_T), writes it to
// $work/trace.json (load it in chrome://tracing or Perfetto), and prints,
// per key, the renderer main thread's slices from the keydown to the
// first animation frame after it, and the GPU process's busy time.
func traceSection(o *options, e *env) ([]Row, error) {
	page, stop, err := appSite(o)
	if err != nil {
		return nil, err
	}
	defer stop()
	t := 64
	if n, err := strconv.Atoi(os.Getenv("BENCH_TRACE_T")); err == nil && n > 0 {
		t = n
	}
	b, err := startBrowser(o)
	if err != nil {
		return nil, err
	}
	defer b.cancel()
	q := url.Values{"text": {workload.Text(t)}, "dmodel": {"64"}, "heads": {"8"}}
	if err := b.open(page + "?" + q.Encode()); err != nil {
		return nil, err
	}
	if err := b.waitJS(90*time.Second, "window.attnviz && attnviz.ready && attnviz.drawnVersion() === attnviz.version()"); err != nil {
		return nil, err
	}
	if err := b.do(10*time.Second, chromedp.MouseClickXY(20, 20), chromedp.KeyEvent(kb.End)); err != nil {
		return nil, err
	}
	done := make(chan cdpio.StreamHandle, 1)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if c, ok := ev.(*tracing.EventTracingComplete); ok {
			done <- c.Stream
		}
	}); err != nil {
		return nil, err
	}
	cats := []string{"devtools.timeline", "disabled-by-default-devtools.timeline", "disabled-by-default-devtools.timeline.frame",
		"toplevel", "v8.execute", "blink", "cc", "gpu", "viz", "benchmark", "input", "latencyInfo"}
	start := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, tracing.Start, tracing.StartParams{TransferMode: tracing.StartTransferModeReturnAsStream,
			TraceConfig: &tracing.TraceConfig{IncludedCategories: cats}})
		return chromedp.Void{}, err
	})
	if err := b.do(10*time.Second, start); err != nil {
		return nil, err
	}
	time.Sleep(500 * time.Millisecond)
	for i := 0; i < 8; i++ {
		key := "x"
		if i%2 == 1 {
			key = kb.Backspace
		}
		v0, err := evalJS[int](b, 5*time.Second, "attnviz.version()")
		if err != nil {
			return nil, err
		}
		if err := b.do(10*time.Second, chromedp.KeyEvent(key)); err != nil {
			return nil, err
		}
		if err := b.waitJS(5*time.Second, fmt.Sprintf("attnviz.drawnVersion() > %d", v0)); err != nil {
			return nil, err
		}
		time.Sleep(300 * time.Millisecond)
	}
	end := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, tracing.End, cdp.Empty{})
		return chromedp.Void{}, err
	})
	if err := b.do(10*time.Second, end); err != nil {
		return nil, err
	}
	var h cdpio.StreamHandle
	select {
	case h = <-done:
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("no trace")
	}
	var buf bytes.Buffer
	for {
		var r cdpio.ReadResult
		read := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			res, err := cdp.Call(ctx, tg, cdpio.Read, cdpio.ReadParams{Handle: h, Size: 1 << 20})
			if err == nil {
				r = res
			}
			return chromedp.Void{}, err
		})
		if err := b.do(30*time.Second, read); err != nil {
			return nil, err
		}
		data := r.Data
		if r.Base64encoded {
			if data, err = base64.StdEncoding.DecodeString(string(r.Data)); err != nil {
				return nil, err
			}
		}
		buf.Write(data)
		if r.EOF {
			break
		}
	}
	out := filepath.Join(o.work, "trace.json")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "trace: %s (%d bytes)\n", out, buf.Len())
	return nil, summarizeTrace(buf.Bytes())
}

type traceEvent struct {
	Name string          `json:"name"`
	Cat  string          `json:"cat"`
	Ph   string          `json:"ph"`
	Ts   float64         `json:"ts"`
	Dur  float64         `json:"dur"`
	Pid  int             `json:"pid"`
	Tid  int             `json:"tid"`
	Args json.RawMessage `json:"args"`
}

// summarizeTrace prints, for each keydown the renderer dispatched, the
// top-level slices of its main thread until the end of the first
// animation frame callback after it, and the busy time of the GPU
// process's threads in the 200 ms after it.
func summarizeTrace(raw []byte) error {
	var doc struct {
		TraceEvents []traceEvent `json:"traceEvents"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		var evs []traceEvent
		if err2 := json.Unmarshal(raw, &evs); err2 != nil {
			return err
		}
		doc.TraceEvents = evs
	}
	threads := map[[2]int]string{}
	procs := map[int]string{}
	for _, ev := range doc.TraceEvents {
		if ev.Ph == "M" {
			var a struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(ev.Args, &a)
			if ev.Name == "thread_name" {
				threads[[2]int{ev.Pid, ev.Tid}] = a.Name
			} else if ev.Name == "process_name" {
				procs[ev.Pid] = a.Name
			}
		}
	}
	var main [2]int
	var keys []traceEvent
	for _, ev := range doc.TraceEvents {
		if ev.Name == "EventDispatch" && ev.Ph == "X" && strings.Contains(string(ev.Args), `"keydown"`) {
			keys = append(keys, ev)
			main = [2]int{ev.Pid, ev.Tid}
		}
	}
	var onMain, gpu []traceEvent
	for _, ev := range doc.TraceEvents {
		if ev.Ph != "X" {
			continue
		}
		if [2]int{ev.Pid, ev.Tid} == main {
			onMain = append(onMain, ev)
		}
		if strings.Contains(procs[ev.Pid], "GPU") && ev.Cat == "toplevel" {
			gpu = append(gpu, ev)
		}
	}
	sort.Slice(onMain, func(i, j int) bool { return onMain[i].Ts < onMain[j].Ts })
	for _, k := range keys {
		fmt.Fprintf(os.Stderr, "keydown at %.1f ms:\n", k.Ts/1e3)
		// top-level tasks of the main thread from 2 ms before the key
		// to the end of the first animation frame after it
		var last float64
		for _, ev := range onMain {
			if ev.Ts < k.Ts-2e3 || ev.Ts > k.Ts+60e3 {
				continue
			}
			if ev.Cat != "toplevel" && ev.Name != "FireAnimationFrame" && ev.Name != "EventDispatch" && ev.Name != "FunctionCall" &&
				ev.Name != "UpdateLayoutTree" && ev.Name != "Layout" && ev.Name != "Paint" && ev.Name != "Commit" && ev.Name != "RunMicrotasks" &&
				ev.Name != "MajorGC" && ev.Name != "MinorGC" && ev.Name != "V8.GC_MC_BACKGROUND" && ev.Name != "BlinkGC.AtomicPhase" && ev.Name != "PrePaint" {
				continue
			}
			if ev.Dur < 100 && ev.Cat == "toplevel" {
				continue
			}
			detail := ""
			if ev.Name == "EventDispatch" {
				var a struct {
					Data struct {
						Type string `json:"type"`
					} `json:"data"`
				}
				_ = json.Unmarshal(ev.Args, &a)
				detail = a.Data.Type
			}
			fmt.Fprintf(os.Stderr, "  %+7.1f ms %6.2f ms %-28s %s %s\n", (ev.Ts-k.Ts)/1e3, ev.Dur/1e3, ev.Name, ev.Cat, detail)
			if ev.Name == "FireAnimationFrame" && ev.Ts > k.Ts {
				last = ev.Ts
				break
			}
		}
		busy := 0.0
		for _, ev := range gpu {
			if ev.Ts >= k.Ts && ev.Ts < k.Ts+200e3 {
				busy += ev.Dur
			}
		}
		fmt.Fprintf(os.Stderr, "  GPU process top-level busy within 200 ms: %.1f ms; first animation frame at %+.1f ms\n", busy/1e3, (last-k.Ts)/1e3)
	}
	return nil
}

// warmSection (-only warm) is a diagnostic: how long attnviz.setText (a
// recompute, without drawing) takes in the page, over 300 edits in a row
// at T = 64, by groups of 20, 8 s after the page is ready: does the
// browser's wasm code still get faster as it runs (V8 optimizes hot
// functions only once they ran for a while)? Measured 2026-12-04: 2.1 ms
// for the first 20 edits, 1.5-1.6 ms from then on; a warm-up on a hidden
// twin of the app at start (40 edits) did not change the first group, so
// the app has none.
func warmSection(o *options, e *env) ([]Row, error) {
	page, stop, err := appSite(o)
	if err != nil {
		return nil, err
	}
	defer stop()
	b, err := startBrowser(o)
	if err != nil {
		return nil, err
	}
	defer b.cancel()
	q := url.Values{"text": {workload.Text(64)}, "dmodel": {"64"}, "heads": {"8"}}
	if err := b.open(page + "?" + q.Encode()); err != nil {
		return nil, err
	}
	if err := b.waitJS(90*time.Second, "window.attnviz && attnviz.ready && attnviz.drawnVersion() === attnviz.version()"); err != nil {
		return nil, err
	}
	time.Sleep(8 * time.Second) // past start-up work (fonts, first uploads)
	res, err := evalJS[string](b, 60*time.Second, `(() => { const t = attnviz.getText(); const out = []; let g = [];
	  for (let i = 0; i < 300; i++) { const t0 = performance.now(); attnviz.setText(t + (i % 2 ? '' : 'x')); g.push(performance.now() - t0);
	    if (g.length == 20) { g.sort((a, b) => a - b); out.push(g[10].toFixed(2)); g = []; } }
	  return out.join(' '); })()`)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "setText median ms per group of 20 edits (T=64): %s\n", res)
	return nil, nil
}
