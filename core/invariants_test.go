package core_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

func randDense(rng *rand.Rand, r, c int, amp float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, amp*(2*rng.Float64()-1))
		}
	}
	return m
}

// randMask returns a random combination of explicit mask, causal and pad.
func randMask(rng *rand.Rand, tq, tk int) core.Mask {
	var m core.Mask
	if rng.IntN(2) == 0 {
		m.Explicit = core.NewBoolMatrix(tq, tk, false)
		for i := range m.Explicit.Data {
			m.Explicit.Data[i] = rng.IntN(4) != 0
		}
	}
	m.Causal = rng.IntN(2) == 0
	if rng.IntN(2) == 0 {
		m.Pad = make([]bool, tk)
		for j := range m.Pad {
			m.Pad[j] = rng.IntN(4) == 0
		}
	}
	return m
}

// visible is the README's rule, written out independently of core.Mask:
// mask[i][j] == 1 AND (not causal or j <= i + T_k - T_q) AND not pad[j].
func visible(m core.Mask, tq, tk, i, j int) bool {
	if m.Explicit != nil && !m.Explicit.Data[i*tk+j] {
		return false
	}
	if m.Causal && j > i+(tk-tq) {
		return false
	}
	return m.Pad == nil || !m.Pad[j]
}

// checkAttention checks every invariant of one attention result against
// q, k, v and the mask, recomputing scores and outputs with plain loops.
func checkAttention(t *testing.T, q, k, v mat.Matrix, mask core.Mask, scale float64, a *core.Attention) {
	t.Helper()
	tq, dk := q.Dims()
	tk, dv := v.Dims()
	if a.Scale != scale {
		t.Errorf("Scale = %v, want %v", a.Scale, scale)
	}
	for i := 0; i < tq; i++ {
		sum, seen := 0.0, false
		for j := 0; j < tk; j++ {
			dot := 0.0
			for c := 0; c < dk; c++ {
				dot += q.At(i, c) * k.At(j, c)
			}
			if s := a.Scores.At(i, j); !near(s, dot*scale, 1e-12) {
				t.Errorf("score[%d][%d] = %v, want Q·Kᵀ·scale = %v", i, j, s, dot*scale)
			}
			w := a.Weights.At(i, j)
			vis := visible(mask, tq, tk, i, j)
			if a.Allowed.At(i, j) != vis {
				t.Errorf("allowed[%d][%d] = %v, want %v", i, j, a.Allowed.At(i, j), vis)
			}
			switch {
			case !vis && w != 0:
				t.Errorf("blocked weight[%d][%d] = %v, want exactly 0", i, j, w)
			case w < 0 || math.IsNaN(w):
				t.Errorf("weight[%d][%d] = %v, want >= 0", i, j, w)
			}
			seen = seen || vis
			sum += w
		}
		if a.BlockedRows[i] == seen {
			t.Errorf("BlockedRows[%d] = %v but the row has visible keys = %v", i, a.BlockedRows[i], seen)
		}
		if seen && math.Abs(sum-1) > 1e-12 {
			t.Errorf("row %d sums to %.17g, want 1", i, sum)
		}
		if !seen && sum != 0 {
			t.Errorf("fully blocked row %d sums to %v, want 0", i, sum)
		}
		for c := 0; c < dv; c++ {
			want := 0.0
			scaleV := 0.0
			for j := 0; j < tk; j++ {
				want += a.Weights.At(i, j) * v.At(j, c)
				scaleV = math.Max(scaleV, math.Abs(v.At(j, c)))
			}
			got := a.Output.At(i, c)
			if !seen && got != 0 {
				t.Errorf("fully blocked row %d output[%d] = %v, want exactly 0", i, c, got)
			}
			if math.Abs(got-want) > 1e-12*math.Max(1, scaleV) {
				t.Errorf("output[%d][%d] = %v, want weights·V = %v", i, c, got, want)
			}
		}
	}
}

func TestAttentionInvariantsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	for n := 0; n < 400; n++ {
		tq, tk := 1+rng.IntN(9), 1+rng.IntN(9)
		dk, dv := 1+rng.IntN(8), 1+rng.IntN(8)
		amp := math.Pow(10, float64(rng.IntN(5))) // 1 .. 1e4
		q, k, v := randDense(rng, tq, dk, amp), randDense(rng, tk, dk, amp), randDense(rng, tk, dv, amp)
		mask := randMask(rng, tq, tk)
		scale := core.DefaultScale(dk)
		if scale != 1/math.Sqrt(float64(dk)) {
			t.Fatalf("DefaultScale(%d) = %v, want 1/√%d", dk, scale, dk)
		}
		a, err := core.ScaledDotProductAttention(q, k, v, mask, scale)
		if err != nil {
			t.Fatalf("case %d: %v", n, err)
		}
		checkAttention(t, q, k, v, mask, scale, a)
		if t.Failed() {
			t.Fatalf("case %d: T_q=%d T_k=%d d_k=%d d_v=%d amp=%g causal=%v", n, tq, tk, dk, dv, amp, mask.Causal)
		}
	}
}

