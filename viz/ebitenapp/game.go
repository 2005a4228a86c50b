// Package ebitenapp is the Ebiten front end of attnviz: it turns input into
// viz actions, uploads heatmap pixels with WritePixels only when their data
// changed, draws text from its own glyph atlases (fonts.go; characters the
// Go font lacks from Options.FallbackGlyph, the browser's fonts), and skips
// drawing when nothing changed.
// All state and logic live in package viz.
package ebitenapp

import (
	"image"
	"image/color"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/exp/textinput"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/attnviz/attnviz/viz"
)

// Options connect the game to its host (browser page or desktop window).
type Options struct {
	// Keys returns the key presses since the last call. nil: read them from
	// Ebiten. Browsers pass a queue filled by a DOM listener so that a key
	// pressed and released within one tick is not lost.
	Keys func() []KeyEvent
	// Pointer returns the presses since the last call, in window (CSS)
	// pixels. nil: read buttons and touches from Ebiten. Browsers pass a
	// queue filled by a DOM listener so that a quick click (pressed and
	// released within one tick) is not lost.
	Pointer func() []viz.PointerEvent
	// PointerMoves: the host reports pointer moves with PointerMove (in
	// window pixels) and Ebiten's cursor position is not read. Browsers do
	// so because Ebiten answers every mouse move with a forced frame.
	PointerMoves bool
	// CommitsAsKeys: the host delivers committed IME text through Keys (as
	// Type events, in order with the keys around it), and the text field
	// only shows the composition in progress. Browsers do: the field's
	// commits come through a separate channel and would be applied out of
	// order with keys typed in the same frame.
	CommitsAsKeys bool
	// DrawNow, when set, asks the host for a frame at once rather than at
	// the next animation frame: the browser calls it for a change made in
	// an input listener or a JS call, so the frame is drawn while the page
	// waits for the display, and the next animation frame only presents it
	// (a key shows one draw sooner). It is called with the game locked and
	// must not call back into the game before returning (the browser host
	// queues a microtask). Frames drawn this way come at most one per
	// earlyFrameGap; changes within it wait for the next animation frame.
	DrawNow func()
	// OnQuery is called (from Update) whenever the settings' URL query changed.
	OnQuery func(query string)
	// OnReady is called once, after the first frame with data was drawn.
	OnReady func()
	// ScreenshotAfter > 0: after that many ticks, draw, call OnScreenshot
	// with the screen's RGBA pixels, then end the game.
	ScreenshotAfter int
	OnScreenshot    func(img *image.RGBA, l *viz.Layout) error
	// FallbackGlyph, when set, draws the characters the embedded Go font
	// lacks (the browser passes its own fonts); nil: they are drawn as the
	// font's missing glyph (the desktop app).
	FallbackGlyph FallbackGlyphFunc
}

// Game is the ebiten.Game of attnviz.
type Game struct {
	mu  sync.Mutex
	app *viz.App
	opt Options

	field     textinput.Field
	fieldUsed int // bytes of the field's text already inserted into the app
	fonts     *fonts
	numbers   textBatch // a panel's cell numbers, drawn at once
	labels    textBatch // a band's or panel's token labels, drawn at once
	tex       map[texKey]*texture
	texSeen   map[texKey]bool // upload's scratch, kept to not allocate per edit
	hatch     *ebiten.Image
	legends   [2]*ebiten.Image

	outW, outH   int
	scale        float64
	screenW      int
	screenH      int
	needDraw     bool
	drawnVersion int
	ready        bool
	ticks        int
	lastQuery    string
	lastSettings viz.Settings
	uploadedGen  int
	lastMouse    image.Point
	pointerSeen  bool
	shotDone     bool
	shotErr      error
	lastTick     time.Time // the notices' clock: aged up to here
	wake         waker
	updateDur    time.Duration // the last Update's time
	lastDraw     time.Time     // when the last frame that drew ended
	stats        FrameStats
}

