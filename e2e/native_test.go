//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/attnviz/attnviz/core/pipeline"
	"github.com/attnviz/attnviz/core/tokenize"
)

// settings are the contract's settings (notes/viz-contract.md), spelled the
// way the URL, the desktop flags and attnviz.state() spell them.
type settings struct {
	Text      string
	DModel    int
	Heads     int
	Mask      string
	PE        string
	Seed      int64
	Tokenizer string
	Scale     bool
	Temp      float64
	Head      int
	Present   bool
}

// contractDefaults is the "default" column of the contract's table, written
// out here on purpose (not taken from viz), so the app is checked against it.
func contractDefaults() settings {
	return settings{
		Text: "the cat sat on the mat", DModel: 16, Heads: 4, Mask: "none", PE: "sinusoidal",
		Seed: 1, Tokenizer: "word", Scale: true, Temp: 1, Head: 0,
	}
}

// config maps the contract's settings to the core pipeline by hand.
func (s settings) config() pipeline.Config {
	return pipeline.Config{
		DModel: s.DModel, Heads: s.Heads, PE: pipeline.PEKind(s.PE), Mask: pipeline.MaskKind(s.Mask),
		Scaled: s.Scale, Temperature: s.Temp, Seed: s.Seed, Tokenizer: tokenize.Kind(s.Tokenizer),
	}
}

// flags are the desktop flags for s (single dash, contract names).
func (s settings) flags() []string {
	scale := "off"
	if s.Scale {
		scale = "on"
	}
	present := "0"
	if s.Present {
		present = "1"
	}
	return []string{
		"-text", s.Text, "-dmodel", strconv.Itoa(s.DModel), "-heads", strconv.Itoa(s.Heads),
		"-mask", s.Mask, "-pe", s.PE, "-seed", strconv.FormatInt(s.Seed, 10),
		"-tokenizer", s.Tokenizer, "-scale", scale, "-temp", strconv.FormatFloat(s.Temp, 'g', -1, 64),
		"-head", strconv.Itoa(s.Head), "-present", present,
	}
}

// native is what core computes on the host (gonum with assembly) for s.
type native struct {
	Tokens  []string
	Weights [][][]float64 // per head: T x T softmax weights
	Allowed [][][]bool    // per head: T x T, false = blocked by the mask
}

func computeNative(t testing.TB, s settings) native {
	t.Helper()
	tr, err := pipeline.Run(s.config(), s.Text)
	if err != nil {
		t.Fatalf("native pipeline.Run(%+v): %v", s, err)
	}
	var n native
	for _, tok := range tr.Tokens {
		n.Tokens = append(n.Tokens, tok.Text)
	}
	if tr.Attention == nil {
		return n
	}
	for _, h := range tr.Attention.Heads {
		rows, cols := h.Weights.Dims()
		w := make([][]float64, rows)
		a := make([][]bool, rows)
		for i := range rows {
			w[i] = make([]float64, cols)
			a[i] = make([]bool, cols)
			for j := range cols {
				w[i][j] = h.Weights.At(i, j)
				a[i][j] = h.Allowed == nil || h.Allowed.At(i, j)
			}
		}
		n.Weights = append(n.Weights, w)
		n.Allowed = append(n.Allowed, a)
	}
	return n
}

