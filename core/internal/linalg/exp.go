package linalg

import "math"

// ExpShiftSum sets dst[j] = e^(src[j]-shift) for every j and returns the sum
// of dst. Meant for softmax rows, where shift is the row maximum, so every
// exponent is <= 0. Exponents below -708 give exactly 0 (as far as
// softmax weights are concerned, e^-708 ≈ 3e-308 is 0). The result is within
// a few units in the last place of math.Exp.
func ExpShiftSum(dst, src []float64, shift float64) float64 {
	n := len(src)
	dst = dst[:n]
	sum := 0.0
	j := 0
	if n4 := n &^ 3; n4 > 0 && hasVectorExp {
		sum = expShiftSum4(dst[:n4], src[:n4], shift)
		j = n4
	}
	for ; j < n; j++ {
		e := 0.0
		if x := src[j] - shift; x >= expMin {
			e = math.Exp(x)
		}
		dst[j] = e
		sum += e
	}
	return sum
}

// expMin is the smallest exponent ExpShiftSum does not flush to 0.
const expMin = -708.0
