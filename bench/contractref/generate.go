// Package contractref checks attnviz's JSON contract (core/contract, what
// "attnviz trace" runs) against an independent PyTorch reference on many
// seeded random inputs, and checks that malformed inputs are refused.
//
// Generate makes the cases (ops sdpa, mha and pe, as in
// ../shared/golden/README.md); Reference runs contract_ref.py, which
// computes the README's trace fields in float64 with PyTorch, following the
// README's rules literally and cross-checking them with PyTorch's own
// layers. The test compares every field with the golden rule
// |got - want| <= tol·max(1, |want|), and the cells the README fixes
// (blocked weights, fully blocked rows) exactly.
//
// go test ./bench/contractref runs 300 cases (seed 1); set
// ATTNVIZ_CONTRACTREF_SEED and ATTNVIZ_CONTRACTREF_N for others. A failing
// case is written as a golden case file to $ATTNVIZ_ARTIFACTS/contractref
// (default artifacts/contractref); replay it with
// go run ./cmd/attnviz trace FILE. It needs Debian's python3-torch
// (scripts/setup.sh installs it); without it the test fails, never skips.
//
// Symbols: T tokens, T_q/T_k query/key rows, d_k key width, d_v value
// width, d_model token width, H heads.
package contractref

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/attnviz/attnviz/core"
)

// Case is one generated contract input.
type Case struct {
	Name  string         `json:"name"`
	Input map[string]any `json:"input"` // one contract input: {"op": ..., ...}
	// Tags name what the case exercises ("sdpa", "tq>tk", "fully-blocked",
	// ...): the coverage test counts them.
	Tags []string `json:"-"`
}

func (c *Case) tag(tags ...string) { c.Tags = append(c.Tags, tags...) }

// Has reports whether the case carries the tag.
func (c *Case) Has(tag string) bool { return slices.Contains(c.Tags, tag) }

// Generate returns n cases, the same ones for the same seed.
func Generate(seed uint64, n int) []Case {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x5eed))}
	cases := make([]Case, n)
	for i := range cases {
		var c Case
		switch p := g.r.Float64(); {
		case p < 0.5:
			c = g.sdpa()
		case p < 0.85:
			c = g.mha()
		default:
			c = g.pe()
		}
		c.Name = fmt.Sprintf("%04d_%s", i, c.Input["op"])
		cases[i] = c
	}
	return cases
}

// gen draws random inputs.
type gen struct{ r *rand.Rand }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns an integer in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func pick[T any](g *gen, options ...T) T { return options[g.r.IntN(len(options))] }

// valueStyle says how matrix entries are drawn.
type valueStyle struct {
	ints bool    // whole numbers in [-size, size] (exact products: large logits without rounding noise)
	size float64 // the standard deviation, or the largest whole number
	zero float64 // the share of entries set to exactly 0
}

func (g *gen) styleFor() valueStyle {
	switch p := g.r.Float64(); {
	case p < 0.55:
		return valueStyle{size: pick(g, 1.0, 0.3, 2.0)}
	case p < 0.75:
		return valueStyle{size: pick(g, 1.0, 3.0), zero: 0.3}
	case p < 0.9:
		return valueStyle{ints: true, size: pick(g, 1.0, 3.0, 9.0)}
	default:
		return valueStyle{size: 1, zero: 1} // all zeros
	}
}

// matrix returns r x c values as JSON rows.
func (g *gen) matrix(r, c int, s valueStyle) [][]float64 {
	m := make([][]float64, r)
	for i := range m {
		m[i] = g.vector(c, s)
	}
	return m
}

func (g *gen) vector(n int, s valueStyle) []float64 {
	v := make([]float64, n)
	for j := range v {
		switch {
		case g.chance(s.zero):
			v[j] = 0
		case s.ints:
			v[j] = float64(g.between(-int(s.size), int(s.size)))
		default:
			v[j] = g.r.NormFloat64() * s.size
		}
	}
	return v
}

// flagCells encodes 0/1 values as the contract accepts them: numbers, or
// (for a whole matrix or vector) false/true.
func (g *gen) flagCells(rows [][]bool) []any {
	asBool := g.chance(0.25)
	out := make([]any, len(rows))
	for i, row := range rows {
		out[i] = flagRow(row, asBool)
	}
	return out
}

func flagRow(row []bool, asBool bool) []any {
	out := make([]any, len(row))
	for j, b := range row {
		switch {
		case asBool:
			out[j] = b
		case b:
			out[j] = 1
		default:
			out[j] = 0
		}
	}
	return out
}

