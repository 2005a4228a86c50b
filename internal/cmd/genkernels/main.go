// Command genkernels writes web/kernels.wasm: the WebAssembly SIMD128
// kernels that the browser build of the attention core (core/internal/linalg,
// built with -tags attnviz_simd) calls through //go:wasmimport
// attnviz_kernels NAME. Go's wasm backend emits no SIMD, so the kernels are
// written here, opcode by opcode, and encoded by a tiny wasm encoder
// (wasm.go); no other tool is needed. web/kernels.js instantiates them on
// Go's own memory and hands them to the Go program.
//
//	go run ./internal/cmd/genkernels -o web/kernels.wasm   (or: go generate ./core/internal/linalg)
//
// The module imports env.mem (Go's memory) and env.table, and exports
//
//	gemm(m, n, k, a, lda, b, ldb, c, ldc i32)
//
// which sets C (m x n) = A (m x k) · B (k x n): a, b, c are byte addresses of
// row-major float64 matrices, lda, ldb, ldc their row strides in elements.
// Each element of C is summed in order p = 0..k-1 with separate multiply and
// add, so the results equal a plain triple loop bit for bit. And the softmax
// row helpers (vec.go): max, maxfinite, finitesum, scale, expshiftsum.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// rowsPerTile is how many rows of C one tile computes (4 columns wide:
// 4 x 4 = 8 f64x2 accumulators, which fit the 16 SIMD registers of x86-64
// together with B's two vectors and A's splat).
const rowsPerTile = 4

// colsPerTile is how many columns of C one tile computes (a power of 2).
const colsPerTile = 4

func main() {
	out := flag.String("o", "web/kernels.wasm", "file to write")
	flag.Parse()
	b := kernels()
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genkernels:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d bytes\n", *out, len(b))
}

// Function indices of the module.
const (
	fnGemm  = 0
	fnPanel = 1 // fnPanel+0: rowsPerTile rows; fnPanel+1: one row
	fnTile  = 3 // fnTile + len(widths)·(0 for rowsPerTile rows, 1 for one row) + index in widths
)

// widths are the tile widths in columns: the first for the bulk of C, the
// others (halving) for its right edge.
var widths = func() (w []int) {
	for c := colsPerTile; c >= 1; c /= 2 {
		w = append(w, c)
	}
	return w
}()

// kernels returns the module's bytes. Each kernel is exported twice: under
// its slot number in env.table ("0", "1", ...), and under its name as a
// trampoline that calls whatever function sits in that slot. A host
// instantiates the module twice on one table: first with a dummy memory,
// whose trampolines become the Go program's attnviz_kernels imports (they
// must exist before Go's instance does), then on Go's memory, whose kernels
// it puts in the table. Go's calls then go wasm to wasm, never through JS.
func kernels() []byte {
	funcs := []*fn{gemm(), panel(0), panel(1)}
	for _, rows := range []int{rowsPerTile, 1} {
		for _, cols := range widths {
			funcs = append(funcs, tile(rows, cols))
		}
	}
	exports := make([]string, len(funcs))
	named := []struct {
		name  string
		index int
	}{{"gemm", fnGemm}}
	for _, v := range []struct {
		name string
		f    *fn
	}{
		{"max", maxKernel(false)},
		{"maxfinite", maxKernel(true)},
		{"finitesum", finiteSumKernel()},
		{"scale", scaleKernel()},
		{"expshiftsum", expShiftSumKernel()},
	} {
		named = append(named, struct {
			name  string
			index int
		}{v.name, len(funcs)})
		funcs = append(funcs, v.f)
		exports = append(exports, "")
	}
	for slot, k := range named {
		exports[k.index] = strconv.Itoa(slot)
		funcs = append(funcs, trampoline(funcs[k.index], uint32(k.index), uint32(slot)))
		exports = append(exports, k.name)
	}
	return module(funcs, exports, len(named))
}

// trampoline returns a function with k's signature (type index typ) that
// calls table slot slot with its arguments.
func trampoline(k *fn, typ, slot uint32) *fn {
	f := &fn{params: k.params, results: k.results}
	for i := range k.params {
		f.get(uint32(i))
	}
	f.i32c(int32(slot))
	f.code.WriteByte(opCallInd)
	uleb(&f.code, uint64(typ))
	f.code.WriteByte(0) // table 0
	return f
}

func params(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = i32
	}
	return p
}

// gemm(m, n, k, a, lda, b, ldb, c, ldc): rowsPerTile rows of C at a time,
// then the rest one row at a time.
func gemm() *fn {
	f := &fn{params: params(9)}
	const m, n, k, a, lda, b, ldb, c, ldc = 0, 1, 2, 3, 4, 5, 6, 7, 8
	for _, s := range []uint32{lda, ldb, ldc} { // strides in bytes from here on
		f.get(s)
		f.i32c(3)
		f.op(opI32Shl)
		f.set(s)
	}
	for which, rows := range []int32{rowsPerTile, 1} {
		f.op(opBlock, blockVoid, opLoop, blockVoid)
		f.get(m)
		f.i32c(rows)
		f.op(opI32LtS)
		f.br(opBrIf, 1)
		for _, x := range []uint32{n, k, a, lda, b, ldb, c, ldc} {
			f.get(x)
		}
		f.call(uint32(fnPanel + which))
		f.addTo(a, func() { f.get(lda); f.i32c(rows); f.op(opI32Mul) })
		f.addTo(c, func() { f.get(ldc); f.i32c(rows); f.op(opI32Mul) })
		f.addTo(m, func() { f.i32c(-rows) })
		f.br(opBr, 0)
		f.op(opEnd, opEnd)
	}
	return f
}

