// Package golden loads the reference cases in ../shared/golden/ (computed
// independently by PyTorch) and compares a trace against them.
//
// A case passes when every number in "expect" is present in the trace at
// the same place and |got - want| <= tol * max(1, |want|).
package golden

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
)

// Case is one reference case file.
type Case struct {
	File   string          // base name, e.g. "sdpa_mask.json"
	Name   string          `json:"name"`
	Input  json.RawMessage `json:"input"`
	Expect any             `json:"expect"`
	Tol    float64         `json:"tol"`
}

// Dir returns the golden folder: $ATTNVIZ_GOLDEN if set, else shared/golden
// beside the repository root (the folder holding go.mod), found by walking
// up from the working directory. A missing folder is an error, never a skip.
func Dir() (string, error) {
	if d := os.Getenv("ATTNVIZ_GOLDEN"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			g := filepath.Join(filepath.Dir(dir), "shared", "golden")
			if st, err := os.Stat(g); err != nil || !st.IsDir() {
				return "", fmt.Errorf("golden cases not found at %s (expected ../shared/golden beside the repository)", g)
			}
			return g, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod above %s: cannot locate ../shared/golden", wd)
		}
	}
}

// Load reads every *.json case in dir, sorted by file name.
func Load(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.json cases in %s", dir)
	}
	sort.Strings(files)
	cases := make([]Case, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var c Case
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		if c.Tol <= 0 || len(c.Input) == 0 || c.Expect == nil {
			return nil, fmt.Errorf("%s: needs input, expect and a positive tol", f)
		}
		c.File = filepath.Base(f)
		cases = append(cases, c)
	}
	return cases, nil
}

// Compare checks that every number in want is present in got (decoded
// JSON: maps, slices, float64) within tol * max(1, |want|). Arrays must have
// the same length. It returns the first few differences, or nil.
func Compare(want, got any, tol float64) error {
	var diffs []string
	compare("", want, got, tol, &diffs)
	if len(diffs) == 0 {
		return nil
	}
	more := ""
	if len(diffs) > 5 {
		more = fmt.Sprintf(" (and %d more)", len(diffs)-5)
		diffs = diffs[:5]
	}
	return fmt.Errorf("%v%s", diffs, more)
}

func compare(path string, want, got any, tol float64, diffs *[]string) {
	if len(*diffs) > 50 {
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: want an object, got %T", path, got))
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s.%s: missing from the trace", path, k))
				continue
			}
			compare(path+"."+k, wv, gv, tol, diffs)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: want an array of %d, got %v", path, len(w), describe(got)))
			return
		}
		for i := range w {
			compare(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], tol, diffs)
		}
	case float64:
		g, ok := got.(float64)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: want %v, got %v", path, w, describe(got)))
			return
		}
		if !(math.Abs(g-w) <= tol*math.Max(1, math.Abs(w))) {
			*diffs = append(*diffs, fmt.Sprintf("%s: want %v, got %v", path, w, g))
		}
	default:
		*diffs = append(*diffs, fmt.Sprintf("%s: want %v (%T), got %v", path, want, want, describe(got)))
	}
}

func describe(v any) string {
	if a, ok := v.([]any); ok {
		return fmt.Sprintf("an array of %d", len(a))
	}
	return fmt.Sprintf("%T", v)
}
