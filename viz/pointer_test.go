package viz

import (
	"sync"
	"testing"
)

// Presses queued between two ticks (a quick click, or several) are all
// delivered, in order, at the next tick.
func TestQueuedPressesAllArrive(t *testing.T) {
	a := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1})
	centre := func(id string, head, i, j int) PointerEvent {
		p := a.L.Panel(id, head)
		return PointerEvent{X: p.Grid.X + (float64(j)+0.5)*p.CellW, Y: p.Grid.Y + (float64(i)+0.5)*p.CellH}
	}
	heads := btn(a, "heads")
	for _, tc := range []struct {
		name    string
		presses []PointerEvent
		check   func() bool
	}{
		{"two mask cells in one tick both toggle", []PointerEvent{centre("mask", -1, 0, 1), centre("mask", -1, 2, 3)},
			func() bool {
				return a.S.Mask == "custom" && !a.Custom.At(0, 1) && !a.Custom.At(2, 3) && a.Custom.At(1, 1)
			}},
		{"the same cell twice toggles back", []PointerEvent{centre("mask", -1, 3, 0), centre("mask", -1, 3, 0)},
			func() bool { return a.Custom.At(3, 0) }},
		{"a head in the grid", []PointerEvent{centre("head-weights", 3, 0, 0)}, func() bool { return a.S.Head == 3 }},
		{"primary then secondary on heads", []PointerEvent{{X: heads.X + 3, Y: heads.Y + 3}, {X: heads.X + 3, Y: heads.Y + 3, Button: 2}},
			func() bool { return a.S.Heads == 4 }},
		{"secondary on heads steps down", []PointerEvent{{X: heads.X + 3, Y: heads.Y + 3, Button: 2}}, func() bool { return a.S.Heads == 2 }},
	} {
		var q PointerQueue
		var wg sync.WaitGroup
		for _, e := range tc.presses { // pushed by a listener while no tick runs
			wg.Add(1)
			go func() { defer wg.Done(); q.Push(e) }()
			wg.Wait()
		}
		for _, e := range q.Drain() {
			a.Press(e)
		}
		a.Sync()
		if !tc.check() {
			t.Errorf("%s: state %+v", tc.name, a.S)
		}
		if left := q.Drain(); len(left) != 0 {
			t.Errorf("%s: %d presses left after draining", tc.name, len(left))
		}
	}
}
