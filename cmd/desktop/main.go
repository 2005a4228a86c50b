// Command desktop (built as attnviz-desktop) runs the attnviz visualizer in
// a window.
//
//	attnviz-desktop -text "the cat sat" -heads 2 -mask causal
//	attnviz-desktop -screenshot out.png -frames 30 -layout out.json
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
	if err := run(game); err != nil {
		fmt.Fprintln(os.Stderr, cli.Name+":", err)
		os.Exit(1)
	}
}

// run runs the game; a panic inside Ebiten (no usable GPU, a driver
// refusing the window) becomes one line instead of a stack trace.
func run(game *ebitenapp.Game) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the window could not run: %v", r)
		}
	}()
	return game.RunGame()
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
