package core

import (
	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core/internal/linalg"
)

// mulNN sets dst = a·b, with attnviz's own kernels when both are dense
// (the common case) and gonum otherwise. dst must have the result's shape.
func mulNN(dst *mat.Dense, a, b mat.Matrix) {
	ad, ok1 := a.(*mat.Dense)
	bd, ok2 := b.(*mat.Dense)
	if !ok1 || !ok2 {
		dst.Mul(a, b)
		return
	}
	ar, br, cr := ad.RawMatrix(), bd.RawMatrix(), dst.RawMatrix()
	linalg.MulNN(ar.Rows, br.Cols, ar.Cols, ar.Data, ar.Stride, br.Data, br.Stride, cr.Data, cr.Stride)
}

// mulNT sets dst = alpha·a·bᵀ (a is m x k, b is n x k). scratch holds bᵀ
// when large enough; the buffer used is returned for the next call.
func mulNT(dst *mat.Dense, alpha float64, a, b mat.Matrix, scratch []float64) []float64 {
	ad, ok1 := a.(*mat.Dense)
	bd, ok2 := b.(*mat.Dense)
	if !ok1 || !ok2 {
		dst.Mul(a, b.T())
		dst.Scale(alpha, dst)
		return scratch
	}
	ar, br, cr := ad.RawMatrix(), bd.RawMatrix(), dst.RawMatrix()
	if need := br.Rows * br.Cols; cap(scratch) < need {
		scratch = make([]float64, need)
	}
	linalg.MulNT(ar.Rows, br.Rows, ar.Cols, alpha, ar.Data, ar.Stride, br.Data, br.Stride, cr.Data, cr.Stride, scratch[:cap(scratch)])
	return scratch
}
