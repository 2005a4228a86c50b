package contractref

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
)

// badInput is an input the README says must be refused.
type badInput struct {
	name  string
	data  []byte
	field string // the field the one stderr line must name first ("" = the whole input)
}

// TestRefusalsThroughCLI feeds malformed inputs to the attnviz binary: each
// must exit with status 2, print nothing on stdout and one line on stderr
// ("attnviz: field: what was expected"), never a panic. Half are written by
// hand, half are generated cases broken in one field.
func TestRefusalsThroughCLI(t *testing.T) {
	bin := cliBinary(t)
	bad := append(handWrittenBadInputs(), brokenCases(Generate(7, 150), 7)...)
	for _, b := range bad {
		cmd := exec.Command(bin, "trace", "-")
		cmd.Stdin = bytes.NewReader(b.data)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		line := stderr.String()
		prefix := "attnviz: "
		if b.field != "" {
			prefix += b.field + ": "
		}
		switch {
		case code != 2:
			t.Errorf("%s: exit status %d, want 2; stderr: %.300s\n  input: %.300s", b.name, code, line, b.data)
		case stdout.Len() != 0:
			t.Errorf("%s: refused but printed on stdout: %.200s", b.name, stdout.String())
		case strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n"):
			t.Errorf("%s: stderr is not one line: %q", b.name, line)
		case !strings.HasPrefix(line, prefix):
			t.Errorf("%s: stderr %q does not start with %q\n  input: %.300s", b.name, line, prefix, b.data)
		}
	}
	if len(bad) < 150 {
		t.Errorf("only %d bad inputs tried", len(bad))
	}
}

// handWrittenBadInputs are refusals of the README's kinds that a broken
// generated case does not give: malformed JSON, non-finite numbers, unknown
// ops, empty matrices, impossible counts.
func handWrittenBadInputs() []badInput {
	const qkv = `"q":[[1,2],[3,4]],"k":[[1,0],[0,1]],"v":[[5],[6]]`
	const eye = `[[1,0],[0,1]]`
	const mhaW = `"w_q":` + eye + `,"w_k":` + eye + `,"w_v":` + eye + `,"w_o":` + eye
	tests := []struct{ name, input, field string }{
		{"empty input", ``, ""},
		{"whitespace only", " \n\t ", ""},
		{"truncated", `{"op":"sdpa",` + qkv, ""},
		{"trailing garbage", `{"op":"pe","positions":2,"d_model":2} x`, ""},
		{"top-level array", `[{"op":"pe"}]`, ""},
		{"top-level string", `"sdpa"`, ""},
		{"NaN literal", `{"op":"sdpa","q":[[NaN,1],[3,4]],"k":[[1,0],[0,1]],"v":[[5],[6]]}`, ""},
		{"Infinity literal", `{"op":"sdpa","q":[[1,2],[3,4]],"k":[[Infinity,0],[0,1]],"v":[[5],[6]]}`, ""},
		{"-Infinity literal", `{"op":"sdpa","q":[[1,2],[3,4]],"k":[[1,0],[0,1]],"v":[[-Infinity],[6]]}`, ""},
		{"NaN as a string", `{"op":"sdpa","q":[["NaN",1],[3,4]],"k":[[1,0],[0,1]],"v":[[5],[6]]}`, "q"},
		{"overflowing number in q", `{"op":"sdpa","q":[[1e999,1],[3,4]],"k":[[1,0],[0,1]],"v":[[5],[6]]}`, "q"},
		{"overflowing number in v", `{"op":"sdpa","q":[[1,2],[3,4]],"k":[[1,0],[0,1]],"v":[[5],[-1e400]]}`, "v"},
		{"overflowing scale", `{"op":"sdpa",` + qkv + `,"scale":1e999}`, "scale"},
		{"overflowing bias", `{"op":"mha","x":[[1,2]],"heads":1,` + mhaW + `,"b_v":[1e999,0]}`, "b_v"},
		{"unknown op", `{"op":"attention",` + qkv + `}`, "op"},
		{"op in capitals", `{"op":"SDPA",` + qkv + `}`, "op"},
		{"missing op", `{` + qkv + `}`, "op"},
		{"empty q", `{"op":"sdpa","q":[],"k":[[1]],"v":[[1]]}`, "q"},
		{"empty row in k", `{"op":"sdpa","q":[[1]],"k":[[]],"v":[[1]]}`, "k"},
		{"empty v", `{"op":"sdpa","q":[[1]],"k":[[1]],"v":[]}`, "v"},
		{"empty x", `{"op":"mha","x":[],"heads":1,` + mhaW + `}`, "x"},
		{"empty w_q", `{"op":"mha","x":[[1,2]],"heads":1,"w_q":[],"w_k":` + eye + `,"w_v":` + eye + `,"w_o":` + eye + `}`, "w_q"},
		{"empty mask", `{"op":"sdpa",` + qkv + `,"mask":[]}`, "mask"},
		{"empty pad", `{"op":"sdpa",` + qkv + `,"pad":[]}`, "pad"},
		{"heads exceed d_model", `{"op":"mha","x":[[1,2]],"heads":4,` + mhaW + `}`, "heads"},
		{"negative heads", `{"op":"mha","x":[[1,2]],"heads":-2,` + mhaW + `}`, "heads"},
		{"negative positions", `{"op":"pe","kind":"sinusoidal","positions":-1,"d_model":4}`, "positions"},
		{"very negative positions", `{"op":"pe","kind":"sinusoidal","positions":-2000,"d_model":4}`, "positions"},
		{"positions as a string", `{"op":"pe","kind":"sinusoidal","positions":"3","d_model":4}`, "positions"},
		{"positions array with Infinity literal", `{"op":"pe","positions":[0,Infinity],"d_model":4}`, ""},
		{"positions array with an overflow", `{"op":"pe","positions":[0,1e999],"d_model":4}`, "positions"},
		{"negative d_model", `{"op":"pe","positions":3,"d_model":-4}`, "d_model"},
		{"fractional d_model", `{"op":"pe","positions":3,"d_model":2.5}`, "d_model"},
		{"unknown pe kind", `{"op":"pe","kind":"cosine","positions":3,"d_model":4}`, "kind"},
	}
	out := make([]badInput, len(tests))
	for i, tc := range tests {
		out[i] = badInput{name: "hand-written: " + tc.name, data: []byte(tc.input), field: tc.field}
	}
	return out
}

