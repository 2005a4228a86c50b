package ebitenapp

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font"
)

// fakeFallback draws 猫 as a filled square of px/2 pixels whose advance is
// 0.9 px, U+3000 (ideographic space) as nothing with an advance of px,
// and U+0915 (क) as an inkless bitmap (what a browser without the font
// may draw); it cannot draw anything else. It counts its calls.
type fakeFallback struct{ calls map[rune]int }

func (fk *fakeFallback) glyph(r rune, px float64) (Glyph, bool) {
	fk.calls[r]++
	switch r {
	case '猫':
		n := int(px / 2)
		alpha := make([]byte, n*n)
		for i := range alpha {
			alpha[i] = 200
		}
		return Glyph{Alpha: alpha, W: n, H: n, X: 1, Y: -n, Advance: 0.9 * px}, true
	case 0x3000:
		return Glyph{Advance: px}, true
	case 0x0915:
		return Glyph{Alpha: make([]byte, 16), W: 4, H: 4, Y: -4, Advance: 0.5 * px}, true
	}
	return Glyph{}, false
}

// A character the Go font lacks is measured and drawn with the fallback:
// its advance is the fallback's (layout agrees with what is drawn), its
// atlas bitmap is the fallback's coverage in white, and HasGlyph turns
// true. What the fallback cannot draw (or draws without ink) stays missing
// and keeps the Go font's box.
func TestFallbackGlyph(t *testing.T) {
	plain := newFonts()
	fk := &fakeFallback{calls: map[rune]int{}}
	fs := newFonts()
	fs.setFallback(fk.glyph)

	for _, tc := range []struct {
		r    rune
		want bool
	}{{'a', true}, {'é', true}, {'猫', true}, {0x3000, true}, {0x0915, false}, {'😀', false}, {0x10FFFD, false}} {
		if got := fs.HasGlyph(tc.r); got != tc.want {
			t.Errorf("with the fallback, HasGlyph(%U) = %v, want %v", tc.r, got, tc.want)
		}
	}
	if plain.HasGlyph('猫') {
		t.Errorf("without a fallback, HasGlyph(猫) = true; the Go font has no CJK")
	}

	for _, px := range []float64{13, 24, 100} {
		f, pf := fs.face(px), plain.face(px)
		if got, want := textAdvance("猫", f), fixedToFloat(f.advance('猫')); got != want || got != float64(int(0.9*px*64+0.5))/64 {
			t.Errorf("px %g: textAdvance(猫) = %g, advance %g; want the fallback's %g", px, got, want, 0.9*px)
		}
		if got, want := textAdvance("a猫b", f), textAdvance("ab", f)+textAdvance("猫", f); got != want {
			t.Errorf("px %g: textAdvance(a猫b) = %g, want %g", px, got, want)
		}
		if got := textAdvance("\u3000", f); got != px {
			t.Errorf("px %g: textAdvance(U+3000) = %g, want the fallback's %g", px, got, px)
		}
		// What the fallback cannot draw keeps the Go font's advance and
		// missing glyph.
		for _, r := range []rune{0x0915, '😀'} {
			want := float64(font.MeasureString(pf.xf, string(r))) / 64
			if got := textAdvance(string(r), f); got != want {
				t.Errorf("px %g: textAdvance(%U) = %g, want the Go font's %g", px, r, got, want)
			}
			g, pg := f.glyph(r), pf.glyph(r)
			if (g == nil) != (pg == nil) || g != nil && (g.src.Size() != pg.src.Size() || g.off != pg.off) {
				t.Errorf("px %g: %U in the atlas is %v, want the Go font's %v", px, r, g, pg)
			}
		}
		if g := f.glyph(0x3000); g != nil {
			t.Errorf("px %g: U+3000 put %v in the atlas, want nothing drawn", px, g.src)
		}

		g := f.glyph('猫')
		n := int(px / 2)
		if g == nil {
			t.Fatalf("px %g: no atlas entry for 猫", px)
		}
		if g.src.Dx() != n || g.src.Dy() != n || g.off != image.Pt(1, -n) {
			t.Errorf("px %g: 猫 in the atlas is %v at offset %v, want %dx%d at (1, %d)", px, g.src, g.off, n, n, -n)
		}
		if got := f.glyph('猫'); got != g {
			t.Errorf("px %g: the second glyph(猫) is a new atlas entry", px)
		}
	}
	// Cached: one call per face and rune (faces 100, 13, 24; 100 is also
	// the measuring face, which drops the bitmap and asks again to draw).
	if got := fk.calls['猫']; got != 4 {
		t.Errorf("the fallback was asked for 猫 %d times, want 4 (3 faces, and the measuring face's bitmap once more)", got)
	}
	if got := fk.calls['😀']; got != 3 {
		t.Errorf("the fallback was asked for 😀 %d times, want 3 (once per face)", got)
	}
	if fk.calls['a'] != 0 || fk.calls['é'] != 0 {
		t.Errorf("the fallback was asked for characters the Go font has: %v", fk.calls)
	}
}

// The atlas holds a fallback bitmap as white, premultiplied, alpha =
// coverage, so the text colour tints it. (Reading the atlas back needs a
// running game, so the conversion is checked on its own.)
func TestWhiteRGBA(t *testing.T) {
	g := Glyph{Alpha: []byte{0, 7, 128, 255, 9}, W: 2, H: 2}
	want := []byte{0, 0, 0, 0, 7, 7, 7, 7, 128, 128, 128, 128, 255, 255, 255, 255}
	if got := whiteRGBA(g); string(got) != string(want) {
		t.Errorf("whiteRGBA = %v, want %v", got, want)
	}
}

// Drawing a string with a fallback character through a textBatch queues
// one quad per inked glyph, the fallback's placed after the Go glyphs'
// advances.
func TestFallbackGlyphInBatch(t *testing.T) {
	fk := &fakeFallback{calls: map[rune]int{}}
	fs := newFonts()
	fs.setFallback(fk.glyph)
	f := fs.face(20)
	var b textBatch
	b.reset(f)
	b.add("a猫", ebiten.GeoM{}, color.White)
	var quads int
	for _, v := range b.verts {
		quads += len(v) / 4
	}
	if quads != 2 {
		t.Fatalf("a猫 queued %d quads, want 2", quads)
	}
	g := f.glyph('猫')
	v := b.verts[g.page][len(b.verts[g.page])-4]
	wantX := float32(math.Round(textAdvance("a", f))) + 1 // the pen is rounded
	if v.DstX != wantX || v.SrcX != float32(g.src.Min.X) {
		t.Errorf("猫's quad starts at x %g (atlas %g), want %g (atlas %d)", v.DstX, v.SrcX, wantX, g.src.Min.X)
	}
}
