//go:build js && wasm

// Command wasm is the browser build of attnviz (web/main.wasm). It reads
// its settings from the page's URL, keeps the URL updated, and exposes
// window.attnviz for tests and scripted demos (see notes/viz-contract.md):
//
//	attnviz.ready                   true once the first frame with data was drawn
//	attnviz.setText(s), getText()   replace / read the text
//	attnviz.tokens()                JSON array of the token strings
//	attnviz.weights()               JSON T x T weights of the selected head
//	attnviz.state()                 JSON of every setting, version, drawnVersion, notices
//	attnviz.set(name, value)        change one setting; "" or the error message
//	attnviz.version()               bumped on every recomputation
//	attnviz.drawnVersion()          version shown by the last drawn frame
//	attnviz.lastFrame()             JSON {updateMs, drawMs, version}: Go time of the last drawn frame
//	attnviz.composition()           IME text being composed (shown at the cursor, not yet committed)
//	attnviz.notices()               JSON array of the notices shown
//	attnviz.layout()                JSON layout of the heatmap panels, CSS pixels
package main

import (
	"strconv"
	"sync"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/attnviz/attnviz/viz"
	"github.com/attnviz/attnviz/viz/ebitenapp"
)

func main() {
	win := js.Global()
	s, notices := viz.ParseQuery(win.Get("location").Get("search").String())
	app := viz.New(s, notices)

	keys := &keyQueue{}
	keys.listen(win)
	presses := &viz.PointerQueue{}
	scheduleOnIME(win)
	drawNow := frameNow(win)

	api := win.Get("Object").New()
	win.Set("attnviz", api)
	api.Set("ready", false)

	game := ebitenapp.New(app, ebitenapp.Options{
		Keys:          keys.drain,
		Pointer:       presses.Drain,
		PointerMoves:  true,
		CommitsAsKeys: true,
		DrawNow:       drawNow,
		FallbackGlyph: browserGlyphs(win),
		OnQuery:       (&urlKeeper{win: win}).set,
		OnReady: func() {
			api.Set("ready", true)
			doc := win.Get("document")
			doc.Call("dispatchEvent", win.Get("Event").New("attnviz-ready"))
		},
	})

	listenPointer(win, presses, game)
	keys.took, keys.wake = game.TakeKeys, game.RequestFrame

	str := func(f func(a *viz.App) string) js.Func {
		return js.FuncOf(func(this js.Value, args []js.Value) any {
			var out string
			game.Do(func(a *viz.App) { out = f(a) })
			return out
		})
	}
	api.Set("setText", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) > 0 {
			t := jsString(args[0])
			game.Do(func(a *viz.App) { a.SetText(t) })
		}
		return nil
	}))
	api.Set("getText", str(func(a *viz.App) string { return a.S.Text }))
	api.Set("tokens", str(func(a *viz.App) string { return a.TokensJSON() }))
	api.Set("weights", str(func(a *viz.App) string { return a.WeightsJSON() }))
	api.Set("notices", str(func(a *viz.App) string { return a.NoticesJSON() }))
	api.Set("state", js.FuncOf(func(this js.Value, args []js.Value) any {
		drawn := game.DrawnVersion()
		var out string
		game.Do(func(a *viz.App) { out = a.StateJSON(drawn) })
		return out
	}))
	api.Set("set", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 2 {
			return "set(name, value) needs two arguments"
		}
		name, value := jsString(args[0]), jsString(args[1])
		var msg string
		game.Do(func(a *viz.App) {
			if err := a.Set(name, value); err != nil {
				msg = err.Error()
			}
		})
		return msg
	}))
	// The layout is in device pixels (the screen has one pixel per device
	// pixel); the page's mouse events are in CSS pixels relative to the
	// canvas, so layout() divides by the device scale (devicePixelRatio).
	api.Set("layout", str(func(a *viz.App) string { return cssLayout(a.L, a.Frame.Scale).JSON() }))
	api.Set("version", js.FuncOf(func(this js.Value, args []js.Value) any {
		var v int
		game.Do(func(a *viz.App) { v = a.Version() })
		return v
	}))
	api.Set("drawnVersion", js.FuncOf(func(this js.Value, args []js.Value) any {
		return game.DrawnVersion()
	}))
	api.Set("composition", js.FuncOf(func(this js.Value, args []js.Value) any {
		return game.Composition()
	}))
	api.Set("lastFrame", js.FuncOf(func(this js.Value, args []js.Value) any {
		f := game.LastFrame()
		g := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
		return `{"updateMs":` + g(f.UpdateMS) + `,"drawMs":` + g(f.DrawMS) + `,"version":` + strconv.Itoa(f.Version) + `}`
	}))

	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetFPSMode(game.FPSMode()) // frames only on input and changes: an idle page costs nothing
	if err := game.RunGame(); err != nil {
		win.Get("console").Call("error", "attnviz: "+err.Error())
		if f := win.Get("attnvizFailed"); f.Type() == js.TypeFunction {
			f.Invoke(err.Error())
		}
	}
}

