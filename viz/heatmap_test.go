package viz

import (
	"go/parser"
	"go/token"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

func pixel(h *Heatmap, i, j int) color.RGBA {
	p := h.Pix[(i*h.Cols+j)*4:]
	return color.RGBA{p[0], p[1], p[2], p[3]}
}

func TestHeatmapPixelsMatchColormaps(t *testing.T) {
	for _, kv := range [][]string{nil, {"mask", "causal"}, {"pe", "rope", "temp", "0.1"}} {
		a := appWith(t, 6, Frame{W: 1280, H: 800, Scale: 1}, kv...)
		tr := a.Trace
		for _, h := range a.Heat {
			if len(h.Pix) != h.Rows*h.Cols*4 || h.Rows != 6 {
				t.Fatalf("%s: %d pixel bytes for %dx%d", h.ID, len(h.Pix), h.Rows, h.Cols)
			}
			var want func(i, j int) color.RGBA
			switch h.ID {
			case "weights", "head-weights":
				head := a.S.Head
				if h.ID == "head-weights" {
					head = h.Head
				}
				ht := tr.Attention.Heads[head]
				want = func(i, j int) color.RGBA {
					if !ht.Allowed.At(i, j) {
						return BlockedColor
					}
					return Sequential(ht.Weights.At(i, j))
				}
			case "mask":
				al := tr.Attention.Heads[0].Allowed
				want = func(i, j int) color.RGBA {
					if al.At(i, j) {
						return MaskAllowed
					}
					return MaskBlocked
				}
			case "x":
				maxAbs := 0.0
				r, c := tr.X.Dims()
				for i := 0; i < r; i++ {
					for j := 0; j < c; j++ {
						maxAbs = max(maxAbs, abs(tr.X.At(i, j)))
					}
				}
				want = func(i, j int) color.RGBA { return Diverging(tr.X.At(i, j), maxAbs) }
			default:
				want = func(i, j int) color.RGBA { return Diverging(h.At(i, j), h.MaxAbs) }
			}
			for i := 0; i < h.Rows; i++ {
				for j := 0; j < h.Cols; j++ {
					if got := pixel(h, i, j); got != want(i, j) {
						t.Fatalf("%v %s head %d (%d,%d): pixel %v, want %v", kv, h.ID, h.Head, i, j, got, want(i, j))
					}
				}
			}
		}
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestBlockedRuns(t *testing.T) {
	a := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1}, "mask", "causal")
	got := a.HeatByID("weights", -1).BlockedRuns()
	want := [][3]int{{0, 1, 4}, {1, 2, 4}, {2, 3, 4}}
	if len(got) != len(want) {
		t.Fatalf("causal T=4 runs %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("run %d = %v, want %v", i, got[i], want[i])
		}
	}
	if r := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1}).HeatByID("weights", -1).BlockedRuns(); r != nil {
		t.Errorf("no mask: runs %v, want none", r)
	}
}

// viz must stay free of Ebiten and syscall/js so its tests run without a
// window and under GOOS=js with Node.
func TestNoGraphicsImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found: %v", err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(p, "github.com/hajimehoshi/ebiten") || p == "syscall/js" {
				t.Errorf("%s imports %s", f, p)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no non-test files checked")
	}
	// and nothing viz links pulls Ebiten in indirectly
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if strings.HasPrefix(m.Path, "github.com/hajimehoshi/ebiten") {
				t.Errorf("the viz test binary links %s", m.Path)
			}
		}
	}
}

