package linalg

// hasAVX2FMA reports whether the CPU and OS support AVX2 and FMA3.
var hasAVX2FMA = detectAVX2FMA()

func detectAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // the OS saves XMM and YMM state
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func xgetbv() (eax, edx uint32)

// kern4x8 sets C[0:4, 0:8] = A[0:4, 0:k]·B[0:k, 0:8]; strides in elements, k >= 1.
//
//go:noescape
func kern4x8(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

// kern6x8 sets C[0:6, 0:8] = A[0:6, 0:k]·B[0:k, 0:8]; strides in elements, k >= 1.
//
//go:noescape
func kern6x8(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

// kern1x8 sets C[0, 0:8] = A[0, 0:k]·B[0:k, 0:8]; k >= 1.
//
//go:noescape
func kern1x8(k int, a *float64, b *float64, ldb int, c *float64)

func mulNN(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if !hasAVX2FMA || n < 8 {
		mulGeneric(m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	n8 := n &^ 7
	i := 0
	for ; i+6 <= m; i += 6 { // 6 rows of C at a time, 8 columns per kernel call
		for j := 0; j < n8; j += 8 {
			kern6x8(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc)
		}
	}
	if i+4 <= m {
		for j := 0; j < n8; j += 8 {
			kern4x8(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc)
		}
		i += 4
	}
	for ; i < m; i++ {
		for j := 0; j < n8; j += 8 {
			kern1x8(k, &a[i*lda], &b[j], ldb, &c[i*ldc+j])
		}
	}
	if n8 < n { // right edge: columns n8..n-1
		mulGeneric(m, n-n8, k, a, lda, b[n8:], ldb, c[n8:], ldc)
	}
}