// browserGlyphs returns Options.FallbackGlyph for the browser: characters
// the embedded Go font lacks (CJK, Devanagari, emoji, ...) are drawn with
// the browser's own fonts by glyphJS. Only the alpha is kept, so a colour
// emoji becomes a silhouette in the text colour; runes are drawn one by
// one, not shaped together (Arabic letters keep their isolated forms,
// Devanagari marks do not combine). The game caches every result per size
// and rune. The drawing is JavaScript: the same in Go costs the wasm about
// 4 KB of gzip, a JS string a few hundred bytes.
func browserGlyphs(win js.Value) ebitenapp.FallbackGlyphFunc {
	draw := win.Get("Function").New(glyphJS).Invoke()
	return func(r rune, px float64) (ebitenapp.Glyph, bool) {
		v := draw.Invoke(string(r), px)
		if !v.Truthy() {
			return ebitenapp.Glyph{}, false
		}
		g := ebitenapp.Glyph{W: v.Get("w").Int(), H: v.Get("h").Int(), X: v.Get("x").Int(), Y: v.Get("y").Int(), Advance: v.Get("adv").Float()}
		if a := v.Get("a"); a.Truthy() {
			g.Alpha = make([]byte, g.W*g.H)
			js.CopyBytesToGo(g.Alpha, a)
		}
		return g, true
	}
}

// glyphJS is the body of a function that returns draw(s, px): the glyph of
// the one-rune string s at px pixels, drawn with the browser's sans-serif
// font on a 2D canvas kept for the purpose (OffscreenCanvas, or a detached
// <canvas>) in white on clear: {adv, w, h, x, y, a}, a the w·h alpha bytes
// (null when nothing is drawn: a space) and (x, y) the bitmap's top-left
// from the pen on the baseline. null when it cannot be drawn: no canvas,
// too large, or the browser has no font for s either and draws its
// missing-glyph box (a bitmap equal to that of U+10FFFD, a private-use
// code point no font covers).
const glyphJS = `
let ctx = null, cw = 0, ch = 0;
const boxes = new Map();
const num = (v) => (Number.isFinite(v) ? v : 0);
const draw = (s, px) => {
  if (!ctx) {
    const c = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    ctx = c.getContext('2d', {willReadFrequently: true}); // getImageData on every glyph
    if (!ctx) return null;
  }
  const font = px + 'px sans-serif';
  ctx.font = font;
  const m = ctx.measureText(s);
  const l = Math.ceil(num(m.actualBoundingBoxLeft)), r = Math.ceil(num(m.actualBoundingBoxRight));
  const u = Math.ceil(num(m.actualBoundingBoxAscent)), d = Math.ceil(num(m.actualBoundingBoxDescent));
  const g = {adv: Math.max(0, num(m.width)), w: 0, h: 0, x: 0, y: 0, a: null};
  if (l + r <= 0 || u + d <= 0) return g; // no ink
  const w = l + r + 2, h = u + d + 2; // a pixel of room around the box for antialiasing
  if (w > 1024 || h > 1024) return null;
  if (w > cw || h > ch) { // resizing clears the context's state
    cw = Math.max(w, cw); ch = Math.max(h, ch);
    ctx.canvas.width = cw; ctx.canvas.height = ch;
  }
  ctx.clearRect(0, 0, w, h);
  ctx.font = font;
  ctx.fillStyle = '#fff';
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillText(s, 1 + l, 1 + u);
  const rgba = ctx.getImageData(0, 0, w, h).data; // not premultiplied: alpha is the coverage
  const a = new Uint8Array(w * h);
  for (let i = 0; i < a.length; i++) a[i] = rgba[4 * i + 3];
  return Object.assign(g, {w, h, x: -1 - l, y: -1 - u, a});
};
const same = (g, b) => b && b.a && g.w === b.w && g.h === b.h && g.x === b.x && g.y === b.y && g.a.every((v, i) => v === b.a[i]);
return (s, px) => {
  try {
    const g = draw(s, px);
    if (!g || !g.a) return g;
    if (!boxes.has(px)) boxes.set(px, draw('\u{10FFFD}', px));
    return same(g, boxes.get(px)) ? null : g;
  } catch (e) {
    return null;
  }
};
`

