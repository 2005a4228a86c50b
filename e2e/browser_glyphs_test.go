//go:build linux

package e2e

import (
	"fmt"
	"image"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestBrowserGlyphs types text in scripts the built-in Go font lacks and
// checks that the page draws them with the browser's fonts (cmd/wasm's
// fallback glyphs): no notice names a character the machine has a font
// for, one with no font anywhere is still named, and the label of a CJK
// token has the ink of a real glyph where a character nobody can draw
// leaves the font's empty missing glyph. Chromium finds its fonts through
// fontconfig, so fc-list says which characters it can draw here.
func TestBrowserGlyphs(t *testing.T) {
	freshArtifacts(t)
	s := demoSite(t)
	p := openPage(t, startBrowser(t), s.URL+"?text=")

	// Which of the typed characters have a font on this machine.
	fcList := lookTool(t, "fc-list")
	hasFont := func(r rune) bool {
		out, err := exec.Command(fcList, fmt.Sprintf(":charset=%x", r), "family").Output()
		if err != nil {
			t.Fatalf("fc-list :charset=%x: %v", r, err)
		}
		return strings.TrimSpace(string(out)) != ""
	}
	const cat, nobody = '猫', '\U0010FFFD' // U+10FFFD: private use, no font has it
	if !hasFont(cat) {
		t.Fatalf("no font on this machine draws %c (U+%04X): %s (it installs fonts-droid-fallback)", cat, cat, setupHint)
	}
	if hasFont(nobody) {
		t.Fatalf("a font on this machine has U+10FFFD; the test needs a character nobody draws")
	}

	p.focusText()
	const text = "猫 sat on नमस्ते mat 😀"
	p.insertText(text)
	p.waitFresh(`attnviz.getText() === `+jsString(text), 30*time.Second)
	notices := strings.Join(p.notices(), "\n")
	t.Logf("notices: %q", p.notices())
	for _, r := range []rune{cat, 'न', '😀'} {
		code := fmt.Sprintf("U+%04X", r)
		if named, want := strings.Contains(notices, code), !hasFont(r); named != want {
			t.Errorf("%c (%s): the notices name it: %v; want %v (a font for it on this machine: %v):\n%s", r, code, named, want, !want, notices)
		}
	}
	if strings.Contains(notices, "Han") {
		t.Errorf("a notice names Han characters, which the browser draws:\n%s", notices)
	}
	catInk, catBox := labelInk(t, p, "cat")

	// The same text starting with a character nobody can draw: it is
	// named, and its label is the Go font's missing glyph.
	other := string(nobody) + text[len(string(cat)):]
	p.js(`attnviz.setText(` + jsString(other) + `)`)
	p.waitFresh(`attnviz.getText() === `+jsString(other), 30*time.Second)
	if n := strings.Join(p.notices(), "\n"); !strings.Contains(n, "U+10FFFD") {
		t.Errorf("the notices do not name U+10FFFD, which no font draws (the browser's missing-glyph box was taken for a glyph):\n%s", n)
	}
	noInk, noBox := labelInk(t, p, "nobody")
	t.Logf("row label of token 0: 猫 %d ink pixels in %v; U+10FFFD %d in %v", catInk, catBox, noInk, noBox)

	// 猫 at the label size (about 11 px here) has dozens of ink pixels and
	// is about as wide as it is tall; the missing glyph draws (almost) none.
	if catInk < 25 || catBox.Dx() < 7 || catBox.Dy() < 7 || catBox.Dx() > 3*catBox.Dy() {
		t.Errorf("the label of 猫 has %d ink pixels in a %v box: not a CJK glyph (want >= 25 pixels in at least 7x7)", catInk, catBox.Size())
	}
	if noInk >= catInk/3 {
		t.Errorf("the label of U+10FFFD has %d ink pixels, 猫's %d: the two look alike", noInk, catInk)
	}
	p.assertAlive()
}

// labelInk screenshots the page and counts the ink pixels of token 0's row
// label (left of the embeddings panel, in its first row): pixels far from
// the region's most common colour. It returns their count and bounds.
func labelInk(t *testing.T, p *page, name string) (int, image.Rectangle) {
	t.Helper()
	var l struct {
		Panels []struct {
			ID           string
			X            float64
			CellY, CellH float64
		}
	}
	p.jsonCall(`attnviz.layout()`, &l)
	var region image.Rectangle
	for _, pn := range l.Panels {
		if pn.ID == "embeddings" {
			region = image.Rect(0, int(pn.CellY), int(pn.X)-1, int(pn.CellY+pn.CellH))
		}
	}
	if region.Empty() {
		t.Fatalf("attnviz.layout() has no embeddings panel with rows")
	}
	img, err := decodePNG(p.screenshot(name))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[[3]uint8]int{}
	var bg [3]uint8
	for y := region.Min.Y; y < region.Max.Y; y++ {
		for x := region.Min.X; x < region.Max.X; x++ {
			c := rgbaAt(img, x, y)
			k := [3]uint8{c.R, c.G, c.B}
			if counts[k]++; counts[k] > counts[bg] {
				bg = k
			}
		}
	}
	ink, box := 0, image.Rectangle{}
	for y := region.Min.Y; y < region.Max.Y; y++ {
		for x := region.Min.X; x < region.Max.X; x++ {
			c := rgbaAt(img, x, y)
			d := max(absDiff(c.R, bg[0]), absDiff(c.G, bg[1]), absDiff(c.B, bg[2]))
			if d > 64 {
				ink++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return ink, box
}

func absDiff(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
