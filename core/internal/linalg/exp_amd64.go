package linalg

import "math"

var hasVectorExp = hasAVX2FMA

// expConsts are the constants of the vector exp, each repeated 4 times so
// the assembly can use them as 256-bit memory operands:
//
//	0 log2(e)  1 -ln2 high part  2 -ln2 low part  3 expMin  4 1023 (as int64 bits)
//	5.. Taylor coefficients 1/13!, 1/12!, ..., 1/1!, 1/0!
var expConsts = func() (c [5 + 14][4]float64) {
	set := func(i int, v float64) { c[i] = [4]float64{v, v, v, v} }
	set(0, math.Log2E)
	set(1, -6.93147180369123816490e-01)
	set(2, -1.90821492927058770002e-10)
	set(3, expMin)
	set(4, math.Float64frombits(1023))
	f := 1.0 // 0!
	fact := make([]float64, 14)
	for i := range fact {
		if i > 0 {
			f *= float64(i)
		}
		fact[i] = f
	}
	for i := 0; i < 14; i++ { // slot 5 holds 1/13!, slot 18 holds 1/0!
		set(5+i, 1/fact[13-i])
	}
	return c
}()

// expShiftSum4: len(src) is a positive multiple of 4.
func expShiftSum4(dst, src []float64, shift float64) float64 {
	return expShiftSumAVX(&dst[0], &src[0], len(src), shift, &expConsts)
}

//go:noescape
func expShiftSumAVX(dst, src *float64, n int, shift float64, consts *[19][4]float64) float64

// The helpers below take a non-empty s whose length is a multiple of 4.

func max4(s []float64) float64       { return maxAVX(&s[0], len(s), math.Inf(-1)) }
func scale4(s []float64, f float64)  { scaleAVX(&s[0], len(s), f) }
func finiteSum4(s []float64) float64 { return finiteSumAVX(&s[0], len(s)) }

//go:noescape
func maxAVX(s *float64, n int, init float64) float64

//go:noescape
func scaleAVX(s *float64, n int, f float64)

//go:noescape
func finiteSumAVX(s *float64, n int) float64

func maxFinite4(s []float64) (float64, float64) { return maxFiniteAVX(&s[0], len(s), math.Inf(-1)) }

//go:noescape
func maxFiniteAVX(s *float64, n int, init float64) (m, bad float64)
