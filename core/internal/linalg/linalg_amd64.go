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

func mulNN(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if !hasAVX2FMA || n < 8 || m < 4 {
		mulGeneric(m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	m4, n8 := m&^3, n&^7
	for i := 0; i < m4; i += 4 {
		for j := 0; j < n8; j += 8 {
			kern4x8(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc)
		}
	}
	if n8 < n { // right edge: columns n8..n-1 of rows 0..m4-1
		mulGeneric(m4, n-n8, k, a, lda, b[n8:], ldb, c[n8:], ldc)
	}
	if m4 < m { // bottom edge: rows m4..m-1
		mulGeneric(m-m4, n, k, a[m4*lda:], lda, b, ldb, c[m4*ldc:], ldc)
	}
}
