package viz

import (
	"math"
	"strings"
	"testing"
)

// The softmax tooltip gives the max it subtracts: the row's largest
// visible score.
func TestWeightTooltipGivesTheRowMax(t *testing.T) {
	a := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1}, "mask", "causal")
	ht := a.Trace.Attention.Heads[0]
	p := a.L.Panel("weights", -1)
	for _, i := range []int{1, 3} {
		mx := math.Inf(-1)
		for k := 0; k <= i; k++ { // causal: keys 0..i are visible
			mx = math.Max(mx, ht.Scores.At(i, k))
		}
		a.Hover(p.Grid.X+0.5*p.CellW, p.Grid.Y+(float64(i)+0.5)*p.CellH)
		want := "− max " + fmtNum(mx) + ")"
		if len(a.Tip) < 2 || !strings.Contains(a.Tip[1], want) {
			t.Errorf("row %d: tooltip %q lacks %q", i, a.Tip, want)
		}
	}
}

// Pad markers in another case are not padding, and a notice says how to
// write them.
func TestOddPadMarkersExplained(t *testing.T) {
	for _, tc := range []struct {
		text string
		odd  string // "" = no notice
	}{
		{"the cat <PAD> <PAD>", "<PAD>"},
		{"the cat [pad]", "[pad]"},
		{"the cat <pad> [PAD]", ""},
		{"the cat", ""},
	} {
		s := DefaultSettings()
		s.Text = tc.text
		a := New(s, nil)
		a.SetFrame(Frame{W: 1280, H: 800, Scale: 1})
		a.Sync()
		got := ""
		for _, n := range a.Notices() {
			if strings.HasPrefix(n, "padding: ") {
				got = n
			}
		}
		if tc.odd == "" && got != "" || tc.odd != "" && !strings.Contains(got, tc.odd+" is an ordinary word") {
			t.Errorf("%q: notice %q, want one about %q", tc.text, got, tc.odd)
		}
	}
}