// cssLayout is l with its size and heatmap panels in CSS pixels: device
// pixels divided by scale. It keeps what the layout JSON writes.
func cssLayout(l *viz.Layout, scale float64) *viz.Layout {
	if l == nil {
		return nil
	}
	if !(scale > 0) {
		scale = 1
	}
	r := func(x viz.Rect) viz.Rect {
		return viz.Rect{X: x.X / scale, Y: x.Y / scale, W: x.W / scale, H: x.H / scale}
	}
	out := &viz.Layout{W: l.W / scale, H: l.H / scale, Panels: make([]viz.Panel, len(l.Panels))}
	for i, p := range l.Panels {
		p.R, p.Grid = r(p.R), r(p.Grid)
		p.CellW, p.CellH = p.CellW/scale, p.CellH/scale
		out.Panels[i] = p
	}
	return out
}

// The page's URL follows the settings once they rest for urlDelay, and at
// least every urlMaxDelay while they keep changing.
const (
	urlDelay    = 250 * time.Millisecond
	urlMaxDelay = time.Second
)

// urlKeeper keeps the page's URL at the settings' query (history.replaceState)
// without a replaceState per keystroke: each costs the browser process
// several milliseconds.
type urlKeeper struct {
	win   js.Value
	mu    sync.Mutex
	query string    // the latest query, written when the timer fires
	since time.Time // the first change not yet written; zero: none
	timer *time.Timer
}

func (u *urlKeeper) set(q string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.query = q
	now := time.Now()
	if u.since.IsZero() {
		u.since = now
	}
	d := max(0, min(urlDelay, u.since.Add(urlMaxDelay).Sub(now)))
	if u.timer == nil {
		u.timer = time.AfterFunc(d, u.write)
		return
	}
	u.timer.Reset(d)
}

func (u *urlKeeper) write() {
	u.mu.Lock()
	q := u.query
	u.since = time.Time{}
	u.mu.Unlock()
	u.win.Get("history").Call("replaceState", nil, "", "?"+q)
}

// jsString turns a JS argument into a setting value: numbers as numbers,
// booleans as 1/0.
func jsString(v js.Value) string {
	switch v.Type() {
	case js.TypeNumber:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	case js.TypeBoolean:
		if v.Bool() {
			return "1"
		}
		return "0"
	case js.TypeString:
		return v.String()
	}
	return ""
}

// keyQueue collects key presses from a DOM listener, so a key pressed and
// released between two ticks still counts (Ebiten polls key state per tick).
type keyQueue struct {
	mu     sync.Mutex
	events []ebitenapp.KeyEvent
	took   func() // applies the queued keys and asks for their frame (Game.TakeKeys)
	wake   func() // asks for the frame whose Update takes the queued keys (Game.RequestFrame)
}

