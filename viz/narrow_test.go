package viz

import "testing"

// Narrow windows (a phone, a split screen) keep every element apart: the
// pipeline's panels shrink rather than run under the all-heads column.
func TestNarrowWindowsDoNotOverlap(t *testing.T) {
	for _, f := range []Frame{{W: 400, H: 700, Scale: 1}, {W: 360, H: 640, Scale: 1}, {W: 600, H: 500, Scale: 1}, {W: 800, H: 1200, Scale: 2}} {
		for _, kv := range [][]string{nil, {"present", "1"}, {"dmodel", "64", "heads", "16"}} {
			a := appWith(t, 6, f, kv...)
			checkLayout(t, ftoa(f.W)+"x"+ftoa(f.H)+" "+ftoa(float64(len(kv))), a)
		}
	}
}
