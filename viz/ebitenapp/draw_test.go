package ebitenapp

import (
	"math"
	"testing"
)

// A cell's number must sit below the cell's centre (whose pixel keeps the
// colormap's colour) and above its bottom edge, for every cell size that
// shows numbers, in normal and presentation mode, at 1x and 2x pixels.
func TestNumberStaysInItsCell(t *testing.T) {
	fs := newFonts()
	for _, tc := range []struct {
		name     string
		u, scale float64
	}{
		{"normal 1x", 1, 1},
		{"normal 2x", 2, 2},
		{"presentation 1x", 1.5, 1},
		{"presentation 1x, larger unit", 2.4, 1},
		{"presentation 2x", 3, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			small := math.Round(11 * tc.u) // viz.Layout.Small
			for cellH := 22 * tc.scale; cellH <= 120*tc.scale; cellH += 0.5 {
				fh := math.Round(math.Min(small, cellH*0.36)) // as drawPanel picks it
				if fh < 9*tc.scale {
					continue // no numbers in such cells
				}
				cf := fs.face(fh)
				off := numberOffset(cellH, tc.u, ascent(cf), tc.scale)
				top := cellH/2 + off               // the line's top, from the cell's top
				baseline := top + ascent(cf)       // digits have no descent
				inkTop := baseline - 0.75*fh       // digits rise about 0.7 em above the baseline
				if baseline > cellH-tc.scale+0.5 { // .5: the line is drawn at a rounded pixel
					t.Fatalf("cell %.1f px, font %.0f px: baseline at %.1f, below the cell's bottom (%.1f)", cellH, fh, baseline, cellH)
				}
				if inkTop <= cellH/2 {
					t.Fatalf("cell %.1f px, font %.0f px: digits start at %.1f, over the cell's centre (%.1f)", cellH, fh, inkTop, cellH/2)
				}
			}
		})
	}
}