// RunGame runs the game with ebiten.RunGame. Ebiten gets an ebiten.Game
// made of the game's three methods as funcs, not the *Game: a type put in
// an interface keeps, in a binary that uses reflection's method lookup (as
// Ebiten's shader compiler does through text/template), every exported
// method of every type its fields lead to, used or not (the *Game reaches
// viz.App, its trace and gonum's matrices: ~45 KB of gzip in the wasm).
func (g *Game) RunGame() error {
	return ebiten.RunGame(gameFuncs{g.Update, g.Draw, g.Layout})
}

// gameFuncs is an ebiten.Game whose fields are funcs (see Game.RunGame).
type gameFuncs struct {
	update func() error
	draw   func(screen *ebiten.Image)
	layout func(outsideWidth, outsideHeight int) (int, int)
}

func (f gameFuncs) Update() error              { return f.update() }
func (f gameFuncs) Draw(screen *ebiten.Image)  { f.draw(screen) }
func (f gameFuncs) Layout(w, h int) (int, int) { return f.layout(w, h) }

// FrameStats is the Go-side cost of the last drawn frame: the Update before
// it (input, recompute, texture uploads) and the Draw (building the draw
// commands; the GPU work happens after). The benchmark report reads it.
type FrameStats struct {
	UpdateMS float64 `json:"updateMs"`
	DrawMS   float64 `json:"drawMs"`
	Version  int     `json:"version"`
}

// LastFrame returns the cost of the last drawn frame.
func (g *Game) LastFrame() FrameStats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stats
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// tickDur is one tick of the notices' clock (viz ages them 60 per second).
const tickDur = time.Second / 60

type texKey struct {
	id   string
	head int
}

type texture struct {
	img  *ebiten.Image
	gen  int
	w, h int
}

// New returns a game showing app.
func New(app *viz.App, opt Options) *Game {
	g := &Game{app: app, opt: opt, fonts: newFonts(), tex: map[texKey]*texture{}, needDraw: true, scale: 1}
	g.fonts.setFallback(opt.FallbackGlyph)
	g.hatch = hatchImage()
	g.legends[0] = gradient(func(t float64) color.RGBA { return viz.Sequential(t) })
	g.legends[1] = gradient(func(t float64) color.RGBA { return viz.Diverging(2*t-1, 1) })
	return g
}

// FPSMode is the frame mode to set before running the game: frames only on
// input and when something must be shown (FPSModeVsyncOffMinimum: an idle
// app costs nothing), except for a screenshot run, which counts frames.
func (g *Game) FPSMode() ebiten.FPSModeType {
	if g.opt.ScreenshotAfter > 0 {
		return ebiten.FPSModeVsyncOn
	}
	return ebiten.FPSModeVsyncOffMinimum
}

// Do runs f with the app locked, then brings the app up to date, so JS
// calls see their effect at once (a change asks for the frame that draws
// it).
func (g *Game) Do(f func(a *viz.App)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(g.app)
	if g.app.Sync() {
		g.needDraw = true
		g.requestFrame()
	}
}

// earlyFrameGap: a frame is drawn at once (Options.DrawNow) only when the
// last one ended at least this long ago, so a burst of changes (keys back
// to back, a held key, a script) draws at most twice per display frame:
// once at once, then at the next animation frame.
const earlyFrameGap = time.Second / 60

// RequestFrame asks for a frame that shows what changed outside Update
// (queued clicks or text that the next Update takes).
func (g *Game) RequestFrame() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requestFrame()
}

// requestFrame is RequestFrame with the game locked: a frame at once
// (Options.DrawNow) once the first frame with data was drawn and none was
// drawn within earlyFrameGap, else at the next animation frame.
func (g *Game) requestFrame() {
	if g.opt.DrawNow != nil && g.ready && time.Since(g.lastDraw) >= earlyFrameGap {
		g.opt.DrawNow()
		return
	}
	ebiten.ScheduleFrame()
}

