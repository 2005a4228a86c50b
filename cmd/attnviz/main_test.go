//go:build !js

// These tests run the real binary (built once in TestMain), so they need
// os/exec and are left out of the js/wasm build.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/contract"
	"github.com/attnviz/attnviz/core/pipeline"
	"github.com/attnviz/attnviz/internal/golden"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "attnviz-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "attnviz")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build failed: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// attnviz runs the binary with args and stdin.
func attnviz(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running attnviz: %v", err)
	}
	return result{code, out.String(), errb.String()}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%.300s", err, s)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value")
	}
	return v
}

// Every reference case passes through the binary: from a file holding the
// input, from standard input, and from the case file itself.
func TestGoldenThroughCLI(t *testing.T) {
	dir, err := golden.Dir()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := golden.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			input := filepath.Join(tmp, c.File)
			if err := os.WriteFile(input, c.Input, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, way := range []struct {
				name  string
				stdin string
				args  []string
			}{
				{"FILE", "", []string{"trace", input}},
				{"stdin", string(c.Input), []string{"trace", "-"}},
				{"case file", "", []string{"trace", filepath.Join(dir, c.File)}},
			} {
				r := attnviz(t, way.stdin, way.args...)
				if r.code != 0 || r.stderr != "" {
					t.Fatalf("%s: exit %d, stderr %q", way.name, r.code, r.stderr)
				}
				if err := golden.Compare(c.Expect, decode(t, r.stdout), c.Tol); err != nil {
					t.Fatalf("%s: %s: %v", way.name, c.Name, err)
				}
			}
		})
	}
}

