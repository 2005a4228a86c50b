//go:build linux

package e2e

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/pipeline"
)

// canvasLayout reads attnviz.layout() (CSS pixels, relative to the canvas)
// and the canvas's position in the page, and checks that the layout covers
// the canvas: its width and height are the canvas's CSS size.
func (p *page) canvasLayout() (l layout, left, top float64) {
	p.t.Helper()
	raw := p.js(`attnviz.layout()`)
	if err := layoutKeys([]byte(raw)); err != nil {
		p.t.Fatalf("attnviz.layout() = %.300s: %v", raw, err)
	}
	p.jsonCall(`attnviz.layout()`, &l)
	var box struct{ X, Y, W, H float64 }
	p.jsonCall(`(() => { const r = document.querySelector('canvas').getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`, &box)
	if math.Abs(float64(l.Width)-box.W) > 1 || math.Abs(float64(l.Height)-box.H) > 1 {
		p.t.Errorf("attnviz.layout() is %dx%d, the canvas is %gx%g CSS pixels: want the layout in CSS pixels", l.Width, l.Height, box.W, box.H)
	}
	return l, box.X, box.Y
}

// panel finds the panel id (and head, for per-head panels) in l.
func (p *page) panel(l layout, id string, head int) layoutPanel {
	p.t.Helper()
	for _, pn := range l.Panels {
		if pn.ID == id && (id != "head-weights" || pn.Head == head) {
			if pn.W <= 0 || pn.H <= 0 {
				p.t.Fatalf("panel %s (head %d) has size %gx%g", id, head, pn.W, pn.H)
			}
			return pn
		}
	}
	p.t.Fatalf("attnviz.layout() has no panel %q with head %d", id, head)
	return layoutPanel{}
}

// cellCentre is the page position of the centre of cell (i, j) of pn.
func cellCentre(pn layoutPanel, left, top float64, i, j int) (x, y float64) {
	return left + pn.CellX + (float64(j)+0.5)*pn.CellW, top + pn.CellY + (float64(i)+0.5)*pn.CellH
}

// click presses and releases the left mouse button at (x, y) (page CSS pixels).
func (p *page) click(x, y float64) {
	p.t.Helper()
	if err := p.do(10*time.Second, chromedp.MouseClickXY(x, y)); err != nil {
		p.t.Fatalf("click at (%g, %g): %v", x, y, err)
	}
}

// waitCmask waits until the page's URL carries the custom mask want.
func (p *page) waitCmask(want string) {
	p.t.Helper()
	p.waitFresh(`new URLSearchParams(location.search).get('cmask') === `+jsString(want), 20*time.Second)
}

