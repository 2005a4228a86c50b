package ebitenapp

import (
	"testing"

	"golang.org/x/image/font"
)

// The cached advances and kerning pairs must measure exactly what x/image
// measures: layout, fitting and centring depend on it.
func TestTextAdvanceMatchesXImage(t *testing.T) {
	fs := newFonts()
	for _, px := range []float64{6, 9, 13, 17.4, 24, 100, 160, 400} {
		f := fs.face(px)
		for _, s := range []string{"", "a", "attnviz", "AV To Wa", "−0.25", "1.00", "head 8 ●", "the cat sat on the mat", "…", "naïve café", "日本", "👍🏽", "\x00\t"} {
			want := float64(font.MeasureString(f.xf, s)) / 64
			if got := textAdvance(s, f); got != want {
				t.Errorf("px %g: textAdvance(%q) = %g, x/image measures %g", px, s, got, want)
			}
			if got := textAdvance(s, f); got != want { // again, from the caches
				t.Errorf("px %g: cached textAdvance(%q) = %g, want %g", px, s, got, want)
			}
		}
	}
}

// Faces are bounded to whole pixels in [minFacePx, maxFacePx].
func TestFaceSizesBounded(t *testing.T) {
	fs := newFonts()
	for _, tc := range []struct{ px, want float64 }{{0, minFacePx}, {-3, minFacePx}, {6.4, 6}, {6.6, 7}, {1e9, maxFacePx}} {
		fs.face(tc.px)
		if _, ok := fs.faces[tc.want]; !ok {
			t.Errorf("face(%g) did not make the %g px face", tc.px, tc.want)
		}
	}
	if n := len(fs.faces); n > 5 { // 100 (measure) + 6, 7, 160
		t.Errorf("%d faces for 4 distinct sizes", n)
	}
}