// masking adds mask, causal and pad fields (T_q x T_k) to in and tags c;
// with always, an explicit mask for sure.
func (g *gen) masking(c *Case, in map[string]any, tq, tk int, always bool) {
	var mask [][]bool // nil: no explicit mask
	if always || g.chance(0.35) {
		mask = make([][]bool, tq)
		for i := range mask {
			mask[i] = make([]bool, tk)
			for j := range mask[i] {
				mask[i][j] = g.chance(0.7)
			}
		}
		switch p := g.r.Float64(); {
		case p < 0.3: // one query sees nothing
			clear(mask[g.r.IntN(tq)])
		case p < 0.4: // an explicit mask that blocks nothing
			for i := range mask {
				for j := range mask[i] {
					mask[i][j] = true
				}
			}
		}
		in["mask"] = g.flagCells(mask)
		c.tag("mask")
	}
	causal := false
	if g.chance(0.4) {
		causal = true
		in["causal"] = true
		c.tag("causal")
	} else if g.chance(0.1) {
		in["causal"] = false
	}
	var pad []bool
	if g.chance(0.3) {
		pad = make([]bool, tk)
		all := g.chance(0.1)
		for j := range pad {
			pad[j] = all || g.chance(0.3)
		}
		in["pad"] = flagRow(pad, g.chance(0.25))
		c.tag("pad")
	}
	switch {
	case causal && tq > tk: // the first T_q - T_k queries see no key
		c.tag("causal-tq>tk")
	case causal && tq < tk:
		c.tag("causal-tq<tk")
	}
	if mask != nil && causal && pad != nil {
		c.tag("mask+causal+pad")
	}
	for i := 0; i < tq; i++ {
		seen := false
		for j := 0; j < tk; j++ {
			seen = seen || (mask == nil || mask[i][j]) && (!causal || j <= i+tk-tq) && (pad == nil || !pad[j])
		}
		if !seen {
			c.tag("fully-blocked")
			return
		}
	}
}

// sdpa draws a scaled dot-product attention input.
func (g *gen) sdpa() Case {
	c := Case{}
	c.tag("sdpa")
	var tq, tk int
	switch p := g.r.Float64(); {
	case p < 0.3:
		tq = g.between(1, 9)
		tk = tq
	case p < 0.5:
		tq = g.between(1, 6)
		tk = g.between(tq+1, 12)
		c.tag("tq<tk")
	case p < 0.75:
		tk = g.between(1, 6)
		tq = g.between(tk+1, 12)
		c.tag("tq>tk")
	case p < 0.85:
		tq, tk = 1, g.between(1, 12)
		c.tag("decode")
	case p < 0.97: // wide enough for every block of the matrix kernels
		tq, tk = g.between(6, 40), g.between(6, 40)
		c.tag("large-shape")
	default:
		tq, tk = g.between(64, 130), g.between(64, 130)
		c.tag("large-shape")
	}
	if tq == 1 && tk == 1 {
		c.tag("T=1")
	}
	dk, dv := g.between(1, 9), g.between(1, 9)
	if c.Has("large-shape") {
		dk, dv = g.between(1, 70), g.between(1, 70)
	}
	in := map[string]any{"op": "sdpa"}
	var qk valueStyle // how q and k are drawn
	switch p := g.r.Float64(); {
	case p < 0.045:
		// Large logits: whole numbers (exact products, so no rounding
		// noise is amplified) and a power-of-two scale: |scores| up to ~1e6.
		dk, qk = pick(g, 1, 4, 16), valueStyle{ints: true, size: pick(g, 30.0, 100.0, 300.0)}
		if g.chance(0.5) {
			in["scale"] = pick(g, 1.0, 2.0, 0.5, 4.0)
		}
		c.tag("large-logits")
	case p < 0.09:
		// |scores| up to ~1e12 (2^19 keeps them exact): a blocked key's
		// score beats the others by more than an additive -1e9 would hide.
		dk, qk = pick(g, 4, 16), valueStyle{ints: true, size: 300}
		in["scale"] = 524288.0
		c.tag("large-logits", "huge-scores")
	case p < 0.14: // tiny scores: uniform weights over the visible keys
		qk = valueStyle{size: pick(g, 1e-100, 1e-160)}
		c.tag("tiny-values")
	default:
		qk = g.styleFor()
		if g.chance(0.55) {
			in["scale"] = pick(g, 1.0, 0.5, -0.5, 0.0, 1e-3, 1e-9, 10.0, 100.0, 1e4, 1e6, 1e8, -1e12, g.r.Float64()*6-3)
		}
		if qk.zero > 0 {
			c.tag("zeros")
		}
	}
	if g.chance(0.4) {
		dv = dk
	}
	if dv != dk {
		c.tag("dv!=dk")
	}
	in["q"], in["k"] = g.matrix(tq, dk, qk), g.matrix(tk, dk, qk)
	vStyle := g.styleFor()
	if g.chance(0.05) {
		vStyle = valueStyle{size: pick(g, 1e100, 1e-100)}
		c.tag("extreme-v")
	}
	in["v"] = g.matrix(tk, dv, vStyle)
	if _, ok := in["scale"]; ok {
		c.tag("scale")
	} else {
		c.tag("default-scale")
	}
	g.masking(&c, in, tq, tk, c.Has("huge-scores"))
	if c.Has("huge-scores") {
		g.blockTopKeys(in)
	}
	c.Input = in
	return c
}

