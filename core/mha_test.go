package core_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

func eyeN(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

// d_model = 4, H = 2, every W the identity: head 0 sees columns 0-1 of X,
// head 1 columns 2-3. With d_k = 2 the scale is 1/√2 (not 1/√d_model = 1/2).
//
//	X = [[1,0,0,0],[0,0,1,0]]
//	head 0: Q=K=V=[[1,0],[0,0]], scores [[s,0],[0,0]], weights [[a,b],[.5,.5]],
//	        output [[a,0],[.5,0]]
//	head 1: Q=K=V=[[0,0],[1,0]], scores [[0,0],[0,s]], weights [[.5,.5],[b,a]],
//	        output [[.5,0],[a,0]]
//	concat = [[a,0,.5,0],[.5,0,a,0]], output = concat + b_o
func TestMultiHeadAttentionHeadSlicing(t *testing.T) {
	s := 1 / math.Sqrt2
	a := math.Exp(s) / (math.Exp(s) + 1)
	b := 1 / (math.Exp(s) + 1)
	x := dense([]float64{1, 0, 0, 0}, []float64{0, 0, 1, 0})
	w := &core.MHAWeights{Heads: 2, Wq: eyeN(4), Wk: eyeN(4), Wv: eyeN(4), Wo: eyeN(4), Bo: []float64{1, 2, 3, 4}}
	tr, err := core.MultiHeadAttention(x, w, core.Mask{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Heads) != 2 {
		t.Fatalf("%d heads, want 2", len(tr.Heads))
	}
	want := []struct {
		qkv, scores, weights, output [][]float64
	}{
		{[][]float64{{1, 0}, {0, 0}}, [][]float64{{s, 0}, {0, 0}}, [][]float64{{a, b}, {.5, .5}}, [][]float64{{a, 0}, {.5, 0}}},
		{[][]float64{{0, 0}, {1, 0}}, [][]float64{{0, 0}, {0, s}}, [][]float64{{.5, .5}, {b, a}}, [][]float64{{.5, 0}, {a, 0}}},
	}
	for h, wh := range want {
		head := tr.Heads[h]
		if !near(head.Scale, s, 1e-13) {
			t.Errorf("head %d scale = %v, want 1/√d_k = %v", h, head.Scale, s)
		}
		checkMatrix(t, "Q", head.Q, wh.qkv, 0)
		checkMatrix(t, "K", head.K, wh.qkv, 0)
		checkMatrix(t, "V", head.V, wh.qkv, 0)
		checkMatrix(t, "scores", head.Scores, wh.scores, 1e-13)
		checkMatrix(t, "weights", head.Weights, wh.weights, 1e-13)
		checkMatrix(t, "output", head.Output, wh.output, 1e-13)
	}
	checkMatrix(t, "Q (all heads)", tr.Q, [][]float64{{1, 0, 0, 0}, {0, 0, 1, 0}}, 0)
	checkMatrix(t, "concat", tr.Concat, [][]float64{{a, 0, .5, 0}, {.5, 0, a, 0}}, 1e-13)
	checkMatrix(t, "output", tr.Output, [][]float64{{a + 1, 2, 3.5, 4}, {1.5, 2, a + 3, 4}}, 1e-13)
}

// Row-vector convention Y = X·W + b, worked by hand with d_model = 2, H = 1:
//
//	X = [[1,2]], W_q = W_k = 0, b_q = [1,0], b_k = [0,1] -> Q = [[1,0]], K = [[0,1]]
//	V = X·W_v + b_v = [1·1+2·3, 1·2+2·4] + [10,20] = [17,30]
//	one key -> weight 1, concat = [17,30]
//	output = concat·W_o + b_o = [30,17] + [1,1] = [31,18]
//
// (The column convention W·x would give V = [5,11] + b_v instead.)
func TestMultiHeadAttentionRowVectorConvention(t *testing.T) {
	w := &core.MHAWeights{
		Heads: 1,
		Wq:    mat.NewDense(2, 2, nil), Wk: mat.NewDense(2, 2, nil),
		Wv: dense([]float64{1, 2}, []float64{3, 4}),
		Wo: dense([]float64{0, 1}, []float64{1, 0}),
		Bq: []float64{1, 0}, Bk: []float64{0, 1}, Bv: []float64{10, 20}, Bo: []float64{1, 1},
	}
	tr, err := core.MultiHeadAttention(dense([]float64{1, 2}), w, core.Mask{})
	if err != nil {
		t.Fatal(err)
	}
	checkMatrix(t, "Q", tr.Q, [][]float64{{1, 0}}, 0)
	checkMatrix(t, "K", tr.K, [][]float64{{0, 1}}, 0)
	checkMatrix(t, "V", tr.V, [][]float64{{17, 30}}, 0)
	checkMatrix(t, "weights", tr.Heads[0].Weights, [][]float64{{1}}, 0)
	checkMatrix(t, "concat", tr.Concat, [][]float64{{17, 30}}, 0)
	checkMatrix(t, "output", tr.Output, [][]float64{{31, 18}}, 0)
}

// A query row that sees no key has zero weights and zero attention output in
// every head, so its final output row is exactly b_o.
func TestMultiHeadAttentionFullyBlockedRowIsBias(t *testing.T) {
	bo := []float64{7, -8, 0.25, 3}
	w := &core.MHAWeights{Heads: 2, Wq: eyeN(4), Wk: eyeN(4), Wv: eyeN(4), Wo: eyeN(4),
		Bq: []float64{1, 1, 1, 1}, Bv: []float64{5, 5, 5, 5}, Bo: bo}
	x := dense([]float64{1, 2, 3, 4}, []float64{3, 4, 5, 6})
	tr, err := core.MultiHeadAttention(x, w, core.Mask{Explicit: bools([]int{0, 0}, []int{1, 1})})
	if err != nil {
		t.Fatal(err)
	}
	for h, head := range tr.Heads {
		if !head.BlockedRows[0] || head.BlockedRows[1] {
			t.Errorf("head %d BlockedRows = %v, want [true false]", h, head.BlockedRows)
		}
		for j := 0; j < 2; j++ {
			if head.Weights.At(0, j) != 0 || head.Output.At(0, j) != 0 {
				t.Errorf("head %d blocked row not zero: weights %v output %v", h, head.Weights.RawRowView(0), head.Output.RawRowView(0))
			}
		}
	}
	for j, want := range bo {
		if got := tr.Output.At(0, j); got != want {
			t.Errorf("output[0][%d] = %v, want b_o = %v exactly", j, got, want)
		}
		if tr.Concat.At(0, j) != 0 {
			t.Errorf("concat[0][%d] = %v, want 0", j, tr.Concat.At(0, j))
		}
	}
	// Row 1 sees both keys and is not just the bias: V rows differ.
	if tr.Output.At(1, 0) == bo[0] {
		t.Errorf("row 1 output equals the bias; attention did nothing")
	}
}

// With RoPE each head's Q and K are the head's column slice, rotated.
func TestMultiHeadAttentionRotary(t *testing.T) {
	x := dense([]float64{1, 2, 3, 4}, []float64{-1, 0.5, 2, 1}, []float64{0, 1, 0, 1})
	w := &core.MHAWeights{Heads: 2, Wq: eyeN(4), Wk: eyeN(4), Wv: eyeN(4), Wo: eyeN(4)}
	tr, err := core.MultiHeadAttentionWith(x, w, core.Mask{}, core.MHAOptions{Rotary: true})
	if err != nil {
		t.Fatal(err)
	}
	for h, head := range tr.Heads {
		want := mat.DenseCopyOf(x.Slice(0, 3, 2*h, 2*h+2)) // T x d_k
		core.ApplyRotary(want)
		if !mat.Equal(head.Q, want) || !mat.Equal(head.K, want) {
			t.Errorf("head %d: Q/K are not the rotated slices", h)
		}
		if !mat.Equal(head.V, x.Slice(0, 3, 2*h, 2*h+2)) {
			t.Errorf("head %d: V must not be rotated", h)
		}
	}
}

func TestMultiHeadAttentionRefuses(t *testing.T) {
	ok := func() *core.MHAWeights {
		return &core.MHAWeights{Heads: 2, Wq: eyeN(4), Wk: eyeN(4), Wv: eyeN(4), Wo: eyeN(4)}
	}
	x := dense([]float64{1, 2, 3, 4}, []float64{3, 4, 5, 6})
	nanW := eyeN(4)
	nanW.Set(1, 2, math.NaN())
	tests := []struct {
		name  string
		edit  func(w *core.MHAWeights)
		x     *mat.Dense
		mask  core.Mask
		opt   core.MHAOptions
		field string
	}{
		{"H does not divide d_model", func(w *core.MHAWeights) { w.Heads = 3 }, x, core.Mask{}, core.MHAOptions{}, "heads"},
		{"zero heads", func(w *core.MHAWeights) { w.Heads = 0 }, x, core.Mask{}, core.MHAOptions{}, "heads"},
		{"too many heads", func(w *core.MHAWeights) { w.Heads = core.MaxHeads + 1 }, x, core.Mask{}, core.MHAOptions{}, "heads"},
		{"missing W_q", func(w *core.MHAWeights) { w.Wq = nil }, x, core.Mask{}, core.MHAOptions{}, "w_q"},
		{"W_k wrong size", func(w *core.MHAWeights) { w.Wk = eyeN(3) }, x, core.Mask{}, core.MHAOptions{}, "w_k"},
		{"W_v not square", func(w *core.MHAWeights) { w.Wv = mat.NewDense(4, 2, nil) }, x, core.Mask{}, core.MHAOptions{}, "w_v"},
		{"missing W_o", func(w *core.MHAWeights) { w.Wo = nil }, x, core.Mask{}, core.MHAOptions{}, "w_o"},
		{"NaN in W_q", func(w *core.MHAWeights) { w.Wq = nanW }, x, core.Mask{}, core.MHAOptions{}, "w_q"},
		{"b_v wrong length", func(w *core.MHAWeights) { w.Bv = []float64{1, 2, 3} }, x, core.Mask{}, core.MHAOptions{}, "b_v"},
		{"b_o not finite", func(w *core.MHAWeights) { w.Bo = []float64{0, math.Inf(1), 0, 0} }, x, core.Mask{}, core.MHAOptions{}, "b_o"},
		{"x wrong width", func(w *core.MHAWeights) {}, dense([]float64{1, 2, 3}), core.Mask{}, core.MHAOptions{}, "x"},
		{"x not finite", func(w *core.MHAWeights) {}, dense([]float64{1, 2, math.NaN(), 4}), core.Mask{}, core.MHAOptions{}, "x"},
		{"x too many rows", func(w *core.MHAWeights) {}, mat.NewDense(core.MaxTokens+1, 4, nil), core.Mask{}, core.MHAOptions{}, "x"},
		{"mask shape", func(w *core.MHAWeights) {}, x, core.Mask{Explicit: bools([]int{1, 1})}, core.MHAOptions{}, "mask"},
		{"pad length", func(w *core.MHAWeights) {}, x, core.Mask{Pad: []bool{true, false, false}}, core.MHAOptions{}, "pad"},
		{"scale NaN", func(w *core.MHAWeights) {}, x, core.Mask{}, core.MHAOptions{Scale: math.NaN()}, "scale"},
		{"projection overflows", func(w *core.MHAWeights) { w.Bq = []float64{1e308, 0, 0, 0} },
			dense([]float64{1e308, 0, 0, 0}), core.Mask{}, core.MHAOptions{}, "w_q"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := ok()
			tc.edit(w)
			tr, err := core.MultiHeadAttentionWith(tc.x, w, tc.mask, tc.opt)
			if tr != nil {
				t.Errorf("got a trace along with the refusal")
			}
			wantField(t, err, tc.field)
		})
	}
}

// H may be as large as d_model (d_k = 1), beyond what the visualizer shows:
// each head then attends with one number per token, and the concatenation
// still rebuilds Q·W's columns head by head.
func TestMultiHeadAttentionOneColumnPerHead(t *testing.T) {
	for _, d := range []int{65, 128, 256} {
		w := &core.MHAWeights{Heads: d, Wq: eyeN(d), Wk: eyeN(d), Wv: eyeN(d), Wo: eyeN(d)}
		x := mat.NewDense(3, d, nil)
		for i := 0; i < 3; i++ {
			for j := 0; j < d; j++ {
				x.Set(i, j, float64((i+1)*(j%7)-5))
			}
		}
		tr, err := core.MultiHeadAttention(x, w, core.Mask{})
		if err != nil {
			t.Fatalf("d_model = H = %d: %v", d, err)
		}
		if len(tr.Heads) != d {
			t.Fatalf("d_model = H = %d: %d heads in the trace", d, len(tr.Heads))
		}
		for h, head := range tr.Heads {
			if r, c := head.Output.Dims(); r != 3 || c != 1 {
				t.Fatalf("head %d output is %dx%d, want 3x1", h, r, c)
			}
			for i := 0; i < 3; i++ {
				if got, want := tr.Concat.At(i, h), head.Output.At(i, 0); got != want {
					t.Fatalf("concat[%d][%d] = %g, head %d output = %g", i, h, got, h, want)
				}
			}
		}
	}
}