func TestBadInputExits2WithOneLine(t *testing.T) {
	const eye2 = `[[1,0],[0,1]]`
	sdpa := func(extra string) string {
		return `{"op":"sdpa","q":` + eye2 + `,"k":` + eye2 + `,"v":` + eye2 + extra + `}`
	}
	bigQ := "[" + strings.TrimSuffix(strings.Repeat("[1],", core.MaxTokens+1), ",") + "]"
	tests := []struct {
		name  string
		stdin string
		args  []string
		says  string // stderr must contain this (the field, then what was expected)
	}{
		{"malformed JSON", `{"op":"sdpa",`, []string{"trace", "-"}, "malformed JSON"},
		{"empty stdin", ``, []string{"trace", "-"}, "empty input"},
		{"ragged rows", `{"op":"sdpa","q":[[1,2],[3]],"k":[[1,2]],"v":[[1]]}`, []string{"trace", "-"}, "q: ragged rows"},
		{"mismatched shapes", `{"op":"sdpa","q":[[1,2]],"k":[[1,2,3]],"v":[[1]]}`, []string{"trace", "-"}, "k: expected 2 columns"},
		{"mask value 2", sdpa(`,"mask":[[1,2],[1,1]]`), []string{"trace", "-"}, "mask: row 0 column 1: expected 0 or 1"},
		{"pad value", sdpa(`,"pad":[0,7]`), []string{"trace", "-"}, "pad: entry 1: expected 0 or 1"},
		{"null number", `{"op":"sdpa","q":[[null]],"k":[[1]],"v":[[1]]}`, []string{"trace", "-"}, "q: row 0: entry 0: expected a number"},
		{"heads do not divide d_model", `{"op":"mha","x":[[1,2]],"heads":3,"w_q":` + eye2 + `,"w_k":` + eye2 + `,"w_v":` + eye2 + `,"w_o":` + eye2 + `}`, []string{"trace", "-"}, "heads: 3 heads do not divide"},
		{"unknown op", `{"op":"conv"}`, []string{"trace", "-"}, "op: unknown op"},
		{"missing field", `{"op":"pe","d_model":4}`, []string{"trace", "-"}, "positions: missing"},
		{"size over the limit", `{"op":"sdpa","q":` + bigQ + `,"k":[[1]],"v":[[1]]}`, []string{"trace", "-"}, "q: 1025 rows is more than the limit"},
		{"scale beyond float64", sdpa(`,"scale":1e400`), []string{"trace", "-"}, "scale: expected a finite number, got 1e400"},
		{"scale not a number", sdpa(`,"scale":"big"`), []string{"trace", "-"}, `scale: expected a number, got "big"`},
		{"scale overflowing the scores", `{"op":"sdpa","q":[[10]],"k":[[10]],"v":[[1]],"scale":1e308}`, []string{"trace", "-"}, "values too large"},
		{"overflowing values", `{"op":"sdpa","q":[[1e300]],"k":[[1e300]],"v":[[1]]}`, []string{"trace", "-"}, "q: values too large"},
		{"missing file", ``, []string{"trace", "/nonexistent/input.json"}, "input: cannot open"},
		{"a directory as FILE", ``, []string{"trace", os.TempDir()}, "input: cannot read"},
		{"binary input", "\x00\xff\xfe{", []string{"trace", "-"}, "malformed JSON"},
		{"--heads does not divide", ``, []string{"trace", "--text", "a b", "--heads", "3"}, "heads: 3 heads do not divide d_model = 16"},
		{"--heads not a number", ``, []string{"trace", "--text", "a b", "--heads", "two"}, "-heads"},
		{"--dmodel 0", ``, []string{"trace", "--text", "a", "--dmodel", "0"}, "dmodel: expected 1..512"},
		{"--pe unknown", ``, []string{"trace", "--text", "a", "--pe", "alibi"}, "pe: expected none, sinusoidal"},
		{"--mask unknown", ``, []string{"trace", "--text", "a", "--mask", "random"}, "mask: expected none, causal"},
		{"--tokenizer unknown", ``, []string{"trace", "--text", "a", "--tokenizer", "bpe"}, "tokenizer: expected word or char"},
		{"--temperature 0", ``, []string{"trace", "--text", "a", "--temperature", "0"}, "temperature: expected 0.01..100"},
		{"--temp 500", ``, []string{"trace", "--text", "a", "--temp", "500"}, "temperature: expected 0.01..100"},
		{"--scale maybe", ``, []string{"trace", "--text", "a", "--scale", "maybe"}, "scale: expected on or off"},
		{"--custom-mask not 0/1", ``, []string{"trace", "--text", "a b", "--mask", "custom", "--custom-mask", "1x,11"}, "custom-mask: row 0 cell 1"},
		{"--custom-mask not square", ``, []string{"trace", "--text", "a b", "--mask", "custom", "--custom-mask", "1,11"}, "custom-mask: row 0 has 1 cells, expected 2"},
		{"--custom-mask wrong T", ``, []string{"trace", "--text", "a b c", "--mask", "custom", "--custom-mask", "10,11"}, "mask: custom mask must be 3 x 3"},
		{"--mask custom without --custom-mask", ``, []string{"trace", "--text", "a b", "--mask", "custom"}, "mask: custom mask must be 2 x 2"},
		{"--pad too many", ``, []string{"trace", "--text", "a", "--pad", "100000"}, "pad: expected 0..512"},
		{"--seed negative", ``, []string{"trace", "--text", "a", "--seed", "-1"}, "seed: expected 0.."},
		{"--text too many tokens", ``, []string{"trace", "--text", strings.Repeat("w ", 600)}, "text: 600 tokens"},
		{"--rope with odd d_k", ``, []string{"trace", "--text", "a", "--pe", "rope", "--dmodel", "6", "--heads", "2"}, "pe: rope needs an even"},
		{"unknown flag", ``, []string{"trace", "--nope"}, "-nope"},
		{"text and file", ``, []string{"trace", "--text", "a", "in.json"}, "either --text or an input FILE"},
		{"two files", ``, []string{"trace", "a.json", "b.json"}, "expected one input FILE"},
		{"no input", ``, []string{"trace"}, "missing input"},
		{"no command", ``, nil, "missing command"},
		{"unknown command", ``, []string{"render"}, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := attnviz(t, tc.stdin, tc.args...)
			if r.code != 2 {
				t.Errorf("exit status %d, want 2", r.code)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
				t.Errorf("stderr is not exactly one line: %q", r.stderr)
			}
			if !strings.Contains(r.stderr, tc.says) {
				t.Errorf("stderr %q does not say %q", r.stderr, tc.says)
			}
			for _, bad := range []string{"panic", "goroutine", "internal error"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("stderr mentions %q: %q", bad, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout should be empty on refusal, got %.200q", r.stdout)
			}
		})
	}
}

func TestHelpMentionsEveryFlag(t *testing.T) {
	var names []string
	newTraceFlags().fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if len(names) < 10 {
		t.Fatalf("only %d flags found: %v", len(names), names)
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"trace", "--help"}} {
		r := attnviz(t, "", args...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		for _, name := range append(names, "trace FILE", "trace -", "--text") {
			if !strings.Contains(r.stdout, name) {
				t.Errorf("%v: help does not mention %q", args, name)
			}
		}
		for _, name := range names {
			if !strings.Contains(r.stdout, "-"+name+" ") && !strings.Contains(r.stdout, "-"+name+"\n") {
				t.Errorf("%v: help does not document the flag -%s", args, name)
			}
		}
	}
}

