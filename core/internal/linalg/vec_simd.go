//go:build js && wasm && attnviz_simd

package linalg

import (
	"math"
	"runtime"
	"unsafe"
)

// The softmax helpers' vector parts (a multiple of 4 values; exp.go and
// vec.go do the tail) in the SIMD kernel module, like the AVX2 ones on
// amd64. The kernel's exp is expNonPositive operation for operation, so
// ExpShiftSum gives the same values with and without it; only sums may
// differ in order.

var hasVectorExp = hasKernel

//go:wasmimport attnviz_kernels expshiftsum
func kernelExpShiftSum(dst, src unsafe.Pointer, n int32, shift float64, table unsafe.Pointer) float64

//go:wasmimport attnviz_kernels max
func kernelMax(s unsafe.Pointer, n int32) float64

// kernelMaxFinite returns the row's maximum, or NaN if a value is NaN or ±Inf.
//
//go:wasmimport attnviz_kernels maxfinite
func kernelMaxFinite(s unsafe.Pointer, n int32) float64

// kernelFiniteSum returns 0 if every value is finite, else NaN.
//
//go:wasmimport attnviz_kernels finitesum
func kernelFiniteSum(s unsafe.Pointer, n int32) float64

//go:wasmimport attnviz_kernels scale
func kernelScale(s unsafe.Pointer, n int32, k float64)

func ptr(s []float64) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(s)) }

func expShiftSum4(dst, src []float64, shift float64) float64 {
	dst = dst[:len(src)]
	sum := kernelExpShiftSum(ptr(dst), ptr(src), int32(len(src)), shift, unsafe.Pointer(&exp2Frac[0]))
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
	return sum
}

func max4(s []float64) float64 {
	m := kernelMax(ptr(s), int32(len(s)))
	runtime.KeepAlive(s)
	return m
}

func scale4(s []float64, f float64) {
	kernelScale(ptr(s), int32(len(s)), f)
	runtime.KeepAlive(s)
}

func finiteSum4(s []float64) float64 {
	bad := kernelFiniteSum(ptr(s), int32(len(s)))
	runtime.KeepAlive(s)
	return bad
}

func maxFinite4(s []float64) (float64, float64) {
	m := kernelMaxFinite(ptr(s), int32(len(s)))
	runtime.KeepAlive(s)
	if m == m {
		return m, 0
	}
	return max4(s), math.NaN() // not all finite (rare: callers refuse the row)
}