func TestOnlyChangedHeatmapsGetNewPixels(t *testing.T) {
	a := appWith(t, 5, Frame{W: 1280, H: 800, Scale: 1})
	gens := func() map[string]int {
		m := map[string]int{}
		for _, h := range a.Heat {
			k := h.ID
			if h.ID == "head-weights" {
				k += strconv.Itoa(h.Head)
			}
			m[k] = h.Gen
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		act     func()
		changed []string // heatmaps whose pixels must change; all others must not
	}{
		{"select head 2", func() { _ = a.SelectHead(2) }, []string{"q", "k", "v", "scores", "weights", "output"}},
		{"select the same head", func() { _ = a.SelectHead(2) }, nil},
		{"temperature", func() { _ = a.Set("temp", "2") }, []string{"scores", "weights", "output", "concat", "final",
			"head-weights0", "head-weights1", "head-weights2", "head-weights3"}},
	} {
		before := gens()
		tc.act()
		a.Sync()
		after := gens()
		want := map[string]bool{}
		for _, id := range tc.changed {
			want[id] = true
		}
		for id, g := range after {
			if changed := g != before[id]; changed != want[id] {
				t.Errorf("%s: heatmap %s changed %v, want %v", tc.name, id, changed, want[id])
			}
		}
	}
}

// Fill's one-store-per-cell loops give exactly the colour Color gives, at
// the edges of the tables too: 0, 1, ±maxAbs, just inside and outside, NaN
// and ±Inf, with and without blocked cells.
func TestFillMatchesColorAtTheEdges(t *testing.T) {
	inf := 1 / zero
	edges := []float64{0, -0.0, 1, -1, 0.5, 1e-300, -1e-300, 1 - 1e-16, 1 + 1e-16, 0.49999999, 0.5 / lutSteps, 1.5 / lutSteps,
		2.5, -2.5, 3, -3, 0.1, -0.7, inf, -inf, inf - inf, 1e308, -1e308, 0.75, 0.999, 1.0 / 3}
	// Every table entry's rounding boundary, and just either side of it,
	// over [-1, 1] (Signed spans it, Weights clamps its negative half).
	for k := -2 * lutSteps; k <= 2*lutSteps; k++ {
		b := (float64(k) + 0.5) / lutSteps
		edges = append(edges, b, math.Nextafter(b, -2), math.Nextafter(b, 2))
	}
	for _, tc := range []struct {
		name    string
		kind    HeatKind
		blocked bool
	}{
		{"weights", Weights, false},
		{"weights with blocked cells", Weights, true},
		{"signed", Signed, false},
		{"mask", MaskMap, true},
		{"mask with nothing blocked", MaskMap, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(edges)
			h := &Heatmap{Kind: tc.kind, Rows: 1, Cols: n, Values: append([]float64(nil), edges...)}
			if tc.blocked {
				h.Blocked = make([]bool, n)
				for k := range h.Blocked {
					h.Blocked[k] = k%3 == 1
				}
			}
			h.Fill()
			for j := range n {
				if got, want := pixel(h, 0, j), h.Color(0, j); got != want {
					t.Errorf("value %v (maxAbs %v): pixel %v, Color %v", edges[j], h.MaxAbs, got, want)
				}
			}
		})
	}
	// Signed heatmaps with a finite scale, and an all-zero one (maxAbs 0).
	for _, m := range []float64{1, 3, 1e-300, 0} {
		vals := []float64{0, m, -m, m / 2, -m / 3, m * (1 - 1e-16), inf - inf}
		if m == 0 {
			vals = []float64{0, 0, -0.0}
		}
		// Every boundary of the diverging table ((v/m+1)/2·lutSteps + 0.5
		// an integer) and either side of it, scaled to ±m.
		for k := 0; k <= lutSteps; k++ {
			b := (float64(k)-0.5)/(lutSteps/2) - 1
			for _, e := range []float64{b, math.Nextafter(b, -2), math.Nextafter(b, 2)} {
				if e >= -1 && e <= 1 {
					vals = append(vals, e*m)
				}
			}
		}
		h := &Heatmap{Kind: Signed, Rows: 1, Cols: len(vals), Values: vals}
		h.Fill()
		for j := range vals {
			if got, want := pixel(h, 0, j), h.Color(0, j); got != want {
				t.Errorf("signed, maxAbs %v, value %v: pixel %v, Color %v", h.MaxAbs, vals[j], got, want)
			}
		}
	}
}

var zero float64
