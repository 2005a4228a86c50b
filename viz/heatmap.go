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
}

// set loads values from a matrix (nil or empty: a 0 x 0 heatmap) and
// recolours.
func (h *Heatmap) set(m *mat.Dense, allowed *core.BoolMatrix, gen int) {
	h.Rows, h.Cols = 0, 0
	h.Values, h.Blocked = h.Values[:0], nil
	if m != nil && !m.IsEmpty() {
		h.Rows, h.Cols = m.Dims()
		for i := 0; i < h.Rows; i++ {
			h.Values = append(h.Values, m.RawRowView(i)...)
		}
	}
	if allowed != nil && allowed.Rows == h.Rows && allowed.Cols == h.Cols {
		h.Blocked = make([]bool, h.Rows*h.Cols)
		any := false
		for i, ok := range allowed.Data {
			h.Blocked[i] = !ok
			any = any || !ok
		}
		if !any {
			h.Blocked = nil
		}
	}
	h.Fill()
	h.Gen = gen
}

// setMask loads a mask: value 1 = allowed, 0 = blocked.
func (h *Heatmap) setMask(allowed *core.BoolMatrix, gen int) {
	h.Rows, h.Cols = 0, 0
	h.Values, h.Blocked = h.Values[:0], nil
	if allowed != nil {
		h.Rows, h.Cols = allowed.Rows, allowed.Cols
		h.Blocked = make([]bool, len(allowed.Data))
		for i, ok := range allowed.Data {
			v := 0.0
			if ok {
				v = 1
			}
			h.Values = append(h.Values, v)
			h.Blocked[i] = !ok
		}
	}
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

// Fill recomputes MaxAbs and the pixels from the values.
func (h *Heatmap) Fill() {
	h.MaxAbs = 0
	for _, v := range h.Values {
		if a := math.Abs(v); a > h.MaxAbs {
			h.MaxAbs = a
		}
	}
	n := h.Rows * h.Cols * 4
	if cap(h.Pix) < n {
		h.Pix = make([]byte, n)
	}
	h.Pix = h.Pix[:n]
	for i := 0; i < h.Rows; i++ {
		for j := 0; j < h.Cols; j++ {
			c := h.Color(i, j)
			p := h.Pix[(i*h.Cols+j)*4:]
			p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
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
