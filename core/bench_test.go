package core_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/attnviz/attnviz/core"
)

// BenchmarkSDPA times one scaled dot-product attention (T x T, causal) with
// every intermediate kept.
func BenchmarkSDPA(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, t := range []int{8, 32, 128, 512} {
		for _, dk := range []int{16, 64} {
			q, k, v := randDense(rng, t, dk, 1), randDense(rng, t, dk, 1), randDense(rng, t, dk, 1)
			b.Run(fmt.Sprintf("T=%d/d_k=%d", t, dk), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := core.ScaledDotProductAttention(q, k, v, core.Mask{Causal: true}, core.DefaultScale(dk)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
