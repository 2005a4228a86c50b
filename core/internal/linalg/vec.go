package linalg

import "math"

// Max returns the largest value of s, ignoring NaN; -Inf for an empty s.
func Max(s []float64) float64 {
	m := math.Inf(-1)
	j := 0
	if n4 := len(s) &^ 3; n4 > 0 && hasVectorExp {
		m = max4(s[:n4])
		j = n4
	}
	for _, v := range s[j:] {
		if v > m {
			m = v
		}
	}
	return m
}

// Scale multiplies every value of s by f, in place.
func Scale(s []float64, f float64) {
	j := 0
	if n4 := len(s) &^ 3; n4 > 0 && hasVectorExp {
		scale4(s[:n4], f)
		j = n4
	}
	for i := j; i < len(s); i++ {
		s[i] *= f
	}
}

// AllFinite reports whether no value of s is NaN or ±Inf.
func AllFinite(s []float64) bool {
	// x-x is 0 for a finite x and NaN otherwise; four sums keep it fast.
	var s0, s1, s2, s3 float64
	j := 0
	if n4 := len(s) &^ 3; n4 > 0 && hasVectorExp {
		s0 = finiteSum4(s[:n4])
		j = n4
	}
	for ; j+4 <= len(s); j += 4 {
		s0 += s[j] - s[j]
		s1 += s[j+1] - s[j+1]
		s2 += s[j+2] - s[j+2]
		s3 += s[j+3] - s[j+3]
	}
	for ; j < len(s); j++ {
		s0 += s[j] - s[j]
	}
	return s0+s1+s2+s3 == 0
}

// MaxFinite returns Max(s) and AllFinite(s) in one pass.
func MaxFinite(s []float64) (float64, bool) {
	m, bad := math.Inf(-1), 0.0
	j := 0
	if n4 := len(s) &^ 3; n4 > 0 && hasVectorExp {
		m, bad = maxFinite4(s[:n4])
		j = n4
	}
	for _, v := range s[j:] {
		if v > m {
			m = v
		}
		bad += v - v
	}
	return m, bad == 0
}
