package core

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// MHAWeights are the parameters of one multi-head attention layer, in the
// row-vector convention Y = X·W + b. Each W is d_model x d_model; each bias
// has length d_model (nil means zeros).
type MHAWeights struct {
	Heads          int
	Wq, Wk, Wv, Wo *mat.Dense
	Bq, Bk, Bv, Bo []float64
}

// DModel returns d_model, the side of W_q.
func (w *MHAWeights) DModel() int {
	if w.Wq == nil {
		return 0
	}
	r, _ := w.Wq.Dims()
	return r
}

// HeadWidth returns d_k = d_model / H.
func (w *MHAWeights) HeadWidth() int { return w.DModel() / w.Heads }

// Validate checks that every shape agrees and H divides d_model.
func (w *MHAWeights) Validate() error {
	d := w.DModel()
	if d == 0 {
		return inputErr("w_q", "expected a d_model x d_model matrix with d_model >= 1")
	}
	if d > MaxWidth {
		return inputErr("w_q", "d_model = %d exceeds the limit of %d", d, MaxWidth)
	}
	if w.Heads < 1 || w.Heads > MaxHeads {
		return inputErr("heads", "expected 1..%d heads, got %d", MaxHeads, w.Heads)
	}
	if d%w.Heads != 0 {
		return inputErr("heads", "%d heads do not divide d_model = %d", w.Heads, d)
	}
	for _, m := range []struct {
		name string
		m    *mat.Dense
	}{{"w_q", w.Wq}, {"w_k", w.Wk}, {"w_v", w.Wv}, {"w_o", w.Wo}} {
		if m.m == nil {
			return inputErr(m.name, "missing: expected a %d x %d matrix", d, d)
		}
		if r, c := m.m.Dims(); r != d || c != d {
			return inputErr(m.name, "expected %d x %d (d_model x d_model), got %d x %d", d, d, r, c)
		}
		if err := checkFinite(m.name, m.m); err != nil {
			return err
		}
	}
	for _, b := range []struct {
		name string
		b    []float64
	}{{"b_q", w.Bq}, {"b_k", w.Bk}, {"b_v", w.Bv}, {"b_o", w.Bo}} {
		if b.b != nil && len(b.b) != d {
			return inputErr(b.name, "expected length %d (d_model), got %d", d, len(b.b))
		}
		if b.b != nil {
			if err := checkFinite(b.name, mat.NewVecDense(len(b.b), b.b)); err != nil {
				return err
			}
		}
	}
	return nil
}

// HeadTrace is one head's view of multi-head attention.
type HeadTrace struct {
	Q, K, V    *mat.Dense // T x d_k: this head's column slice of the projections
	*Attention            // scores, allowed, weights, output (T x d_k)
}

// MHATrace keeps every intermediate of multi-head attention.
type MHATrace struct {
	Q, K, V *mat.Dense  // T x d_model: X·W + b, before splitting into heads
	Heads   []HeadTrace // H entries
	Concat  *mat.Dense  // T x d_model: head outputs side by side
	Output  *mat.Dense  // T x d_model: Concat·W_o + b_o
}

// MHAOptions are the less common knobs of multi-head attention.
type MHAOptions struct {
	// Scale multiplies Q·Kᵀ; 0 means the default 1/√d_k.
	Scale float64
	// Rotary applies rotary position embedding (RoPE) to each head's Q and K
	// (row p = position p) before the scores.
	Rotary bool
}

// MultiHeadAttention runs self-attention over x (T x d_model) with the given
// weights and mask, and scale = 1/√d_k.
func MultiHeadAttention(x *mat.Dense, w *MHAWeights, mask Mask) (*MHATrace, error) {
	return MultiHeadAttentionWith(x, w, mask, MHAOptions{})
}

