package viz

import (
	"image/color"
	"math"
	"unsafe"

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
	MaxAbs  float64   // largest |value| of a Signed heatmap, the ± end of its legend (0 for the other kinds)
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
// returns: this runs for every changed heatmap on every edit, and was the
// largest self time on the browser's main thread while typing). Each pass
// over the cells is a small function with few branches: Go's wasm code
// dispatches every jump through a table over the function's blocks, so
// branches and big functions cost more in the browser than natively.
func (h *Heatmap) Fill() {
	n := h.Rows * h.Cols
	if cap(h.Pix) < n*4 {
		h.Pix = make([]byte, n*4)
	}
	h.Pix = h.Pix[:n*4]
	h.MaxAbs = 0
	if n == 0 {
		return
	}
	// One uint32 store per cell: the packed tables hold each colour's
	// bytes in memory order (colormap.go packRGBA).
	pix := unsafe.Slice((*uint32)(unsafe.Pointer(&h.Pix[0])), n)
	vals, blocked := h.Values[:n], h.Blocked
	if blocked != nil {
		blocked = blocked[:n]
	}
	switch h.Kind {
	case Weights:
		fillSequential(pix, vals)
		fillBlocked(pix, blocked, blockedPix)
	case MaskMap:
		fillConst(pix, maskAllowedPix)
		fillBlocked(pix, blocked, maskBlockedPix)
	default:
		m, finite := maxAbsOf(vals)
		h.MaxAbs = m
		switch {
		case !(m > 0):
			fillConst(pix, divergingMidPix)
		case !finite: // NaN or ±Inf somewhere: Diverging's rules, cell by cell
			for k, v := range vals {
				pix[k] = packRGBA(Diverging(v, m))
			}
		default:
			fillDiverging(pix, vals, divergingScale(m))
		}
	}
}

// maxAbsOf returns the largest |v| (NaN skipped) and whether every value
// is finite (v·0 is 0 for finite v, NaN for NaN and ±Inf).
func maxAbsOf(vals []float64) (maxAbs float64, finite bool) {
	zero := 0.0
	for _, v := range vals {
		zero += v * 0
		if a := math.Abs(v); a > maxAbs {
			maxAbs = a
		}
	}
	return maxAbs, zero == 0
}

// fillSequential colours weights: Sequential(v), the table entry at
// v·lutSteps + 0.5, clamped.
func fillSequential(pix []uint32, vals []float64) {
	lut := sequentialPix
	pix = pix[:len(vals)]
	for k, v := range vals {
		pix[k] = lut[lutIndex(v*lutSteps+0.5)]
	}
}

// fillDiverging colours finite signed values: Diverging(v, maxAbs) with
// scale = divergingScale(maxAbs).
func fillDiverging(pix []uint32, vals []float64, scale float64) {
	lut := divergingPix
	pix = pix[:len(vals)]
	for k, v := range vals {
		pix[k] = lut[lutIndex(v*scale+divergingOffset)]
	}
}

// fillConst sets every cell to c.
func fillConst(pix []uint32, c uint32) {
	for k := range pix {
		pix[k] = c
	}
}

// fillBlocked sets the blocked cells to c (blocked nil: none).
func fillBlocked(pix []uint32, blocked []bool, c uint32) {
	pix = pix[:len(blocked)]
	for k, b := range blocked {
		if b {
			pix[k] = c
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
