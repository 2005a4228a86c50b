package viz

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/attnviz/attnviz/core/pipeline"
)

// appWith builds a synced app for T word tokens ("w0 w1 ..."), settings
// changed by kv pairs, and a frame.
func appWith(t *testing.T, tokens int, f Frame, kv ...string) *App {
	t.Helper()
	words := make([]string, tokens)
	for i := range words {
		words[i] = "w" + strconv.Itoa(i)
	}
	s := DefaultSettings()
	s.Text = strings.Join(words, " ")
	for i := 0; i+1 < len(kv); i += 2 {
		if _, err := s.Set(kv[i], kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	a := New(s, nil)
	a.SetFrame(f)
	a.Sync()
	if want := min(tokens, TokenLimit(a.S.Heads)); len(a.Tokens) != want {
		t.Fatalf("%d tokens, want %d", len(a.Tokens), want)
	}
	return a
}

func TestLayoutNoOverlapsInsideWindow(t *testing.T) {
	frames := []Frame{
		{W: 800, H: 600, Scale: 1},
		{W: 1280, H: 800, Scale: 1},
		{W: 1920, H: 1080, Scale: 1},
		{W: 3840, H: 2160, Scale: 2},
		{W: 2560, H: 1600, Scale: 2},
	}
	variants := [][]string{
		nil,
		{"present", "1"},
		{"dmodel", "512", "heads", "64", "mask", "causal"},
		{"dmodel", "8", "heads", "1"},
	}
	for _, tokens := range []int{0, 1, 5, 32, pipeline.MaxTokens} {
		for _, kv := range variants {
			a := appWith(t, tokens, frames[0], kv...)
			a.Notify("a notice that takes a line")
			for _, f := range frames {
				name := strconv.Itoa(int(f.W)) + "x" + strconv.Itoa(int(f.H)) + "@" + strconv.FormatFloat(f.Scale, 'g', -1, 64) +
					" T=" + strconv.Itoa(tokens) + " " + strings.Join(kv, "=")
				a.SetFrame(f)
				a.Sync()
				checkLayout(t, name, a)
			}
		}
	}
}

func checkLayout(t *testing.T, name string, a *App) {
	t.Helper()
	l := a.L
	rects := l.Rects()
	names := make([]string, 0, len(rects))
	for n, r := range rects {
		if r.W < 0 || r.H < 0 || math.IsNaN(r.X+r.Y+r.W+r.H) {
			t.Errorf("%s: %s has a bad size %+v", name, n, r)
		}
		if !r.Inside(l.W, l.H) {
			t.Errorf("%s: %s %+v leaves the %vx%v window", name, n, r, l.W, l.H)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		for _, m := range names[i+1:] {
			if rects[n].Overlaps(rects[m]) {
				t.Errorf("%s: %s %+v overlaps %s %+v", name, n, rects[n], m, rects[m])
			}
		}
	}
	T := len(a.Tokens)
	for _, id := range append(append([]string{}, PanelIDs...), "head-weights") {
		if l.Panel(id, 0) == nil {
			t.Errorf("%s: no %q panel", name, id)
		}
	}
	heads := 0
	for _, p := range l.Panels {
		if p.ID == "head-weights" {
			heads++
		}
		if p.Rows != T {
			t.Errorf("%s: panel %s has %d rows, want T=%d", name, p.ID, p.Rows, T)
		}
		if T == 0 {
			continue
		}
		if math.Abs(p.Grid.W-float64(p.Cols)*p.CellW) > 1e-6 || math.Abs(p.Grid.H-float64(p.Rows)*p.CellH) > 1e-6 {
			t.Errorf("%s: panel %s grid %+v is not %dx%d cells of %vx%v", name, p.ID, p.Grid, p.Rows, p.Cols, p.CellW, p.CellH)
		}
		if p.Grid.W > 0 && !(p.Grid.X >= p.R.X-1e-6 && p.Grid.Y >= p.R.Y-1e-6 && p.Grid.X+p.Grid.W <= p.R.X+p.R.W+1e-6 && p.Grid.Y+p.Grid.H <= p.R.Y+p.R.H+1e-6) {
			t.Errorf("%s: panel %s grid %+v outside its panel %+v", name, p.ID, p.Grid, p.R)
		}
		roomy := l.W/l.U >= 1000 && l.H/l.U >= 700
		if (p.CellW <= 0 || p.CellH <= 0) && (p.ID != "head-weights" || roomy) {
			t.Errorf("%s: panel %s has empty cells %vx%v", name, p.ID, p.CellW, p.CellH)
		}
	}
	if T > 0 && heads != a.S.Heads {
		t.Errorf("%s: %d head panels, want %d", name, heads, a.S.Heads)
	}
	if T > 0 && T <= 32 && l.Bands[1].CellH < 8*l.U && l.W/l.U >= 1280 && l.H/l.U >= 800 {
		t.Errorf("%s: weights cells %.1f px are too small to read", name, l.Bands[1].CellH)
	}
}

func TestLayoutWeightsCellsAreSquareAndGrowWithWindow(t *testing.T) {
	prev := 0.0
	for _, f := range []Frame{{W: 800, H: 600, Scale: 1}, {W: 1280, H: 800, Scale: 1}, {W: 1920, H: 1080, Scale: 1}} {
		a := appWith(t, 12, f)
		p := a.L.Panel("weights", -1)
		if p.CellW != p.CellH {
			t.Errorf("%vx%v: weights cells %vx%v are not square", f.W, f.H, p.CellW, p.CellH)
		}
		if p.CellW <= prev {
			t.Errorf("%vx%v: weights cells %v, not larger than %v in the smaller window", f.W, f.H, p.CellW, prev)
		}
		prev = p.CellW
	}
	// Scale 2 on a 2x screen shows the same layout at twice the pixels.
	one := appWith(t, 12, Frame{W: 1920, H: 1080, Scale: 1}).L.Panel("weights", -1)
	two := appWith(t, 12, Frame{W: 3840, H: 2160, Scale: 2}).L.Panel("weights", -1)
	if math.Abs(two.CellW-2*one.CellW) > 1e-9 || math.Abs(two.Grid.X-2*one.Grid.X) > 1e-9 {
		t.Errorf("scale 2: cell %v at x %v, want %v at %v", two.CellW, two.Grid.X, 2*one.CellW, 2*one.Grid.X)
	}
}

func TestChipsShowTheSelectedToken(t *testing.T) {
	a := appWith(t, 200, Frame{W: 1280, H: 800, Scale: 1})
	if len(a.L.Chips) >= 200 || a.L.ChipsMore.R.W == 0 {
		t.Fatalf("200 tokens: %d chips shown and no '+N more'", len(a.L.Chips))
	}
	for _, sel := range []int{0, 150, 199} {
		a.SelectToken(sel)
		a.Sync()
		found := false
		for _, c := range a.L.Chips {
			found = found || c.Index == sel
		}
		if !found {
			t.Errorf("selected token %d has no visible chip", sel)
		}
		checkLayout(t, "chips sel "+strconv.Itoa(sel), a)
	}
}

func TestLayoutJSON(t *testing.T) {
	a := appWith(t, 3, Frame{W: 1280, H: 800, Scale: 1})
	js := a.L.JSON()
	for _, want := range []string{`"width":1280`, `"height":800`, `"id":"weights","head":-1`, `"id":"head-weights","head":3`, `"rows":3,"cols":3`, `"cellW":`} {
		if !strings.Contains(js, want) {
			t.Errorf("layout JSON lacks %s: %s", want, js)
		}
	}
}

// Notices that last as long as the text (right to left, emoji) get lines of
// their own above the panels: none of them covers a panel, in both modes.
func TestConditionNoticesDoNotCoverPanels(t *testing.T) {
	for _, kv := range [][]string{nil, {"present", "1"}} {
		s := DefaultSettings()
		s.Text = "😀 القط é the cat"
		for i := 0; i+1 < len(kv); i += 2 {
			if _, err := s.Set(kv[i], kv[i+1]); err != nil {
				t.Fatal(err)
			}
		}
		a := New(s, nil)
		a.SetFrame(Frame{W: 1280, H: 800, Scale: 1})
		a.Sync()
		if len(a.conds) < 2 {
			t.Fatalf("%v: want at least 2 condition notices for RTL and emoji, got %q", kv, a.Notices())
		}
		l := a.L
		if l.NoticeRows != len(a.conds) {
			t.Fatalf("%v: %d notice rows for %d notices", kv, l.NoticeRows, len(a.conds))
		}
		bottom := l.NoticeArea.Y + l.NoticeArea.H
		if l.Notices.Y+l.Notices.H < bottom {
			t.Errorf("%v: reserved notice space %+v is shorter than the notices shown %+v", kv, l.Notices, l.NoticeArea)
		}
		for _, p := range l.Panels {
			if p.R.Y < bottom {
				t.Errorf("%v: panel %s at y=%.1f is under the notices (bottom %.1f)", kv, p.ID, p.R.Y, bottom)
			}
		}
		for name, r := range l.Rects() { // the band formulas and the heads' caption
			if (strings.HasPrefix(name, "band-") || name == "heads-title") && r.H > 0 && r.Y < bottom {
				t.Errorf("%v: %s at y=%.1f is under the notices (bottom %.1f)", kv, name, r.Y, bottom)
			}
		}
	}
}
