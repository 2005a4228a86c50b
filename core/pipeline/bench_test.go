package pipeline_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/attnviz/attnviz/core/pipeline"
)

// benchText returns a text of exactly t word tokens, mostly distinct.
func benchText(t int) string {
	words := make([]string, t)
	for i := range words {
		words[i] = fmt.Sprintf("w%c%d", 'a'+i%26, i/26)
	}
	return strings.Join(words, " ")
}

// BenchmarkPipeline times the whole text-to-trace run (tokenize, embed,
// positional encoding, seeded weights, multi-head attention with every
// intermediate kept), from a fresh Runner each time.
func BenchmarkPipeline(b *testing.B) {
	for _, t := range []int{8, 32, 128, 512} {
		text := benchText(t)
		for _, dh := range [][2]int{{64, 4}, {64, 8}, {128, 4}, {128, 8}} {
			cfg := pipeline.DefaultConfig()
			cfg.DModel, cfg.Heads = dh[0], dh[1]
			b.Run(fmt.Sprintf("T=%d/d=%d/H=%d", t, dh[0], dh[1]), func(b *testing.B) {
				tr, err := pipeline.Run(cfg, text)
				if err != nil || tr.T() != t {
					b.Fatalf("setup: %v (T = %d, want %d)", err, tr.T(), t)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := pipeline.Run(cfg, text); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
