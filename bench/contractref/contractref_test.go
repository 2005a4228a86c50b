package contractref

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/attnviz/attnviz/core/contract"
	"github.com/attnviz/attnviz/internal/golden"
)

// Tol is the golden tolerance: |got - want| <= Tol·max(1, |want|).
const Tol = 1e-9

// settings returns the seed and the number of cases:
// $ATTNVIZ_CONTRACTREF_SEED and $ATTNVIZ_CONTRACTREF_N, default 1 and 300.
func settings(t *testing.T) (uint64, int) {
	seed, n := uint64(1), 300
	if s := os.Getenv("ATTNVIZ_CONTRACTREF_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ATTNVIZ_CONTRACTREF_SEED: %v", err)
		}
		seed = v
	}
	if s := os.Getenv("ATTNVIZ_CONTRACTREF_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("ATTNVIZ_CONTRACTREF_N: want a positive count, got %q", s)
		}
		n = v
	}
	return seed, n
}

// TestContractAgreesWithTorch runs every generated case through
// core/contract (the CLI's path) and compares each README trace field with
// PyTorch's float64 answer; cells the README fixes (blocked weights, fully
// blocked rows) must match exactly. A failing case is written as a golden
// case file that "attnviz trace FILE" replays.
func TestContractAgreesWithTorch(t *testing.T) {
	seed, n := settings(t)
	removeOldFailures(t)
	cases := Generate(seed, n)
	exps, torchVersion, err := Reference("contract_ref.py", cases)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for i, c := range cases {
		if msg := checkCase(c, exps[i]); msg != "" {
			failed++
			file := writeCase(t, c, exps[i])
			if failed <= 20 {
				t.Errorf("case %s: %s\n  replay: go run ./cmd/attnviz trace %s", c.Name, msg, file)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d cases (seed %d) disagree with PyTorch %s", failed, len(cases), seed, torchVersion)
	}
	t.Logf("%d cases (seed %d) against PyTorch %s: %d disagree", len(cases), seed, torchVersion, failed)
	checkSensitivity(t, cases, exps)
	checkReplay(t, cases[:min(len(cases), 8)])
}

// checkCase returns "" when contract.Run's trace of c matches the
// expectation, else what differs (the field path and both values).
func checkCase(c Case, exp Expectation) string {
	if len(exp.Checks) == 0 {
		return "the reference ran no cross-check"
	}
	got, err := runContract(c.Input)
	if err != nil {
		return err.Error()
	}
	if err := golden.Compare(exp.Expect, got, Tol); err != nil {
		return err.Error()
	}
	return exactDiffs(exp.Exact, got)
}

// runContract runs one input through core/contract and returns the trace
// decoded as JSON. A refusal or a panic is an error.
func runContract(input map[string]any) (got any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	data, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	res, err := contract.Run(data)
	if err != nil {
		return nil, fmt.Errorf("refused a valid input: %v", err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	return got, json.Unmarshal(out, &got)
}

// exactDiffs checks each [path..., value] of exact against got with ==.
func exactDiffs(exact [][]any, got any) string {
	var diffs []string
	for _, e := range exact {
		path, want := e[:len(e)-1], e[len(e)-1].(float64)
		v, where := got, ""
		for _, step := range path {
			switch s := step.(type) {
			case string:
				m, _ := v.(map[string]any)
				v, where = m[s], where+"."+s
			case float64:
				a, _ := v.([]any)
				if int(s) >= len(a) {
					v = nil
				} else {
					v = a[int(s)]
				}
				where += fmt.Sprintf("[%d]", int(s))
			}
		}
		if g, ok := v.(float64); !ok || g != want {
			diffs = append(diffs, fmt.Sprintf("%s: want exactly %v, got %v", where, want, v))
		}
	}
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("and %d more", len(diffs)-3))
	}
	return strings.Join(diffs, "; ")
}

// checkSensitivity makes sure the comparison can fail: the contract's trace
// of a wrongly changed input (twice the scale; an inverted mask) must not
// pass as the original's.
func checkSensitivity(t *testing.T, cases []Case, exps []Expectation) {
	scaled, inverted := 0, 0
	for i, c := range cases {
		if !c.Has("sdpa") || c.Has("large-logits") {
			continue
		}
		wrong := map[string]any{}
		for k, v := range c.Input {
			wrong[k] = v
		}
		what := ""
		switch {
		case c.Has("mask") && !c.Has("causal") && !c.Has("pad") && inverted < 10:
			wrong["mask"] = invert(c.Input["mask"].([]any))
			what, inverted = "an inverted mask", inverted+1
		case maxAbs(exps[i].Expect["scores"]) > 1e-3 && scaled < 10:
			s := 1 / math.Sqrt(float64(len(c.Input["q"].([][]float64)[0])))
			if v, ok := c.Input["scale"].(float64); ok {
				s = v
			}
			wrong["scale"] = 2 * s
			what, scaled = "twice the scale", scaled+1
		default:
			continue
		}
		if checkCase(Case{Name: c.Name, Input: wrong}, exps[i]) == "" {
			t.Errorf("case %s: the trace with %s passed as the original's: the comparison cannot fail", c.Name, what)
		}
	}
	if scaled == 0 || inverted == 0 {
		t.Errorf("sensitivity: %d scaled and %d inverted-mask cases tried, want some of each", scaled, inverted)
	}
}

func invert(mask []any) []any {
	out := make([]any, len(mask))
	for i, row := range mask {
		r := make([]any, len(row.([]any)))
		for j, v := range row.([]any) {
			r[j] = v == 0 || v == false
		}
		out[i] = r
	}
	return out
}

// maxAbs returns the largest |number| in a decoded JSON array.
func maxAbs(v any) float64 {
	switch x := v.(type) {
	case []any:
		m := 0.0
		for _, e := range x {
			m = math.Max(m, maxAbs(e))
		}
		return m
	case float64:
		return math.Abs(x)
	}
	return 0
}

// checkReplay runs a few case files through the attnviz binary, as a
// failure's replay command would, and wants contract.Run's trace.
func checkReplay(t *testing.T, cases []Case) {
	bin := cliBinary(t)
	dir := t.TempDir()
	for _, c := range cases {
		data, err := json.Marshal(map[string]any{"name": c.Name, "input": c.Input})
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, c.Name+".json")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "trace", file)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("replay %s: %v: %s", c.Name, err, stderr.String())
			continue
		}
		var fromCLI any
		if err := json.Unmarshal(stdout.Bytes(), &fromCLI); err != nil {
			t.Errorf("replay %s: output is not JSON: %v", c.Name, err)
			continue
		}
		want, err := runContract(c.Input)
		if err != nil {
			t.Errorf("replay %s: %v", c.Name, err)
			continue
		}
		if !reflect.DeepEqual(want, fromCLI) {
			t.Errorf("replay %s: the CLI's trace differs from contract.Run's", c.Name)
		}
	}
}

