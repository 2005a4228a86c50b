package linalg

import (
	"math"
	"testing"
)

func TestVectorHelpers(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		s      []float64
		max    float64
		finite bool
	}{
		{"empty", nil, math.Inf(-1), true},
		{"one", []float64{-3}, -3, true},
		{"max in the tail", []float64{1, 2, 3, 4, 5, 9}, 9, true},
		{"max in a vector lane", []float64{1, 7, 3, 4, 5, 6, 2, 0, -1}, 7, true},
		{"negative", []float64{-5, -4, -9, -8, -7, -6, -10, -11}, -4, true},
		{"NaN ignored by max, not finite", []float64{nan, 1, 2, 3, 4, 0, 0, 0}, 4, false},
		{"+Inf", []float64{0, 0, 0, 0, 0, inf, 0, 0}, inf, false},
		{"-Inf in the tail", []float64{0, 0, 0, 0, -inf}, 0, false},
		{"long, max in the second half", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 30, 13, 14, 15, 16, 17, 18, 19, 20, 21}, 30, true},
		{"long, NaN in the second vector", []float64{1, 2, 3, 4, 5, nan, 7, 8, 9, 10, 11, 12, 13}, 13, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Max(c.s); got != c.max {
				t.Errorf("Max = %v, want %v", got, c.max)
			}
			if got := AllFinite(c.s); got != c.finite {
				t.Errorf("AllFinite = %v, want %v", got, c.finite)
			}
			if m, ok := MaxFinite(c.s); m != c.max || ok != c.finite {
				t.Errorf("MaxFinite = %v, %v, want %v, %v", m, ok, c.max, c.finite)
			}
			s := append([]float64(nil), c.s...)
			Scale(s, 0.5)
			for i, v := range s {
				w := c.s[i] * 0.5
				if v != w && !(math.IsNaN(v) && math.IsNaN(w)) {
					t.Errorf("Scale: s[%d] = %v, want %v", i, v, w)
				}
			}
		})
	}
}
