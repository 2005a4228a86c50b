package ebitenapp

import (
	"image"
	"math"
	"unicode/utf8"

	"golang.org/x/image/math/fixed"
)

// Glyph is one character drawn by a fallback glyph source
// (Options.FallbackGlyph) for a character the embedded Go font lacks.
type Glyph struct {
	// Alpha is the coverage, W·H bytes row by row (0 clear, 255 covered).
	// Only coverage is kept: the atlas holds white glyphs tinted by the
	// text colour, so a colour emoji is drawn as its silhouette.
	Alpha []byte
	W, H  int
	// X, Y place the bitmap's top-left pixel relative to the pen on the
	// baseline, in pixels (y grows down: Y < 0 for ink above the baseline).
	X, Y int
	// Advance moves the pen after the glyph, in pixels.
	Advance float64
}

// FallbackGlyphFunc draws r at a font size of px pixels; ok is false when
// it cannot (no font for r). A bitmap without ink for a visible character
// counts as not drawn.
type FallbackGlyphFunc func(r rune, px float64) (g Glyph, ok bool)

// fallbackGlyph is a face's cached fallback result for one rune.
type fallbackGlyph struct {
	adv fixed.Int26_6
	g   Glyph // g.Alpha is dropped once the bitmap is in the atlas
}

// setFallback has fs draw the characters its font lacks with fb (nil: none).
func (fs *fonts) setFallback(fb FallbackGlyphFunc) { fs.fallback = fb }

// fallbackFor returns f's fallback glyph for r, asking the fallback once per
// face and rune; nil when r is ASCII, the Go font has it, there is no
// fallback or it cannot draw r. Not called for ASCII on the fast paths.
func (f *face) fallbackFor(r rune) *fallbackGlyph {
	fs := f.fonts
	if fs.fallback == nil || r < utf8.RuneSelf {
		return nil
	}
	if e, ok := f.fb[r]; ok {
		return e
	}
	var e *fallbackGlyph
	if !fs.goHas(r) {
		if g, ok := fs.fallback(r, f.px); ok && usable(r, g) {
			e = &fallbackGlyph{adv: fixed.Int26_6(math.Round(g.Advance * 64)), g: g}
			if f == fs.measure {
				e.g.Alpha = nil // the measuring face rarely draws: asked again if it does
			}
		}
	}
	f.fb[r] = e
	return e
}

// usable reports whether g is a well-formed drawing of r: a bitmap of the
// size it claims, a finite advance, and ink unless r is meant to draw
// nothing (a space, a joiner, a variation selector). A browser that has
// no font for r may draw nothing at all.
func usable(r rune, g Glyph) bool {
	if g.W < 0 || g.H < 0 || len(g.Alpha) < g.W*g.H || !(g.Advance >= 0 && g.Advance < 1e6) {
		return false
	}
	for _, a := range g.Alpha[:g.W*g.H] {
		if a != 0 {
			return true
		}
	}
	return invisible(r)
}

// invisible reports whether r is meant to draw nothing: a space, a format
// character (joiners, direction marks, the soft hyphen) or a variation
// selector. (A table here instead of unicode.IsSpace and unicode.Cf: those
// cost the wasm about 2 KB of gzip.)
func invisible(r rune) bool {
	for _, rg := range invisibleRanges {
		if rg[0] <= r && r <= rg[1] {
			return true
		}
	}
	return false
}

// invisibleRanges are the non-ASCII spaces (Zs, and the line and
// paragraph separators), the format characters (Cf) the browser draws as
// nothing, and the variation selectors, as inclusive ranges.
var invisibleRanges = [...][2]rune{
	{0x0085, 0x0085}, {0x00A0, 0x00A0}, {0x00AD, 0x00AD}, {0x061C, 0x061C}, {0x1680, 0x1680},
	{0x180B, 0x180F}, {0x2000, 0x200F}, {0x2028, 0x202F}, {0x205F, 0x2064}, {0x2066, 0x206F},
	{0x3000, 0x3000}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
	{0xE0100, 0xE01EF},
}

// rasterizeFallback puts e's bitmap for r into f's atlas; nil when it has
// no ink or does not fit a page.
func (f *face) rasterizeFallback(r rune, e *fallbackGlyph) *glyph {
	g := e.g
	if g.Alpha == nil { // dropped by the measuring face: draw it again
		var ok bool
		if g, ok = f.fonts.fallback(r, f.px); !ok || !usable(r, g) {
			return nil
		}
	}
	e.g.Alpha = nil // in the atlas from now on
	return f.place(g.W, g.H, whiteRGBA(g), image.Pt(g.X, g.Y))
}

// whiteRGBA is g's bitmap as the atlas holds glyphs: white, premultiplied
// RGBA, alpha = coverage (the text colour tints it).
func whiteRGBA(g Glyph) []byte {
	pix := make([]byte, 4*g.W*g.H)
	for i, a := range g.Alpha[:g.W*g.H] {
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = a, a, a, a
	}
	return pix
}