// writeCase saves a failing case as a golden case file (name, input,
// expect, tol) in $ATTNVIZ_ARTIFACTS/contractref (default
// <repo>/artifacts/contractref) and returns its path.
func writeCase(t *testing.T, c Case, exp Expectation) string {
	t.Helper()
	dir := failedCasesDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(map[string]any{"name": c.Name, "input": c.Input, "expect": exp.Expect, "tol": Tol}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	file, err := filepath.Abs(filepath.Join(dir, c.Name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// failedCasesDir is where failing cases are written.
func failedCasesDir() string {
	dir := os.Getenv("ATTNVIZ_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts")
	}
	return filepath.Join(dir, "contractref")
}

// removeOldFailures deletes the case files an earlier run left, so that
// every file there is from the last run.
func removeOldFailures(t *testing.T) {
	old, _ := filepath.Glob(filepath.Join(failedCasesDir(), "*.json"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
}

var cli struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// cliBinary builds cmd/attnviz once per test run and returns its path.
func cliBinary(t *testing.T) string {
	t.Helper()
	cli.once.Do(func() {
		if cli.dir, cli.err = os.MkdirTemp("", "contractref-cli-"); cli.err != nil {
			return
		}
		cli.bin = filepath.Join(cli.dir, "attnviz")
		out, err := exec.Command("go", "build", "-o", cli.bin, "github.com/attnviz/attnviz/cmd/attnviz").CombinedOutput()
		if err != nil {
			cli.err = fmt.Errorf("go build ./cmd/attnviz: %v\n%s", err, out)
		}
	})
	if cli.err != nil {
		t.Fatal(cli.err)
	}
	return cli.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cli.dir != "" {
		os.RemoveAll(cli.dir)
	}
	os.Exit(code)
}
