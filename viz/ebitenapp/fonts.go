package ebitenapp

import (
	"image"
	"image/color"
	"math"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fonts holds the embedded Go Regular font at the sizes in use. One font
// only, rasterized by x/image into glyph atlases that this package draws
// itself: a string, or a whole panel of cell numbers, is one DrawTriangles
// call. (Ebiten's text/v2 links the go-text shaping engine, about 0.2 MB
// of gzip in the wasm; text v1 draws glyph by glyph, which cost several
// milliseconds per frame in the browser at a few thousand glyphs.)
type fonts struct {
	ttf     *sfnt.Font
	kerns   bool // the font has a kern table (the Go fonts have none)
	faces   map[float64]*face
	measure *face // a 100 px face for widths at any size
	// fallback draws the characters the font lacks (the browser's fonts);
	// nil: they are drawn as the font's missing glyph.
	fallback FallbackGlyphFunc
	buf      sfnt.Buffer // goHas's scratch
}

// Face sizes are whole pixels in [minFacePx, maxFacePx], so the set of
// faces (and their atlases) stays bounded.
const (
	minFacePx = 6
	maxFacePx = 160
)

func newFonts() *fonts {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic("attnviz: the embedded Go font does not parse: " + err.Error())
	}
	fs := &fonts{ttf: f, faces: map[float64]*face{}}
	var b sfnt.Buffer
	_, err = f.Kern(&b, 1, 2, fixed.I(100), font.HintingNone)
	fs.kerns = err != sfnt.ErrNotFound
	fs.measure = fs.face(100)
	return fs
}

// face returns the face of size px (rounded to whole pixels for crisp glyphs).
func (fs *fonts) face(px float64) *face {
	px = math.Min(maxFacePx, math.Max(minFacePx, math.Round(px)))
	if f, ok := fs.faces[px]; ok {
		return f
	}
	xf, err := opentype.NewFace(fs.ttf, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("attnviz: font face: " + err.Error())
	}
	m := xf.Metrics()
	f := &face{xf: xf, fonts: fs, px: px, ascent: fixedToFloat(m.Ascent), kerns: fs.kerns, adv: map[rune]fixed.Int26_6{}, kern: map[[2]rune]fixed.Int26_6{}, glyphs: map[rune]*glyph{}, fb: map[rune]*fallbackGlyph{}}
	fs.faces[px] = f
	return f
}

// HasGlyph reports whether r is drawn: the font has a glyph for it, or the
// fallback draws it.
func (fs *fonts) HasGlyph(r rune) bool {
	var b sfnt.Buffer
	i, err := fs.ttf.GlyphIndex(&b, r)
	return err == nil && i != 0 || fs.measure.fallbackFor(r) != nil
}

// goHas reports whether the Go font has a glyph for r.
func (fs *fonts) goHas(r rune) bool {
	i, err := fs.ttf.GlyphIndex(&fs.buf, r)
	return err == nil && i != 0
}

// Measure returns a text's width at font size 1.
func (fs *fonts) Measure(s string) float64 {
	return textAdvance(s, fs.measure) / 100
}

// face is one size of the font with its caches: advances, kerning pairs,
// and glyph masks packed into atlas pages (white, alpha = coverage).
type face struct {
	xf     font.Face
	fonts  *fonts  // for the fallback glyphs
	px     float64 // the size in pixels
	ascent float64 // top of the line to the baseline, in pixels
	kerns  bool    // false: every kerning pair is 0
	adv    map[rune]fixed.Int26_6
	kern   map[[2]rune]fixed.Int26_6
	glyphs map[rune]*glyph
	fb     map[rune]*fallbackGlyph // nil entries: no fallback glyph
	// ASCII fast path (most text here): no map lookups per glyph.
	asciiAdv   [128]fixed.Int26_6
	asciiAdvOK [128]bool
	asciiGlyph [128]*glyph
	asciiDone  [128]bool
	pages      []*ebiten.Image
	// Shelf packing in the last page: the next free spot and the shelf's height.
	penX, penY, shelfH int
}

