package viz

import "sync"

// PointerEvent is one press of a mouse button, pen or finger at (X, Y) in
// screen (device) pixels. Button is the DOM's MouseEvent.button: 0 primary,
// 2 secondary (steps a button backwards).
type PointerEvent struct {
	X, Y   float64
	Button int
}

// PointerQueue collects presses from an event listener between two ticks,
// so a click pressed and released within one frame is still delivered
// (polling the button state once per tick misses it). Safe for concurrent
// use: the listener pushes, the game's tick drains.
type PointerQueue struct {
	mu     sync.Mutex
	events []PointerEvent
}

// Push records one press.
func (q *PointerQueue) Push(e PointerEvent) {
	q.mu.Lock()
	q.events = append(q.events, e)
	q.mu.Unlock()
}

// Drain returns the presses since the last call, oldest first.
func (q *PointerQueue) Drain() []PointerEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	ev := q.events
	q.events = nil
	return ev
}

// Press delivers one press: the pointer moves there (touch has no hover
// before it) and it clicks, backwards for the secondary button.
func (a *App) Press(e PointerEvent) {
	a.Hover(e.X, e.Y)
	dir := 1
	if e.Button == 2 {
		dir = -1
	}
	a.Click(e.X, e.Y, dir)
}
