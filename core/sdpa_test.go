package core_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

// Hand-computed small cases. With d_k = 2 the default scale is s = 1/√2.
// For two visible keys with scores (s, 0) the weights are
// a = e^s/(e^s+1) and b = 1/(e^s+1).
func TestScaledDotProductAttention(t *testing.T) {
	s := 1 / math.Sqrt2
	a := math.Exp(s) / (math.Exp(s) + 1)
	b := 1 / (math.Exp(s) + 1)
	// Three keys with scores (0, s, s): c for the first, d for the others.
	c := 1 / (1 + 2*math.Exp(s))
	d := math.Exp(s) / (1 + 2*math.Exp(s))

	eye := dense([]float64{1, 0}, []float64{0, 1})
	v12 := dense([]float64{1, 2}, []float64{3, 4})

	tests := []struct {
		name        string
		q, k, v     *mat.Dense
		mask        core.Mask
		scale       float64 // 0: default 1/√d_k
		wantScores  [][]float64
		wantWeights [][]float64
		wantOutput  [][]float64
		wantBlocked []bool
	}{
		{
			name: "no mask", q: eye, k: eye, v: v12,
			wantScores:  [][]float64{{s, 0}, {0, s}},
			wantWeights: [][]float64{{a, b}, {b, a}},
			wantOutput:  [][]float64{{a + 3*b, 2*a + 4*b}, {b + 3*a, 2*b + 4*a}},
			wantBlocked: []bool{false, false},
		},
		{
			name: "scale 1", q: eye, k: eye, v: v12, scale: 1,
			wantScores: [][]float64{{1, 0}, {0, 1}},
			wantWeights: [][]float64{
				{math.E / (math.E + 1), 1 / (math.E + 1)},
				{1 / (math.E + 1), math.E / (math.E + 1)}},
			wantOutput: [][]float64{
				{(math.E + 3) / (math.E + 1), (2*math.E + 4) / (math.E + 1)},
				{(1 + 3*math.E) / (math.E + 1), (2 + 4*math.E) / (math.E + 1)}},
			wantBlocked: []bool{false, false},
		},
		{
			// d_k = 4: raw dots (4, 0), scale 1/√4 = 1/2 -> scores (2, 0).
			name:        "default scale uses d_k",
			q:           dense([]float64{1, 1, 1, 1}),
			k:           dense([]float64{1, 1, 1, 1}, []float64{0, 0, 0, 0}),
			v:           dense([]float64{1}, []float64{0}),
			wantScores:  [][]float64{{2, 0}},
			wantWeights: [][]float64{{math.Exp(2) / (math.Exp(2) + 1), 1 / (math.Exp(2) + 1)}},
			wantOutput:  [][]float64{{math.Exp(2) / (math.Exp(2) + 1)}},
			wantBlocked: []bool{false},
		},
		{
			name: "explicit mask", q: eye, k: eye, v: v12,
			mask:        core.Mask{Explicit: bools([]int{1, 0}, []int{1, 1})},
			wantScores:  [][]float64{{s, 0}, {0, s}},
			wantWeights: [][]float64{{1, 0}, {b, a}},
			wantOutput:  [][]float64{{1, 2}, {b + 3*a, 2*b + 4*a}},
			wantBlocked: []bool{false, false},
		},
		{
			name: "causal square is the lower triangle", q: eye, k: eye, v: v12,
			mask:        core.Mask{Causal: true},
			wantScores:  [][]float64{{s, 0}, {0, s}},
			wantWeights: [][]float64{{1, 0}, {b, a}},
			wantOutput:  [][]float64{{1, 2}, {b + 3*a, 2*b + 4*a}},
			wantBlocked: []bool{false, false},
		},
		{
			// One query over two cached keys: lower-right alignment lets it
			// see both (j <= 0 + (2 - 1)).
			name: "causal one query over cached keys", q: dense([]float64{0, 1}), k: eye, v: v12,
			mask:        core.Mask{Causal: true},
			wantScores:  [][]float64{{0, s}},
			wantWeights: [][]float64{{b, a}},
			wantOutput:  [][]float64{{b + 3*a, 2*b + 4*a}},
			wantBlocked: []bool{false},
		},
		{
			// T_q = 2, T_k = 3: offset 1. Query 0 sees keys 0, 1; query 1 sees all.
			name: "causal T_q < T_k aligns lower-right", q: eye,
			k:           dense([]float64{1, 0}, []float64{0, 1}, []float64{1, 1}),
			v:           dense([]float64{1, 0}, []float64{0, 1}, []float64{1, 1}),
			mask:        core.Mask{Causal: true},
			wantScores:  [][]float64{{s, 0, s}, {0, s, s}},
			wantWeights: [][]float64{{a, b, 0}, {c, d, d}},
			wantOutput:  [][]float64{{a, b}, {c + d, 2 * d}},
			wantBlocked: []bool{false, false},
		},
		{
			// T_q = 3, T_k = 2: offset -1. Query 0 sees no key at all.
			name: "causal T_q > T_k blocks the first query",
			q:    dense([]float64{1, 0}, []float64{0, 1}, []float64{1, 0}), k: eye, v: v12,
			mask:        core.Mask{Causal: true},
			wantScores:  [][]float64{{s, 0}, {0, s}, {s, 0}},
			wantWeights: [][]float64{{0, 0}, {1, 0}, {a, b}},
			wantOutput:  [][]float64{{0, 0}, {1, 2}, {a + 3*b, 2*a + 4*b}},
			wantBlocked: []bool{true, false, false},
		},
		{
			name: "pad blocks a key column for every query", q: eye, k: eye, v: v12,
			mask:        core.Mask{Pad: []bool{false, true}},
			wantScores:  [][]float64{{s, 0}, {0, s}},
			wantWeights: [][]float64{{1, 0}, {1, 0}},
			wantOutput:  [][]float64{{1, 2}, {1, 2}},
			wantBlocked: []bool{false, false},
		},
		{
			name: "causal and pad leave the first query nothing", q: eye, k: eye, v: v12,
			mask:        core.Mask{Causal: true, Pad: []bool{true, false}},
			wantScores:  [][]float64{{s, 0}, {0, s}},
			wantWeights: [][]float64{{0, 0}, {0, 1}},
			wantOutput:  [][]float64{{0, 0}, {3, 4}},
			wantBlocked: []bool{true, false},
		},
		{
			// Allowed = mask AND causal AND not pad:
			// row 0 {0}, row 1 {1}, row 2 {0} -> one-hot weights.
			name: "mask, causal and pad combine with AND",
			q:    dense([]float64{1, 0}, []float64{0, 1}, []float64{1, 1}),
			k:    dense([]float64{1, 0}, []float64{0, 1}, []float64{1, 1}),
			v:    dense([]float64{1, 0}, []float64{0, 1}, []float64{5, 5}),
			mask: core.Mask{
				Explicit: bools([]int{1, 1, 1}, []int{0, 1, 1}, []int{1, 0, 1}),
				Causal:   true,
				Pad:      []bool{false, false, true},
			},
			wantScores:  [][]float64{{s, 0, s}, {0, s, s}, {s, s, 2 * s}},
			wantWeights: [][]float64{{1, 0, 0}, {0, 1, 0}, {1, 0, 0}},
			wantOutput:  [][]float64{{1, 0}, {0, 1}, {1, 0}},
			wantBlocked: []bool{false, false, false},
		},
		{
			name: "explicit mask blocking a whole row", q: eye, k: eye, v: v12,
			mask:        core.Mask{Explicit: bools([]int{0, 0}, []int{0, 1})},
			wantScores:  [][]float64{{s, 0}, {0, s}},
			wantWeights: [][]float64{{0, 0}, {0, 1}},
			wantOutput:  [][]float64{{0, 0}, {3, 4}},
			wantBlocked: []bool{true, false},
		},
		{
			// Key 1 scores 1e6·1e6·1e3 = 1e15, far above key 0 (1e9) and above
			// any "add -1e9" style mask, yet it is blocked: weight exactly 0,
			// all weight on key 0.
			name: "blocked key with a huge score gets exactly 0",
			q:    dense([]float64{1e6}), k: dense([]float64{1}, []float64{1e6}),
			v: dense([]float64{1}, []float64{2}), scale: 1e3,
			mask:        core.Mask{Explicit: bools([]int{1, 0})},
			wantScores:  [][]float64{{1e9, 1e15}},
			wantWeights: [][]float64{{1, 0}},
			wantOutput:  [][]float64{{1}},
			wantBlocked: []bool{false},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, dk := tc.q.Dims()
			scale := tc.scale
			if scale == 0 {
				scale = core.DefaultScale(dk)
			}
			got, err := core.ScaledDotProductAttention(tc.q, tc.k, tc.v, tc.mask, scale)
			if err != nil {
				t.Fatal(err)
			}
			if got.Scale != scale {
				t.Errorf("Scale = %g, want %g", got.Scale, scale)
			}
			checkMatrix(t, "scores", got.Scores, tc.wantScores, 1e-13)
			checkMatrix(t, "weights", got.Weights, tc.wantWeights, 1e-13)
			checkMatrix(t, "output", got.Output, tc.wantOutput, 1e-13)
			for i, want := range tc.wantBlocked {
				if got.BlockedRows[i] != want {
					t.Errorf("BlockedRows[%d] = %v, want %v", i, got.BlockedRows[i], want)
				}
			}
			// Zero expected weights and outputs must be exactly zero where
			// they come from blocking (not merely small).
			for i := range tc.wantWeights {
				for j, w := range tc.wantWeights[i] {
					if !got.Allowed.At(i, j) && got.Weights.At(i, j) != 0 {
						t.Errorf("blocked weight [%d][%d] = %g, want exactly 0", i, j, got.Weights.At(i, j))
					}
					if w == 0 && got.Allowed.At(i, j) {
						t.Errorf("cell [%d][%d] expected blocked but is allowed", i, j)
					}
				}
				if tc.wantBlocked[i] {
					for j, o := range got.Output.RawRowView(i) {
						if o != 0 {
							t.Errorf("blocked row %d output[%d] = %g, want exactly 0", i, j, o)
						}
					}
				}
			}
		})
	}
}

