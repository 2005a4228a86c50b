package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExpShiftSum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		name  string
		src   []float64
		shift float64
	}{
		{"empty", nil, 0},
		{"one", []float64{0.5}, 0.5},
		{"zeros", make([]float64, 9), 0},
		{"underflow is exactly 0", []float64{0, -707, -708.5, -1000, -1e300, 0, -3, -1e-300}, 0},
		{"shift", []float64{1000, 1001, 999, 998.5, 1001}, 1001},
		{"-Inf gives 0", []float64{math.Inf(-1), 0, math.Inf(-1)}, 0},
	}
	for _, n := range []int{4, 7, 64, 129} {
		src := make([]float64, n)
		for i := range src {
			src[i] = -r.Float64() * 40
		}
		cases = append(cases, struct {
			name  string
			src   []float64
			shift float64
		}{"random", src, 0})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := make([]float64, len(c.src))
			sum := ExpShiftSum(dst, c.src, c.shift)
			want := 0.0
			for j, s := range c.src {
				w := math.Exp(s - c.shift)
				if s-c.shift < expMin {
					w = 0
				}
				want += w
				if w == 0 && dst[j] != 0 {
					t.Fatalf("dst[%d] = %g, want exactly 0", j, dst[j])
				}
				if math.Abs(dst[j]-w) > 1e-15*w {
					t.Fatalf("dst[%d] = exp(%g) = %.17g, want %.17g", j, s-c.shift, dst[j], w)
				}
			}
			if math.Abs(sum-want) > 1e-14*math.Max(1, want) {
				t.Fatalf("sum = %.17g, want %.17g", sum, want)
			}
		})
	}
}

func TestExpShiftSumAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	src := make([]float64, 1<<16)
	for i := range src {
		src[i] = -r.Float64() * 700
		if i%2 == 0 {
			src[i] /= 100
		}
	}
	dst := make([]float64, len(src))
	ExpShiftSum(dst, src, 0)
	for j, s := range src {
		w := math.Exp(s)
		if math.Abs(dst[j]-w) > 1e-15*w {
			t.Fatalf("exp(%g) = %.17g, want %.17g", s, dst[j], w)
		}
	}
}

func BenchmarkExpShiftSum(b *testing.B) {
	src := make([]float64, 1024)
	for i := range src {
		src[i] = -float64(i) * 0.01
	}
	dst := make([]float64, len(src))
	b.Run("linalg", func(b *testing.B) {
		for b.Loop() {
			ExpShiftSum(dst, src, 0)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				dst[i] = math.Exp(x)
			}
		}
	})
}
