package main

import "math"

// The vector kernels behind linalg's softmax helpers (Max, MaxFinite,
// AllFinite, Scale, ExpShiftSum). Each takes a row of n float64 values at
// byte address s, n a positive multiple of 4 (the Go side does the tail),
// and walks it two f64x2 vectors at a time.

// rowLoop emits: for (; n > 0; n -= 4, s += 32) { body(0); body(16) }, where
// body(off) works on the vector at byte offset off from the address locals
// in ptrs, which all advance by 32.
func (f *fn) rowLoop(n uint32, ptrs []uint32, body func(off uint32)) {
	f.op(opBlock, blockVoid)
	f.get(n)
	f.op(opI32Eqz)
	f.br(opBrIf, 0)
	f.op(opLoop, blockVoid)
	body(0)
	body(16)
	for _, p := range ptrs {
		f.addTo(p, func() { f.i32c(32) })
	}
	f.get(n)
	f.i32c(4)
	f.op(opI32Sub)
	f.tee(n)
	f.br(opBrIf, 0)
	f.op(opEnd, opEnd)
}

// pmaxInto emits acc = f64x2.pmax(acc, v) for v on the stack: lane by lane
// acc < v ? v : acc, which keeps acc when v is NaN (as linalg.Max does).
func (f *fn) pmaxInto(acc, v uint32) {
	f.get(acc)
	f.get(v)
	f.simd(simdF64x2Pmax)
	f.set(acc)
}

// lanes pushes lane 0 and lane 1 of the vector in local v.
func (f *fn) lanes(v uint32) {
	f.get(v)
	f.simd(simdF64x2Extract)
	f.op(0)
	f.get(v)
	f.simd(simdF64x2Extract)
	f.op(1)
}

// maxKernel(s, n) f64 returns the largest value, NaN ignored (-Inf if
// none); with finite it returns NaN instead when a value is NaN or ±Inf.
func maxKernel(finite bool) *fn {
	f := &fn{params: []byte{i32, i32}, results: []byte{f64}}
	const s, n = 0, 1
	m := []uint32{f.local(v128), f.local(v128)}
	bad := []uint32{f.local(v128), f.local(v128)} // sums of x-x: 0 while all are finite
	x := f.local(v128)
	a, b := f.local(f64), f.local(f64)
	for _, v := range m {
		f.splat(math.Inf(-1))
		f.set(v)
	}
	f.rowLoop(n, []uint32{s}, func(off uint32) {
		i := off / 16
		f.get(s)
		f.simdMem(simdLoad, off)
		f.set(x)
		f.pmaxInto(m[i], x)
		if finite {
			f.get(bad[i])
			f.get(x)
			f.get(x)
			f.simd(simdF64x2Sub)
			f.simd(simdF64x2Add)
			f.set(bad[i])
		}
	})
	f.pmaxInto(m[0], m[1])
	f.lanes(m[0])
	f.set(b)
	f.set(a)
	f.get(b) // a < b ? b : a
	f.get(a)
	f.get(a)
	f.get(b)
	f.op(opF64Lt, opSelect)
	if finite { // max, or NaN when some value was not finite
		f.set(a)
		f.get(bad[0])
		f.get(bad[1])
		f.simd(simdF64x2Add)
		f.set(x)
		f.lanes(x)
		f.op(opF64Add)
		f.set(b)
		f.get(a)
		f.get(b)
		f.get(b)
		f.get(b)
		f.op(opF64Eq, opSelect)
	}
	return f
}

// finiteSumKernel(s, n) f64 returns the sum of x-x over the row: 0 when all
// values are finite, NaN otherwise.
func finiteSumKernel() *fn {
	f := &fn{params: []byte{i32, i32}, results: []byte{f64}}
	const s, n = 0, 1
	bad := []uint32{f.local(v128), f.local(v128)}
	x := f.local(v128)
	f.rowLoop(n, []uint32{s}, func(off uint32) {
		i := off / 16
		f.get(bad[i])
		f.get(s)
		f.simdMem(simdLoad, off)
		f.tee(x)
		f.get(x)
		f.simd(simdF64x2Sub)
		f.simd(simdF64x2Add)
		f.set(bad[i])
	})
	f.get(bad[0])
	f.get(bad[1])
	f.simd(simdF64x2Add)
	f.set(x)
	f.lanes(x)
	f.op(opF64Add)
	return f
}

// scaleKernel(s, n, k) multiplies the row by k in place.
func scaleKernel() *fn {
	f := &fn{params: []byte{i32, i32, f64}}
	const s, n, k = 0, 1, 2
	vk := f.local(v128)
	f.get(k)
	f.simd(simdF64x2Splat)
	f.set(vk)
	f.rowLoop(n, []uint32{s}, func(off uint32) {
		f.get(s)
		f.get(s)
		f.simdMem(simdLoad, off)
		f.get(vk)
		f.simd(simdF64x2Mul)
		f.simdMem(simdStore, off)
	})
	return f
}