func TestScaledDotProductAttentionRefuses(t *testing.T) {
	q := dense([]float64{1, 0}, []float64{0, 1})
	big := mat.NewDense(core.MaxTokens+1, 1, nil)
	tests := []struct {
		name    string
		q, k, v mat.Matrix
		mask    core.Mask
		scale   float64
		field   string
	}{
		{"k width differs from q", q, dense([]float64{1, 2, 3}), dense([]float64{1}), core.Mask{}, 1, "k"},
		{"v rows differ from k", q, q, dense([]float64{1}), core.Mask{}, 1, "v"},
		{"mask shape", q, q, q, core.Mask{Explicit: bools([]int{1, 1, 1})}, 1, "mask"},
		{"pad length", q, q, q, core.Mask{Pad: []bool{true}}, 1, "pad"},
		{"NaN in q", dense([]float64{math.NaN(), 0}), q, q, core.Mask{}, 1, "q"},
		{"Inf in k", q, dense([]float64{1, 0}, []float64{math.Inf(-1), 0}), q, core.Mask{}, 1, "k"},
		{"Inf in v", q, q, dense([]float64{1, 0}, []float64{math.Inf(1), 0}), core.Mask{}, 1, "v"},
		{"NaN scale", q, q, q, core.Mask{}, math.NaN(), "scale"},
		{"infinite scale", q, q, q, core.Mask{}, math.Inf(1), "scale"},
		{"negative infinite scale", q, q, q, core.Mask{}, math.Inf(-1), "scale"},
		{"scores overflow with a huge scale", dense([]float64{1e10}), dense([]float64{1e10}), dense([]float64{1}), core.Mask{}, 1e300, "q"},
		{"scores overflow", dense([]float64{1e200}), dense([]float64{1e200}), dense([]float64{1}), core.Mask{}, 1, "q"},
		{"too many query rows", big, dense([]float64{1}), dense([]float64{1}), core.Mask{}, 1, "q"},
		{"too many key rows", dense([]float64{1}), big, big, core.Mask{}, 1, "q"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := core.ScaledDotProductAttention(tc.q, tc.k, tc.v, tc.mask, tc.scale)
			if a != nil {
				t.Errorf("got a trace along with the refusal")
			}
			wantField(t, err, tc.field)
		})
	}
}
