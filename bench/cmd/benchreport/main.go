// Command benchreport is attnviz's benchmark report (`make bench`): it builds
// what it needs, measures every figure of issue 5 against a reference taken
// in the same run, prints a table and writes bench/report.md.
//
//	go run ./bench/cmd/benchreport [-smoke] [-out bench/report.md]
//
// -smoke runs every section on tiny sizes and short times, to check that the
// harness works (the test suite runs it); its figures mean nothing.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Row is one line of the report: a figure, its reference, their ratio and
// the target the ratio must meet.
type Row struct {
	Item      string
	What      string
	Value     string
	Reference string
	Ratio     float64 // value / reference; NaN when not measured
	Target    float64 // the ratio must be <= Target; 0 = no target (reported only)
	Note      string
}

func (r Row) verdict() string {
	switch {
	case r.Ratio != r.Ratio: // NaN
		return "not measured"
	case r.Target == 0:
		return "reported"
	case r.Ratio <= r.Target:
		return "met"
	}
	return "MISSED"
}

type options struct {
	smoke   bool
	out     string
	root    string // repository root
	work    string // scratch directory for builds
	threads int
	only    string
}

func main() {
	var o options
	flag.BoolVar(&o.smoke, "smoke", false, "tiny sizes and short times: checks the harness, figures mean nothing")
	flag.StringVar(&o.out, "out", "", "where to write the report, relative to the repository root (default bench/report.md; with -smoke, a file in the temporary folder)")
	flag.IntVar(&o.threads, "threads", 1, "threads for both attnviz (GOMAXPROCS) and PyTorch")
	flag.StringVar(&o.only, "only", "", "comma-separated sections to run (core,wasm,edit,idle,size,memory; diagnostics: profile,fps,editdiag,trace,warm); empty = all but the diagnostics")
	mode := flag.String("mode", "", "internal: run one measurement in this process and print JSON (memory)")
	edits := flag.Int("edits", 0, "internal: edits for -mode memory")
	flag.Parse()

	if *mode == "memory" {
		if err := memoryChild(*edits); err != nil {
			fmt.Fprintln(os.Stderr, "benchreport:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	o.root = root
	o.work, err = os.MkdirTemp("", "attnviz-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(o.work)

	want := map[string]bool{}
	for _, s := range strings.Split(o.only, ",") {
		if s != "" {
			want[s] = true
		}
	}
	// A diagnostic section runs only when -only names it.
	sections := []struct {
		name       string
		run        func(*options, *env) ([]Row, error)
		diagnostic bool
	}{
		{"core", coreSection, false},
		{"wasm", wasmSection, false},
		{"edit", editSection, false},
		{"idle", idleSection, false},
		{"size", sizeSection, false},
		{"memory", memorySection, false},
		{"profile", profileSection, true},   // CPU profile of an edit in the browser
		{"fps", fpsSection, true},           // animation frames per second
		{"editdiag", editDiagSection, true}, // one edit's timeline
		{"trace", traceSection, true},       // a Chromium trace of 8 keys
		{"warm", warmSection, true},         // does wasm code get faster as it runs
	}
	e := &env{}
	load0 := loadAvg()
	var rows []Row
	var failures []string
	start := time.Now()
	for _, s := range sections {
		if len(want) > 0 && !want[s.name] || len(want) == 0 && s.diagnostic {
			continue
		}
		t0 := time.Now()
		fmt.Fprintf(os.Stderr, "== %s\n", s.name)
		r, err := s.run(&o, e)
		rows = append(rows, r...)
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", s.name, err))
			fmt.Fprintf(os.Stderr, "   %s failed: %v\n", s.name, err)
		}
		fmt.Fprintf(os.Stderr, "   %s took %s\n", s.name, time.Since(t0).Round(time.Millisecond))
	}
	e.fact("machine load (1-minute load average, /proc/loadavg) at start %s, at end %s: other processes share the %d CPUs, which is why every figure is a ratio to a reference measured in the same run", load0, loadAvg(), runtime.NumCPU())
	md := renderReport(o, e, rows, failures, time.Since(start))
	fmt.Print(md)
	out := o.out
	if out == "" {
		out = "bench/report.md"
		if o.smoke {
			out = filepath.Join(os.TempDir(), "attnviz-bench-smoke.md")
		}
	}
	if !filepath.IsAbs(out) {
		out = filepath.Join(o.root, out)
	}
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "wrote", out)
	if len(failures) > 0 {
		return fmt.Errorf("%d section(s) failed: %s", len(failures), strings.Join(failures, "; "))
	}
	return nil
}

// env collects facts stated in the report's header.
type env struct {
	facts []string
}

func (e *env) fact(format string, args ...any) {
	e.facts = append(e.facts, fmt.Sprintf(format, args...))
}

func renderReport(o options, e *env, rows []Row, failures []string, took time.Duration) string {
	var b strings.Builder
	b.WriteString("# attnviz benchmark report\n\n")
	if o.smoke {
		b.WriteString("**Smoke run** (tiny sizes, short times): checks the harness only; the figures mean nothing.\n\n")
	}
	fmt.Fprintf(&b, "Generated %s by `bench/run.sh` (`go run ./bench/cmd/benchreport`) in %s. Every ratio is value / reference, both measured in this run.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), took.Round(time.Second))
	fmt.Fprintf(&b, "- machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	for _, f := range e.facts {
		fmt.Fprintf(&b, "- %s\n", f)
	}
	b.WriteString("\n| # | measure | attnviz | reference | ratio | target | verdict |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		ratio, target := "—", "—"
		if r.Ratio == r.Ratio {
			ratio = fmt.Sprintf("%.3gx", r.Ratio)
		}
		if r.Target > 0 {
			target = fmt.Sprintf("<= %gx", r.Target)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Item, r.What, r.Value, r.Reference, ratio, target, r.verdict())
	}
	var notes []string
	for _, r := range rows {
		if r.Note != "" {
			notes = append(notes, fmt.Sprintf("- %s %s: %s", r.Item, r.What, r.Note))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n" + strings.Join(notes, "\n") + "\n")
	}
	met, missed := 0, 0
	for _, r := range rows {
		switch r.verdict() {
		case "met":
			met++
		case "MISSED":
			missed++
		}
	}
	fmt.Fprintf(&b, "\nTargets: %d met, %d missed.\n", met, missed)
	if len(failures) > 0 {
		b.WriteString("\nSections that failed to run:\n\n")
		for _, f := range failures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return b.String()
}

// repoRoot finds the directory holding go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func fmtDur(ns float64) string {
	d := time.Duration(ns)
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%.0f ns", ns)
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	}
	return fmt.Sprintf("%.2f s", ns/1e9)
}

func nan() float64 { var z float64; return z / z }

// loadAvg returns the 1-minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}