// cmaskString writes a T x T mask as the contract's cmask rows.
func cmaskString(m *core.BoolMatrix) string {
	rows := make([]string, m.Rows)
	for i := range m.Rows {
		var b strings.Builder
		for j := range m.Cols {
			if m.At(i, j) {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		rows[i] = b.String()
	}
	return strings.Join(rows, ",")
}

// nativeCustom is core's head-h weights for s with the custom mask m.
func nativeCustom(t *testing.T, s settings, m *core.BoolMatrix, head int) [][]float64 {
	t.Helper()
	cfg := s.config()
	cfg.Mask, cfg.Custom = pipeline.MaskCustom, m
	tr, err := pipeline.Run(cfg, s.Text)
	if err != nil {
		t.Fatalf("native pipeline.Run with a custom mask: %v", err)
	}
	hw := tr.Attention.Heads[head].Weights
	r, c := hw.Dims()
	w := make([][]float64, r)
	for i := range r {
		w[i] = make([]float64, c)
		for j := range c {
			w[i][j] = hw.At(i, j)
		}
	}
	return w
}

// TestBrowserMouse clicks and hovers with real mouse events at the places
// attnviz.layout() gives, and checks what the app did.
func TestBrowserMouse(t *testing.T) {
	freshArtifacts(t)
	s := demoSite(t)
	browser := startBrowser(t)

	tests := []struct {
		name  string
		query string
		dpr   float64 // devicePixelRatio to emulate; 0: 1
		act   func(t *testing.T, p *page)
	}{
		{name: "click_head_2", act: clickHead2},
		// Two device pixels per CSS pixel: layout() must still be in CSS
		// pixels, where the mouse events land.
		{name: "click_head_2_dpr2", dpr: 2, act: clickHead2},
		{
			name:  "click_mask_cell_0_1",
			query: "?mask=custom",
			act: func(t *testing.T, p *page) {
				st := p.state()
				want := st.settings()
				if want.Mask != "custom" {
					t.Fatalf("?mask=custom: state().mask = %q", want.Mask)
				}
				n := len(p.tokens())
				if n < 2 {
					t.Fatalf("%d tokens: need 2 for cell (0,1)", n)
				}
				all := core.NewBoolMatrix(n, n, true)
				before := p.weights()
				if err := compareWeights(before, nativeCustom(t, want, all, want.Head)); err != nil {
					t.Errorf("custom mask, all allowed: weights() vs native: %v", err)
				}
				if before[0][1] == 0 {
					t.Fatalf("weights[0][1] is already 0 with everything allowed")
				}

				l, left, top := p.canvasLayout()
				pn := p.panel(l, "mask", -1)
				if pn.Rows != n || pn.Cols != n {
					t.Fatalf("mask panel is %dx%d, want %dx%d", pn.Rows, pn.Cols, n, n)
				}
				x, y := cellCentre(pn, left, top, 0, 1)
				v0 := p.js(`attnviz.version()`)
				p.click(x, y)
				blocked := all.Clone()
				blocked.Set(0, 1, false)
				p.waitCmask(cmaskString(blocked))
				if v := p.js(`attnviz.version()`); v == v0 {
					t.Errorf("the click changed the mask but not version() (%s)", v)
				}
				w := p.weights()
				if w[0][1] != 0 {
					t.Errorf("after blocking (0,1): weights[0][1] = %g, want exactly 0", w[0][1])
				}
				if err := compareWeights(w, nativeCustom(t, want, blocked, want.Head)); err != nil {
					t.Errorf("(0,1) blocked: weights() vs native: %v", err)
				}
				if st := p.state(); st.Mask != "custom" {
					t.Errorf("after the click state().mask = %q, want custom", st.Mask)
				}
				p.screenshot("blocked")

				p.click(x, y)
				p.waitCmask(cmaskString(all))
				if err := compareWeights(p.weights(), before); err != nil {
					t.Errorf("after the second click (all allowed again): %v", err)
				}
			},
		},
		{
			name: "hover_weights_cell",
			act: func(t *testing.T, p *page) {
				l, left, top := p.canvasLayout()
				pn := p.panel(l, "weights", -1)
				p.frames(2)
				shot0 := p.screenshot("before-hover")
				// One move straight onto the cell: a learner's very first
				// hover after the page loads must show the tooltip.
				x, y := cellCentre(pn, left, top, 1, 0)
				if err := p.do(10*time.Second, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)); err != nil {
					t.Fatalf("mouse move to (%g, %g): %v", x, y, err)
				}
				p.frames(3)
				p.waitFresh(`true`, 10*time.Second)
				shot1 := p.screenshot("hover")
				if err := notBlank(shot1); err != nil {
					t.Errorf("screenshot while hovering: %v", err)
				}
				changed, err := changedPixels(shot0, shot1)
				if err != nil {
					t.Fatal(err)
				}
				// A tooltip or highlight is far more than a few pixels.
				if changed < 200 {
					t.Errorf("hovering cell (1,0) of the weights panel changed %d pixels of the page: no tooltip or highlight was drawn", changed)
				}
				t.Logf("hover changed %d pixels", changed)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := openPage(t, browser, s.URL+tc.query)
			if tc.dpr > 0 {
				if err := p.do(30*time.Second, chromedp.EmulateViewport(viewportW, viewportH, chromedp.EmulateScale(tc.dpr)), chromedp.Reload()); err != nil {
					t.Fatalf("emulate devicePixelRatio %g and reload: %v", tc.dpr, err)
				}
				p.waitFresh(fmt.Sprintf(`window.devicePixelRatio === %g`, tc.dpr), 60*time.Second)
			}
			tc.act(t, p)
			p.assertAlive()
		})
	}
}

// clickHead2 clicks the centre of head 2's heatmap (index 1) in the heads
// grid: the app selects that head and weights() is core's head 1.
func clickHead2(t *testing.T, p *page) {
	want := contractDefaults()
	p.checkAgainstNative(want)
	l, left, top := p.canvasLayout()
	pn := p.panel(l, "head-weights", 1)
	p.click(left+pn.X+pn.W/2, top+pn.Y+pn.H/2)
	p.waitFresh(`JSON.parse(attnviz.state()).head === 1`, 20*time.Second)
	want.Head = 1
	p.checkAgainstNative(want)
	p.screenshot("head2")
}

// changedPixels counts the pixels that differ between two PNGs of one size.
func changedPixels(a, b []byte) (int, error) {
	ia, err := decodePNG(a)
	if err != nil {
		return 0, err
	}
	ib, err := decodePNG(b)
	if err != nil {
		return 0, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 0, fmt.Errorf("screenshots differ in size: %v and %v", ia.Bounds(), ib.Bounds())
	}
	n := 0
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if rgbaAt(ia, x, y) != rgbaAt(ib, x, y) {
				n++
			}
		}
	}
	return n, nil
}