// panel(n, k, a, lda8, b, ldb8, c, ldc8) computes one band of rows of C
// (rowsPerTile rows, or one when which is 1): tiles of 4 columns, then one
// of 2 and one of 1 as n requires. Strides are in bytes.
func panel(which int) *fn {
	f := &fn{params: params(8)}
	const n, k, a, lda, b, ldb, c, ldc = 0, 1, 2, 3, 4, 5, 6, 7
	args := func() {
		for _, x := range []uint32{k, a, lda, b, ldb, c, ldc} {
			f.get(x)
		}
	}
	first := uint32(fnTile + len(widths)*which)
	w := int32(colsPerTile)
	f.op(opBlock, blockVoid, opLoop, blockVoid)
	f.get(n)
	f.i32c(w)
	f.op(opI32LtS)
	f.br(opBrIf, 1)
	args()
	f.call(first)
	f.addTo(b, func() { f.i32c(8 * w) })
	f.addTo(c, func() { f.i32c(8 * w) })
	f.addTo(n, func() { f.i32c(-w) })
	f.br(opBr, 0)
	f.op(opEnd, opEnd)

	for i, w := range widths[1:] { // right edge: n < colsPerTile columns left
		f.get(n)
		f.i32c(int32(w))
		f.op(opI32And, opIf, blockVoid)
		args()
		f.call(first + uint32(i+1))
		if w > 1 {
			f.addTo(b, func() { f.i32c(int32(8 * w)) })
			f.addTo(c, func() { f.i32c(int32(8 * w)) })
		}
		f.op(opEnd)
	}
	return f
}

// tile(k, a, lda8, b, ldb8, c, ldc8) sets C[0:rows, 0:cols] =
// A[0:rows, 0:k]·B[0:k, 0:cols]: cols 4 and 2 with f64x2 vectors (A's value
// splatted), cols 1 with scalars. The accumulators are locals, which start
// at zero.
func tile(rows, cols int) *fn {
	f := &fn{params: params(7)}
	const k, a, lda, b, ldb, c, ldc = 0, 1, 2, 3, 4, 5, 6
	vec := cols >= 2
	nv := cols / 2 // vectors per row
	t := v128
	if !vec {
		nv, t = 1, f64
	}
	rowPtr := []uint32{a} // A's row r, advanced along the row
	for r := 1; r < rows; r++ {
		p := f.local(i32)
		f.get(rowPtr[r-1])
		f.get(lda)
		f.op(opI32Add)
		f.set(p)
		rowPtr = append(rowPtr, p)
	}
	acc := make([][]uint32, rows)
	for r := range acc {
		for range nv {
			acc[r] = append(acc[r], f.local(t))
		}
	}
	bv := make([]uint32, nv)
	for v := range bv {
		bv[v] = f.local(t)
	}
	x := f.local(t)

	f.op(opBlock, blockVoid)
	f.get(k)
	f.op(opI32Eqz)
	f.br(opBrIf, 0)
	f.op(opLoop, blockVoid)
	for v := range bv { // B[p, 0:cols]
		f.get(b)
		if vec {
			f.simdMem(simdLoad, uint32(16*v))
		} else {
			f.mem(opF64Load, 3, 0)
		}
		f.set(bv[v])
	}
	for r := range rows {
		f.get(rowPtr[r]) // A[r, p]
		if vec {
			f.simdMem(simdLoad64Splat, 0)
		} else {
			f.mem(opF64Load, 3, 0)
		}
		f.set(x)
		for v := range nv { // acc += A[r, p]·B[p, cols]
			f.get(acc[r][v])
			f.get(x)
			f.get(bv[v])
			if vec {
				f.simd(simdF64x2Mul)
				f.simd(simdF64x2Add)
			} else {
				f.op(opF64Mul, opF64Add)
			}
			f.set(acc[r][v])
		}
		f.addTo(rowPtr[r], func() { f.i32c(8) })
	}
	f.addTo(b, func() { f.get(ldb) })
	f.get(k)
	f.i32c(1)
	f.op(opI32Sub)
	f.tee(k)
	f.br(opBrIf, 0)
	f.op(opEnd, opEnd)

	for r := range rows { // C[r, 0:cols] = acc[r]
		for v := range nv {
			f.get(c)
			f.get(acc[r][v])
			if vec {
				f.simdMem(simdStore, uint32(16*v))
			} else {
				f.mem(opF64St, 3, 0)
			}
		}
		if r+1 < rows {
			f.addTo(c, func() { f.get(ldc) })
		}
	}
	return f
}
