package ebitenapp

import (
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

// KeyEvent is one key press named as in the DOM (KeyboardEvent.key).
type KeyEvent struct {
	Key   string
	Shift bool
	Ctrl  bool // a shortcut modifier held (viz.ShortcutModifier): not a letter shortcut, not typing
	// Type: Key is text to type (a plain printable key, or pasted or
	// inserted text) that the host kept from the IME text field; while
	// typing, the game inserts it (else a single key is a shortcut).
	Type bool
}

var keyNames = map[ebiten.Key]string{
	ebiten.KeyBackspace: "Backspace", ebiten.KeyDelete: "Delete", ebiten.KeyArrowLeft: "ArrowLeft",
	ebiten.KeyArrowRight: "ArrowRight", ebiten.KeyArrowUp: "ArrowUp", ebiten.KeyArrowDown: "ArrowDown",
	ebiten.KeyHome: "Home", ebiten.KeyEnd: "End", ebiten.KeyEnter: "Enter", ebiten.KeyNumpadEnter: "Enter",
	ebiten.KeyEscape: "Escape", ebiten.KeyTab: "Tab", ebiten.KeyF1: "F1", ebiten.KeyF2: "F2",
	ebiten.KeyF11: "F11", ebiten.KeyPageUp: "PageUp", ebiten.KeyPageDown: "PageDown",
	ebiten.KeyBracketLeft: "[", ebiten.KeyBracketRight: "]",
}

// repeatable keys repeat while held.
var repeatable = map[ebiten.Key]bool{
	ebiten.KeyBackspace: true, ebiten.KeyDelete: true, ebiten.KeyArrowLeft: true, ebiten.KeyArrowRight: true,
}

// ebitenKeys reads this tick's key presses from Ebiten (desktop), with key
// repeat for editing keys.
func ebitenKeys(dst []KeyEvent) []KeyEvent {
	shift := ebiten.IsKeyPressed(ebiten.KeyShift)
	ctrl := ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyAlt) || ebiten.IsKeyPressed(ebiten.KeyMeta)
	var pressed [32]ebiten.Key
	for _, k := range inpututil.AppendPressedKeys(pressed[:0]) {
		d := inpututil.KeyPressDuration(k)
		if !(d == 1 || (repeatable[k] && d >= 30 && (d-30)%4 == 0)) {
			continue
		}
		name, ok := keyNames[k]
		switch {
		case ok:
		case k >= ebiten.KeyA && k <= ebiten.KeyZ:
			c := byte('a' + (k - ebiten.KeyA))
			if shift {
				c -= 'a' - 'A'
			}
			name = string(c)
		case k >= ebiten.KeyDigit0 && k <= ebiten.KeyDigit9:
			name = string(byte('0' + (k - ebiten.KeyDigit0)))
		case k == ebiten.KeySlash && shift:
			name = "?"
		default:
			continue
		}
		dst = append(dst, KeyEvent{Key: name, Shift: shift, Ctrl: ctrl})
	}
	return dst
}
