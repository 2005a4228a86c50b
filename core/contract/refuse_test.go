package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/attnviz/attnviz/core"
)

// rows returns a JSON matrix of r rows and c columns of 0.5.
func rows(r, c int) string {
	row := "[" + strings.TrimSuffix(strings.Repeat("0.5,", c), ",") + "]"
	return "[" + strings.TrimSuffix(strings.Repeat(row+",", r), ",") + "]"
}

const (
	m2  = `[[1,0],[0,1]]`
	eye = `[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]`
)

func sdpa(extra string) string {
	return `{"op":"sdpa","q":` + m2 + `,"k":` + m2 + `,"v":` + m2 + extra + `}`
}

func mha(extra string) string {
	return `{"op":"mha","x":[[1,2,3,4],[5,6,7,8]],"heads":2,"w_q":` + eye + `,"w_k":` + eye + `,"w_v":` + eye + `,"w_o":` + eye + extra + `}`
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name  string
		input string
		field string // "" = the whole input (not valid JSON, not an object)
		says  string // the message must contain this
	}{
		// malformed JSON and wrong top-level shapes
		{"empty input", ``, "", "empty"},
		{"truncated JSON", `{"op":"sdpa",`, "", "malformed JSON"},
		{"not JSON", `op=sdpa`, "", "malformed JSON"},
		{"array at top level", `[1,2]`, "", "object"},
		{"null at top level", `null`, "", "object"},
		{"two objects", `{"op":"pe"} {"op":"pe"}`, "", "after the first object"},
		{"case file with a non-object input", `{"input": 5}`, "", "object"},

		// op
		{"missing op", `{"q":[[1]]}`, "op", "missing"},
		{"unknown op", `{"op":"conv"}`, "op", "unknown op"},
		{"op not a string", `{"op":7}`, "op", "string"},
		{"typo in an sdpa field", `{"op":"sdpa","q":[[1]],"k":[[1]],"v":[[1]],"casual":true}`, "casual", "unknown field"},
		{"mha field on pe", `{"op":"pe","positions":2,"d_model":2,"heads":2}`, "heads", "unknown field"},
		{"unknown text field", `{"op":"text","text":"a b","dmodel":8}`, "dmodel", "unknown field"},

		// missing fields
		{"sdpa missing q", `{"op":"sdpa","k":[[1]],"v":[[1]]}`, "q", "missing"},
		{"sdpa missing v", `{"op":"sdpa","q":[[1]],"k":[[1]]}`, "v", "missing"},
		{"mha missing heads", `{"op":"mha","x":[[1]],"w_q":[[1]],"w_k":[[1]],"w_v":[[1]],"w_o":[[1]]}`, "heads", "missing"},
		{"mha missing w_o", `{"op":"mha","x":[[1]],"heads":1,"w_q":[[1]],"w_k":[[1]],"w_v":[[1]]}`, "w_o", "missing"},
		{"pe missing positions", `{"op":"pe","d_model":4}`, "positions", "missing"},
		{"pe missing d_model", `{"op":"pe","positions":3}`, "d_model", "missing"},

		// ragged rows and empty matrices
		{"ragged q", `{"op":"sdpa","q":[[1,2],[3]],"k":[[1,2]],"v":[[1]]}`, "q", "ragged"},
		{"ragged w_v", mha(`,"w_v":[[1,0,0,0],[0,1,0],[0,0,1,0],[0,0,0,1]]`), "w_v", "ragged"},
		{"ragged mask", sdpa(`,"mask":[[1,1],[1]]`), "mask", "ragged"},
		{"empty q", `{"op":"sdpa","q":[],"k":[[1]],"v":[[1]]}`, "q", "at least one row"},
		{"empty first row", `{"op":"sdpa","q":[[]],"k":[[1]],"v":[[1]]}`, "q", "empty"},

		// mismatched shapes
		{"k width differs from q", `{"op":"sdpa","q":[[1,2]],"k":[[1,2,3]],"v":[[1]]}`, "k", "columns"},
		{"v rows differ from k", `{"op":"sdpa","q":[[1]],"k":[[1],[2]],"v":[[1]]}`, "v", "rows"},
		{"mask shape", sdpa(`,"mask":[[1,1,1],[1,1,1]]`), "mask", "2 x 2"},
		{"pad length", sdpa(`,"pad":[0,0,1]`), "pad", "length 2"},
		{"x width differs from d_model", `{"op":"mha","x":[[1,2,3]],"heads":1,"w_q":` + eye + `,"w_k":` + eye + `,"w_v":` + eye + `,"w_o":` + eye + `}`, "x", "columns"},
		{"w_k wrong size", mha(`,"w_k":[[1,0],[0,1]]`), "w_k", "4 x 4"},
		{"b_q wrong length", mha(`,"b_q":[1,2,3]`), "b_q", "length 4"},
		{"mha mask shape", mha(`,"mask":[[1]]`), "mask", "2 x 2"},

		// mask and pad values
		{"mask value 2", sdpa(`,"mask":[[1,2],[1,1]]`), "mask", "0 or 1"},
		{"mask value 0.5", sdpa(`,"mask":[[1,0.5],[1,1]]`), "mask", "0 or 1"},
		{"mask value -1", sdpa(`,"mask":[[1,-1],[1,1]]`), "mask", "0 or 1"},
		{"mask value string", sdpa(`,"mask":[[1,"1"],[1,1]]`), "mask", "0 or 1"},
		{"mask value null", sdpa(`,"mask":[[1,null],[1,1]]`), "mask", "0 or 1"},
		{"mask not rows", sdpa(`,"mask":[1,1]`), "mask", "rows"},
		{"pad value 2", sdpa(`,"pad":[0,2]`), "pad", "0 or 1"},
		{"pad not an array", sdpa(`,"pad":1`), "pad", "array"},
		{"causal not a bool", sdpa(`,"causal":"yes"`), "causal", "true or false"},

		// heads
		{"heads do not divide d_model", mha(`,"heads":3`), "heads", "divide"},
		{"heads zero", mha(`,"heads":0`), "heads", "1.."},
		{"heads fractional", mha(`,"heads":1.5`), "heads", "whole number"},
		{"heads as a string", mha(`,"heads":"2"`), "heads", "whole number"},

		// non-numbers
		{"string in q", `{"op":"sdpa","q":[["a"]],"k":[[1]],"v":[[1]]}`, "q", "number"},
		{"null in k", `{"op":"sdpa","q":[[1,2]],"k":[[1,null]],"v":[[1]]}`, "k", "number"},
		{"bool in v", `{"op":"sdpa","q":[[1]],"k":[[1]],"v":[[true]]}`, "v", "number"},
		{"nested array in q", `{"op":"sdpa","q":[[[1]]],"k":[[1]],"v":[[1]]}`, "q", "number"},
		{"q a number", `{"op":"sdpa","q":3,"k":[[1]],"v":[[1]]}`, "q", "matrix"},
		{"number too large for float64", `{"op":"sdpa","q":[[1e999]],"k":[[1]],"v":[[1]]}`, "q", "number"},
		{"scale a string", sdpa(`,"scale":"0.5"`), "scale", "number"},
		{"b_o with a string", mha(`,"b_o":[1,2,"x",4]`), "b_o", "number"},
		{"positions fractional", `{"op":"pe","positions":2.5,"d_model":4}`, "positions", "whole number"},
		{"positions with a null", `{"op":"pe","positions":[0,null],"d_model":4}`, "positions", "number"},

		// sizes over the limits
		{"q too many rows", `{"op":"sdpa","q":` + rows(core.MaxTokens+1, 1) + `,"k":[[1]],"v":[[1]]}`, "q", "limit"},
		{"q too many columns", `{"op":"sdpa","q":` + rows(1, core.MaxWidth+1) + `,"k":[[1]],"v":[[1]]}`, "q", "limit"},
		{"scale overflows float64", sdpa(`,"scale":1e309`), "scale", "number"},
		{"mha scale 0 (would silently mean the default)", mha(`,"scale":0`), "scale", "non-zero"},
		{"scores overflow", `{"op":"sdpa","q":[[1e300]],"k":[[1e300]],"v":[[1]]}`, "q", "overflow"},
		{"pe too many positions for d_model", `{"op":"pe","positions":` + fmt.Sprint(core.MaxCells/4+1) + `,"d_model":4}`, "positions", ".."},
		{"pe more positions than cells", `{"op":"pe","positions":` + fmt.Sprint(core.MaxCells+1) + `,"d_model":1}`, "positions", ".."},
		{"pe positions array too long for d_model", `{"op":"pe","positions":[` + strings.TrimSuffix(strings.Repeat("0,", core.MaxCells/core.MaxWidth+1), ",") + `],"d_model":` + fmt.Sprint(core.MaxWidth) + `}`, "positions", ".."},
		{"pe d_model zero", `{"op":"pe","positions":3,"d_model":0}`, "d_model", ".."},
		{"pe d_model too wide", `{"op":"pe","positions":3,"d_model":` + fmt.Sprint(core.MaxWidth+1) + `}`, "d_model", ".."},
		{"pe unknown kind", `{"op":"pe","kind":"rotary","positions":3,"d_model":4}`, "kind", "sinusoidal"},

		// op "text": the pipeline's refusals are *Error too
		{"text not a string", `{"op":"text","text":5}`, "text", "string"},
		{"text heads do not divide", `{"op":"text","text":"a b","d_model":16,"heads":3}`, "heads", "divide"},
		{"text d_model over the limit", `{"op":"text","text":"a","d_model":100000}`, "d_model", ".."},
		{"text unknown pe", `{"op":"text","text":"a","pe":"alibi"}`, "pe", "sinusoidal"},
		{"text unknown mask", `{"op":"text","text":"a","mask":"random"}`, "mask", "causal"},
		{"text unknown tokenizer", `{"op":"text","text":"a","tokenizer":"bpe"}`, "tokenizer", "word"},
		{"text temperature 0", `{"op":"text","text":"a","temperature":0}`, "temperature", "0.01"},
		{"text negative seed", `{"op":"text","text":"a","seed":-1}`, "seed", ".."},
		{"text too many tokens", `{"op":"text","text":"` + strings.Repeat("w ", 600) + `"}`, "text", "limit"},
		{"text custom mask wrong shape", `{"op":"text","text":"a b","mask":"custom","custom_mask":[[1]]}`, "mask", "2 x 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run([]byte(tc.input))
			if res != nil {
				t.Errorf("a refusal also returned a result")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want an *Error, got %T: %v", err, err)
			}
			if ce.Field != tc.field {
				t.Errorf("Field = %q, want %q (%v)", ce.Field, tc.field, err)
			}
			if !strings.Contains(ce.Msg, tc.says) {
				t.Errorf("message %q does not say %q", ce.Msg, tc.says)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("message is not one line: %q", err)
			}
		})
	}
}

