// Command desktop (built as attnviz-desktop) runs the attnviz visualizer in
// a window.
//
//	attnviz-desktop -text "the cat sat" -heads 2 -mask causal
//	attnviz-desktop -screenshot out.png -frames 30 -layout out.json
//	attnviz-desktop -state state.json   # the state after every frame that changed it
//
// Settings flags have the same names and values as the page's URL query;
// an invalid value is ignored with a notice in the window.
package main

import (
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/attnviz/attnviz/cmd/desktop/internal/cli"
	"github.com/attnviz/attnviz/cmd/desktop/internal/early"
	"github.com/attnviz/attnviz/cmd/desktop/internal/statefile"
	"github.com/attnviz/attnviz/viz"
	"github.com/attnviz/attnviz/viz/ebitenapp"
)

func main() {
	o := early.Parsed // read before Ebiten started: see package early
	given := url.Values{}
	for name, v := range o.Given {
		given.Set(name, v)
	}
	s := viz.DefaultSettings()
	notices := s.Apply(given)
	for _, n := range notices {
		fmt.Fprintln(os.Stderr, cli.Name+":", n)
	}

	opt := ebitenapp.Options{}
	if o.Screenshot != "" {
		opt.ScreenshotAfter = o.Frames // at least 1 (package cli)
		opt.OnScreenshot = func(img *image.RGBA, l *viz.Layout) error {
			if err := writePNG(o.Screenshot, img); err != nil {
				return err
			}
			if o.Layout != "" {
				return os.WriteFile(o.Layout, []byte(l.JSON()+"\n"), 0o644)
			}
			return nil
		}
	}
	app := viz.New(s, notices)
	game := ebitenapp.New(app, opt)
	ebiten.SetWindowSize(o.Width, o.Height)
	ebiten.SetWindowTitle("attnviz — attention, live")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetFPSMode(game.FPSMode()) // frames on input and changes only, or every frame for -screenshot
	if game.FPSMode() == ebiten.FPSModeVsyncOffMinimum {
		// One Update per frame. At the default 60 ticks per second Ebiten
		// counts ticks by the clock, and a frame that comes within about a
		// tick of the last one runs no Update; with frames only on input, a
		// key or button pressed just after another event (a mouse move, a
		// key's release) then waits for the next event, its own release, and
		// Ebiten, which reads keys and buttons as states, never sees it
		// pressed (e2e: TestDesktopInput*, "right after a mouse move").
		ebiten.SetTPS(ebiten.SyncWithFPS)
	}
	var afterDraw func()
	if o.State != "" {
		afterDraw = stateWriter(game, o.State)
	}
	if err := run(game, afterDraw); err != nil {
		fmt.Fprintln(os.Stderr, cli.Name+":", err)
		os.Exit(1)
	}
}

// run runs the game, calling afterDraw (if not nil) after every frame's
// Draw; a panic inside Ebiten (no usable GPU, a driver refusing the window)
// becomes one line instead of a stack trace.
func run(game *ebitenapp.Game, afterDraw func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the window could not run: %v", r)
		}
	}()
	if afterDraw != nil {
		return ebiten.RunGame(observedGame{game, afterDraw})
	}
	return game.RunGame()
}

// observedGame is the game with a hook after each Draw (-state). It hands
// Ebiten the *Game inside an interface, which Game.RunGame avoids for the
// wasm's size; the desktop binary's size does not matter so.
type observedGame struct {
	*ebitenapp.Game
	afterDraw func()
}

func (g observedGame) Draw(screen *ebiten.Image) {
	g.Game.Draw(screen)
	g.afterDraw()
}

// stateWriter returns the -state hook: it writes the app's state to path
// when it changed (the frame's input and drawing are done by then). A
// failed write is reported once on stderr; the app runs on.
func stateWriter(game *ebitenapp.Game, path string) func() {
	w := statefile.Writer{Path: path}
	failed := false
	return func() {
		drawn := game.DrawnVersion()
		var b []byte
		var err error
		game.Do(func(a *viz.App) { b, err = statefile.Snapshot(a, drawn) })
		if err == nil {
			err = w.Write(b)
		}
		if err != nil && !failed {
			failed = true
			fmt.Fprintln(os.Stderr, cli.Name+": -state:", err)
		}
	}
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