// glyph is a rasterized glyph: its rectangle in an atlas page, and where
// that rectangle sits relative to the pen (the dot on the baseline).
type glyph struct {
	page int
	src  image.Rectangle
	off  image.Point
}

const pageSize = 1024

func (f *face) advance(r rune) fixed.Int26_6 {
	if r >= 0 && r < 128 {
		if !f.asciiAdvOK[r] {
			f.asciiAdv[r], _ = f.xf.GlyphAdvance(r)
			f.asciiAdvOK[r] = true
		}
		return f.asciiAdv[r]
	}
	a, ok := f.adv[r]
	if !ok {
		if e := f.fallbackFor(r); e != nil {
			a = e.adv
		} else {
			a, _ = f.xf.GlyphAdvance(r)
		}
		f.adv[r] = a
	}
	return a
}

func (f *face) kerning(prev, r rune) fixed.Int26_6 {
	if !f.kerns {
		return 0
	}
	k, ok := f.kern[[2]rune{prev, r}]
	if !ok {
		k = f.xf.Kern(prev, r)
		f.kern[[2]rune{prev, r}] = k
	}
	return k
}

// glyph returns r's atlas entry, rasterizing it on first use; nil when r
// draws nothing (a space, or a glyph that does not fit a page).
func (f *face) glyph(r rune) *glyph {
	if r >= 0 && r < 128 {
		if !f.asciiDone[r] {
			f.asciiGlyph[r] = f.rasterize(r)
			f.asciiDone[r] = true
		}
		return f.asciiGlyph[r]
	}
	if g, ok := f.glyphs[r]; ok {
		return g
	}
	g := f.rasterize(r)
	f.glyphs[r] = g
	return g
}

// rasterize draws r's mask (or the fallback's, for a character the font
// lacks) into the atlas; nil when it draws nothing.
func (f *face) rasterize(r rune) *glyph {
	if r >= utf8.RuneSelf {
		if e := f.fallbackFor(r); e != nil {
			return f.rasterizeFallback(r, e)
		}
	}
	dr, mask, mp, _, ok := f.xf.Glyph(fixed.Point26_6{}, r)
	w, h := dr.Dx(), dr.Dy()
	if !ok || w <= 0 || h <= 0 || w+1 > pageSize || h+1 > pageSize {
		return nil
	}
	pix := make([]byte, 4*w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			_, _, _, a := mask.At(mp.X+x, mp.Y+y).RGBA()
			v := byte(a >> 8)
			i := 4 * (y*w + x)
			pix[i], pix[i+1], pix[i+2], pix[i+3] = v, v, v, v
		}
	}
	return f.place(w, h, pix, dr.Min)
}

// place packs a w×h bitmap (white, premultiplied RGBA) into the atlas with
// its top-left at off from the pen; nil when it is empty or too large.
func (f *face) place(w, h int, pix []byte, off image.Point) *glyph {
	if w <= 0 || h <= 0 || w+1 > pageSize || h+1 > pageSize {
		return nil
	}
	if len(f.pages) == 0 || f.penX+w+1 > pageSize && f.penY+f.shelfH+h+1 > pageSize || f.penY+h+1 > pageSize {
		f.pages = append(f.pages, ebiten.NewImage(pageSize, pageSize))
		f.penX, f.penY, f.shelfH = 0, 0, 0
	}
	if f.penX+w+1 > pageSize { // next shelf
		f.penX, f.penY, f.shelfH = 0, f.penY+f.shelfH, 0
	}
	src := image.Rect(f.penX, f.penY, f.penX+w, f.penY+h)
	page := f.pages[len(f.pages)-1]
	page.SubImage(src).(*ebiten.Image).WritePixels(pix)
	f.penX += w + 1 // one clear pixel between glyphs: no bleeding
	f.shelfH = max(f.shelfH, h+1)
	return &glyph{page: len(f.pages) - 1, src: src, off: off}
}

