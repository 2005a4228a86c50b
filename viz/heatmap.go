package viz

import (
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

// HeatKind says how a heatmap's values become colours.
type HeatKind int

const (
	Signed  HeatKind = iota // Diverging(v, MaxAbs): embeddings, PE, X, Q, K, V, scores, outputs
	Weights                 // Sequential(v), v in [0, 1]; blocked cells BlockedColor
	MaskMap                 // MaskAllowed / MaskBlocked
)

// Colours of cells that are not values.
var (
	BlockedColor = color.RGBA{0xc8, 0xc8, 0xc8, 0xff} // a blocked weight (also hatched on screen)
	MaskAllowed  = color.RGBA{0xf2, 0xf2, 0xf2, 0xff} // mask: may attend
	MaskBlocked  = color.RGBA{0x59, 0x59, 0x59, 0xff} // mask: blocked (also hatched on screen)
)

// Heatmap is one matrix as colours: one RGBA pixel per cell, row-major,
// ready for an image upload (Rows x Cols pixels).
type Heatmap struct {
	ID      string // panel id: "weights", "q", "head-weights", ...
	Head    int    // head index for per-head panels, -1 otherwise
	Kind    HeatKind
	Rows    int
	Cols    int
	Values  []float64 // Rows x Cols, row-major
	Blocked []bool    // Rows x Cols, true = masked out; nil when nothing is
	MaxAbs  float64   // largest |value|, the ± end of a Signed legend
	Pix     []byte    // Rows x Cols x 4 RGBA
	Gen     int       // bumped whenever Pix changes

	scratch  []float64 // the next values, compared with Values before use
	bscratch []bool    // the next blocked cells, likewise (never Blocked's array)
}

// nextBlocked returns n false cells in the blocked scratch buffer.
func (h *Heatmap) nextBlocked(n int) []bool {
	if cap(h.bscratch) < n {
		return make([]bool, n)
	}
	b := h.bscratch[:n]
	clear(b)
	return b
}

// set loads values from a matrix (nil or empty: a 0 x 0 heatmap) and
// recolours, bumping Gen to gen, but only when the data differ from what
// the heatmap holds (selecting another head leaves E, PE, X, concat and the
// output as they were, so their textures are not uploaded again).
func (h *Heatmap) set(kind HeatKind, m *mat.Dense, allowed *core.BoolMatrix, gen int) {
	rows, cols := 0, 0
	vals := h.scratch[:0]
	if m != nil && !m.IsEmpty() {
		rows, cols = m.Dims()
		for i := 0; i < rows; i++ {
			vals = append(vals, m.RawRowView(i)...)
		}
	}
	var blocked []bool
	if allowed != nil && allowed.Rows == rows && allowed.Cols == cols {
		for i, ok := range allowed.Data {
			if !ok {
				if blocked == nil {
					blocked = h.nextBlocked(rows * cols)
				}
				blocked[i] = true
			}
		}
	}
	h.update(kind, rows, cols, vals, blocked, gen)
}

// setMask loads a mask: value 1 = allowed, 0 = blocked.
func (h *Heatmap) setMask(allowed *core.BoolMatrix, gen int) {
	rows, cols := 0, 0
	vals := h.scratch[:0]
	var blocked []bool
	if allowed != nil {
		rows, cols = allowed.Rows, allowed.Cols
		blocked = h.nextBlocked(len(allowed.Data))
		for i, ok := range allowed.Data {
			v := 0.0
			if ok {
				v = 1
			}
			vals = append(vals, v)
			blocked[i] = !ok
		}
	}
	h.update(MaskMap, rows, cols, vals, blocked, gen)
}

// update takes new data if it differs from the current one.
func (h *Heatmap) update(kind HeatKind, rows, cols int, vals []float64, blocked []bool, gen int) {
	same := h.Gen != 0 && kind == h.Kind && rows == h.Rows && cols == h.Cols &&
		len(vals) == len(h.Values) && len(blocked) == len(h.Blocked)
	for i := 0; same && i < len(vals); i++ {
		same = vals[i] == h.Values[i]
	}
	for i := 0; same && i < len(blocked); i++ {
		same = blocked[i] == h.Blocked[i]
	}
	h.scratch = vals
	if same {
		if blocked != nil {
			h.bscratch = blocked
		}
		return
	}
	h.Kind, h.Rows, h.Cols = kind, rows, cols
	h.Blocked, h.bscratch = blocked, h.Blocked
	h.Values, h.scratch = vals, h.Values
	h.Fill()
	h.Gen = gen
}

// IsBlocked reports whether cell (i, j) is masked out.
func (h *Heatmap) IsBlocked(i, j int) bool {
	return h.Blocked != nil && h.Blocked[i*h.Cols+j]
}

// At returns cell (i, j).
func (h *Heatmap) At(i, j int) float64 { return h.Values[i*h.Cols+j] }

// Color returns the colour of cell (i, j), exactly what Pix holds.
func (h *Heatmap) Color(i, j int) color.RGBA {
	v := h.At(i, j)
	switch h.Kind {
	case Weights:
		if h.IsBlocked(i, j) {
			return BlockedColor
		}
		return Sequential(v)
	case MaskMap:
		if h.IsBlocked(i, j) {
			return MaskBlocked
		}
		return MaskAllowed
	}
	return Diverging(v, h.MaxAbs)
}

// Fill recomputes MaxAbs and the pixels from the values (what Color
// returns, one kind-specific loop over the cells: this runs for every
// changed heatmap on every edit).
func (h *Heatmap) Fill() {
	h.MaxAbs = 0
	for _, v := range h.Values {
		if a := math.Abs(v); a > h.MaxAbs {
			h.MaxAbs = a
		}
	}
	n := h.Rows * h.Cols
	if cap(h.Pix) < n*4 {
		h.Pix = make([]byte, n*4)
	}
	h.Pix = h.Pix[:n*4]
	vals, pix, blocked := h.Values[:n], h.Pix, h.Blocked
	if blocked != nil {
		blocked = blocked[:n]
	}
	put := func(k int, c color.RGBA) { *(*[4]byte)(pix[k*4:]) = [4]byte{c.R, c.G, c.B, c.A} }
	switch h.Kind {
	case Weights:
		for k, v := range vals {
			if blocked != nil && blocked[k] {
				put(k, BlockedColor)
				continue
			}
			put(k, lookup(sequentialLUT, v))
		}
	case MaskMap:
		for k := range vals {
			if blocked != nil && blocked[k] {
				put(k, MaskBlocked)
				continue
			}
			put(k, MaskAllowed)
		}
	default:
		m := h.MaxAbs
		for k, v := range vals {
			put(k, Diverging(v, m))
		}
	}
}

// BlockedRuns returns, row by row, the runs of consecutive blocked cells as
// [row, firstCol, endCol) triples, so a hatch can cover them with few quads.
func (h *Heatmap) BlockedRuns() [][3]int {
	if h.Blocked == nil {
		return nil
	}
	var runs [][3]int
	for i := 0; i < h.Rows; i++ {
		for j := 0; j < h.Cols; {
			if !h.IsBlocked(i, j) {
				j++
				continue
			}
			k := j
			for k < h.Cols && h.IsBlocked(i, k) {
				k++
			}
			runs = append(runs, [3]int{i, j, k})
			j = k
		}
	}
	return runs
}
