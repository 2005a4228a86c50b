package core

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core/internal/linalg"
)

// Attention holds every intermediate of one scaled dot-product attention.
type Attention struct {
	Scale   float64     // the factor applied to Q·Kᵀ
	Scores  *mat.Dense  // T_q x T_k: Q·Kᵀ·scale, before masking
	Allowed *BoolMatrix // T_q x T_k: true = visible
	Weights *mat.Dense  // T_q x T_k: masked softmax of Scores; blocked cells 0
	Output  *mat.Dense  // T_q x d_v: Weights·V
	// BlockedRows[i] is true when query i sees no key; its weights and
	// output row are all zero.
	BlockedRows []bool

	kt []float64 // scratch for Kᵀ·scale (d_k x T_k), kept for reuse
}

// DefaultScale is 1/√d_k, the scale of "Attention Is All You Need".
func DefaultScale(dk int) float64 { return 1 / math.Sqrt(float64(dk)) }

// ScaledDotProductAttention computes softmax(Q·Kᵀ·scale, masked)·V and keeps
// every intermediate. q is T_q x d_k, k is T_k x d_k, v is T_k x d_v.
// Pass scale = DefaultScale(d_k) for the usual 1/√d_k.
func ScaledDotProductAttention(q, k, v mat.Matrix, mask Mask, scale float64) (*Attention, error) {
	tq, dk := q.Dims()
	tk, dk2 := k.Dims()
	tv, dv := v.Dims()
	switch {
	case tq == 0 || dk == 0:
		return nil, inputErr("q", "expected at least one row and one column")
	case tk == 0:
		return nil, inputErr("k", "expected at least one row")
	case dk2 != dk:
		return nil, inputErr("k", "expected %d columns (d_k, as q), got %d", dk, dk2)
	case tv != tk:
		return nil, inputErr("v", "expected %d rows (T_k, as k), got %d", tk, tv)
	case dv == 0:
		return nil, inputErr("v", "expected at least one column")
	case tq > MaxTokens || tk > MaxTokens:
		return nil, inputErr("q", "at most %d rows (T_q, T_k) are supported, got %d x %d", MaxTokens, tq, tk)
	case dk > MaxWidth || dv > MaxWidth:
		return nil, inputErr("q", "at most %d columns (d_k, d_v) are supported", MaxWidth)
	case tq*tk > MaxCells:
		return nil, inputErr("q", "T_q·T_k = %d exceeds the limit of %d cells", tq*tk, MaxCells)
	case math.IsNaN(scale) || math.IsInf(scale, 0):
		return nil, inputErr("scale", "expected a finite number, got %g", scale)
	}
	if err := mask.Validate(tq, tk); err != nil {
		return nil, err
	}
	for _, m := range []struct {
		name string
		m    mat.Matrix
	}{{"q", q}, {"k", k}, {"v", v}} {
		if err := checkFinite(m.name, m.m); err != nil {
			return nil, err
		}
	}
	a := &Attention{
		Scale:       scale,
		Scores:      mat.NewDense(tq, tk, nil),
		Allowed:     NewBoolMatrix(tq, tk, true),
		Weights:     mat.NewDense(tq, tk, nil),
		Output:      mat.NewDense(tq, dv, nil),
		BlockedRows: make([]bool, tq),
	}
	mask.AllowedInto(a.Allowed)
	if err := a.compute(q, k, v, allTrue(a.Allowed.Data)); err != nil {
		return nil, err
	}
	return a, nil
}

// compute fills Scores, Weights, Output and BlockedRows from Allowed and
// Scale. open tells that Allowed is all true (no mask), which skips the
// per-cell mask checks.
func (a *Attention) compute(q, k, v mat.Matrix, open bool) error {
	a.kt = mulNT(a.Scores, a.Scale, q, k, a.kt) // (T_q x d_k)·(d_k x T_k)·scale = T_q x T_k
	tq, _ := a.Scores.Dims()
	for i := 0; i < tq; i++ {
		s, w := a.Scores.RawRowView(i), a.Weights.RawRowView(i)
		maxScore, finite := linalg.MaxFinite(s)
		if !finite {
			return inputErr("q", "values too large: Q·Kᵀ·scale overflows float64")
		}
		if open {
			sum := linalg.ExpShiftSum(w, s, maxScore) // >= 1: the maximum gives e^0
			linalg.Scale(w, 1/sum)
			a.BlockedRows[i] = false
			continue
		}
		a.BlockedRows[i] = !maskedSoftmaxRow(s, a.Allowed.Row(i), w, false)
	}
	mulNN(a.Output, a.Weights, v) // (T_q x T_k)·(T_k x d_v) = T_q x d_v
	if err := checkFinite("output", a.Output); err != nil {
		return inputErr("v", "values too large: weights·V overflows float64")
	}
	return nil
}

// checkFinite returns an error naming field if m holds NaN or ±Inf.
func checkFinite(field string, m mat.Matrix) error {
	if d, ok := m.(*mat.Dense); ok {
		raw := d.RawMatrix()
		for i := 0; i < raw.Rows; i++ {
			row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
			if linalg.AllFinite(row) {
				continue
			}
			for j, x := range row {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return inputErr(field, "expected finite numbers, found %v at row %d column %d", x, i, j)
				}
			}
		}
		return nil
	}
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			x := m.At(i, j)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return inputErr(field, "expected finite numbers, found %v at row %d column %d", x, i, j)
			}
		}
	}
	return nil
}
