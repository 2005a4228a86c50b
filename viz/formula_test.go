package viz

import (
	"strconv"
	"strings"
	"testing"
)

// The attention band's formula and the scores' status line show the
// scaling actually used: √d_k only with scale on, the temperature when it
// is not 1.
func TestFormulaFollowsScaleAndTemperature(t *testing.T) {
	for _, tc := range []struct {
		kv        []string
		want      string
		forbidden []string
	}{
		{nil, "scores = Q·K^T/√d_k →", []string{"not scaled"}},
		{[]string{"temp", "0.5"}, "scores = Q·K^T/(√d_k·0.5) →", nil},
		{[]string{"scale", "off"}, "scores = Q·K^T (not scaled) →", []string{"√d_k"}},
		{[]string{"scale", "off", "temp", "2"}, "scores = Q·K^T/2 (not scaled by √d_k; temperature 2) →", nil},
	} {
		a := appWith(t, 4, Frame{W: 1920, H: 1080, Scale: 1}, tc.kv...)
		band := a.L.Bands[1].Text
		status := a.StatusFormula("scores")
		if !strings.HasPrefix(band, tc.want) || !strings.HasPrefix(status, strings.TrimSuffix(tc.want, " →")) {
			t.Errorf("%v: band %q, status %q; want both to start with %q", tc.kv, band, status, tc.want)
		}
		for _, f := range tc.forbidden {
			if strings.Contains(band, f) {
				t.Errorf("%v: band %q says %q", tc.kv, band, f)
			}
		}
	}
}

// Rows that see no key are all counted (not only the ones listed), and
// nothing then claims that every row sums to 1.
func TestBlockedRowsCountedInFull(t *testing.T) {
	for _, tc := range []struct {
		text, mask string
		rows       int
	}{
		{"<pad> <pad> <pad> <pad> <pad> <pad>", "padding", 6},
		{"a b <pad> <pad> <pad>", "padding", 0},
		{"<pad> <pad> <pad> <pad> <pad>", "causal+padding", 5},
		{"a b c", "none", 0},
	} {
		s := DefaultSettings()
		s.Text, s.Mask = tc.text, "none"
		if _, err := s.Set("mask", tc.mask); err != nil {
			t.Fatal(err)
		}
		a := New(s, nil)
		a.SetFrame(Frame{W: 1280, H: 800, Scale: 1})
		a.Sync()
		var got string
		for _, n := range a.Notices() {
			if strings.Contains(n, "see no key") {
				got = n
			}
		}
		band, status := a.L.Bands[1].Text, a.StatusFormula("weights")
		if tc.rows == 0 {
			if got != "" || !strings.Contains(band, "each row sums to 1") {
				t.Errorf("%q %s: notice %q, band %q", tc.text, tc.mask, got, band)
			}
			continue
		}
		n := strconv.Itoa(tc.rows)
		if !strings.Contains(got, ": "+n+" query row(s)") {
			t.Errorf("%q %s: notice %q, want %s rows", tc.text, tc.mask, got, n)
		}
		for _, f := range []string{band, status} {
			if strings.Contains(f, "each row sums to 1") || strings.Contains(f, "every row sums to 1") || !strings.Contains(f, n+" ") {
				t.Errorf("%q %s: %q should count the %s rows that see no key", tc.text, tc.mask, f, n)
			}
		}
	}
}
