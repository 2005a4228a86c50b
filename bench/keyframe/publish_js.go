//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
)

// publish exposes the two counters to the page as window.attnviz, the
// names the edit-to-frame measure polls, with ready set. Key presses are
// counted by a DOM listener, as attnviz does, so a key pressed and released
// within one tick still counts.
func publish(g *game) {
	pending := 0
	quiet := js.FuncOf(func(_ js.Value, args []js.Value) any {
		args[0].Call("stopPropagation") // as attnviz: no forced frame per event
		return nil
	})
	js.Global().Call("addEventListener", "keydown", js.FuncOf(func(_ js.Value, args []js.Value) any {
		pending++
		ebiten.ScheduleFrame()
		args[0].Call("stopPropagation")
		return nil
	}), true)
	js.Global().Call("addEventListener", "keyup", quiet, true)
	g.keys = func() int { n := pending; pending = 0; return n }
	api := js.Global().Get("Object").New()
	api.Set("ready", true)
	api.Set("version", js.FuncOf(func(js.Value, []js.Value) any { return g.version }))
	api.Set("drawnVersion", js.FuncOf(func(js.Value, []js.Value) any { return g.drawn }))
	js.Global().Set("attnviz", api)
}
