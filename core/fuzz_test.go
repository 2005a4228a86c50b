package core_test

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

// fuzzBytes hands out the fuzz input a piece at a time; past the end it
// gives zeros, so every input decodes to some case.
type fuzzBytes []byte

func (b *fuzzBytes) byte() byte {
	if len(*b) == 0 {
		return 0
	}
	c := (*b)[0]
	*b = (*b)[1:]
	return c
}

func (b *fuzzBytes) int16() int16 {
	return int16(binary.LittleEndian.Uint16([]byte{b.byte(), b.byte()}))
}

func (b *fuzzBytes) bit() bool { return b.byte()&1 == 1 }

// value returns a number in [-mag, mag); with mixed magnitudes each value
// also picks its own power of ten in 1e-3 .. 1e6 (capped at mag).
func (b *fuzzBytes) value(mag float64, mixed bool) float64 {
	x := float64(b.int16()) / 32768
	if mixed {
		return x * math.Min(mag, math.Pow(10, float64(int(b.byte()%10)-3)))
	}
	return x * mag
}

func (b *fuzzBytes) matrix(r, c int, mag float64, mixed bool) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, b.value(mag, mixed))
		}
	}
	return m
}

// fuzzCase is one decoded fuzz input.
type fuzzCase struct {
	tq, tk, dk, dv, heads int
	mask                  core.Mask
	scale                 float64 // 0 = default
	mag                   float64 // largest |value|
	mha, mixed            bool
	q, k, v, x            *mat.Dense
	seed                  int64
}

// decodeFuzz turns bytes into shapes, mask bits, flags, scale and values:
//
//	byte 0..3  T_q, T_k (1..9), d_k, d_v (1..8)
//	byte 4     flags: 1 causal, 2 explicit mask, 4 pad, 8 own scale,
//	           16 multi-head mode, 32 mixed magnitudes
//	byte 5     magnitude 10^(b%8) for b%8 <= 6 (up to 1e6); 7 means 1e200,
//	           beyond the contract's range, which must be refused or finite
//	then       scale (int16 and an exponent, |scale| <= 1e6), heads, seed,
//	           mask bits (T_q x T_k), pad bits (T_k), then the values
func decodeFuzz(data []byte) fuzzCase {
	b := fuzzBytes(data)
	c := fuzzCase{
		tq: 1 + int(b.byte()%9), tk: 1 + int(b.byte()%9),
		dk: 1 + int(b.byte()%8), dv: 1 + int(b.byte()%8),
	}
	flags := b.byte()
	c.mask.Causal = flags&1 != 0
	c.mha = flags&16 != 0
	c.mixed = flags&32 != 0
	e := int(b.byte() % 8)
	c.mag = math.Pow(10, float64(e))
	if e == 7 {
		c.mag = 1e200
	}
	s, se := b.int16(), b.byte()
	if flags&8 != 0 {
		c.scale = float64(s) / 32768 * math.Pow(10, float64(se%7)) // |scale| < 1e6
	}
	c.heads = 1 + int(b.byte()%4)
	c.seed = int64(b.byte())
	if c.mha {
		c.tk = c.tq // self-attention
	}
	if flags&2 != 0 {
		c.mask.Explicit = core.NewBoolMatrix(c.tq, c.tk, false)
		for i := range c.mask.Explicit.Data {
			c.mask.Explicit.Data[i] = !b.bit() // zeros past the end: all visible
		}
	}
	if flags&4 != 0 {
		c.mask.Pad = make([]bool, c.tk)
		for j := range c.mask.Pad {
			c.mask.Pad[j] = b.bit()
		}
	}
	if c.mha {
		c.x = b.matrix(c.tq, c.heads*c.dk, c.mag, c.mixed) // T x d_model
	} else {
		c.q = b.matrix(c.tq, c.dk, c.mag, c.mixed) // T_q x d_k
		c.k = b.matrix(c.tk, c.dk, c.mag, c.mixed) // T_k x d_k
		c.v = b.matrix(c.tk, c.dv, c.mag, c.mixed) // T_k x d_v
	}
	return c
}

