//go:build !amd64 && !(js && wasm && attnviz_simd)

package linalg

func mulNN(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	mulGeneric(m, n, k, a, lda, b, ldb, c, ldc)
}