// blockTopKeys masks, in most rows, the key with the largest
// score q_i·k_j: its weight must still be exactly 0, which an implementation
// that adds a large negative number instead of leaving blocked keys out
// gets wrong once scores are that large.
func (g *gen) blockTopKeys(in map[string]any) {
	q, k := in["q"].([][]float64), in["k"].([][]float64)
	mask := in["mask"].([]any) // T_q rows of 0/1 or false/true
	for i, qi := range q {
		if g.chance(0.3) {
			continue
		}
		top, best := 0, math.Inf(-1)
		for j, kj := range k {
			dot := 0.0
			for c := range qi {
				dot += qi[c] * kj[c]
			}
			if dot > best {
				top, best = j, dot
			}
		}
		row := mask[i].([]any)
		if _, asBool := row[top].(bool); asBool {
			row[top] = false
		} else {
			row[top] = 0
		}
	}
}

// mha draws a multi-head attention input.
func (g *gen) mha() Case {
	c := Case{}
	c.tag("mha")
	d := pick(g, 1, 2, 3, 4, 5, 6, 8, 9, 12, 16)
	t := g.between(1, 10)
	switch p := g.r.Float64(); {
	case p < 0.1:
		d, t = pick(g, 16, 24, 32, 48), g.between(8, 33)
		c.tag("large-shape")
	case p < 0.13: // many heads, up to H = d_model = 128 (d_k = 1)
		d, t = pick(g, 64, 128), g.between(2, 20)
		c.tag("large-shape")
	}
	var divisors []int
	for h := 1; h <= min(d, core.MaxHeads); h++ {
		if d%h == 0 {
			divisors = append(divisors, h)
		}
	}
	heads := divisors[g.r.IntN(len(divisors))]
	switch {
	case heads == d:
		c.tag("d_k=1")
	case heads == 1:
		c.tag("H=1")
	}
	if t == 1 {
		c.tag("T=1")
	}
	in := map[string]any{"op": "mha", "heads": heads}
	xStyle := g.styleFor()
	wStyle := valueStyle{size: 1 / math.Sqrt(float64(d))}
	if g.chance(0.12) { // large logits, exact: whole-number inputs and weights
		xStyle, wStyle = valueStyle{ints: true, size: 20}, valueStyle{ints: true, size: 5}
		c.tag("large-logits")
	}
	in["x"] = g.matrix(t, d, xStyle)
	for _, f := range []string{"w_q", "w_k", "w_v", "w_o"} {
		in[f] = g.matrix(d, d, wStyle)
	}
	biases := 0
	for _, f := range []string{"b_q", "b_k", "b_v", "b_o"} {
		switch p := g.r.Float64(); {
		case p < 0.5:
			b := valueStyle{size: 0.5}
			if c.Has("large-logits") {
				b = valueStyle{ints: true, size: 5}
			}
			in[f] = g.vector(d, b)
			biases++
		case p < 0.6:
			in[f] = make([]float64, d)
			biases++
		}
	}
	switch biases {
	case 0:
		c.tag("no-bias")
	case 4:
		c.tag("all-bias")
	default:
		c.tag("some-bias")
	}
	if g.chance(0.1) { // the contract's optional scale (non-zero)
		in["scale"] = pick(g, 1.0, 0.5, 2.0, -1.0, 1e-3)
		c.tag("scale")
	}
	if dk := d / heads; c.Has("large-logits") && !c.Has("scale") && dk != 1 && dk != 4 && dk != 16 && dk != 64 {
		// 1/√d_k would round the exact whole-number scores: scale by a power of two.
		in["scale"] = pick(g, 0.5, 0.25)
		c.tag("scale")
	}
	g.masking(&c, in, t, t, false)
	c.Input = in
	return c
}

// pe draws a sinusoidal positional encoding input: positions as a count T
// (rows 0..T-1) or as an array of positions.
func (g *gen) pe() Case {
	c := Case{}
	c.tag("pe")
	d := g.between(1, 40)
	if g.chance(0.1) {
		d = pick(g, 64, 128, 512)
	}
	in := map[string]any{"op": "pe", "d_model": d}
	if g.chance(0.8) {
		in["kind"] = "sinusoidal"
	}
	if g.chance(0.7) {
		t := pick(g, 1, g.between(0, 60), g.between(2, 200))
		if g.chance(0.08) {
			t = pick(g, 1024, 2000)
			d = g.between(1, 8) // keep the table small
			in["d_model"] = d
		}
		in["positions"] = t
		if t == 1 {
			c.tag("T=1")
		}
		if t >= 1000 {
			c.tag("large-position")
		}
	} else {
		p := make([]float64, g.between(1, 20))
		for i := range p {
			switch q := g.r.Float64(); {
			case q < 0.4:
				p[i] = float64(g.between(0, 100))
			case q < 0.7:
				p[i] = float64(g.between(1000, 10000))
				c.tag("large-position")
			default:
				p[i] = g.r.Float64() * 500 // between integers
			}
		}
		in["positions"] = p
		c.tag("positions-array")
	}
	if in["d_model"].(int)%2 == 1 {
		c.tag("odd-d")
	}
	c.Input = in
	return c
}
