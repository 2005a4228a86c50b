package ebitenapp

import (
	"math"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// fonts holds the embedded Go Regular font at the sizes in use. One font
// only, rasterized by x/image (GoXFace): much smaller in the wasm than the
// shaping engine behind text.GoTextFace.
type fonts struct {
	ttf     *sfnt.Font
	faces   map[float64]text.Face
	measure text.Face // a 100 px face for widths at any size
}

func newFonts() *fonts {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic("attnviz: the embedded Go font does not parse: " + err.Error())
	}
	fs := &fonts{ttf: f, faces: map[float64]text.Face{}}
	fs.measure = fs.face(100)
	return fs
}

// face returns the face of size px (rounded to whole pixels for crisp glyphs).
func (fs *fonts) face(px float64) text.Face {
	px = math.Max(6, math.Round(px))
	if f, ok := fs.faces[px]; ok {
		return f
	}
	ff, err := opentype.NewFace(fs.ttf, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("attnviz: font face: " + err.Error())
	}
	f := text.NewGoXFace(ff)
	if len(fs.faces) > 16 {
		clear(fs.faces)
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
	return text.Advance(s, fs.measure) / 100
}