func (q *keyQueue) listen(win js.Value) {
	win.Call("addEventListener", "keydown", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("isComposing").Truthy() {
			return nil
		}
		key := e.Get("key").String()
		ctrl := shortcut(e, key)
		switch key {
		case "Tab", "F1", "F2", "F11", "PageUp", "PageDown", "ArrowUp", "ArrowDown":
			e.Call("preventDefault")
		}
		// A plain printable key: the game types it itself, in order with
		// the editing keys, and the hidden IME field of exp/textinput does
		// not see it. That field still gets IME composition (isComposing,
		// "Process", dead keys) and paste, which are single input events;
		// it can take only one commit per tick, so a fast burst of plain
		// keys (a test, a barcode scanner) would otherwise lose characters.
		typed := len([]rune(key)) == 1 && !ctrl
		if typed || (ctrl && (key == "a" || key == "A")) { // Ctrl+A selects the text, not the page
			e.Call("preventDefault")
		}
		q.add(ebitenapp.KeyEvent{Key: key, Shift: e.Get("shiftKey").Bool(), Ctrl: ctrl, Type: typed})
		quiet(e)
		if q.took != nil {
			q.took() // apply it now, and draw it before the next animation frame
		} else {
			ebiten.ScheduleFrame()
		}
		return nil
	}), true)
	win.Call("addEventListener", "keyup", js.FuncOf(func(this js.Value, args []js.Value) any {
		if e := args[0]; !e.Get("isComposing").Truthy() {
			quiet(e)
			focusTextField(win)
		}
		return nil
	}), true)
	// Text that arrives without a key of its own (paste, drop, DevTools'
	// insertText, autocorrect) goes through the same queue, in order with
	// the keys; only IME composition is left to exp/textinput, whose
	// session could otherwise miss text that lands between two ticks.
	win.Call("addEventListener", "beforeinput", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("isComposing").Truthy() {
			return nil
		}
		var data string
		switch e.Get("inputType").String() {
		case "insertText", "insertReplacementText", "insertFromPaste", "insertFromDrop", "insertFromYank":
			if d := e.Get("data"); d.Type() == js.TypeString {
				data = d.String()
			} else if dt := e.Get("dataTransfer"); dt.Truthy() {
				data = dt.Call("getData", "text/plain").String()
			}
		default:
			return nil
		}
		if data == "" {
			return nil
		}
		e.Call("preventDefault")
		q.push(ebitenapp.KeyEvent{Key: data, Type: true})
		return nil
	}), true)
	// An IME or dead-key commit types its text in order with the keys
	// around it (exp/textinput's field only shows the composition).
	win.Call("addEventListener", "compositionend", js.FuncOf(func(this js.Value, args []js.Value) any {
		if d := args[0].Get("data"); d.Type() == js.TypeString && d.String() != "" {
			q.push(ebitenapp.KeyEvent{Key: d.String(), Type: true})
		}
		return nil
	}), true)
	// The text of a plain key can also arrive as a keypress ("char" events
	// of DevTools key input do): the game typed it already.
	win.Call("addEventListener", "keypress", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		key := e.Get("key").String()
		if !e.Get("isComposing").Truthy() && len([]rune(key)) == 1 && !shortcut(e, key) {
			e.Call("preventDefault")
		}
		return nil
	}), true)
}

// quiet keeps an input event the page has handled from Ebiten's own
// listeners. In FPSModeVsyncOffMinimum Ebiten answers every input event it
// sees (each keydown, keyup and mouse move) with a forced frame that
// presents the whole canvas again, even when nothing changed; with a
// software GPU that present costs as much as drawing, so a key press cost
// two presents and a mouse move one. The page's own queues schedule one
// frame per change instead. The event stops at the window (capture
// phase), before the canvas and exp/textinput's hidden text field where
// Ebiten listens; the window's other listeners and the default actions
// still happen. The browser app reads no key or cursor state from Ebiten.
func quiet(e js.Value) {
	e.Call("stopPropagation")
}

// focusTextField does what exp/textinput's keyup listener on <body> does
// (Ebiten v2.8; quiet keeps keyups from reaching it): when a text session
// waits for a user gesture, focus the hidden text field at the caret, so
// paste and IME input reach it without a click. Browsers allow focus()
// only during such a gesture, which is why Ebiten waits for one.
func focusTextField(win js.Value) {
	x, y := win.Get("_ebitengine_textinput_x"), win.Get("_ebitengine_textinput_y")
	if x.IsUndefined() || y.IsUndefined() {
		return
	}
	ta := win.Get("document").Call("getElementById", "ebitengine-textinput")
	if !ta.Truthy() {
		return
	}
	ta.Set("value", "")
	ta.Call("focus")
	style := ta.Get("style")
	style.Set("left", strconv.FormatFloat(x.Float(), 'f', -1, 64)+"px")
	style.Set("top", strconv.FormatFloat(y.Float(), 'f', -1, 64)+"px")
	win.Set("_ebitengine_textinput_x", js.Undefined())
	win.Set("_ebitengine_textinput_y", js.Undefined())
	win.Set("_ebitengine_textinput_ready", true)
	ebiten.ScheduleFrame() // the next Update starts the text session
}

// shortcut reports whether the key event is a shortcut (Ctrl+V) rather
// than typing; AltGr and macOS Option characters type (viz.ShortcutModifier).
func shortcut(e js.Value, key string) bool {
	altGraph := false
	if f := e.Get("getModifierState"); f.Type() == js.TypeFunction {
		altGraph = e.Call("getModifierState", "AltGraph").Bool()
	}
	return viz.ShortcutModifier(key, e.Get("ctrlKey").Bool(), e.Get("metaKey").Bool(), e.Get("altKey").Bool(), altGraph)
}