// expShiftSumKernel(dst, src, n, shift, table) f64 sets dst[j] =
// e^(src[j]-shift) and returns their sum. It is linalg's expNonPositive
// operation for operation (so equal to it bit for bit): x = src-shift,
// k = floor(x·64·log2(e) + 0.5), r = x - k·ln2/64 (ln2 in two parts),
// e^r by Taylor to r^6, times 2^((k mod 64)/64) from table (linalg's
// exp2Frac, 64 values in Go's memory) and 2^(k div 64) built in the exponent
// bits; x < -708 gives 0 and NaN stays NaN.
func expShiftSumKernel() *fn {
	f := &fn{params: []byte{i32, i32, i32, f64, i32}, results: []byte{f64}}
	const dst, src, n, shift, table = 0, 1, 2, 3, 4
	const (
		ln2hi64 = 6.93147180369123816490e-01 / 64 // as in linalg.expNonPositive
		ln2lo64 = 1.90821492927058770002e-10 / 64
		expMin  = -708.0
	)
	vshift, sum := f.local(v128), f.local(v128)
	x, kf, r, ki, e := f.local(v128), f.local(v128), f.local(v128), f.local(v128), f.local(v128)
	f.get(shift)
	f.simd(simdF64x2Splat)
	f.set(vshift)
	// The constants, as vectors in locals set once before the loop.
	consts := map[float64]uint32{}
	const (
		magicInt = 1.5 * (1 << 52) // integer n < 2^31 in magnitude: n + magicInt holds int32(n) in its low 32 bits
		magicExp = 1<<52 + 1023    // integer 0 <= n+1023 < 2^11: n + magicExp holds n+1023 in its low 11 bits
	)
	for _, c := range []float64{64 * math.Log2E, 0.5, ln2hi64, ln2lo64, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1, expMin, magicInt, 1.0 / 64, magicExp} {
		consts[c] = f.local(v128)
		f.splat(c)
		f.set(consts[c])
	}
	vconst := func(c float64) { f.get(consts[c]) }
	// frac pushes the address of table[k & 63] for the k in int32 lane l of
	// ki (0 and 2: the low halves of its two float64 lanes).
	frac := func(l byte) {
		f.get(table)
		f.get(ki)
		f.simd(simdI32x4Extract)
		f.op(l)
		f.i32c(63)
		f.op(opI32And)
		f.i32c(3)
		f.op(opI32Shl)
		f.op(opI32Add)
	}
	f.rowLoop(n, []uint32{dst, src}, func(off uint32) {
		f.get(src) // x = src - shift
		f.simdMem(simdLoad, off)
		f.get(vshift)
		f.simd(simdF64x2Sub)
		f.tee(x)
		vconst(64 * math.Log2E) // kf = floor(x·64·log2e + 0.5)
		f.simd(simdF64x2Mul)
		vconst(0.5)
		f.simd(simdF64x2Add)
		f.simd(simdF64x2Floor)
		f.set(kf)
		f.get(x) // r = (x - kf·ln2hi64) - kf·ln2lo64
		f.get(kf)
		vconst(ln2hi64)
		f.simd(simdF64x2Mul)
		f.simd(simdF64x2Sub)
		f.get(kf)
		vconst(ln2lo64)
		f.simd(simdF64x2Mul)
		f.simd(simdF64x2Sub)
		f.set(r)
		vconst(1.0 / 720) // p = Taylor, Horner
		for _, c := range []float64{1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1} {
			f.get(r)
			f.simd(simdF64x2Mul)
			vconst(c)
			f.simd(simdF64x2Add)
		}
		f.get(kf) // k as int32 in the low half of each lane: kf + 1.5·2^52
		vconst(magicInt)
		f.simd(simdF64x2Add)
		f.set(ki)
		frac(0) // p · (table[k0&63], table[k1&63])
		f.simdMem(simdLoad64Splat, 0)
		frac(2)
		f.mem(opF64Load, 3, 0)
		f.simd(simdF64x2Replace)
		f.op(1)
		f.simd(simdF64x2Mul)
		f.get(kf) // · 2^(k>>6): floor(k/64) + 1023 + 2^52 has (k>>6)+1023 in its low bits, shifted into the exponent
		vconst(1.0 / 64)
		f.simd(simdF64x2Mul)
		f.simd(simdF64x2Floor)
		vconst(magicExp)
		f.simd(simdF64x2Add)
		f.i32c(52)
		f.simd(simdI64x2Shl)
		f.simd(simdF64x2Mul)
		f.get(x) // 0 where x < expMin (or NaN)
		vconst(expMin)
		f.simd(simdF64x2Ge)
		f.simd(simdAnd)
		f.set(e)
		f.get(x) // NaN stays NaN
		f.get(e)
		f.get(x)
		f.get(x)
		f.simd(simdF64x2Ne)
		f.simd(simdBitselect)
		f.set(e)
		f.get(dst)
		f.get(e)
		f.simdMem(simdStore, off)
		f.get(sum)
		f.get(e)
		f.simd(simdF64x2Add)
		f.set(sum)
	})
	f.lanes(sum)
	f.op(opF64Add)
	return f
}
