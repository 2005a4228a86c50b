//go:build js && wasm && attnviz_simd

package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"unsafe"
)

// TestKernelAttached fails when the host did not attach the SIMD kernel:
// this build is only run by hosts that provide it (scripts/wasm_test_exec,
// web/kernels.js), so a silent fallback to Go would hide a broken kernel
// path from every other test here.
func TestKernelAttached(t *testing.T) {
	if !hasKernel {
		t.Fatalf("the SIMD kernel is not attached (host says ATTNVIZ_KERNELS=%q); run under scripts/wasm_test_exec", os.Getenv("ATTNVIZ_KERNELS"))
	}
}

// TestKernelMatchesGo calls the SIMD kernel directly (no size cut-off) on
// every shape m, n, k from the table, with padded strides and with C's
// padding checked untouched, against the pure-Go kernel within 1e-12
// relative.
func TestKernelMatchesGo(t *testing.T) {
	if !hasKernel {
		t.Fatal("the SIMD kernel is not attached")
	}
	sizes := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 64, 100}
	r := rand.New(rand.NewPCG(3, 4))
	for _, pad := range []int{0, 3} {
		t.Run(fmt.Sprintf("pad%d", pad), func(t *testing.T) {
			for _, m := range sizes {
				for _, n := range sizes {
					for _, k := range sizes {
						checkKernel(t, r, m, n, k, pad)
					}
				}
			}
		})
	}
	t.Run("k=0", func(t *testing.T) {
		for _, s := range [][2]int{{1, 1}, {5, 7}, {8, 8}} {
			checkKernel(t, r, s[0], s[1], 0, 1)
		}
	})
}

// checkKernel runs one product through kernelGemm and mulGeneric.
func checkKernel(t *testing.T, r *rand.Rand, m, n, k, pad int) {
	t.Helper()
	const sentinel = 12345.5
	lda, ldb, ldc := k+pad, n+pad, n+pad
	a, b := random(r, m*lda+1), random(r, k*ldb+1) // +1: a valid address when k = 0
	got, want := make([]float64, m*ldc), make([]float64, m*ldc)
	for i := range got {
		got[i] = sentinel
	}
	kernelGemm(int32(m), int32(n), int32(k), unsafe.Pointer(&a[0]), int32(lda),
		unsafe.Pointer(&b[0]), int32(ldb), unsafe.Pointer(&got[0]), int32(ldc))
	if k > 0 {
		mulGeneric(m, n, k, a, lda, b, ldb, want, ldc)
	}
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			g, w := got[i*ldc+j], want[i*ldc+j]
			if j >= n {
				if g != sentinel {
					t.Fatalf("%dx%dx%d+%d: kernel wrote C[%d][%d] outside the %d columns", m, n, k, pad, i, j, n)
				}
				continue
			}
			if math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
				t.Fatalf("%dx%dx%d+%d: C[%d][%d] = %v, Go kernel %v", m, n, k, pad, i, j, g, w)
			}
		}
	}
}

// TestMulNNUsesKernel checks that MulNN (through mulNN's size cut-off)
// gives the naive results on products above and below the cut-off.
func TestMulNNUsesKernel(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range []struct{ m, n, k int }{{2, 2, 2}, {4, 4, 4}, {3, 5, 7}, {32, 16, 64}, {128, 64, 64}} {
		a, b, c := random(r, s.m*s.k), random(r, s.k*s.n), random(r, s.m*s.n)
		MulNN(s.m, s.n, s.k, a, s.k, b, s.n, c, s.n)
		compare(t, fmt.Sprintf("MulNN %dx%dx%d", s.m, s.n, s.k), s.m, s.n, c, s.n,
			naive(s.m, s.n, s.k, a, s.k, func(p, j int) float64 { return b[p*s.n+j] }))
	}
}

// BenchmarkKernelCall is the cost of one trip into the kernel and back
// (Go → JS → kernel → JS → Go) on a 1 x 1 x 1 product.
func BenchmarkKernelCall(b *testing.B) {
	x, y, z := []float64{2}, []float64{3}, []float64{0}
	for b.Loop() {
		kernelGemm(1, 1, 1, unsafe.Pointer(&x[0]), 1, unsafe.Pointer(&y[0]), 1, unsafe.Pointer(&z[0]), 1)
	}
}

func BenchmarkMulSmall(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct{ m, n, k int }{{2, 2, 2}, {4, 4, 4}, {8, 8, 8}, {8, 16, 16}, {8, 64, 64}, {32, 16, 32}} {
		a, bb, c := random(r, s.m*s.k), random(r, s.k*s.n), make([]float64, s.m*s.n)
		b.Run(fmt.Sprintf("kernel/%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			for b.Loop() {
				kernelGemm(int32(s.m), int32(s.n), int32(s.k), unsafe.Pointer(&a[0]), int32(s.k), unsafe.Pointer(&bb[0]), int32(s.n), unsafe.Pointer(&c[0]), int32(s.n))
			}
		})
		b.Run(fmt.Sprintf("go/%dx%dx%d", s.m, s.n, s.k), func(b *testing.B) {
			for b.Loop() {
				mulGeneric(s.m, s.n, s.k, a, s.k, bb, s.n, c, s.n)
			}
		})
	}
}

