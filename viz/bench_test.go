package viz

import (
	"strconv"
	"strings"
	"testing"
)

// BenchmarkEditSync measures one keystroke: insert a character, then Sync
// (recompute the trace, rebuild changed heatmap pixels and the layout).
// This is the CPU side of edit-to-frame latency.
func BenchmarkEditSync(b *testing.B) {
	for _, tc := range []struct {
		tokens int
		kv     []string
	}{
		{6, nil},
		{32, nil},
		{128, []string{"dmodel", "64", "heads", "8"}},
		{512, nil},
		// The edit-to-frame shapes of the benchmark report.
		{16, []string{"dmodel", "64", "heads", "8"}},
		{64, []string{"dmodel", "64", "heads", "8"}},
		{256, []string{"dmodel", "64", "heads", "8"}},
	} {
		b.Run("T="+strconv.Itoa(tc.tokens)+strings.Join(tc.kv, ","), func(b *testing.B) {
			words := make([]string, tc.tokens)
			for i := range words {
				words[i] = "w" + strconv.Itoa(i)
			}
			s := DefaultSettings()
			s.Text = strings.Join(words, " ")
			for i := 0; i+1 < len(tc.kv); i += 2 {
				if _, err := s.Set(tc.kv[i], tc.kv[i+1]); err != nil {
					b.Fatal(err)
				}
			}
			a := New(s, nil)
			a.SetFrame(Frame{W: 1280, H: 800, Scale: 1})
			a.Sync()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%2 == 0 {
					a.Insert("x")
				} else {
					a.Backspace()
				}
				if !a.Sync() {
					b.Fatal("an edit changed nothing")
				}
			}
		})
	}
}

// BenchmarkHeatmapFill measures colouring one T x T heatmap (T = 128) of
// each kind, which every edit does for the weights, scores and mask panels
// and every head's weights.
func BenchmarkHeatmapFill(b *testing.B) {
	const t = 128
	for _, kind := range []HeatKind{Weights, Signed, MaskMap} {
		b.Run(strconv.Itoa(int(kind)), func(b *testing.B) {
			h := &Heatmap{Kind: kind, Rows: t, Cols: t, Values: make([]float64, t*t), Blocked: make([]bool, t*t)}
			for k := range h.Values {
				h.Values[k] = float64(k%97)/96 - 0.25
				h.Blocked[k] = k%t > k/t // causal
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				h.Fill()
			}
		})
	}
}
