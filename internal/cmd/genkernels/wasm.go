package main

import (
	"bytes"
	"encoding/binary"
	"math"
)

// A minimal WebAssembly binary encoder: just the sections, value types and
// opcodes the kernels use (spec: https://webassembly.github.io/spec/core/binary/).

// Value types.
const (
	i32  byte = 0x7f
	f64  byte = 0x7c
	v128 byte = 0x7b
)

// Opcodes (one byte; SIMD ones go through simd()).
const (
	opBlock   = 0x02
	opLoop    = 0x03
	opIf      = 0x04
	opEnd     = 0x0b
	opBr      = 0x0c
	opBrIf    = 0x0d
	opCall    = 0x10
	opCallInd = 0x11
	opGet     = 0x20
	opSet     = 0x21
	opTee     = 0x22
	opF64Load = 0x2b
	opF64St   = 0x39
	opSelect  = 0x1b
	opI32C    = 0x41
	opF64C    = 0x44
	opF64Eq   = 0x61
	opF64Lt   = 0x63
	opI32Eqz  = 0x45
	opI32LtS  = 0x48
	opI32Add  = 0x6a
	opI32Sub  = 0x6b
	opI32Mul  = 0x6c
	opI32And  = 0x71
	opI32Shl  = 0x74
	opF64Add  = 0xa0
	opF64Mul  = 0xa2
	blockVoid = 0x40
)

// SIMD128 opcodes (after the 0xfd prefix, as LEB128).
const (
	simdLoad         = 0x00
	simdLoad64Splat  = 0x0a
	simdStore        = 0x0b
	simdF64x2Splat   = 0x14
	simdI32x4Extract = 0x1b // lane index follows
	simdF64x2Extract = 0x21 // lane index follows
	simdF64x2Replace = 0x22 // lane index follows
	simdF64x2Ne      = 0x48
	simdF64x2Ge      = 0x4c
	simdAnd          = 0x4e
	simdBitselect    = 0x52
	simdF64x2Floor   = 0x75
	simdI64x2Shl     = 0xcb
	simdF64x2Add     = 0xf0
	simdF64x2Sub     = 0xf1
	simdF64x2Mul     = 0xf2
	simdF64x2Pmax    = 0xf7
)

func uleb(b *bytes.Buffer, v uint64) {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b.WriteByte(c | 0x80)
			continue
		}
		b.WriteByte(c)
		return
	}
}

func sleb(b *bytes.Buffer, v int64) {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			b.WriteByte(c)
			return
		}
		b.WriteByte(c | 0x80)
	}
}

// fn is one function body being written.
type fn struct {
	params  []byte // value types of the parameters
	results []byte // value types of the results (none or one)
	locals  []byte // value types of the declared locals, in index order
	code    bytes.Buffer
}

// local declares a local of type t and returns its index.
func (f *fn) local(t byte) uint32 {
	f.locals = append(f.locals, t)
	return uint32(len(f.params) + len(f.locals) - 1)
}

func (f *fn) op(ops ...byte)    { f.code.Write(ops) }
func (f *fn) get(i uint32)      { f.code.WriteByte(opGet); uleb(&f.code, uint64(i)) }
func (f *fn) set(i uint32)      { f.code.WriteByte(opSet); uleb(&f.code, uint64(i)) }
func (f *fn) tee(i uint32)      { f.code.WriteByte(opTee); uleb(&f.code, uint64(i)) }
func (f *fn) i32c(v int32)      { f.code.WriteByte(opI32C); sleb(&f.code, int64(v)) }
func (f *fn) br(op byte, l int) { f.code.WriteByte(op); uleb(&f.code, uint64(l)) }
func (f *fn) call(i uint32)     { f.code.WriteByte(opCall); uleb(&f.code, uint64(i)) }

// mem writes a load/store opcode with its memarg (log2 alignment, offset).
func (f *fn) mem(op byte, align uint32, off uint32) {
	f.code.WriteByte(op)
	uleb(&f.code, uint64(align))
	uleb(&f.code, uint64(off))
}

