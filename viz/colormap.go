package viz

import (
	"encoding/binary"
	"image/color"
	"math"
)

// The two colormaps are ColorBrewer schemes marked colour-blind safe and
// print friendly: YlGnBu (sequential, light = low, dark = high) for softmax
// weights in [0, 1] and RdBu (diverging, blue = negative, near-white = 0,
// red = positive) for signed values. Both interpolate linearly in sRGB
// between the published 9- and 11-class stops.

var sequentialStops = []color.RGBA{ // YlGnBu 9, t = 0 .. 1
	{0xff, 0xff, 0xd9, 0xff}, {0xed, 0xf8, 0xb1, 0xff}, {0xc7, 0xe9, 0xb4, 0xff},
	{0x7f, 0xcd, 0xbb, 0xff}, {0x41, 0xb6, 0xc4, 0xff}, {0x1d, 0x91, 0xc0, 0xff},
	{0x22, 0x5e, 0xa8, 0xff}, {0x25, 0x34, 0x94, 0xff}, {0x08, 0x1d, 0x58, 0xff},
}

var divergingStops = []color.RGBA{ // RdBu 11 reversed: -1 (blue) .. +1 (red)
	{0x05, 0x30, 0x61, 0xff}, {0x21, 0x66, 0xac, 0xff}, {0x43, 0x93, 0xc3, 0xff},
	{0x92, 0xc5, 0xde, 0xff}, {0xd1, 0xe5, 0xf0, 0xff}, {0xf7, 0xf7, 0xf7, 0xff},
	{0xfd, 0xdb, 0xc7, 0xff}, {0xf4, 0xa5, 0x82, 0xff}, {0xd6, 0x60, 0x4d, 0xff},
	{0xb2, 0x18, 0x2b, 0xff}, {0x67, 0x00, 0x1f, 0xff},
}

// The maps are tabulated at 4097 points (4096 steps: every stop of both
// schemes falls on an entry), far finer than 8-bit colour can show; a
// 512 x 512 heatmap then colours in a few milliseconds, even in wasm.
const lutSteps = 4096

var sequentialLUT, divergingLUT = tabulate(sequentialStops), tabulate(divergingStops)

// The same tables as packed pixels (the R, G, B, A bytes of each entry read
// as one native-endian uint32), so Heatmap.Fill writes a cell with one
// store; and the packed colours of cells that are not values.
var (
	sequentialPix, divergingPix                = packLUT(sequentialLUT), packLUT(divergingLUT)
	blockedPix, maskAllowedPix, maskBlockedPix = packRGBA(BlockedColor), packRGBA(MaskAllowed), packRGBA(MaskBlocked)
	divergingMidPix                            = packRGBA(divergingMid)
)

// divergingMid is the diverging map's middle: 0, and NaN.
var divergingMid = divergingStops[len(divergingStops)/2]

func packLUT(lut *[lutSteps + 1]color.RGBA) *[lutSteps + 1]uint32 {
	var p [lutSteps + 1]uint32
	for i, c := range lut {
		p[i] = packRGBA(c)
	}
	return &p
}

// packRGBA is c's four bytes as one native-endian uint32.
func packRGBA(c color.RGBA) uint32 {
	return binary.NativeEndian.Uint32([]byte{c.R, c.G, c.B, c.A})
}

// lutIndex is the table index for x = t·lutSteps + 0.5: int(x), clamped to
// the table (NaN is 0).
func lutIndex(x float64) int {
	if !(x > 0) {
		return 0
	}
	if x > lutSteps {
		return lutSteps
	}
	return int(x)
}

// divergingScale is the factor Diverging and Heatmap.Fill multiply a value
// by (then add divergingOffset) to get its table index: one multiply per
// cell, not a division, and both compute it the same way, so the pixels
// are exactly what Diverging returns.
func divergingScale(maxAbs float64) float64 { return (lutSteps / 2) / maxAbs }

// divergingOffset puts 0 at the table's middle entry and rounds to nearest.
const divergingOffset = lutSteps/2 + 0.5

func tabulate(stops []color.RGBA) *[lutSteps + 1]color.RGBA {
	var t [lutSteps + 1]color.RGBA
	for i := range t {
		t[i] = ramp(stops, float64(i)/lutSteps)
	}
	return &t
}

// Sequential returns the colour of a weight t in [0, 1] (t = 0 lowest,
// lightest). Values outside [0, 1] are clamped; NaN maps to 0.
func Sequential(t float64) color.RGBA {
	return sequentialLUT[lutIndex(t*lutSteps+0.5)] // the entry nearest to t
}

// Diverging returns the colour of a signed value v on a scale symmetric
// around 0 that reaches its darkest at ±maxAbs. maxAbs <= 0 (an all-zero
// matrix) gives the neutral middle colour.
func Diverging(v, maxAbs float64) color.RGBA {
	if !(maxAbs > 0) || math.IsNaN(v) {
		return divergingMid
	}
	// t = (v/maxAbs+1)/2 looked up at t·lutSteps + 0.5, computed as
	// v·scale + offset (see divergingScale).
	return divergingLUT[lutIndex(v*divergingScale(maxAbs)+divergingOffset)]
}

// ramp interpolates the stops at t in [0, 1].
func ramp(stops []color.RGBA, t float64) color.RGBA {
	if !(t > 0) { // also NaN
		return stops[0]
	}
	if t >= 1 {
		return stops[len(stops)-1]
	}
	f := t * float64(len(stops)-1)
	i := int(f)
	f -= float64(i)
	a, b := stops[i], stops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// Lightness returns the CIE L* (0 black .. 100 white) of an sRGB colour.
// It picks readable text colours on cells and checks the colormaps.
func Lightness(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	y := 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
	if y > 216.0/24389 {
		return 116*math.Cbrt(y) - 16
	}
	return y * 24389 / 27
}

// TextOn returns black or white, whichever reads better on background c.
func TextOn(c color.RGBA) color.RGBA {
	if Lightness(c) > 55 {
		return color.RGBA{0, 0, 0, 0xff}
	}
	return color.RGBA{0xff, 0xff, 0xff, 0xff}
}
