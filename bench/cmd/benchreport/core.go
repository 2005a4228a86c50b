package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"

	"github.com/attnviz/attnviz/bench/torchref"
	"github.com/attnviz/attnviz/bench/workload"
	"github.com/attnviz/attnviz/core/pipeline"
)

// agreeTol is how closely attnviz and PyTorch must agree before timing.
const agreeTol = 1e-9

func shapes(o *options) []workload.Shape {
	if o.smoke {
		return workload.SmokeShapes()
	}
	return workload.CoreShapes()
}

func minSeconds(o *options) float64 {
	if o.smoke {
		return 0.05
	}
	return 1.0
}

// nativeTime times pipeline.Runner.Run natively for one shape, as the app
// runs it (Reuse: an edit reuses the buffers of older traces).
func nativeTime(s workload.Shape, minSeconds float64) (float64, error) {
	cfg, text := workload.Config(s), workload.Text(s.T)
	r := pipeline.Runner{Reuse: true}
	var err error
	ns := workload.TimePerOp(minSeconds, func() {
		if _, e := r.Run(cfg, text); e != nil {
			err = e
		}
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %v", s, err)
	}
	return ns, nil
}

// nativeTimes times every shape with GOMAXPROCS = o.threads.
func nativeTimes(o *options, ss []workload.Shape) (map[workload.Shape]float64, error) {
	prev := runtime.GOMAXPROCS(o.threads)
	defer runtime.GOMAXPROCS(prev)
	out := map[workload.Shape]float64{}
	for _, s := range ss {
		ns, err := nativeTime(s, minSeconds(o)/2)
		if err != nil {
			return nil, err
		}
		out[s] = ns
	}
	return out, nil
}

var nativeCache map[workload.Shape]float64

func coreSection(o *options, e *env) ([]Row, error) {
	ss := shapes(o)
	script := filepath.Join(o.root, "bench", "torch_ref.py")
	if _, err := os.Stat(torchref.Python); err != nil {
		return nil, fmt.Errorf("%s missing: run bench/run.sh (it installs python3-torch)", torchref.Python)
	}
	cases := make([]torchref.Case, len(ss))
	for i, s := range ss {
		c, err := torchref.Export(s)
		if err != nil {
			return nil, err
		}
		cases[i] = c
	}
	// 1. Agreement first.
	info, results, err := torchref.Check(script, o.threads, cases)
	if err != nil {
		return nil, err
	}
	worst := 0.0
	for i, s := range ss {
		tr, err := pipeline.Run(workload.Config(s), workload.Text(s.T))
		if err != nil {
			return nil, err
		}
		for _, v := range []struct {
			name string
			r    torchref.Result
		}{{"manual", results[i].Manual}, {"mha", results[i].MHA}} {
			d, err := torchref.MaxDiff(tr, v.r)
			if err != nil {
				return nil, fmt.Errorf("%s torch %s: %v", s, v.name, err)
			}
			if d > agreeTol {
				return nil, fmt.Errorf("%s: attnviz and torch (%s) differ by %.3g > %g; not timing", s, v.name, d, agreeTol)
			}
			worst = math.Max(worst, d)
		}
	}
	e.fact("core: attnviz and PyTorch %s (BLAS %s) agree on every shape: max |diff| of per-head weights and output = %.2g (<= %g)",
		info.Torch, info.BLAS, worst, agreeTol)
	e.fact("core: threads: attnviz GOMAXPROCS=%d, PyTorch torch.set_num_threads(%d) (OMP/OPENBLAS_NUM_THREADS=%d); float64; attnviz runs pipeline.Runner{Reuse: true} as the app does; each side's figure is its fastest round (10 rounds per turn, the two sides taking turns shape by shape, 3 turns, about %.2g s per shape and side)",
		o.threads, info.Threads, o.threads, minSeconds(o))

	// 2. Timing: attnviz and PyTorch take turns shape by shape, three
	// times, and each keeps its best, so a burst of load from other
	// processes hits neither side alone.
	srv, err := torchref.Serve(script, o.threads, cases)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	passes := 3
	if o.smoke {
		passes = 1
	}
	per := minSeconds(o) / float64(passes)
	native := map[workload.Shape]float64{}
	timings := make([]torchref.Timing, len(ss))
	prev := runtime.GOMAXPROCS(o.threads)
	for pass := 0; pass < passes; pass++ {
		for i, s := range ss {
			ns, err := nativeTime(s, per)
			if err != nil {
				runtime.GOMAXPROCS(prev)
				return nil, err
			}
			tt, err := srv.Time(i, per)
			if err != nil {
				runtime.GOMAXPROCS(prev)
				return nil, err
			}
			if pass == 0 {
				native[s], timings[i] = ns, tt
				continue
			}
			native[s] = math.Min(native[s], ns)
			timings[i].ManualNs = math.Min(timings[i].ManualNs, tt.ManualNs)
			timings[i].MHANs = math.Min(timings[i].MHANs, tt.MHANs)
		}
	}
	runtime.GOMAXPROCS(prev)
	nativeCache = native
	var rows []Row
	for i, s := range ss {
		tm := timings[i]
		ref, refName := tm.ManualNs, "torch step by step"
		if tm.MHANs < ref {
			ref, refName = tm.MHANs, "torch F.multi_head_attention_forward"
		}
		target := 1.0
		if s.T > 128 {
			target = 0
		}
		rows = append(rows, Row{
			Item: "1", What: fmt.Sprintf("core text→trace %s", s),
			Value: fmtDur(native[s]), Reference: fmt.Sprintf("%s (%s; other: %s)", fmtDur(ref), refName, fmtDur(math.Max(tm.ManualNs, tm.MHANs))),
			Ratio: native[s] / ref, Target: target,
		})
	}
	return rows, nil
}
