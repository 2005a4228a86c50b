package viz

import (
	"strings"
	"testing"
)

// On projector-sized windows, presentation mode shows the scores, mask and
// weights at least as big as the normal view does, big enough for numbers
// (cells of 30+ px), and every panel keeps a title that fits its shape.
func TestPresentationFavoursTheAttentionBand(t *testing.T) {
	for _, f := range []Frame{{W: 1024, H: 600, Scale: 1}, {W: 1024, H: 768, Scale: 1}, {W: 1280, H: 800, Scale: 1}, {W: 1920, H: 1080, Scale: 1}} {
		for _, tokens := range []int{4, 6, 8} {
			normal := appWith(t, tokens, f).L.Panel("weights", -1)
			a := appWith(t, tokens, f, "present", "1")
			present := a.L.Panel("weights", -1)
			name := strings.Join([]string{ftoa(f.W) + "x" + ftoa(f.H), "T=" + ftoa(float64(tokens))}, " ")
			if present.CellW < normal.CellW-1e-9 {
				t.Errorf("%s: presenting, weights cells %.1f px, smaller than the normal view's %.1f", name, present.CellW, normal.CellW)
			}
			if f.H >= 768 && tokens <= 6 && present.CellW < 30 {
				t.Errorf("%s: presenting, weights cells %.1f px, too small for numbers", name, present.CellW)
			}
			for _, p := range a.L.Panels {
				if p.Short == "" || ApproxMeasure(p.Short)*a.L.Small > p.R.W+a.L.Small && p.ID != "head-weights" {
					t.Errorf("%s: panel %s short title %q does not fit %.0f px", name, p.ID, p.Short, p.R.W)
				}
			}
			checkLayout(t, name+" presenting", a)
		}
	}
}

func ftoa(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(strings.TrimRight(fmtNum(v), "0"), "."), ".")
}

// Every number in a panel has the same precision: the most decimals with
// which all of them fit, fewer for wide values, none when even one decimal
// does not fit (whole numbers say too little); no "-" on a rounded zero.
func TestCellDigitsOnePrecisionPerPanel(t *testing.T) {
	a := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1}, "scale", "off", "temp", "0.01")
	scores, weights := a.HeatByID("scores", -1), a.HeatByID("weights", -1)
	widest := func(h *Heatmap, digits int) int {
		n := 0
		for i := 0; i < h.Rows; i++ {
			for j := 0; j < h.Cols; j++ {
				n = max(n, len(CellTextDigits(h.At(i, j), digits)))
			}
		}
		return n
	}
	for _, tc := range []struct {
		name  string
		h     *Heatmap
		chars int // a text fits when it has at most this many bytes
		want  int
	}{
		{"weights, roomy", weights, 9, 2},
		{"weights, exactly their 2-decimal width", weights, widest(weights, 2), 2},
		{"weights, one char less", weights, widest(weights, 2) - 1, 1},
		{"weights, never whole numbers", weights, widest(weights, 1) - 1, -1},
		{"scores, exactly their 2-decimal width", scores, widest(scores, 2), 2},
		{"scores, one char less", scores, widest(scores, 2) - 1, 1},
		{"scores, one decimal only", scores, widest(scores, 1), 1},
		{"scores, nothing fits", scores, widest(scores, 1) - 1, -1},
		{"mask never has numbers", a.HeatByID("mask", -1), 99, -1},
	} {
		got := CellDigits(tc.h, func(s string) bool { return len(s) <= tc.chars })
		if got != tc.want {
			t.Errorf("%s: %d decimals, want %d", tc.name, got, tc.want)
		}
	}
	for v, want := range map[float64]string{-0.004: ".00", 0.004: ".00", -0.006: "-.01", 0.5: ".50", -1.25: "-1.25", 12.345: "12.35"} {
		if got := CellTextDigits(v, 2); got != want {
			t.Errorf("CellTextDigits(%v, 2) = %q, want %q", v, got, want)
		}
	}
}