// MultiHeadAttentionWith is MultiHeadAttention with options.
func MultiHeadAttentionWith(x *mat.Dense, w *MHAWeights, mask Mask, opt MHAOptions) (*MHATrace, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	scale := opt.Scale
	if scale == 0 {
		scale = DefaultScale(w.HeadWidth())
	}
	if math.IsNaN(scale) || math.IsInf(scale, 0) || math.Abs(scale) > MaxAbsScale {
		return nil, inputErr("scale", "expected a finite number with |scale| <= %g, got %g", MaxAbsScale, scale)
	}
	t, d := x.Dims()
	switch {
	case t == 0:
		return nil, inputErr("x", "expected at least one row (token)")
	case t > MaxTokens:
		return nil, inputErr("x", "at most %d rows (tokens) are supported, got %d", MaxTokens, t)
	case d != w.DModel():
		return nil, inputErr("x", "expected %d columns (d_model, as w_q), got %d", w.DModel(), d)
	case w.Heads*t*t > MaxCells:
		return nil, inputErr("x", "H·T·T = %d exceeds the limit of %d cells", w.Heads*t*t, MaxCells)
	}
	if err := checkFinite("x", x); err != nil {
		return nil, err
	}
	if err := mask.Validate(t, t); err != nil {
		return nil, err
	}
	tr := &MHATrace{
		Q:      project(x, w.Wq, w.Bq), // T x d_model
		K:      project(x, w.Wk, w.Bk),
		V:      project(x, w.Wv, w.Bv),
		Concat: mat.NewDense(t, d, nil),
		Output: mat.NewDense(t, d, nil),
	}
	for _, p := range []struct {
		name string
		m    *mat.Dense
	}{{"w_q", tr.Q}, {"w_k", tr.K}, {"w_v", tr.V}} {
		if checkFinite(p.name, p.m) != nil {
			return nil, inputErr(p.name, "values too large: X·W + b overflows float64")
		}
	}
	allowed := mask.Allowed(t, t) // shared by all heads
	dk := w.HeadWidth()
	tr.Heads = make([]HeadTrace, w.Heads)
	for h := range tr.Heads {
		lo, hi := h*dk, (h+1)*dk
		head := HeadTrace{
			Q: copyCols(tr.Q, lo, hi), // T x d_k
			K: copyCols(tr.K, lo, hi),
			V: copyCols(tr.V, lo, hi),
			Attention: &Attention{
				Scale:       scale,
				Scores:      mat.NewDense(t, t, nil),
				Allowed:     allowed.Clone(),
				Weights:     mat.NewDense(t, t, nil),
				Output:      mat.NewDense(t, dk, nil),
				BlockedRows: make([]bool, t),
			},
		}
		if opt.Rotary {
			ApplyRotary(head.Q)
			ApplyRotary(head.K)
		}
		if err := head.compute(head.Q, head.K, head.V); err != nil {
			return nil, err
		}
		tr.Heads[h] = head
		// Concat[:, lo:hi] = head output (T x d_k)
		tr.Concat.Slice(0, t, lo, hi).(*mat.Dense).Copy(head.Output)
	}
	tr.Output.Mul(tr.Concat, w.Wo) // (T x d_model)·(d_model x d_model)
	addBias(tr.Output, w.Bo)
	if checkFinite("output", tr.Output) != nil {
		return nil, inputErr("w_o", "values too large: Concat·W_o + b_o overflows float64")
	}
	return tr, nil
}

// project returns x·w + b. x is T x d_in, w is d_in x d_out, b has length d_out or is nil.
func project(x, w *mat.Dense, b []float64) *mat.Dense {
	t, _ := x.Dims()
	_, dout := w.Dims()
	y := mat.NewDense(t, dout, nil)
	y.Mul(x, w) // T x d_out
	addBias(y, b)
	return y
}

// addBias adds b to every row of y.
func addBias(y *mat.Dense, b []float64) {
	if b == nil {
		return
	}
	r, _ := y.Dims()
	for i := 0; i < r; i++ {
		row := y.RawRowView(i)
		for j := range row {
			row[j] += b[j]
		}
	}
}

// copyCols returns a copy of columns lo..hi-1 of m (T x (hi-lo)).
func copyCols(m *mat.Dense, lo, hi int) *mat.Dense {
	r, _ := m.Dims()
	out := mat.NewDense(r, hi-lo, nil)
	out.Copy(m.Slice(0, r, lo, hi))
	return out
}
