// Package linalg has the few dense kernels the attention core spends its
// time in, on row-major float64 slices with explicit strides:
//
//	MulNN: C (m x n) = A (m x k) · B (k x n)
//	MulNT: C (m x n) = A (m x k) · Bᵀ, B is n x k
//
// On amd64 with AVX2 and FMA the bulk of C is computed by a 4 x 8
// register-blocked assembly kernel. In the browser (GOOS=js GOARCH=wasm
// built with -tags attnviz_simd) by a WebAssembly SIMD128 kernel that the
// host attaches (linalg_simd.go, web/kernels.wasm); elsewhere, or when the
// host has no SIMD, by a register-blocked pure-Go kernel. Both are faster than gonum's general
// Dgemm for the small matrices attnviz multiplies (T <= 512, d_model <= 512),
// where gonum's per-row axpy loops spend their time loading and storing C.
package linalg

//go:generate go run ../../../internal/cmd/genkernels -o ../../../web/kernels.wasm

import "fmt"

func check(name string, s []float64, rows, cols, stride int) {
	if rows == 0 || cols == 0 {
		return
	}
	if stride < cols || len(s) < (rows-1)*stride+cols {
		panic(fmt.Sprintf("linalg: %s: %d x %d with stride %d does not fit in %d values", name, rows, cols, stride, len(s)))
	}
}

// MulNN sets C = A·B. A is m x k (row stride lda), B is k x n (ldb), C is
// m x n (ldc). C must not overlap A or B.
func MulNN(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	check("a", a, m, k, lda)
	check("b", b, k, n, ldb)
	check("c", c, m, n, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	mulNN(m, n, k, a, lda, b, ldb, c, ldc)
}

// MulNT sets C = alpha·A·Bᵀ. A is m x k (lda), B is n x k (ldb), C is m x n
// (ldc). alpha is applied to Bᵀ as it is transposed, so it costs nothing.
// scratch, if it holds at least k·n values, is used for Bᵀ; otherwise a
// buffer is allocated.
func MulNT(m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, scratch []float64) {
	check("b", b, n, k, ldb)
	bt := scratch
	if len(bt) < k*n {
		bt = make([]float64, k*n)
	}
	bt = bt[:k*n]
	for j := 0; j < n; j++ { // Bᵀ: k x n
		row := b[j*ldb : j*ldb+k]
		for p, v := range row {
			bt[p*n+j] = alpha * v
		}
	}
	MulNN(m, n, k, a, lda, bt, n, c, ldc)
}

// mulGeneric is the pure-Go kernel: 2 x 4 blocks of C kept in locals, the
// rest row by row. For longer sums it first packs each 4-column panel of B
// into contiguous memory (about 30% faster under GOARCH=wasm).
func mulGeneric(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if k >= 32 && n >= 4 && m >= 2 {
		mulPacked(m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	mulUnpacked(m, n, k, a, lda, b, ldb, c, ldc)
}

// mulPacked is mulGeneric with each k x 4 panel of B packed first.
func mulPacked(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	var stack [4 * 512]float64
	pk := stack[:]
	if 4*k > len(pk) {
		pk = make([]float64, 4*k)
	}
	pk = pk[:4*k]
	n4 := n &^ 3
	for j := 0; j < n4; j += 4 {
		for p := 0; p < k; p++ { // panel: k x 4, row p at pk[4p:4p+4]
			row := b[p*ldb+j : p*ldb+j+4 : p*ldb+j+4]
			q := pk[4*p : 4*p+4 : 4*p+4]
			q[0], q[1], q[2], q[3] = row[0], row[1], row[2], row[3]
		}
		i := 0
		for ; i+2 <= m; i += 2 {
			a0 := a[i*lda : i*lda+k]
			a1 := a[(i+1)*lda : (i+1)*lda+k]
			a1 = a1[:len(a0)]
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			for p, x0 := range a0 {
				x1 := a1[p]
				q := pk[4*p : 4*p+4 : 4*p+4]
				b0, b1, b2, b3 := q[0], q[1], q[2], q[3]
				s00 += x0 * b0
				s01 += x0 * b1
				s02 += x0 * b2
				s03 += x0 * b3
				s10 += x1 * b0
				s11 += x1 * b1
				s12 += x1 * b2
				s13 += x1 * b3
			}
			c0 := c[i*ldc+j : i*ldc+j+4 : i*ldc+j+4]
			c1 := c[(i+1)*ldc+j : (i+1)*ldc+j+4 : (i+1)*ldc+j+4]
			c0[0], c0[1], c0[2], c0[3] = s00, s01, s02, s03
			c1[0], c1[1], c1[2], c1[3] = s10, s11, s12, s13
		}
		if i < m { // last row when m is odd
			a0 := a[i*lda : i*lda+k]
			var s0, s1, s2, s3 float64
			for p, x := range a0 {
				q := pk[4*p : 4*p+4 : 4*p+4]
				s0 += x * q[0]
				s1 += x * q[1]
				s2 += x * q[2]
				s3 += x * q[3]
			}
			c0 := c[i*ldc+j : i*ldc+j+4 : i*ldc+j+4]
			c0[0], c0[1], c0[2], c0[3] = s0, s1, s2, s3
		}
	}
	if n4 < n { // right edge: columns n4..n-1
		mulUnpacked(m, n-n4, k, a, lda, b[n4:], ldb, c[n4:], ldc)
	}
}

// mulUnpacked is the 2 x 4 kernel reading B in place.
func mulUnpacked(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := a[i*lda : i*lda+k]
		a1 := a[(i+1)*lda : (i+1)*lda+k]
		c0 := c[i*ldc : i*ldc+n]
		c1 := c[(i+1)*ldc : (i+1)*ldc+n]
		j := 0
		for ; j+4 <= n; j += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float64
			for p, x0 := range a0 {
				x1 := a1[p]
				bp := b[p*ldb+j : p*ldb+j+4 : p*ldb+j+4]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				s00 += x0 * b0
				s01 += x0 * b1
				s02 += x0 * b2
				s03 += x0 * b3
				s10 += x1 * b0
				s11 += x1 * b1
				s12 += x1 * b2
				s13 += x1 * b3
			}
			c0[j], c0[j+1], c0[j+2], c0[j+3] = s00, s01, s02, s03
			c1[j], c1[j+1], c1[j+2], c1[j+3] = s10, s11, s12, s13
		}
		for ; j < n; j++ {
			var s0, s1 float64
			for p, x0 := range a0 {
				bv := b[p*ldb+j]
				s0 += x0 * bv
				s1 += a1[p] * bv
			}
			c0[j], c1[j] = s0, s1
		}
	}
	for ; i < m; i++ {
		mulRow(n, k, a[i*lda:i*lda+k], b, ldb, c[i*ldc:i*ldc+n])
	}
}

// mulRow sets c (length n) = a (length k) · B (k x n, stride ldb).
func mulRow(n, k int, a []float64, b []float64, ldb int, c []float64) {
	clear(c)
	for p, x := range a[:k] {
		if x == 0 {
			continue
		}
		row := b[p*ldb : p*ldb+n]
		for j, v := range row {
			c[j] += x * v
		}
	}
}