// textAdvance is s's width in pixels drawn with f (advances plus kerning).
func textAdvance(s string, f *face) float64 {
	var w fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += f.kerning(prev, r)
		}
		w += f.advance(r)
		prev = r
	}
	return fixedToFloat(w)
}

// ascent is the distance from the top of f's line to its baseline.
func ascent(f *face) float64 { return f.ascent }

func fixedToFloat(x fixed.Int26_6) float64 { return float64(x) / 64 }

// textBatch collects glyph quads of one face, in any colours, and draws
// them with one DrawTriangles call per atlas page.
type textBatch struct {
	f     *face
	verts [][]ebiten.Vertex // per page
	idx   [][]uint16
}

func (b *textBatch) reset(f *face) {
	b.f = f
	for i := range b.verts {
		b.verts[i], b.idx[i] = b.verts[i][:0], b.idx[i][:0]
	}
}

// add queues s with the top-left of its line at the origin of geom (geom
// may rotate), in colour c.
func (b *textBatch) add(s string, geom ebiten.GeoM, c color.Color) {
	f := b.f
	cr, cg, cb, ca := c.RGBA() // premultiplied
	col := [4]float32{float32(cr) / 0xffff, float32(cg) / 0xffff, float32(cb) / 0xffff, float32(ca) / 0xffff}
	var pen fixed.Int26_6
	prev := rune(-1)
	base := math.Round(f.ascent)
	for _, r := range s {
		if prev >= 0 {
			pen += f.kerning(prev, r)
		}
		if g := f.glyph(r); g != nil {
			for len(b.verts) <= g.page {
				b.verts, b.idx = append(b.verts, nil), append(b.idx, nil)
			}
			x0 := math.Round(fixedToFloat(pen)) + float64(g.off.X)
			y0 := base + float64(g.off.Y)
			x1, y1 := x0+float64(g.src.Dx()), y0+float64(g.src.Dy())
			n := uint16(len(b.verts[g.page]))
			if n > math.MaxUint16-4 {
				continue // 16k glyphs of one face in one batch: the rest is not drawn
			}
			for _, p := range [4][4]float64{
				{x0, y0, float64(g.src.Min.X), float64(g.src.Min.Y)},
				{x1, y0, float64(g.src.Max.X), float64(g.src.Min.Y)},
				{x0, y1, float64(g.src.Min.X), float64(g.src.Max.Y)},
				{x1, y1, float64(g.src.Max.X), float64(g.src.Max.Y)},
			} {
				dx, dy := geom.Apply(p[0], p[1])
				b.verts[g.page] = append(b.verts[g.page], ebiten.Vertex{
					DstX: float32(dx), DstY: float32(dy), SrcX: float32(p[2]), SrcY: float32(p[3]),
					ColorR: col[0], ColorG: col[1], ColorB: col[2], ColorA: col[3],
				})
			}
			b.idx[g.page] = append(b.idx[g.page], n, n+1, n+2, n+1, n+3, n+2)
		}
		pen += f.advance(r)
		prev = r
	}
}

// at queues s with its top-left at (x, y), rounded to whole pixels.
func (b *textBatch) at(s string, x, y float64, c color.Color) {
	var geom ebiten.GeoM
	geom.Translate(math.Round(x), math.Round(y))
	b.add(s, geom, c)
}

// flush draws the queued glyphs onto dst and empties the batch.
func (b *textBatch) flush(dst *ebiten.Image) {
	op := &ebiten.DrawTrianglesOptions{ColorScaleMode: ebiten.ColorScaleModePremultipliedAlpha, Filter: ebiten.FilterNearest}
	for p := range b.verts {
		if len(b.idx[p]) > 0 {
			dst.DrawTriangles(b.verts[p], b.idx[p], b.f.pages[p], op)
		}
	}
	b.reset(b.f)
}

// single is the batch drawText uses for one string at a time.
var single textBatch