// brokenCases breaks each valid case in one field the README constrains.
func brokenCases(cases []Case, seed uint64) []badInput {
	r := rand.New(rand.NewPCG(seed, 0xbad))
	out := make([]badInput, 0, len(cases))
	for _, c := range cases {
		in := decodedCopy(c.Input)
		var breakers []breaker
		switch in["op"] {
		case "sdpa":
			breakers = sdpaBreakers
		case "mha":
			breakers = mhaBreakers
		case "pe":
			breakers = peBreakers
		}
		b := breakers[r.IntN(len(breakers))]
		field := b.apply(r, in)
		data, err := json.Marshal(in)
		if err != nil {
			panic(err)
		}
		out = append(out, badInput{name: fmt.Sprintf("%s broken: %s", c.Name, b.name), data: data, field: field})
	}
	return out
}

// breaker breaks one field of a decoded input and returns its name.
type breaker struct {
	name  string
	apply func(r *rand.Rand, in map[string]any) string
}

// decodedCopy returns the input as encoding/json decodes it (a deep copy).
func decodedCopy(in map[string]any) map[string]any {
	data, err := json.Marshal(in)
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return out
}

func oneOf[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// rowsOf returns a decoded matrix field.
func rowsOf(in map[string]any, field string) []any { return in[field].([]any) }

// ragged makes one row of a matrix field a different length than row 0.
func ragged(r *rand.Rand, in map[string]any, field string) string {
	rows := rowsOf(in, field)
	if len(rows) == 1 {
		rows = append(rows, append([]any{}, rows[0].([]any)...))
	}
	i := 1 + r.IntN(len(rows)-1)
	row := rows[i].([]any)
	if len(row) > 1 && r.IntN(2) == 0 {
		row = row[:len(row)-1]
	} else {
		row = append(row, 0.5)
	}
	rows[i] = row
	in[field] = rows
	return field
}

// widen adds a column to every row of a matrix field.
func widen(in map[string]any, field string) string {
	rows := rowsOf(in, field)
	for i, row := range rows {
		rows[i] = append(row.([]any), 1.0)
	}
	return field
}

// badFlag puts a value other than 0/1 into the mask (adding an all-ones
// mask of tq x tk when there is none) or into the pad.
func badFlag(r *rand.Rand, in map[string]any, field string, tq, tk int) string {
	bad := oneOf[any](r, 2, 0.5, -1, "1", nil, []any{1}, 1e-9)
	if field == "pad" {
		pad := filled(tk, 0)
		if p, ok := in["pad"].([]any); ok {
			pad = p
		}
		pad[r.IntN(tk)] = bad
		in["pad"] = pad
		return "pad"
	}
	mask := ones(tq, tk)
	if m, ok := in["mask"].([]any); ok {
		mask = m
	}
	mask[r.IntN(tq)].([]any)[r.IntN(tk)] = bad
	in["mask"] = mask
	return "mask"
}

// wrongLength returns a vector of v one longer or shorter than n (never empty).
func wrongLength(r *rand.Rand, n int, v any) []any {
	if n > 1 {
		n += oneOf(r, 1, -1)
	} else {
		n++
	}
	return filled(n, v)
}

// filled returns n copies of v.
func filled(n int, v any) []any {
	out := make([]any, n)
	for j := range out {
		out[j] = v
	}
	return out
}

// ones returns a rows x cols matrix of 1.
func ones(rows, cols int) []any {
	out := make([]any, rows)
	for i := range out {
		out[i] = filled(cols, 1)
	}
	return out
}

// wrongMaskShape gives a mask or pad of the wrong size.
func wrongMaskShape(r *rand.Rand, in map[string]any, tq, tk int) string {
	if r.IntN(2) == 0 {
		in["pad"] = wrongLength(r, tk, 0)
		return "pad"
	}
	rows, cols := tq, tk
	if r.IntN(2) == 0 {
		rows++
	} else {
		cols++
	}
	in["mask"] = ones(rows, cols)
	return "mask"
}

func sdpaDims(in map[string]any) (tq, tk int) { return len(rowsOf(in, "q")), len(rowsOf(in, "k")) }

// maskBreakers break the mask or the pad of an input whose T_q x T_k dims gives.
func maskBreakers(dims func(map[string]any) (tq, tk int)) []breaker {
	return []breaker{
		{"mask or pad value not 0/1", func(r *rand.Rand, in map[string]any) string {
			tq, tk := dims(in)
			return badFlag(r, in, oneOf(r, "mask", "pad"), tq, tk)
		}},
		{"mask or pad shape", func(r *rand.Rand, in map[string]any) string {
			tq, tk := dims(in)
			return wrongMaskShape(r, in, tq, tk)
		}},
	}
}

var sdpaBreakers = append(maskBreakers(sdpaDims), []breaker{
	{"ragged rows", func(r *rand.Rand, in map[string]any) string {
		return ragged(r, in, oneOf(r, "q", "k", "v"))
	}},
	{"k width differs from q", func(r *rand.Rand, in map[string]any) string { return widen(in, "k") }},
	{"v rows differ from k", func(r *rand.Rand, in map[string]any) string {
		v := rowsOf(in, "v")
		in["v"] = append(v, v[0])
		return "v"
	}},
	{"empty matrix", func(r *rand.Rand, in map[string]any) string {
		f := oneOf(r, "q", "k", "v")
		in[f] = oneOf[any](r, []any{}, []any{[]any{}}, [][]any{{}, {}})
		return f
	}},
	{"missing matrix", func(r *rand.Rand, in map[string]any) string {
		f := oneOf(r, "q", "k", "v")
		delete(in, f)
		return f
	}},
	{"causal not a bool", func(r *rand.Rand, in map[string]any) string {
		in["causal"] = oneOf[any](r, 1, "true", []any{true})
		return "causal"
	}},
	{"scale not a number", func(r *rand.Rand, in map[string]any) string {
		in["scale"] = oneOf[any](r, "0.5", true, []any{0.5})
		return "scale"
	}},
	{"unknown op", func(r *rand.Rand, in map[string]any) string {
		in["op"] = oneOf(r, "attention", "Sdpa", "", "mha2")
		return "op"
	}},
}...)

func mhaDims(in map[string]any) (t, d int) {
	x := rowsOf(in, "x")
	return len(x), len(x[0].([]any))
}

func mhaSquare(in map[string]any) (t, t2 int) {
	t, _ = mhaDims(in)
	return t, t
}

var mhaBreakers = append(maskBreakers(mhaSquare), []breaker{
	{"heads do not divide d_model", func(r *rand.Rand, in map[string]any) string {
		_, d := mhaDims(in)
		h := d + 1
		for try := 2; try <= d; try++ {
			if d%try != 0 {
				h = try
				break
			}
		}
		in["heads"] = oneOf[any](r, h, 0, 1.5, "2", d+1, nil)
		return "heads"
	}},
	{"ragged rows", func(r *rand.Rand, in map[string]any) string {
		return ragged(r, in, oneOf(r, "x", "w_q", "w_k", "w_v", "w_o"))
	}},
	{"weight not d_model x d_model", func(r *rand.Rand, in map[string]any) string {
		f := oneOf(r, "w_q", "w_k", "w_v", "w_o")
		if r.IntN(2) == 0 {
			return widen(in, f)
		}
		rows := rowsOf(in, f)
		in[f] = append(rows, rows[0])
		return f
	}},
	{"x width differs from d_model", func(r *rand.Rand, in map[string]any) string { return widen(in, "x") }},
	{"bias length", func(r *rand.Rand, in map[string]any) string {
		f := oneOf(r, "b_q", "b_k", "b_v", "b_o")
		_, d := mhaDims(in)
		in[f] = wrongLength(r, d, 0.25)
		return f
	}},
	{"missing weight", func(r *rand.Rand, in map[string]any) string {
		f := oneOf(r, "x", "w_q", "w_k", "w_v", "w_o")
		delete(in, f)
		return f
	}},
}...)

var peBreakers = []breaker{
	{"negative or fractional positions", func(r *rand.Rand, in map[string]any) string {
		in["positions"] = oneOf[any](r, -1, -2000, 2.5, "4", true)
		return "positions"
	}},
	{"positions array with a non-number", func(r *rand.Rand, in map[string]any) string {
		in["positions"] = []any{0, oneOf[any](r, nil, "1", []any{1}, false), 2}
		return "positions"
	}},
	{"bad d_model", func(r *rand.Rand, in map[string]any) string {
		in["d_model"] = oneOf[any](r, 0, -3, 1.5, "8", nil)
		return "d_model"
	}},
	{"unknown kind", func(r *rand.Rand, in map[string]any) string {
		in["kind"] = oneOf[any](r, "rope", "Sinusoidal", 1)
		return "kind"
	}},
}