// TakeKeys applies the queued keys (Options.Keys) at once and asks for the
// frame that shows their effect, if any. A browser calls it from its key
// listener, after queueing the key, so an edit's recompute (and, with
// Options.DrawNow, its drawing) happens while the page waits for the next
// animation frame. IME commits come through the same queue
// (Options.CommitsAsKeys), so they stay in order with the keys. Before the
// first layout the keys wait for Update.
func (g *Game) TakeKeys() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.app.L == nil || g.opt.Keys == nil {
		ebiten.ScheduleFrame()
		return
	}
	g.handleKeys()
	if g.app.Sync() {
		g.needDraw = true
	}
	if g.needDraw {
		g.requestFrame()
	}
}

// Composition returns the IME text being composed (drawn at the cursor,
// not yet part of the text), or "".
func (g *Game) Composition() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	comp, _, _, _ := g.composing()
	return comp
}

// DrawnVersion is the trace version the last drawn frame showed.
func (g *Game) DrawnVersion() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.drawnVersion
}

// Layout follows examples/highdpi: the screen has one pixel per device
// pixel, and viz lays out in device pixels with the scale factor.
func (g *Game) Layout(outsideWidth, outsideHeight int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	if !(s > 0) {
		s = 1
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.outW, g.outH, g.scale = outsideWidth, outsideHeight, s
	g.screenW, g.screenH = int(float64(outsideWidth)*s), int(float64(outsideHeight)*s)
	return g.screenW, g.screenH
}

// Update turns input into actions, recomputes what changed and uploads
// changed heatmaps. No drawing here, and no computing in Draw.
func (g *Game) Update() error {
	start := time.Now()
	query, err := g.update()
	g.mu.Lock()
	g.updateDur = time.Since(start)
	g.mu.Unlock()
	if query != "" && g.opt.OnQuery != nil {
		g.opt.OnQuery(query) // outside the lock: the host may call back into Do
	}
	return err
}

// update is Update under the lock; it returns the new URL query when the
// settings changed.
func (g *Game) update() (query string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shotDone {
		if g.shotErr != nil {
			return "", g.shotErr
		}
		return "", ebiten.Termination
	}
	g.ticks++
	a := g.app
	if g.ageNotices(time.Now()) {
		g.needDraw = true
	}
	a.SetFrame(viz.Frame{W: float64(g.screenW), H: float64(g.screenH), Scale: g.scale, Measure: g.fonts.Measure, HasGlyph: g.fonts.HasGlyph})
	if a.L == nil {
		a.Sync()
	}

	g.handleText()
	g.handleKeys()
	g.handlePointer()

	if a.FullscreenRequest {
		a.FullscreenRequest = false
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	}
	if a.Sync() {
		g.needDraw = true
	}
	g.upload()
	if g.opt.OnQuery != nil && a.S != g.lastSettings {
		g.lastSettings = a.S
		if q := a.S.Query(); q != g.lastQuery {
			g.lastQuery = q
			query = q
		}
	}
	if g.opt.ScreenshotAfter > 0 && g.ticks >= g.opt.ScreenshotAfter {
		g.needDraw = true
	}
	g.scheduleNext()
	return query, nil
}

// ageNotices ages the event notices by the ticks elapsed since the last
// call (frames come on demand, not one per tick); it reports whether one
// expired.
func (g *Game) ageNotices(now time.Time) (changed bool) {
	a := g.app
	if a.NoticeTicksLeft() == 0 || g.lastTick.IsZero() {
		g.lastTick = now
		return false
	}
	n := int(now.Sub(g.lastTick) / tickDur)
	g.lastTick = g.lastTick.Add(time.Duration(n) * tickDur)
	for ; n > 0 && a.NoticeTicksLeft() > 0; n-- {
		changed = a.Tick() || changed
	}
	return changed
}

// scheduleNext asks for the frames the app needs while no input comes
// (FPSModeVsyncOffMinimum): every frame until the first one with data, one
// when the next notice expires, and ticks for key repeat while a key is
// held on the desktop. A change made in Update is drawn in the same frame;
// no frame without a change: each one presents the whole canvas again
// (Ebiten skips that only after 4 unchanged frames), which costs a software
// renderer as much as drawing.
func (g *Game) scheduleNext() {
	if !g.ready {
		ebiten.ScheduleFrame()
	}
	if left := g.app.NoticeTicksLeft(); left > 0 {
		g.wake.after(time.Duration(left)*tickDur - time.Since(g.lastTick))
	}
	if g.opt.Keys == nil {
		var pressed [8]ebiten.Key
		if len(inpututil.AppendPressedKeys(pressed[:0])) > 0 {
			g.wake.after(tickDur)
		}
	}
}

// waker schedules a frame after a delay, keeping the soonest request.
type waker struct {
	mu sync.Mutex
	t  *time.Timer
	at time.Time // the pending wake-up; zero: none
}

func (w *waker) after(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	at := time.Now().Add(d)
	if !w.at.IsZero() && !w.at.After(at) {
		return // an earlier one is pending
	}
	w.at = at
	if w.t == nil {
		w.t = time.AfterFunc(d, w.fire)
		return
	}
	w.t.Reset(d)
}

func (w *waker) fire() {
	w.mu.Lock()
	w.at = time.Time{}
	w.mu.Unlock()
	ebiten.ScheduleFrame()
}

// handleText takes the text committed in exp/textinput's field (IME
// compositions in browsers; typed characters where Ebiten has no IME) and
// inserts it at the app's cursor. The field is only a conduit: the app owns
// the text, and keys handled as key events never touch the field, so its
// session, and a composition in progress, survive typing (setting the
// field's text would end the session, and the next one clears the browser's
// hidden text field). Commits land at the end of the field's text: what
// lies past fieldUsed is new.
func (g *Game) handleText() {
	a := g.app
	if !a.Editing || a.Help {
		g.field.Blur()
		g.fieldUsed = len(g.field.Text()) // nothing typed while not editing counts
		return
	}
	g.field.Focus()
	x, y := 0, 0
	if a.L != nil {
		x = int((a.L.TextBox.X + 8) / g.scale)
		y = int((a.L.TextBox.Y + a.L.TextBox.H) / g.scale)
	}
	handled, err := g.field.HandleInput(x, y)
	if err != nil {
		a.Notify("text input: " + err.Error())
		return
	}
	if handled {
		g.needDraw = true // composition text changed
	}
	t := g.field.Text()
	if len(t) > g.fieldUsed && !g.opt.CommitsAsKeys {
		a.Insert(t[g.fieldUsed:])
		g.needDraw = true
	}
	g.fieldUsed = len(t)
	if _, _, composing := g.field.CompositionSelection(); len(t) > 4096 && !composing {
		g.field.SetTextAndSelection("", 0, 0) // a long session: start afresh between compositions
		g.fieldUsed = 0
	}
}

func (g *Game) handleKeys() {
	var evs []KeyEvent
	if g.opt.Keys != nil {
		evs = g.opt.Keys()
	} else {
		evs = ebitenKeys(nil)
	}
	for _, e := range evs {
		if e.Ctrl && (e.Key == "a" || e.Key == "A") && g.app.Editing {
			g.app.SelectAll()
			g.needDraw = true
			continue
		}
		if e.Ctrl && len(e.Key) == 1 {
			continue // Ctrl+V and friends: the field or the browser handles them
		}
		if e.Type && g.app.Editing && !g.app.Help {
			g.app.Insert(e.Key)
			g.needDraw = true
			continue
		}
		if g.app.Key(e.Key, e.Shift) {
			g.needDraw = true
		}
	}
}

// PointerMove hovers at (x, y) in window pixels, and asks for a frame only
// when that changed what is shown (Options.PointerMoves).
func (g *Game) PointerMove(x, y float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	x, y = x*g.scale, y*g.scale
	g.lastMouse = image.Pt(int(x), int(y))
	if g.app.L != nil && g.app.Hover(x, y) {
		g.needDraw = true
		g.requestFrame()
	}
}

func (g *Game) handlePointer() {
	a := g.app
	if a.L == nil {
		return
	}
	x, y := ebiten.CursorPosition()
	p := image.Pt(x, y)
	switch {
	case g.opt.PointerMoves:
		// PointerMove hovers.
	case !g.pointerSeen:
		// The reading at start is where the pointer happened to be (the
		// screen centre under Xvfb, 0,0 in a browser before any move): hover
		// only once it really moves, and count the first real move.
		g.pointerSeen = true
		g.lastMouse = p
	case p != g.lastMouse:
		if a.Hover(float64(x), float64(y)) {
			g.needDraw = true
		}
		g.lastMouse = p
	}
	if g.opt.Pointer != nil {
		for _, e := range g.opt.Pointer() {
			e.X, e.Y = e.X*g.scale, e.Y*g.scale
			a.Press(e)
			g.lastMouse = image.Pt(int(e.X), int(e.Y))
			g.needDraw = true
		}
		return
	}
	switch {
	case inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft):
		a.Click(float64(x), float64(y), 1)
		g.needDraw = true
	case inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonRight):
		a.Click(float64(x), float64(y), -1)
		g.needDraw = true
	}
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		tx, ty := ebiten.TouchPosition(id)
		a.Hover(float64(tx), float64(ty))
		a.Click(float64(tx), float64(ty), 1)
		g.needDraw = true
	}
}