func TestTextFlag(t *testing.T) {
	args := []string{"trace", "--text", "the cat sat on the mat", "--heads", "2", "--dmodel", "8",
		"--mask", "causal", "--pe", "learned", "--seed", "3", "--temperature", "2", "--no-scale"}
	r := attnviz(t, "", args...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var got contract.TextTrace
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Tokens, " ") != "the cat sat on the mat" {
		t.Errorf("tokens %q", got.Tokens)
	}
	c := got.Config
	if c.DModel != 8 || c.Heads != 2 || c.Mask != "causal" || c.PE != "learned" || c.Seed != 3 || c.Temperature != 2 || c.Scaled {
		t.Errorf("flags not applied: %+v", c)
	}
	if got.MHATrace == nil || len(got.Heads) != 2 || got.DK != 4 || len(got.Embeddings) != 6 || len(got.PE) != 6 {
		t.Fatalf("trace is missing parts: %.300s", r.stdout)
	}
	for h, head := range got.Heads {
		if head.Scale != 0.5 { // unscaled, temperature 2
			t.Errorf("head %d scale %v, want 1/2", h, head.Scale)
		}
		for i, row := range head.Weights {
			sum := 0.0
			for j, w := range row {
				if j > i && w != 0 {
					t.Errorf("head %d: causal mask leaks weight[%d][%d] = %v", h, i, j, w)
				}
				sum += w
			}
			if sum < 1-1e-12 || sum > 1+1e-12 {
				t.Errorf("head %d row %d sums to %v", h, i, sum)
			}
		}
	}
	// The binary prints what the library computes for the same settings.
	cfg := pipeline.DefaultConfig()
	cfg.DModel, cfg.Heads, cfg.Mask, cfg.PE, cfg.Seed = 8, 2, pipeline.MaskCausal, pipeline.PELearned, 3
	cfg.Temperature, cfg.Scaled = 2, false
	want, err := contract.TextJSON(cfg, "the cat sat on the mat")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	if strings.TrimSpace(r.stdout) != string(wantJSON) {
		t.Error("CLI output differs from contract.TextJSON for the same config")
	}
	// --indent changes the layout only.
	ri := attnviz(t, "", append(args, "--indent")...)
	var a, b any
	json.Unmarshal([]byte(r.stdout), &a)
	json.Unmarshal([]byte(ri.stdout), &b)
	if ri.code != 0 || !strings.Contains(ri.stdout, "\n  ") || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("--indent: exit %d, output differs or is not indented", ri.code)
	}
}

func TestTextFlagEdgeCases(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		tokens []string
	}{
		{"empty text", []string{"--text", ""}, []string{}},
		{"char tokenizer", []string{"--text", "ab c", "--tokenizer", "char"}, []string{"a", "b", " ", "c"}},
		{"padding", []string{"--text", "a b", "--pad", "4", "--mask", "padding"}, []string{"a", "b", "<pad>", "<pad>"}},
		{"rope", []string{"--text", "x y", "--pe", "rope"}, []string{"x", "y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := attnviz(t, "", append([]string{"trace"}, tc.args...)...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			var got contract.TextTrace
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Tokens, "|") != strings.Join(tc.tokens, "|") || len(got.Tokens) != len(tc.tokens) {
				t.Fatalf("tokens %q, want %q", got.Tokens, tc.tokens)
			}
			if len(tc.tokens) > 0 && (got.MHATrace == nil || len(got.Output) != len(tc.tokens)) {
				t.Fatalf("no attention output for %d tokens", len(tc.tokens))
			}
		})
	}
}

// The contract's setting names work on the CLI too: --temp, --scale on|off,
// and --mask custom with --custom-mask.
func TestTraceSettingAliasesAndCustomMask(t *testing.T) {
	base := []string{"trace", "--text", "a b c", "--dmodel", "4", "--heads", "1"}
	off := attnviz(t, "", append(base, "--scale", "off", "--temp", "2")...)
	noScale := attnviz(t, "", append(base, "--no-scale", "--temperature", "2")...)
	if off.code != 0 || off.stdout != noScale.stdout {
		t.Fatalf("--scale off --temp 2 (exit %d, %s) differs from --no-scale --temperature 2", off.code, off.stderr)
	}
	res := attnviz(t, "", append(base, "--mask", "custom", "--custom-mask", "100,110,011")...)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	heads := decode(t, res.stdout).(map[string]any)["heads"].([]any)
	weights := heads[0].(map[string]any)["weights"].([]any)
	blocked := [][2]int{{0, 1}, {0, 2}, {1, 2}, {2, 0}}
	for _, c := range blocked {
		if w := weights[c[0]].([]any)[c[1]].(float64); w != 0 {
			t.Errorf("weights[%d][%d] = %v, want exactly 0 (blocked by the custom mask)", c[0], c[1], w)
		}
	}
	if w := weights[0].([]any)[0].(float64); w != 1 {
		t.Errorf("weights[0][0] = %v, want 1 (the only visible key)", w)
	}
}
