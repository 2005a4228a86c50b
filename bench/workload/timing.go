package workload

import (
	"math"
	"time"
)

// TimePerOp returns the fastest of 10 rounds of the mean time of one call in
// nanoseconds, each round lasting about minSeconds/10: the least disturbed
// round on a shared machine. bench/torch_ref.py times PyTorch the same way.
func TimePerOp(minSeconds float64, fn func()) float64 {
	const rounds = 10
	fn()
	t0 := time.Now()
	fn()
	once := math.Max(float64(time.Since(t0)), 100)
	n := max(1, int(minSeconds/rounds*1e9/once))
	best := math.Inf(1)
	for range rounds {
		t0 := time.Now()
		for i := 0; i < n; i++ {
			fn()
		}
		best = math.Min(best, float64(time.Since(t0))/float64(n))
	}
	return best
}