func (f *fn) simd(op uint32) { f.code.WriteByte(0xfd); uleb(&f.code, uint64(op)) }

// f64c pushes a float64 constant.
func (f *fn) f64c(v float64) {
	f.code.WriteByte(opF64C)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
	f.code.Write(b[:])
}

// splat pushes the f64x2 vector (v, v).
func (f *fn) splat(v float64) {
	f.f64c(v)
	f.simd(simdF64x2Splat)
}

// simdMem writes a SIMD load/store with an 8-byte alignment hint (float64
// data is 8-byte aligned; the hint never makes an access fail).
func (f *fn) simdMem(op uint32, off uint32) {
	f.simd(op)
	uleb(&f.code, 3)
	uleb(&f.code, uint64(off))
}

// addTo emits x += v for an i32 local.
func (f *fn) addTo(x uint32, v func()) {
	f.get(x)
	v()
	f.op(opI32Add)
	f.set(x)
}

// body returns the function's code entry: locals, code, end.
func (f *fn) body() []byte {
	var b bytes.Buffer
	var groups [][2]int // (count, type)
	for _, t := range f.locals {
		if n := len(groups); n > 0 && groups[n-1][1] == int(t) {
			groups[n-1][0]++
			continue
		}
		groups = append(groups, [2]int{1, int(t)})
	}
	uleb(&b, uint64(len(groups)))
	for _, g := range groups {
		uleb(&b, uint64(g[0]))
		b.WriteByte(byte(g[1]))
	}
	b.Write(f.code.Bytes())
	b.WriteByte(opEnd)
	return b.Bytes()
}

func name(b *bytes.Buffer, s string) { uleb(b, uint64(len(s))); b.WriteString(s) }

func section(out *bytes.Buffer, id byte, content []byte) {
	out.WriteByte(id)
	uleb(out, uint64(len(content)))
	out.Write(content)
}

// module encodes a module that imports env.mem (a memory, no minimum) and
// env.table (a funcref table of at least tableSize slots), defines funcs
// and exports function exports[i] under name i when not empty.
func module(funcs []*fn, exports []string, tableSize int) []byte {
	var out bytes.Buffer
	out.Write([]byte{0, 'a', 's', 'm', 1, 0, 0, 0})

	// Types: one per function (duplicates are allowed and keep this simple).
	var s bytes.Buffer
	uleb(&s, uint64(len(funcs)))
	for _, f := range funcs {
		s.WriteByte(0x60)
		uleb(&s, uint64(len(f.params)))
		s.Write(f.params)
		uleb(&s, uint64(len(f.results)))
		s.Write(f.results)
	}
	section(&out, 1, s.Bytes())

	s.Reset() // imports
	uleb(&s, 2)
	name(&s, "env")
	name(&s, "mem")
	s.Write([]byte{0x02, 0x00, 0x00}) // memory, limits: min 0, no max
	name(&s, "env")
	name(&s, "table")
	s.Write([]byte{0x01, 0x70, 0x00}) // table of funcref, limits: min tableSize, no max
	uleb(&s, uint64(tableSize))
	section(&out, 2, s.Bytes())

	s.Reset() // functions: function i has type i
	uleb(&s, uint64(len(funcs)))
	for i := range funcs {
		uleb(&s, uint64(i))
	}
	section(&out, 3, s.Bytes())

	s.Reset() // exports
	n := 0
	for _, e := range exports {
		if e != "" {
			n++
		}
	}
	uleb(&s, uint64(n))
	for i, e := range exports {
		if e != "" {
			name(&s, e)
			s.WriteByte(0x00)
			uleb(&s, uint64(i))
		}
	}
	section(&out, 7, s.Bytes())

	s.Reset() // code
	uleb(&s, uint64(len(funcs)))
	for _, f := range funcs {
		b := f.body()
		uleb(&s, uint64(len(b)))
		s.Write(b)
	}
	section(&out, 10, s.Bytes())
	return out.Bytes()
}
