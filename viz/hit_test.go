package viz

import (
	"testing"
)

func TestHitTestCellsButtonsChips(t *testing.T) {
	a := appWith(t, 5, Frame{W: 1280, H: 800, Scale: 1})
	l := a.L
	centre := func(r Rect) (float64, float64) { return r.X + r.W/2, r.Y + r.H/2 }
	for _, id := range []string{"weights", "scores", "mask", "q", "embeddings", "final"} {
		p := l.Panel(id, -1)
		for _, ij := range [][2]int{{0, 0}, {4, 0}, {2, p.Cols - 1}, {4, p.Cols - 1}} {
			x := p.Grid.X + (float64(ij[1])+0.5)*p.CellW
			y := p.Grid.Y + (float64(ij[0])+0.5)*p.CellH
			h := l.HitTest(x, y)
			if h.Kind != HitCell || h.ID != id || h.Row != ij[0] || h.Col != ij[1] {
				t.Errorf("%s cell %v centre (%.1f,%.1f): hit %+v", id, ij, x, y, h)
			}
		}
		// just outside the grid's right edge is not a cell of this panel
		h := l.HitTest(p.Grid.X+p.Grid.W+0.5, p.Grid.Y+1)
		if h.Kind == HitCell && h.ID == id {
			t.Errorf("%s: point right of the grid hit a cell %+v", id, h)
		}
	}
	for _, b := range l.Buttons {
		x, y := centre(b.R)
		if h := l.HitTest(x, y); h.Kind != HitButton || h.ID != b.ID {
			t.Errorf("button %s: hit %+v", b.ID, h)
		}
	}
	for _, c := range l.Chips {
		x, y := centre(c.R)
		if h := l.HitTest(x, y); h.Kind != HitChip || h.Index != c.Index {
			t.Errorf("chip %d: hit %+v", c.Index, h)
		}
	}
	if h := l.HitTest(centre(l.TextBox)); h.Kind != HitTextBox {
		t.Errorf("text box: hit %+v", h)
	}
	if h := l.HitTest(-5, -5); h.Kind != HitNone {
		t.Errorf("outside: hit %+v", h)
	}
}

func TestClicks(t *testing.T) {
	a := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1})
	cell := func(id string, head, i, j int) (float64, float64) {
		p := a.L.Panel(id, head)
		return p.Grid.X + (float64(j)+0.5)*p.CellW, p.Grid.Y + (float64(i)+0.5)*p.CellH
	}
	for _, tc := range []struct {
		name  string
		click func() (float64, float64)
		dir   int
		check func() bool
	}{
		{"head 3 in the grid selects it", func() (float64, float64) { return cell("head-weights", 2, 1, 1) }, 1, func() bool { return a.S.Head == 2 }},
		{"mask cell toggles into a custom mask", func() (float64, float64) { return cell("mask", -1, 0, 3) }, 1,
			func() bool {
				return a.S.Mask == "custom" && !a.Custom.At(0, 3) && a.Trace.Attention.Heads[0].Weights.At(0, 3) == 0
			}},
		{"mask cell toggles back", func() (float64, float64) { return cell("mask", -1, 0, 3) }, 1, func() bool { return a.Custom.At(0, 3) }},
		{"chip selects its token", func() (float64, float64) { r := a.L.Chips[2].R; return r.X + 2, r.Y + 2 }, 1, func() bool { return a.SelToken == 2 }},
		{"weights cell selects its query row", func() (float64, float64) { return cell("weights", -1, 3, 0) }, 1, func() bool { return a.SelToken == 3 }},
		{"heads button steps up", func() (float64, float64) { r := btn(a, "heads"); return r.X + 2, r.Y + 2 }, 1, func() bool { return a.S.Heads == 8 }},
		{"right click steps down", func() (float64, float64) { r := btn(a, "heads"); return r.X + 2, r.Y + 2 }, -1, func() bool { return a.S.Heads == 4 }},
		{"help button opens help", func() (float64, float64) { r := btn(a, "help"); return r.X + 2, r.Y + 2 }, 1, func() bool { return a.Help }},
		{"any click closes help and types again", func() (float64, float64) { return 3, 790 }, 1, func() bool { return !a.Help && a.Editing }},
	} {
		x, y := tc.click()
		a.Click(x, y, tc.dir)
		a.Sync()
		if !tc.check() {
			t.Errorf("%s: state %+v help=%v sel=%d", tc.name, a.S, a.Help, a.SelToken)
		}
	}
}

func btn(a *App, id string) Rect {
	for _, b := range a.L.Buttons {
		if b.ID == id {
			return b.R
		}
	}
	return Rect{}
}

func TestHoverExplainsCells(t *testing.T) {
	a := appWith(t, 3, Frame{W: 1280, H: 800, Scale: 1}, "mask", "causal")
	for _, tc := range []struct {
		id   string
		i, j int
		want []string
	}{
		{"weights", 2, 1, []string{"query \"w2\" → key \"w1\"", "sums to 1.000"}},
		{"weights", 0, 2, []string{"blocked by the mask"}},
		{"scores", 1, 0, []string{"Q_1·K_0", "× scale"}},
		{"mask", 0, 1, []string{"blocked (causal"}},
		{"x", 1, 2, []string{"E + PE ="}},
		{"concat", 0, 5, []string{"from head 2"}},
	} {
		p := a.L.Panel(tc.id, -1)
		a.Hover(p.Grid.X+(float64(tc.j)+0.5)*p.CellW, p.Grid.Y+(float64(tc.i)+0.5)*p.CellH)
		tip := ""
		for _, s := range a.Tip {
			tip += s + "\n"
		}
		for _, w := range tc.want {
			if !contains(tip, w) {
				t.Errorf("hover %s (%d,%d): tooltip %q lacks %q", tc.id, tc.i, tc.j, tip, w)
			}
		}
		if a.TipPanel != tc.id || PanelFormula(tc.id) == "" {
			t.Errorf("hover %s: status panel %q", tc.id, a.TipPanel)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