// push queues a key and asks for a frame to handle it (frames come only on
// demand: ebiten.FPSModeVsyncOffMinimum).
func (q *keyQueue) push(e ebitenapp.KeyEvent) {
	q.add(e)
	if q.wake != nil {
		q.wake()
		return
	}
	ebiten.ScheduleFrame()
}

func (q *keyQueue) add(e ebitenapp.KeyEvent) {
	q.mu.Lock()
	q.events = append(q.events, e)
	q.mu.Unlock()
}

func (q *keyQueue) drain() []ebitenapp.KeyEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	ev := q.events
	q.events = nil
	return ev
}

// listenPointer queues every press on the canvas (mouse, pen or touch) from
// a DOM listener: Ebiten polls the button state once per tick, so a click
// pressed and released between two ticks would be lost. Mouse moves go to
// the game directly, which asks for a frame only when the hover changed.
func listenPointer(win js.Value, q *viz.PointerQueue, game *ebitenapp.Game) {
	win.Call("addEventListener", "mousemove", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		x, y, ok := canvasPoint(e)
		if !ok {
			return nil
		}
		game.PointerMove(x, y)
		e.Call("preventDefault")
		quiet(e)
		return nil
	}), true)
	win.Call("addEventListener", "pointerdown", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		x, y, ok := canvasPoint(e)
		b := e.Get("button").Int()
		if !ok || b != 0 && b != 2 {
			return nil
		}
		q.Push(viz.PointerEvent{X: x, Y: y, Button: b})
		game.RequestFrame()
		return nil
	}), true)
}

// canvasPoint is where a mouse or pointer event hit the canvas, in CSS
// pixels from its top-left corner; ok is false for events on other elements.
func canvasPoint(e js.Value) (x, y float64, ok bool) {
	t := e.Get("target")
	if !t.Truthy() || t.Get("tagName").String() != "CANVAS" {
		return 0, 0, false
	}
	r := t.Call("getBoundingClientRect")
	return e.Get("clientX").Float() - r.Get("left").Float(), e.Get("clientY").Float() - r.Get("top").Float(), true
}

// frameNow returns Options.DrawNow for the browser: it has Ebiten draw a
// frame as soon as the current event listener returns, instead of at the
// next animation frame. The drawing then happens while the page waits for
// the display, and the next animation frame only presents it: a key shows
// up one draw sooner (an animation frame's callback, where Ebiten would
// update and draw, costs several milliseconds before the frame can go).
// Ebiten has no call for that, but it answers every input event on its
// canvas with such a frame (an update and a draw, in FPSModeVsyncOffMinimum);
// an untrusted wheel event with no delta is one it handles without side
// effects (attnviz reads no wheel). The event is dispatched from a
// microtask, after the listener that asked returned and let go of the
// game's lock; requests before it runs share it.
func frameNow(win js.Value) func() {
	pending := false
	var dispatch js.Func
	dispatch = js.FuncOf(func(this js.Value, args []js.Value) any {
		pending = false
		canvas := win.Get("document").Call("querySelector", "canvas")
		if !canvas.Truthy() {
			ebiten.ScheduleFrame()
			return nil
		}
		canvas.Call("dispatchEvent", win.Get("WheelEvent").New("wheel"))
		return nil
	})
	return func() {
		if pending {
			return
		}
		pending = true
		win.Call("queueMicrotask", dispatch)
	}
}

// scheduleOnIME asks for a frame on IME composition and text field input:
// exp/textinput's hidden field gets them, and Ebiten runs frames only on
// its own input events or on demand (ebiten.FPSModeVsyncOffMinimum).
func scheduleOnIME(win js.Value) {
	// A click or tap that gave the hidden text field the focus (Ebiten's
	// listener on <body> runs after the canvas's, whose frame came too
	// early): one more frame starts the text session, or the first IME
	// update after the click would find none and be dropped.
	ready := js.FuncOf(func(this js.Value, args []js.Value) any {
		if win.Get("_ebitengine_textinput_ready").Truthy() {
			ebiten.ScheduleFrame()
		}
		return nil
	})
	for _, ev := range []string{"mouseup", "touchend"} {
		win.Call("addEventListener", ev, ready) // bubble phase: after <body>'s
	}
	wake := js.FuncOf(func(this js.Value, args []js.Value) any {
		ebiten.ScheduleFrame()
		return nil
	})
	for _, ev := range []string{"compositionstart", "compositionupdate", "compositionend", "input"} {
		win.Call("addEventListener", ev, wake, true)
	}
}
