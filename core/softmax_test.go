package core_test

import (
	"math"
	"testing"

	"github.com/attnviz/attnviz/core"
)

func TestMaskedSoftmaxRow(t *testing.T) {
	e := math.Exp
	inf := math.Inf(1)
	tests := []struct {
		name    string
		s       []float64
		allowed []bool
		want    []float64
		visible bool
	}{
		{"equal scores share evenly", []float64{0, 0}, []bool{true, true}, []float64{0.5, 0.5}, true},
		{"two scores", []float64{1, 0}, []bool{true, true},
			[]float64{e(1) / (e(1) + 1), 1 / (e(1) + 1)}, true},
		{"three scores", []float64{1, 2, 3}, []bool{true, true, true},
			[]float64{e(1) / (e(1) + e(2) + e(3)), e(2) / (e(1) + e(2) + e(3)), e(3) / (e(1) + e(2) + e(3))}, true},
		{"shift invariant at large scores", []float64{1000, 1001}, []bool{true, true},
			[]float64{1 / (1 + e(1)), e(1) / (1 + e(1))}, true},
		{"very negative scores", []float64{-1000, -1001}, []bool{true, true},
			[]float64{e(1) / (e(1) + 1), 1 / (e(1) + 1)}, true},
		// The blocked middle key has the largest score: it must not take
		// part in the maximum or the sum.
		{"blocked key is left out", []float64{1, 1000, 2}, []bool{true, false, true},
			[]float64{e(1) / (e(1) + e(2)), 0, e(2) / (e(1) + e(2))}, true},
		{"one visible key takes everything", []float64{-5, 7, 3}, []bool{false, false, true},
			[]float64{0, 0, 1}, true},
		{"nothing visible gives zeros", []float64{1, 2}, []bool{false, false}, []float64{0, 0}, false},
		{"empty row", []float64{}, []bool{}, []float64{}, false},
		{"+Inf entries share the weight", []float64{inf, 0, inf}, []bool{true, true, true},
			[]float64{0.5, 0, 0.5}, true},
		{"blocked +Inf is ignored", []float64{inf, 0, 1}, []bool{false, true, true},
			[]float64{0, 1 / (1 + e(1)), e(1) / (1 + e(1))}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := make([]float64, len(tc.s))
			for i := range w {
				w[i] = 42 // garbage that must be overwritten
			}
			visible := core.MaskedSoftmaxRow(tc.s, tc.allowed, w)
			if visible != tc.visible {
				t.Fatalf("visible = %v, want %v", visible, tc.visible)
			}
			for j := range w {
				if !tc.allowed[j] || tc.want[j] == 0 {
					if w[j] != 0 {
						t.Errorf("w[%d] = %g, want exactly 0", j, w[j])
					}
					continue
				}
				if !near(w[j], tc.want[j], 1e-13) {
					t.Errorf("w[%d] = %.17g, want %.17g", j, w[j], tc.want[j])
				}
			}
		})
	}
}