// upload writes the pixels of every heatmap whose data changed into its
// texture (one texture per heatmap, one pixel per cell).
func (g *Game) upload() {
	if g.app.PixGen() == g.uploadedGen {
		return // nothing changed: an idle tick allocates nothing
	}
	g.uploadedGen = g.app.PixGen()
	if g.texSeen == nil {
		g.texSeen = map[texKey]bool{}
	}
	seen := g.texSeen
	clear(seen)
	for _, h := range g.app.Heat {
		k := texKey{h.ID, h.Head}
		if h.ID != "head-weights" {
			k.head = -1
		}
		seen[k] = true
		if h.Rows == 0 || h.Cols == 0 {
			continue
		}
		t := g.tex[k]
		if t == nil || t.w != h.Cols || t.h != h.Rows {
			if t != nil {
				t.img.Deallocate()
			}
			t = &texture{img: ebiten.NewImage(h.Cols, h.Rows), w: h.Cols, h: h.Rows, gen: -1}
			g.tex[k] = t
		}
		if t.gen != h.Gen {
			t.img.WritePixels(h.Pix)
			t.gen = h.Gen
			g.needDraw = true
		}
	}
	for k, t := range g.tex {
		if !seen[k] {
			t.img.Deallocate()
			delete(g.tex, k)
		}
	}
}

