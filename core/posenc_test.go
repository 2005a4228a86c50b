package core_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

func TestSinusoidal(t *testing.T) {
	sin, cos, pow := math.Sin, math.Cos, math.Pow
	tests := []struct {
		name string
		t, d int
		row  func(p float64) []float64 // PE[p] worked out from the formula
	}{
		// 10000^(2/4) = 100
		{"even d interleaves sin, cos", 4, 4, func(p float64) []float64 {
			return []float64{sin(p), cos(p), sin(p / 100), cos(p / 100)}
		}},
		{"odd d ends with a sine", 5, 3, func(p float64) []float64 {
			return []float64{sin(p), cos(p), sin(p / pow(10000, 2.0/3))}
		}},
		{"d = 5", 3, 5, func(p float64) []float64 {
			return []float64{sin(p), cos(p), sin(p / pow(10000, 2.0/5)), cos(p / pow(10000, 2.0/5)), sin(p / pow(10000, 4.0/5))}
		}},
		{"d = 1 is one sine", 4, 1, func(p float64) []float64 { return []float64{sin(p)} }},
		{"d = 2", 3, 2, func(p float64) []float64 { return []float64{sin(p), cos(p)} }},
		{"more positions than MaxTokens", 2001, 4, func(p float64) []float64 {
			return []float64{sin(p), cos(p), sin(p / 100), cos(p / 100)}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pe, err := core.Sinusoidal(tc.t, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			want := make([][]float64, tc.t)
			for p := range want {
				want[p] = tc.row(float64(p))
			}
			checkMatrix(t, "PE", pe, want, 1e-13)
		})
	}
}

func TestPositionalEncodingSizes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pe    func(t, d int) (*mat.Dense, error)
		t, d  int
		field string // "" = accepted
	}{
		{"sinusoidal zero positions", core.Sinusoidal, 0, 4, ""},
		{"learned zero positions", learned1, 0, 4, ""},
		{"sinusoidal negative positions", core.Sinusoidal, -1, 4, "positions"},
		{"sinusoidal past MaxTokens", core.Sinusoidal, 5000, 16, ""},
		{"learned past MaxTokens", learned1, 2000, 4, ""},
		{"sinusoidal at the cell limit", core.Sinusoidal, core.MaxCells / core.MaxWidth, core.MaxWidth, ""},
		{"sinusoidal over the cell limit", core.Sinusoidal, core.MaxCells/core.MaxWidth + 1, core.MaxWidth, "positions"},
		{"learned over the cell limit", learned1, core.MaxCells/4 + 1, 4, "positions"},
		{"sinusoidal zero width", core.Sinusoidal, 3, 0, "d_model"},
		{"learned too wide", learned1, 3, core.MaxWidth + 1, "d_model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pe, err := tc.pe(tc.t, tc.d)
			if tc.field != "" {
				wantField(t, err, tc.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r, _ := pe.Dims(); r != tc.t {
				t.Fatalf("%d rows, want %d", r, tc.t)
			}
		})
	}
}

func learned1(t, d int) (*mat.Dense, error) { return core.Learned(t, d, 1) }

func TestLearned(t *testing.T) {
	a, err := core.Learned(5, 6, 7)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := core.Learned(5, 6, 7)
	if !mat.Equal(a, again) {
		t.Error("same seed gave a different table")
	}
	prefix, _ := core.Learned(3, 6, 7)
	if !mat.Equal(prefix, a.Slice(0, 3, 0, 6)) {
		t.Error("Learned(3) is not the first 3 rows of Learned(5): positions must not depend on T")
	}
	other, _ := core.Learned(5, 6, 8)
	if mat.Equal(a, other) {
		t.Error("different seeds gave the same table")
	}
	// Rows differ from each other and stay in [-0.5, 0.5).
	for p := 0; p < 5; p++ {
		for q := p + 1; q < 5; q++ {
			if mat.Equal(a.RowView(p), a.RowView(q)) {
				t.Errorf("positions %d and %d share a row", p, q)
			}
		}
		for _, v := range a.RawRowView(p) {
			if v < -0.5 || v >= 0.5 {
				t.Errorf("value %v outside [-0.5, 0.5)", v)
			}
		}
	}
}

func TestApplyRotaryHandCases(t *testing.T) {
	sin, cos := math.Sin, math.Cos
	tests := []struct {
		name string
		in   [][]float64 // row p = position p
		want [][]float64
	}{
		// d_k = 2: the pair turns by angle p.
		{"d_k = 2", [][]float64{{1, 0}, {1, 0}, {0, 1}},
			[][]float64{{1, 0}, {cos(1), sin(1)}, {-sin(2), cos(2)}}},
		// d_k = 4: pair 0 turns by p, pair 1 by p/10000^(2/4) = p/100.
		{"d_k = 4", [][]float64{{1, 0, 1, 0}, {1, 0, 1, 0}},
			[][]float64{{1, 0, 1, 0}, {cos(1), sin(1), cos(0.01), sin(0.01)}}},
		// Odd d_k: the last column has no partner and stays.
		{"odd d_k keeps the last column", [][]float64{{3, 4, 5}, {3, 4, 5}},
			[][]float64{{3, 4, 5}, {3*cos(1) - 4*sin(1), 3*sin(1) + 4*cos(1), 5}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := dense(tc.in...)
			core.ApplyRotary(m)
			checkMatrix(t, "rotated", m, tc.want, 1e-13)
		})
	}
}

func TestApplyRotaryPreservesNorms(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dk := range []int{1, 2, 3, 8, 16} {
		m := mat.NewDense(20, dk, nil)
		for i := 0; i < 20; i++ {
			for j := 0; j < dk; j++ {
				m.Set(i, j, rng.NormFloat64()*10)
			}
		}
		before := mat.DenseCopyOf(m)
		core.ApplyRotary(m)
		for i := 0; i < 20; i++ {
			nb, na := mat.Norm(before.RowView(i), 2), mat.Norm(m.RowView(i), 2)
			if !near(na, nb, 1e-13) {
				t.Errorf("d_k=%d row %d: norm %v became %v", dk, i, nb, na)
			}
		}
	}
}

// RoPE's point: the dot product of a query at position m with a key at
// position n depends only on m - n.
func TestApplyRotaryRelativePosition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const T = 12
	for _, dk := range []int{2, 4, 8} {
		q, k := make([]float64, dk), make([]float64, dk)
		for j := range q {
			q[j], k[j] = rng.NormFloat64(), rng.NormFloat64()
		}
		// The same query (key) vector at every position.
		Q, K := mat.NewDense(T, dk, nil), mat.NewDense(T, dk, nil)
		for p := 0; p < T; p++ {
			Q.SetRow(p, q)
			K.SetRow(p, k)
		}
		core.ApplyRotary(Q)
		core.ApplyRotary(K)
		byOffset := map[int]float64{}
		distinct := map[float64]bool{}
		for m := 0; m < T; m++ {
			for n := 0; n < T; n++ {
				dot := mat.Dot(Q.RowView(m), K.RowView(n))
				if ref, ok := byOffset[m-n]; ok {
					if !near(dot, ref, 1e-12) {
						t.Errorf("d_k=%d: q_%d·k_%d = %v, but offset %d gave %v", dk, m, n, dot, m-n, ref)
					}
				} else {
					byOffset[m-n] = dot
					distinct[math.Round(dot*1e9)] = true
				}
			}
		}
		if len(distinct) < 3 {
			t.Errorf("d_k=%d: dots barely depend on the offset (%d distinct): rotation did nothing", dk, len(distinct))
		}
	}
}
