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

// expNonPositive is e^x for x <= 0 (x < expMin gives 0, NaN stays NaN) in
// portable Go: x = (k/64)·ln2 + r with |r| <= ln2/128 (ln2 in two parts),
// e^x = 2^(k/64 rounded down) · 2^((k mod 64)/64) (a table) · e^r, and e^r by
// its Taylor series to r^6 (error below 1e-19). Within a few units in the
// last place of math.Exp, and about three times as fast as math.Exp under
// GOARCH=wasm, which has no assembly for it.
func expNonPositive(x float64) float64 {
	if !(x >= expMin) {
		if x != x {
			return x
		}
		return 0
	}
	const (
		ln2hi64 = 6.93147180369123816490e-01 / 64 // trailing zero bits: k·ln2hi64 is exact
		ln2lo64 = 1.90821492927058770002e-10 / 64
	)
	kf := math.Floor(x*(64*math.Log2E) + 0.5)
	r := (x - kf*ln2hi64) - kf*ln2lo64
	k := int64(kf)
	p := 1.0 / 720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * exp2Frac[k&63] * math.Float64frombits(uint64((k>>6)+1023)<<52)
}

// exp2Frac[i] = 2^(i/64).
var exp2Frac = func() (t [64]float64) {
	for i := range t {
		t[i] = math.Exp2(float64(i) / 64)
	}
	return t
}()

// expMin is the smallest exponent ExpShiftSum does not flush to 0.
const expMin = -708.0
