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
		e := expNonPositive(src[j] - shift)
		dst[j] = e
		sum += e
	}
	return sum
}

// expNonPositive is e^x for x <= 0 (x < expMin gives 0) in portable Go, the
// same algorithm as the vector kernel: k = round(x·log2 e), r = x - k·ln2 in
// two parts (|r| <= ln2/2), e^r by its Taylor series to r^13 (Horner), times
// 2^k. Within a few units in the last place of math.Exp, and about twice as
// fast as math.Exp under GOARCH=wasm, which has no assembly for it.
func expNonPositive(x float64) float64 {
	if !(x >= expMin) { // below expMin and -Inf give 0, NaN stays NaN
		if x != x {
			return x
		}
		return 0
	}
	const (
		ln2hi = 6.93147180369123816490e-01 // trailing zero bits: k·ln2hi is exact
		ln2lo = 1.90821492927058770002e-10
	)
	k := math.Floor(x*math.Log2E + 0.5)
	r := (x - k*ln2hi) - k*ln2lo
	p := 1.0 / 6227020800 // 1/13!
	p = p*r + 1.0/479001600
	p = p*r + 1.0/39916800
	p = p*r + 1.0/3628800
	p = p*r + 1.0/362880
	p = p*r + 1.0/40320
	p = p*r + 1.0/5040
	p = p*r + 1.0/720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}

// expMin is the smallest exponent ExpShiftSum does not flush to 0.
const expMin = -708.0
