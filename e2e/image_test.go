//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
)

// decodePNG decodes PNG bytes.
func decodePNG(b []byte) (image.Image, error) {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not a PNG (%d bytes): %v", len(b), err)
	}
	return img, nil
}

// colourStats counts the distinct colours of img and the share of its
// most common colour.
func colourStats(img image.Image) (distinct int, topShare float64) {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[rgbaAt(img, x, y)]++
		}
	}
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	return len(counts), float64(top) / float64(max(1, b.Dx()*b.Dy()))
}

// notBlank says why a screenshot looks blank: heatmaps, text and chips give
// hundreds of colours; a blank or failed WebGL canvas gives one or two.
func notBlank(pngBytes []byte) error {
	img, err := decodePNG(pngBytes)
	if err != nil {
		return err
	}
	distinct, top := colourStats(img)
	if distinct < 64 || top > 0.9 {
		return fmt.Errorf("looks blank: %d distinct colours (want >= 64), most common colour covers %.1f%% (want <= 90%%)", distinct, 100*top)
	}
	return nil
}

// rgbaAt reads a pixel as 8-bit non-premultiplied RGBA.
func rgbaAt(img image.Image, x, y int) color.RGBA {
	c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
	return color.RGBA{c.R, c.G, c.B, c.A}
}

func TestNotBlank(t *testing.T) {
	solid := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range solid.Pix {
		solid.Pix[i] = 0xff
	}
	ramp := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			ramp.Set(x, y, color.RGBA{uint8(4 * x), uint8(4 * y), 128, 255})
		}
	}
	mostlySolid := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for y := range 100 {
		for x := range 100 {
			c := color.RGBA{0, 0, 0, 255}
			if y < 5 { // 5% of the image has many colours
				c = color.RGBA{uint8(x), uint8(y * 40), 7, 255}
			}
			mostlySolid.Set(x, y, c)
		}
	}
	tests := []struct {
		name    string
		img     image.Image
		wantErr bool
	}{
		{"solid white", solid, true},
		{"colour ramp", ramp, false},
		{"95% one colour", mostlySolid, true},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		if err := png.Encode(&buf, tc.img); err != nil {
			t.Fatal(err)
		}
		if err := notBlank(buf.Bytes()); (err != nil) != tc.wantErr {
			t.Errorf("%s: notBlank = %v, want error %v", tc.name, err, tc.wantErr)
		}
	}
	if err := notBlank([]byte("not a png")); err == nil {
		t.Error("notBlank accepted bytes that are not a PNG")
	}
}

// readPNG reads and decodes a PNG file.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := decodePNG(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