func randWeights(rng *rand.Rand, d, heads int) *core.MHAWeights {
	vec := func() []float64 { return randDense(rng, 1, d, 0.5).RawRowView(0) }
	return &core.MHAWeights{
		Heads: heads,
		Wq:    randDense(rng, d, d, 1), Wk: randDense(rng, d, d, 1),
		Wv: randDense(rng, d, d, 1), Wo: randDense(rng, d, d, 1),
		Bq: vec(), Bk: vec(), Bv: vec(), Bo: vec(),
	}
}

// Every head of multi-head attention is scaled dot-product attention on its
// own column slice, with scale 1/√d_k where d_k = d_model/H.
func TestMultiHeadScaleIsPerHead(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const d, T = 12, 5
	x := randDense(rng, T, d, 1)
	for _, heads := range []int{1, 2, 3, 4, 6, 12} {
		w := randWeights(rng, d, heads)
		mask := randMask(rng, T, T)
		tr, err := core.MultiHeadAttention(x, w, mask)
		if err != nil {
			t.Fatal(err)
		}
		dk := d / heads
		for h, head := range tr.Heads {
			want := 1 / math.Sqrt(float64(dk))
			if !near(head.Scale, want, 1e-15) {
				t.Errorf("H=%d head %d: scale %v, want 1/√%d = %v (not 1/√d_model = %v)", heads, h, head.Scale, dk, want, 1/math.Sqrt(d))
			}
			if !mat.Equal(head.Q, tr.Q.Slice(0, T, h*dk, (h+1)*dk)) ||
				!mat.Equal(head.K, tr.K.Slice(0, T, h*dk, (h+1)*dk)) ||
				!mat.Equal(head.V, tr.V.Slice(0, T, h*dk, (h+1)*dk)) {
				t.Errorf("H=%d head %d: Q/K/V are not columns %d..%d", heads, h, h*dk, (h+1)*dk-1)
			}
			if !mat.Equal(head.Output, tr.Concat.Slice(0, T, h*dk, (h+1)*dk)) {
				t.Errorf("H=%d head %d: output is not in concat columns %d..%d", heads, h, h*dk, (h+1)*dk-1)
			}
			checkAttention(t, head.Q, head.K, head.V, mask, want, head.Attention)
		}
		// Output = Concat·W_o + b_o.
		var out mat.Dense
		out.Mul(tr.Concat, w.Wo)
		for i := 0; i < T; i++ {
			for j := 0; j < d; j++ {
				if !near(tr.Output.At(i, j), out.At(i, j)+w.Bo[j], 1e-12) {
					t.Errorf("H=%d output[%d][%d] = %v, want %v", heads, i, j, tr.Output.At(i, j), out.At(i, j)+w.Bo[j])
				}
			}
		}
	}
}

// permuteRows returns P·m: row i of the result is row perm[i] of m.
func permuteRows(m *mat.Dense, perm []int) *mat.Dense {
	r, c := m.Dims()
	out := mat.NewDense(r, c, nil)
	for i, p := range perm {
		out.SetRow(i, m.RawRowView(p))
	}
	return out
}

// Without positional encoding and mask, self-attention is permutation
// equivariant: permuting the tokens (rows of X) permutes the output rows and
// the weights' rows and columns the same way.
func TestMultiHeadPermutationEquivariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 60; n++ {
		heads := 1 + rng.IntN(4)
		d := heads * (1 + rng.IntN(4))
		T := 2 + rng.IntN(7)
		x := randDense(rng, T, d, 2)
		w := randWeights(rng, d, heads)
		perm := rng.Perm(T)
		tr, err := core.MultiHeadAttention(x, w, core.Mask{})
		if err != nil {
			t.Fatal(err)
		}
		ptr, err := core.MultiHeadAttention(permuteRows(x, perm), w, core.Mask{})
		if err != nil {
			t.Fatal(err)
		}
		if !mat.EqualApprox(ptr.Output, permuteRows(tr.Output, perm), 1e-12) {
			t.Fatalf("case %d (T=%d d=%d H=%d perm=%v): output rows are not permuted like the input", n, T, d, heads, perm)
		}
		for h := range tr.Heads {
			for i := 0; i < T; i++ {
				for j := 0; j < T; j++ {
					if !near(ptr.Heads[h].Weights.At(i, j), tr.Heads[h].Weights.At(perm[i], perm[j]), 1e-12) {
						t.Fatalf("case %d head %d: weight[%d][%d] is not weight[%d][%d]", n, h, i, j, perm[i], perm[j])
					}
				}
			}
		}
	}
}

// The same check must notice order once a causal mask is on (guards against
// a permutation test that cannot fail).
func TestCausalMaskBreaksPermutationEquivariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := randDense(rng, 4, 4, 2)
	w := randWeights(rng, 4, 2)
	perm := []int{3, 2, 1, 0}
	tr, err := core.MultiHeadAttention(x, w, core.Mask{Causal: true})
	if err != nil {
		t.Fatal(err)
	}
	ptr, err := core.MultiHeadAttention(permuteRows(x, perm), w, core.Mask{Causal: true})
	if err != nil {
		t.Fatal(err)
	}
	if mat.EqualApprox(ptr.Output, permuteRows(tr.Output, perm), 1e-12) {
		t.Fatal("reversing the tokens under a causal mask only permuted the output: the mask had no effect")
	}
}
