package ebitenapp

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text" // v1 (deprecated): draws x/image faces without linking text/v2's shaping engine
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fonts holds the embedded Go Regular font at the sizes in use. One font
// only, rasterized by x/image and drawn by ebiten's text (v1) package:
// text/v2 links the go-text shaping engine (harfbuzz, image decoders) even
// for x/image faces, about 0.2 MB of gzip in the wasm.
type fonts struct {
	ttf     *sfnt.Font
	faces   map[float64]font.Face
	measure font.Face // a 100 px face for widths at any size
}

// Face sizes are whole pixels in [minFacePx, maxFacePx]: ebiten's text
// package keeps every face it has drawn with, so the set must stay bounded.
const (
	minFacePx = 6
	maxFacePx = 160
)

func newFonts() *fonts {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic("attnviz: the embedded Go font does not parse: " + err.Error())
	}
	fs := &fonts{ttf: f, faces: map[float64]font.Face{}}
	fs.measure = fs.face(100)
	return fs
}

// face returns the face of size px (rounded to whole pixels for crisp glyphs).
func (fs *fonts) face(px float64) font.Face {
	px = math.Min(maxFacePx, math.Max(minFacePx, math.Round(px)))
	if f, ok := fs.faces[px]; ok {
		return f
	}
	f, err := opentype.NewFace(fs.ttf, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("attnviz: font face: " + err.Error())
	}
	fs.faces[px] = f
	return f
}

// HasGlyph reports whether the font has a glyph for r.
func (fs *fonts) HasGlyph(r rune) bool {
	var b sfnt.Buffer
	i, err := fs.ttf.GlyphIndex(&b, r)
	return err == nil && i != 0
}

// Measure returns a text's width at font size 1.
func (fs *fonts) Measure(s string) float64 {
	return textAdvance(s, fs.measure) / 100
}

// textAdvance is s's width in pixels drawn with f (advances plus kerning).
func textAdvance(s string, f font.Face) float64 {
	return fixedToFloat(font.MeasureString(f, s))
}

// ascent is the distance from the top of f's line to its baseline.
func ascent(f font.Face) float64 { return fixedToFloat(f.Metrics().Ascent) }

func fixedToFloat(x fixed.Int26_6) float64 { return float64(x) / 64 }

// drawTextGeoM draws s with the top-left of its line at the origin of geom
// (geom may rotate), in colour c.
func drawTextGeoM(dst *ebiten.Image, s string, f font.Face, geom ebiten.GeoM, c color.Color) {
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(0, ascent(f)) // text draws from the baseline
	op.GeoM.Concat(geom)
	op.ColorScale.ScaleWithColor(c)
	text.DrawWithOptions(dst, s, f, op)
}
