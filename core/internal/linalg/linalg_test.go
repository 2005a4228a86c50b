package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// naive is the textbook triple loop the kernels must agree with.
func naive(m, n, k int, a []float64, lda int, b func(p, j int) float64) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				s += a[i*lda+p] * b(p, j)
			}
			c[i*n+j] = s
		}
	}
	return c
}

func random(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.Float64()*2 - 1
	}
	return s
}

func TestMulNNAndNT(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct{ m, n, k, pad int }{
		{1, 1, 1, 0}, {4, 8, 1, 0}, {4, 8, 16, 3}, {5, 9, 7, 0}, {3, 7, 5, 2},
		{8, 16, 64, 0}, {13, 17, 19, 5}, {32, 64, 64, 1}, {7, 3, 0, 0}, {0, 4, 4, 0}, {33, 40, 128, 0},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%dx%d+%d", c.m, c.n, c.k, c.pad), func(t *testing.T) {
			lda, ldb, ldc := c.k+c.pad, c.n+c.pad, c.n+c.pad
			a := random(r, max(c.m*lda, 1))
			b := random(r, max(c.k*ldb, 1))
			cm := random(r, max(c.m*ldc, 1)) // garbage that must be overwritten
			MulNN(c.m, c.n, c.k, a, lda, b, ldb, cm, ldc)
			want := naive(c.m, c.n, c.k, a, lda, func(p, j int) float64 { return b[p*ldb+j] })
			compare(t, "MulNN", c.m, c.n, cm, ldc, want)

			// Bᵀ stored as n x k.
			ldbt := c.k + c.pad
			bt := random(r, max(c.n*ldbt, 1))
			cm2 := random(r, max(c.m*ldc, 1))
			MulNT(c.m, c.n, c.k, 0.5, a, lda, bt, ldbt, cm2, ldc, nil)
			want2 := naive(c.m, c.n, c.k, a, lda, func(p, j int) float64 { return 0.5 * bt[j*ldbt+p] })
			compare(t, "MulNT", c.m, c.n, cm2, ldc, want2)
		})
	}
}

func compare(t *testing.T, name string, m, n int, got []float64, ldc int, want []float64) {
	t.Helper()
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if d := math.Abs(got[i*ldc+j] - want[i*n+j]); d > 1e-12 {
				t.Fatalf("%s: C[%d][%d] = %v, want %v", name, i, j, got[i*ldc+j], want[i*n+j])
			}
		}
	}
}

func TestMulNNRefusesShortSlices(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a too short A")
		}
	}()
	MulNN(4, 4, 4, make([]float64, 15), 4, make([]float64, 16), 4, make([]float64, 16), 4)
}

// BenchmarkMul compares the kernel with gonum's Dense.Mul on attnviz sizes.
func BenchmarkMul(b *testing.B) {
	for _, s := range []struct{ m, n, k int }{{32, 64, 64}, {128, 64, 64}, {128, 128, 16}, {128, 16, 128}, {512, 128, 128}} {
		r := rand.New(rand.NewPCG(1, 2))
		a, bb, c := random(r, s.m*s.k), random(r, s.k*s.n), make([]float64, s.m*s.n)
		flops := float64(2 * s.m * s.n * s.k)
		b.Run(fmt.Sprintf("linalg/%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			for b.Loop() {
				MulNN(s.m, s.n, s.k, a, s.k, bb, s.n, c, s.n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("gonum/%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			am, bm, cm := mat.NewDense(s.m, s.k, a), mat.NewDense(s.k, s.n, bb), mat.NewDense(s.m, s.n, c)
			for b.Loop() {
				cm.Mul(am, bm)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestMulGeneric checks the portable kernel (packed and unpacked paths) on
// every platform, also where the assembly kernel serves MulNN.
func TestMulGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, c := range []struct{ m, n, k, pad int }{
		{1, 1, 1, 0}, {2, 4, 32, 0}, {3, 5, 33, 1}, {7, 9, 64, 2}, {16, 16, 31, 0}, {5, 4, 600, 0}, {4, 3, 40, 0},
	} {
		lda, ldb, ldc := c.k+c.pad, c.n+c.pad, c.n+c.pad
		a, b, cm := random(r, c.m*lda), random(r, c.k*ldb), random(r, c.m*ldc)
		mulGeneric(c.m, c.n, c.k, a, lda, b, ldb, cm, ldc)
		compare(t, fmt.Sprintf("mulGeneric %dx%dx%d", c.m, c.n, c.k), c.m, c.n, cm, ldc,
			naive(c.m, c.n, c.k, a, lda, func(p, j int) float64 { return b[p*ldb+j] }))
	}
}
