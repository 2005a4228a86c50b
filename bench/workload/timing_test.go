package workload

import (
	"math"
	"testing"
	"time"
)

// On a clock that moves in 100 µs steps (a browser's performance.now()),
// a call of a few µs to a few hundred µs is still timed within 2%: one call
// alone reads as 0 or 100 µs there, and rounds sized from that ran 1000
// times too long.
func TestTimeOnceOnACoarseClock(t *testing.T) {
	const step = 100 * time.Microsecond
	for _, call := range []time.Duration{3 * time.Microsecond, 57 * time.Microsecond, 130 * time.Microsecond, 2 * time.Millisecond} {
		var elapsed time.Duration // the fake time: each call advances it
		start := time.Unix(0, 0)
		now := func() time.Time { return start.Add(elapsed / step * step) }
		got := timeOnce(now, func() { elapsed += call })
		if rel := math.Abs(got-float64(call)) / float64(call); rel > 0.02 {
			t.Errorf("a %v call on a %v clock: timed %.0f ns (%.1f%% off)", call, step, got, 100*rel)
		}
	}
}