// Accepted variants of the same input give the same trace.
func TestAcceptedForms(t *testing.T) {
	base := mustRun(t, sdpa(`,"mask":[[1,0],[1,1]],"pad":[0,0]`))
	for _, in := range []string{
		sdpa(`,"mask":[[true,false],[true,true]],"pad":[false,false]`),
		sdpa(`,"mask":[[1.0,0.0],[1e0,1]],"pad":[0,0],"scale":null`),
		`{"name":"x","input":` + sdpa(`,"mask":[[1,0],[1,1]],"pad":[0,0]`) + `,"tol":1}`,
		"\n  " + sdpa(`,"mask":[[1,0],[1,1]],"pad":[0,0]`) + "\n",
	} {
		if got := mustRun(t, in); got != base {
			t.Errorf("%s\ngave %s\nwant %s", in, got, base)
		}
	}
}

func mustRun(t *testing.T, input string) string {
	t.Helper()
	res, err := Run([]byte(input))
	if err != nil {
		t.Fatalf("%s: %v", input, err)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Zero positions is a valid, empty table for every kind (not a crash).
func TestZeroPositions(t *testing.T) {
	for _, kind := range []string{"sinusoidal", "learned"} {
		got := mustRun(t, `{"op":"pe","kind":"`+kind+`","positions":0,"d_model":4}`)
		if got != `{"op":"pe","pe":[]}` {
			t.Errorf("%s: got %s, want an empty pe", kind, got)
		}
	}
}

// A positional table may have more rows than an attention's T limit
// (MaxTokens): PE[p] for p = 0..1999, counted or listed.
func TestManyPositions(t *testing.T) {
	list := make([]string, 2000)
	for p := range list {
		list[p] = fmt.Sprint(p)
	}
	for _, positions := range []string{"2000", "[" + strings.Join(list, ",") + "]"} {
		var got struct{ PE [][]float64 }
		if err := json.Unmarshal([]byte(mustRun(t, `{"op":"pe","kind":"sinusoidal","positions":`+positions+`,"d_model":3}`)), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.PE) != 2000 {
			t.Fatalf("positions %.20s: %d rows, want 2000", positions, len(got.PE))
		}
		// d = 3: sin(p), cos(p), sin(p / 10000^(2/3)), worked out for p = 1999.
		want := []float64{math.Sin(1999), math.Cos(1999), math.Sin(1999 / math.Pow(10000, 2.0/3))}
		for j, w := range want {
			if math.Abs(got.PE[1999][j]-w) > 1e-12 {
				t.Errorf("positions %.20s: PE[1999][%d] = %v, want %v", positions, j, got.PE[1999][j], w)
			}
		}
	}
}

// Empty text is a trace with no tokens, not an error and not a crash.
func TestEmptyText(t *testing.T) {
	for _, in := range []string{`{"op":"text","text":""}`, `{"op":"text"}`, `{"op":"text","text":"   ","tokenizer":"word"}`} {
		var got struct {
			Tokens     []string    `json:"tokens"`
			Embeddings [][]float64 `json:"embeddings"`
			PE         [][]float64 `json:"pe"`
			X          [][]float64 `json:"x"`
			Output     any         `json:"output"`
		}
		if err := json.Unmarshal([]byte(mustRun(t, in)), &got); err != nil {
			t.Fatal(err)
		}
		if got.Tokens == nil || len(got.Tokens) != 0 || got.Output != nil {
			t.Errorf("%s: tokens %v output %v, want [] and none", in, got.Tokens, got.Output)
		}
		// 0 x d_model matrices are written as [], not null.
		if got.Embeddings == nil || got.PE == nil || got.X == nil || len(got.Embeddings)+len(got.PE)+len(got.X) != 0 {
			t.Errorf("%s: embeddings %v pe %v x %v, want [] each", in, got.Embeddings, got.PE, got.X)
		}
	}
}
