package core

import (
	"math"

	"github.com/attnviz/attnviz/core/internal/linalg"
)

// MaskedSoftmaxRow writes into w the softmax of the allowed entries of s.
// Blocked entries get exactly 0: they are left out of the maximum and the
// sum, not pushed down by a large negative number. It subtracts the row
// maximum first, so large scores cannot overflow exp. It returns false when no
// entry is allowed; w is then all zeros.
//
// s, allowed and w have the same length (T_k).
func MaskedSoftmaxRow(s []float64, allowed []bool, w []float64) bool {
	return maskedSoftmaxRow(s, allowed, w, allTrue(allowed))
}

// maskedSoftmaxRow is MaskedSoftmaxRow; open tells that every entry is allowed.
func maskedSoftmaxRow(s []float64, allowed []bool, w []float64, open bool) bool {
	if len(s) > 0 && open {
		// Nothing blocked (the common case): three vector passes.
		if maxScore := linalg.Max(s); !math.IsInf(maxScore, 0) {
			sum := linalg.ExpShiftSum(w, s, maxScore) // >= 1: the maximum gives e^0
			linalg.Scale(w, 1/sum)
			return true
		}
	}
	maxScore := math.Inf(-1)
	visible := 0
	for j, ok := range allowed {
		if ok {
			visible++
			if s[j] > maxScore {
				maxScore = s[j]
			}
		}
	}
	if visible == 0 {
		clear(w)
		return false
	}
	if math.IsInf(maxScore, 1) {
		// Scores overflowed to +Inf: the limit of softmax shares the weight
		// among the +Inf entries. Callers refuse non-finite scores first;
		// this keeps the function itself NaN-free.
		n := 0
		for j, ok := range allowed {
			if ok && math.IsInf(s[j], 1) {
				n++
			}
		}
		for j, ok := range allowed {
			w[j] = 0
			if ok && math.IsInf(s[j], 1) {
				w[j] = 1 / float64(n)
			}
		}
		return true
	}
	// Blocked entries become e^-Inf = 0; they never reach the sum.
	for j, ok := range allowed {
		if ok {
			w[j] = s[j] - maxScore
		} else {
			w[j] = math.Inf(-1)
		}
	}
	sum := linalg.ExpShiftSum(w, w, 0) // >= 1: the maximum gives e^0
	linalg.Scale(w, 1/sum)
	return true
}

func allTrue(b []bool) bool {
	for _, v := range b {
		if !v {
			return false
		}
	}
	return true
}