// TestVectorKernelsMatchGo checks the kernel's row helpers against their
// Go definitions on rows with special values: exp bit for bit
// (expNonPositive), max and finiteness exactly, scale exactly, the sum of
// the exps within 1e-15 relative (summation order differs).
func TestVectorKernelsMatchGo(t *testing.T) {
	if !hasKernel {
		t.Fatal("the SIMD kernel is not attached")
	}
	nan, inf := math.NaN(), math.Inf(1)
	r := rand.New(rand.NewPCG(7, 8))
	rows := map[string][]float64{
		"in range":  {-0.5, -1, -2, -700, 0, -3.25, -1e-300, -707.9},
		"underflow": {-708, -708.0001, -1000, -1e300, -inf, 0, -5, -6},
		"NaN":       {-1, nan, -2, -3},
		"zeros":     {0, math.Copysign(0, -1), 0, math.Copysign(0, -1)},
		"+Inf":      {1, 2, inf, 3},
		"all -Inf":  {-inf, -inf, -inf, -inf},
		"k mod 64 spread": func() []float64 {
			s := make([]float64, 128)
			for i := range s {
				s[i] = -float64(i) / 64 * math.Ln2
			}
			return s
		}(),
	}
	for _, n := range []int{4, 8, 12, 64, 100} {
		s := random(r, n)
		for i := range s {
			s[i] = s[i]*40 - 40 // [-80, 0]
		}
		rows[fmt.Sprintf("random %d", n)] = s
	}
	for name, src := range rows {
		t.Run(name, func(t *testing.T) {
			n := len(src)
			dst := make([]float64, n)
			sum := expShiftSum4(dst, src, 0)
			want := 0.0
			for j, x := range src {
				w := expNonPositive(x)
				want += w
				if math.Float64bits(dst[j]) != math.Float64bits(w) && !(w != w && dst[j] != dst[j]) {
					t.Fatalf("exp(%v) = %v, Go %v", x, dst[j], w)
				}
			}
			if !(math.Abs(sum-want) <= 1e-15*math.Abs(want)) && !(sum != sum && want != want) {
				t.Fatalf("sum %v, Go %v", sum, want)
			}
			wantMax, wantBad := math.Inf(-1), 0.0
			for _, v := range src {
				if v > wantMax {
					wantMax = v
				}
				wantBad += v - v
			}
			if m := max4(src); m != wantMax {
				t.Fatalf("max %v, want %v", m, wantMax)
			}
			m, bad := maxFinite4(src)
			if m != wantMax || (bad == 0) != (wantBad == 0) {
				t.Fatalf("maxFinite (%v, %v), want (%v, %v)", m, bad, wantMax, wantBad)
			}
			if bad := finiteSum4(src); (bad == 0) != (wantBad == 0) {
				t.Fatalf("finiteSum %v, want %v", bad, wantBad)
			}
			scaled := append([]float64(nil), src...)
			scale4(scaled, -0.75)
			for j, v := range src {
				if w := v * -0.75; math.Float64bits(scaled[j]) != math.Float64bits(w) && !(w != w && scaled[j] != scaled[j]) {
					t.Fatalf("scale: %v·-0.75 = %v, want %v", v, scaled[j], w)
				}
			}
		})
	}
}

func BenchmarkRowHelpers(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{4, 8, 16, 32, 128} {
		src, dst := random(r, n), make([]float64, n)
		b.Run(fmt.Sprintf("kernel-exp/%d", n), func(b *testing.B) {
			for b.Loop() {
				expShiftSum4(dst, src, 1)
			}
		})
		b.Run(fmt.Sprintf("go-exp/%d", n), func(b *testing.B) {
			for b.Loop() {
				for j, x := range src {
					dst[j] = expNonPositive(x - 1)
				}
			}
		})
		b.Run(fmt.Sprintf("kernel-maxfinite/%d", n), func(b *testing.B) {
			for b.Loop() {
				maxFinite4(src)
			}
		})
	}
}

// TestGoFallback reruns the package's kernel tests with the SIMD kernels
// switched off, as in a browser without WebAssembly SIMD: the pure-Go paths
// that then serve MulNN and the softmax helpers are tested nowhere else
// (amd64 uses its assembly).
func TestGoFallback(t *testing.T) {
	kernel, vector := hasKernel, hasVectorExp
	hasKernel, hasVectorExp = false, false
	defer func() { hasKernel, hasVectorExp = kernel, vector }()
	for _, c := range []struct {
		name string
		test func(*testing.T)
	}{
		{"MulNNAndNT", TestMulNNAndNT}, {"MulNNUsesKernel", TestMulNNUsesKernel}, {"ExpShiftSum", TestExpShiftSum},
		{"ExpShiftSumAccuracy", TestExpShiftSumAccuracy}, {"VectorHelpers", TestVectorHelpers},
	} {
		t.Run(c.name, c.test)
	}
}