// Draw redraws the screen only when something changed (the screen is not
// cleared between frames; see examples/skipdraw).
func (g *Game) Draw(screen *ebiten.Image) {
	if g.draw0(screen) && g.opt.OnReady != nil {
		g.opt.OnReady() // outside the lock: listeners may call back into Do
	}
}

// draw0 is Draw under the lock; it reports whether this was the first
// frame with data.
func (g *Game) draw0(screen *ebiten.Image) (firstReady bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.app.L == nil {
		return false
	}
	if b := screen.Bounds(); !g.needDraw && (b.Dx() != int(g.app.L.W) || b.Dy() != int(g.app.L.H)) {
		g.needDraw = true
	}
	shot := g.opt.ScreenshotAfter > 0 && g.ticks >= g.opt.ScreenshotAfter && !g.shotDone
	if !g.needDraw && !shot {
		return false
	}
	g.needDraw = false
	start := time.Now()
	g.draw(screen)
	g.drawnVersion = g.app.Version()
	g.lastDraw = time.Now()
	g.stats = FrameStats{UpdateMS: ms(g.updateDur), DrawMS: ms(time.Since(start)), Version: g.drawnVersion}
	if !g.ready && g.app.Trace != nil {
		g.ready = true
		firstReady = true
	}
	if shot {
		b := screen.Bounds()
		img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		screen.ReadPixels(img.Pix)
		if g.opt.OnScreenshot != nil {
			g.shotErr = g.opt.OnScreenshot(img, g.app.L)
		}
		g.shotDone = true
	}
	return firstReady
}
