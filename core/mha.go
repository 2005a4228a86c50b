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
	return MultiHeadAttentionInto(nil, x, w, mask, opt)
}

// MultiHeadAttentionInto is MultiHeadAttentionWith that reuses the storage
// of reuse's matrices (an earlier trace nobody reads any more) instead of
// allocating new ones, where it is large enough. reuse may be nil. The
// returned trace is a new value that shares storage with reuse, so reuse
// must not be read afterwards.
func MultiHeadAttentionInto(reuse *MHATrace, x *mat.Dense, w *MHAWeights, mask Mask, opt MHAOptions) (*MHATrace, error) {
	if reuse == nil {
		reuse = &MHATrace{}
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	scale := opt.Scale
	if scale == 0 {
		scale = DefaultScale(w.HeadWidth())
	}
	if math.IsNaN(scale) || math.IsInf(scale, 0) {
		return nil, inputErr("scale", "expected a finite number, got %g", scale)
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
		Q:      project(Reuse(reuse.Q, t, d), x, w.Wq, w.Bq), // T x d_model
		K:      project(Reuse(reuse.K, t, d), x, w.Wk, w.Bk),
		V:      project(Reuse(reuse.V, t, d), x, w.Wv, w.Bv),
		Concat: Reuse(reuse.Concat, t, d),
		Output: Reuse(reuse.Output, t, d),
	}
	for _, p := range []struct {
		name string
		m    *mat.Dense
	}{{"w_q", tr.Q}, {"w_k", tr.K}, {"w_v", tr.V}} {
		if checkFinite(p.name, p.m) != nil {
			return nil, inputErr(p.name, "values too large: X·W + b overflows float64")
		}
	}
	var allowed *BoolMatrix // T x T, the same for all heads
	if len(reuse.Heads) > 0 && reuse.Heads[0].Attention != nil {
		allowed = reuseBools(reuse.Heads[0].Allowed, t, t)
	} else {
		allowed = NewBoolMatrix(t, t, false)
	}
	mask.AllowedInto(allowed)
	open := mask.IsEmpty() // nothing blocked
	dk := w.HeadWidth()
	tr.Heads = make([]HeadTrace, w.Heads)
	for h := range tr.Heads {
		lo, hi := h*dk, (h+1)*dk
		old := HeadTrace{Attention: &Attention{}}
		if h < len(reuse.Heads) && reuse.Heads[h].Attention != nil {
			old = reuse.Heads[h]
		}
		headAllowed := allowed
		if h > 0 {
			headAllowed = reuseBools(old.Allowed, t, t)
			copy(headAllowed.Data, allowed.Data)
		}
		blocked := old.BlockedRows
		if cap(blocked) < t {
			blocked = make([]bool, t)
		}
		head := HeadTrace{
			Q: copyCols(Reuse(old.Q, t, dk), tr.Q, lo, hi), // T x d_k
			K: copyCols(Reuse(old.K, t, dk), tr.K, lo, hi),
			V: copyCols(Reuse(old.V, t, dk), tr.V, lo, hi),
			Attention: &Attention{
				Scale:       scale,
				Scores:      Reuse(old.Scores, t, t),
				Allowed:     headAllowed,
				Weights:     Reuse(old.Weights, t, t),
				Output:      Reuse(old.Output, t, dk),
				BlockedRows: blocked[:t],
				kt:          old.kt,
			},
		}
		if opt.Rotary {
			ApplyRotary(head.Q)
			ApplyRotary(head.K)
		}
		if err := head.compute(head.Q, head.K, head.V, open); err != nil {
			return nil, err
		}
		tr.Heads[h] = head
		// Concat[:, lo:hi] = head output (T x d_k)
		tr.Concat.Slice(0, t, lo, hi).(*mat.Dense).Copy(head.Output)
	}
	mulNN(tr.Output, tr.Concat, w.Wo) // (T x d_model)·(d_model x d_model)
	addBias(tr.Output, w.Bo)
	if checkFinite("output", tr.Output) != nil {
		return nil, inputErr("w_o", "values too large: Concat·W_o + b_o overflows float64")
	}
	return tr, nil
}

// project sets y = x·w + b and returns y. x is T x d_in, w is d_in x d_out,
// y is T x d_out, b has length d_out or is nil.
func project(y, x, w *mat.Dense, b []float64) *mat.Dense {
	mulNN(y, x, w) // T x d_out
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

// copyCols sets dst (T x (hi-lo)) to columns lo..hi-1 of m and returns dst.
func copyCols(dst, m *mat.Dense, lo, hi int) *mat.Dense {
	r, _ := m.Dims()
	for i := 0; i < r; i++ {
		copy(dst.RawRowView(i), m.RawRowView(i)[lo:hi])
	}
	return dst
}

// Reuse returns an r x c matrix backed by old's storage when it is large
// enough, else a new one. Its contents are unspecified: the caller
// overwrites every cell. old may be nil; it must not be read afterwards.
func Reuse(old *mat.Dense, r, c int) *mat.Dense {
	if old != nil {
		if data := old.RawMatrix().Data; cap(data) >= r*c {
			return mat.NewDense(r, c, data[:r*c])
		}
	}
	return mat.NewDense(r, c, nil)
}

// reuseBools is Reuse for boolean matrices.
func reuseBools(old *BoolMatrix, r, c int) *BoolMatrix {
	if old != nil && cap(old.Data) >= r*c {
		return &BoolMatrix{Rows: r, Cols: c, Data: old.Data[:r*c]}
	}
	return NewBoolMatrix(r, c, false)
}