// checkFiniteAttention: no NaN or Inf anywhere, weights >= 0, blocked cells
// exactly 0, rows with a visible key sum to 1, rows without are all zero.
func checkFiniteAttention(t *testing.T, what string, a *core.Attention) {
	t.Helper()
	checkFiniteMatrix(t, what+" scores", a.Scores)
	checkFiniteMatrix(t, what+" weights", a.Weights)
	checkFiniteMatrix(t, what+" output", a.Output)
	tq, tk := a.Weights.Dims()
	for i := 0; i < tq; i++ {
		sum, seen := 0.0, false
		for j := 0; j < tk; j++ {
			w := a.Weights.At(i, j)
			if w < 0 || (!a.Allowed.At(i, j) && w != 0) {
				t.Fatalf("%s weight[%d][%d] = %v (allowed %v)", what, i, j, w, a.Allowed.At(i, j))
			}
			seen = seen || a.Allowed.At(i, j)
			sum += w
		}
		switch {
		case seen && math.Abs(sum-1) > 1e-12:
			t.Fatalf("%s row %d sums to %.17g", what, i, sum)
		case !seen && (!a.BlockedRows[i] || sum != 0):
			t.Fatalf("%s row %d sees nothing: flagged %v, sum %v", what, i, a.BlockedRows[i], sum)
		case !seen:
			for _, o := range a.Output.RawRowView(i) {
				if o != 0 {
					t.Fatalf("%s blocked row %d has output %v", what, i, a.Output.RawRowView(i))
				}
			}
		case a.BlockedRows[i]:
			t.Fatalf("%s row %d is flagged blocked but sees a key", what, i)
		}
	}
}

func checkFiniteMatrix(t *testing.T, name string, m *mat.Dense) {
	t.Helper()
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if x := m.At(i, j); math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%s[%d][%d] = %v", name, i, j, x)
			}
		}
	}
}

// FuzzAttention runs scaled dot-product or multi-head attention on decoded
// shapes, masks, scales and values up to 1e6 (and, rarely, 1e200): the
// result is either an *InputError or an all-finite trace.
func FuzzAttention(f *testing.F) {
	f.Add([]byte{1, 1, 1, 1, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decodeFuzz(data)
		// refused checks a refusal: an *InputError without a trace, and
		// only for values beyond the contract's range.
		refused := func(err error, traced bool) bool {
			if err == nil {
				return false
			}
			var ie *core.InputError
			if !errors.As(err, &ie) || traced {
				t.Fatalf("refusal is %T %v (trace %v)", err, err, traced)
			}
			if c.mag <= 1e6 {
				t.Fatalf("in-range input refused: %v", err)
			}
			return true
		}
		if c.mha {
			d := c.heads * c.dk
			w := &core.MHAWeights{Heads: c.heads}
			for i, dst := range []**mat.Dense{&w.Wq, &w.Wk, &w.Wv, &w.Wo} {
				vals := make([]float64, d*d)
				core.FillUniform(vals, c.seed, "fuzz", uint64(i), 1)
				*dst = mat.NewDense(d, d, vals)
			}
			w.Bo = make([]float64, d)
			core.FillUniform(w.Bo, c.seed, "b_o", 0, 1)
			tr, err := core.MultiHeadAttentionWith(c.x, w, c.mask, core.MHAOptions{Scale: c.scale})
			if refused(err, tr != nil) {
				return
			}
			for h, head := range tr.Heads {
				checkFiniteAttention(t, "head "+string(rune('0'+h)), head.Attention)
			}
			for _, m := range []struct {
				name string
				m    *mat.Dense
			}{{"Q", tr.Q}, {"K", tr.K}, {"V", tr.V}, {"concat", tr.Concat}, {"output", tr.Output}} {
				checkFiniteMatrix(t, m.name, m.m)
			}
			return
		}
		scale := c.scale
		if scale == 0 {
			scale = core.DefaultScale(c.dk)
		}
		a, err := core.ScaledDotProductAttention(c.q, c.k, c.v, c.mask, scale)
		if refused(err, a != nil) {
			return
		}
		checkFiniteAttention(t, "sdpa", a)
	})
}
