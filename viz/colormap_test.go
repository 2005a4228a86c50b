package viz

import (
	"image/color"
	"math"
	"testing"
)

func TestSequentialEndpointsAndClamp(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    float64
		want color.RGBA
	}{
		{"zero is the first stop (lightest)", 0, sequentialStops[0]},
		{"one is the last stop (darkest)", 1, sequentialStops[len(sequentialStops)-1]},
		{"below zero clamps", -3, sequentialStops[0]},
		{"above one clamps", 7, sequentialStops[len(sequentialStops)-1]},
		{"NaN is the lowest", math.NaN(), sequentialStops[0]},
		{"a stop is hit exactly", 0.5, sequentialStops[4]},
	} {
		if got := Sequential(tc.t); got != tc.want {
			t.Errorf("%s: Sequential(%v) = %v, want %v", tc.name, tc.t, got, tc.want)
		}
	}
}

func TestSequentialLightnessDecreases(t *testing.T) {
	// Monotone at fine steps (8-bit rounding may wobble neighbours by a few
	// hundredths of an L*, far below a visible step of about 1) and strictly
	// decreasing at 1/32 steps.
	for _, step := range []struct {
		n      int
		strict bool
	}{{1024, false}, {32, true}} {
		prev := math.Inf(1)
		for i := 0; i <= step.n; i++ {
			x := float64(i) / float64(step.n)
			l := Lightness(Sequential(x))
			if l > prev+0.05 || (step.strict && l >= prev) {
				t.Fatalf("lightness not decreasing at t=%.4f: %.2f after %.2f", x, l, prev)
			}
			prev = l
		}
	}
	if span := Lightness(Sequential(0)) - Lightness(Sequential(1)); span < 70 {
		t.Errorf("lightness span %.1f L*, want at least 70 for a projector", span)
	}
}

func TestDivergingSymmetricAndSigned(t *testing.T) {
	mid := divergingStops[len(divergingStops)/2]
	for _, tc := range []struct {
		name   string
		v, max float64
		want   color.RGBA
	}{
		{"zero is neutral", 0, 2, mid},
		{"all-zero matrix is neutral", 0, 0, mid},
		{"NaN is neutral", math.NaN(), 1, mid},
		{"-max is darkest blue", -2, 2, divergingStops[0]},
		{"+max is darkest red", 2, 2, divergingStops[len(divergingStops)-1]},
		{"beyond max clamps", 50, 2, divergingStops[len(divergingStops)-1]},
	} {
		if got := Diverging(tc.v, tc.max); got != tc.want {
			t.Errorf("%s: Diverging(%v, %v) = %v, want %v", tc.name, tc.v, tc.max, got, tc.want)
		}
	}
	for i := 1; i <= 100; i++ {
		v := float64(i) / 100
		neg, pos := Diverging(-v, 1), Diverging(v, 1)
		if d := math.Abs(Lightness(neg) - Lightness(pos)); d > 5 {
			t.Errorf("|v|=%.2f: lightness differs by %.1f L* between signs", v, d)
		}
		if !(neg.B > neg.R) || !(pos.R > pos.B) {
			t.Errorf("|v|=%.2f: negative %v should be blue, positive %v red", v, neg, pos)
		}
		if i > 1 && Lightness(pos) > Lightness(Diverging(v-0.01, 1))+0.5 {
			t.Errorf("v=%.2f: lightness should fall as |v| grows", v)
		}
	}
}

func TestTextOnPicksReadableColour(t *testing.T) {
	for _, tc := range []struct {
		bg   color.RGBA
		want uint8
	}{
		{Sequential(0), 0}, {Sequential(1), 0xff}, {Diverging(0, 1), 0}, {Diverging(-1, 1), 0xff}, {Diverging(1, 1), 0xff},
	} {
		if got := TextOn(tc.bg); got.R != tc.want {
			t.Errorf("TextOn(%v) = %v, want grey level %d", tc.bg, got, tc.want)
		}
	}
}