// closeRel reports whether a and b agree to 1e-9 relative; an exact zero
// (a blocked key) must stay exactly zero.
func closeRel(a, b float64) bool {
	if a == 0 || b == 0 {
		return math.Abs(a-b) <= 1e-15
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// compareWeights checks got (T x T) against want to 1e-9 relative and
// describes the first few differences.
func compareWeights(got, want [][]float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d rows, want %d", len(got), len(want))
	}
	var bad []string
	for i := range want {
		if len(got[i]) != len(want[i]) {
			return fmt.Errorf("row %d has %d columns, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if !closeRel(got[i][j], want[i][j]) {
				bad = append(bad, fmt.Sprintf("[%d][%d]=%.17g want %.17g", i, j, got[i][j], want[i][j]))
			}
		}
	}
	if len(bad) > 0 {
		if len(bad) > 5 {
			bad = append(bad[:5], fmt.Sprintf("... %d in all", len(bad)))
		}
		return fmt.Errorf("weights differ: %s", strings.Join(bad, ", "))
	}
	return nil
}

// pageState is attnviz.state() decoded leniently about JSON types (a
// number may come as "4", a flag as "on", true or 1) and strictly about
// values.
type pageState struct {
	Text         string   `json:"text"`
	DModel       flexNum  `json:"dmodel"`
	Heads        flexNum  `json:"heads"`
	Mask         string   `json:"mask"`
	PE           string   `json:"pe"`
	Seed         flexNum  `json:"seed"`
	Tokenizer    string   `json:"tokenizer"`
	Scale        flexBool `json:"scale"`
	Temp         flexNum  `json:"temp"`
	Head         flexNum  `json:"head"`
	Present      flexBool `json:"present"`
	Version      flexNum  `json:"version"`
	DrawnVersion flexNum  `json:"drawnVersion"`
	Notices      []string `json:"notices"`
}

func (p pageState) settings() settings {
	return settings{
		Text: p.Text, DModel: int(p.DModel), Heads: int(p.Heads), Mask: p.Mask, PE: p.PE,
		Seed: int64(p.Seed), Tokenizer: p.Tokenizer, Scale: bool(p.Scale), Temp: float64(p.Temp),
		Head: int(p.Head), Present: bool(p.Present),
	}
}

// decodeState decodes state() and checks that every contract key is there.
func decodeState(raw string) (pageState, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &keys); err != nil {
		return pageState{}, fmt.Errorf("state() is not a JSON object: %v: %.200s", err, raw)
	}
	var missing []string
	for _, k := range []string{"text", "dmodel", "heads", "mask", "pe", "seed", "tokenizer", "scale", "temp", "head", "present", "version", "drawnVersion", "notices"} {
		if _, ok := keys[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return pageState{}, fmt.Errorf("state() lacks the contract keys %v: %.300s", missing, raw)
	}
	var p pageState
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return pageState{}, fmt.Errorf("state(): %v: %.300s", err, raw)
	}
	return p, nil
}

// flexNum is a JSON number, or a string holding one.
type flexNum float64

func (f *flexNum) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	*f = flexNum(v)
	return nil
}

// flexBool is true/false, "on"/"off", 1/0 or "1"/"0".
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(b), `"`) {
	case "true", "on", "1":
		*f = true
	case "false", "off", "0":
		*f = false
	default:
		return fmt.Errorf("not a flag: %s", b)
	}
	return nil
}

// diffSettings lists the settings in which got differs from want.
func diffSettings(got, want settings) []string {
	var d []string
	add := func(name string, g, w any) {
		if fmt.Sprint(g) != fmt.Sprint(w) {
			d = append(d, fmt.Sprintf("%s=%q, want %q", name, fmt.Sprint(g), fmt.Sprint(w)))
		}
	}
	add("text", got.Text, want.Text)
	add("dmodel", got.DModel, want.DModel)
	add("heads", got.Heads, want.Heads)
	add("mask", got.Mask, want.Mask)
	add("pe", got.PE, want.PE)
	add("seed", got.Seed, want.Seed)
	add("tokenizer", got.Tokenizer, want.Tokenizer)
	add("scale", got.Scale, want.Scale)
	add("temp", got.Temp, want.Temp)
	add("head", got.Head, want.Head)
	add("present", got.Present, want.Present)
	return d
}

func TestCloseRel(t *testing.T) {
	tests := []struct {
		a, b float64
		want bool
	}{
		{0, 0, true},
		{0, 1e-300, true},
		{0, 1e-10, false},
		{0.5, 0.5 + 1e-12, true},
		{0.5, 0.5 + 1e-8, false},
		{1e-20, 1.0000000001e-20, true},
		{1e-20, 2e-20, false},
	}
	for _, tc := range tests {
		if got := closeRel(tc.a, tc.b); got != tc.want {
			t.Errorf("closeRel(%g, %g) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
