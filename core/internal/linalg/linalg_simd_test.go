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
