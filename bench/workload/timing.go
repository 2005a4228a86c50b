package workload

import (
	"math"
	"time"
)

// calibrateFor is how long the calls that size a round must take at
// least: far above the clock's resolution (a browser coarsens
// performance.now(), which Go's wasm clock reads, to 100 µs, with jitter).
const calibrateFor = 5 * time.Millisecond

// TimePerOp returns the fastest of 10 rounds of the mean time of one call in
// nanoseconds, each round lasting about minSeconds/10: the least disturbed
// round on a shared machine. bench/torch_ref.py times PyTorch the same way.
func TimePerOp(minSeconds float64, fn func()) float64 {
	const rounds = 10
	fn()
	once := timeOnce(time.Now, fn)
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

// timeOnce estimates one call's time in nanoseconds from a batch of calls
// that lasts at least calibrateFor, doubling the batch until it does. (One
// call timed alone can read as 0 on a coarse clock; the rounds sized from
// that ran 1000 times too long: a wasm bench in Chromium seemed to hang.)
func timeOnce(now func() time.Time, fn func()) float64 {
	for n := 1; ; n *= 2 {
		t0 := now()
		for i := 0; i < n; i++ {
			fn()
		}
		if d := now().Sub(t0); d >= calibrateFor || n >= 1<<30 {
			return math.Max(float64(d)/float64(n), 1)
		}
	}
}
