// Command desktop runs the attnviz visualizer in a window.
//
//	desktop -text "the cat sat" -heads 2 -mask causal
//	desktop -screenshot out.png -frames 30 -layout out.json
//
// Settings flags have the same names and values as the page's URL query;
// an invalid value is ignored with a notice in the window.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/attnviz/attnviz/viz"
	"github.com/attnviz/attnviz/viz/ebitenapp"
)

func main() {
	fs := flag.NewFlagSet("desktop", flag.ContinueOnError)
	def := viz.DefaultSettings()
	help := map[string]string{
		"text": "the text to tokenize", "dmodel": "d_model, 1..512", "heads": "number of heads, 1..64, divides dmodel",
		"head": "selected head, 0..heads-1 (counted from 0: -head 0 is \"head 1\" in the window)", "mask": "none, causal, padding, causal+padding, custom",
		"pe": "none, sinusoidal, learned, rope", "seed": "seed, 0..2^53-1", "tokenizer": "word or char",
		"scale": "on or off (divide scores by √d_k)", "temp": "softmax temperature, 0.01..100", "present": "presentation mode, 0 or 1",
		"cmask": "with -mask custom: the mask's T rows of T digits, 1 = may attend, comma-separated (10,11)",
	}
	vals := map[string]*string{}
	for _, name := range viz.SettingNames {
		vals[name] = fs.String(name, def.Get(name), help[name])
	}
	width := fs.Int("width", 1280, "window width")
	height := fs.Int("height", 800, "window height")
	shot := fs.String("screenshot", "", "save a PNG of the window to this file after -frames frames, then exit")
	frames := fs.Int("frames", 30, "frames to wait before the screenshot")
	layout := fs.String("layout", "", "with -screenshot: also write the layout JSON to this file")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	given := url.Values{}
	fs.Visit(func(f *flag.Flag) {
		if _, ok := vals[f.Name]; ok {
			given.Set(f.Name, f.Value.String())
		}
	})
	s := viz.DefaultSettings()
	notices := s.Apply(given)
	for _, n := range notices {
		fmt.Fprintln(os.Stderr, "attnviz:", n)
	}
	if *width < 200 || *height < 150 {
		fmt.Fprintln(os.Stderr, "attnviz: -width and -height must be at least 200 and 150")
		os.Exit(2)
	}

	opt := ebitenapp.Options{}
	if *shot != "" {
		opt.ScreenshotAfter = max(*frames, 1)
		opt.OnScreenshot = func(img *image.RGBA, l *viz.Layout) error {
			if err := writePNG(*shot, img); err != nil {
				return err
			}
			if *layout != "" {
				return os.WriteFile(*layout, []byte(l.JSON()+"\n"), 0o644)
			}
			return nil
		}
	}
	app := viz.New(s, notices)
	game := ebitenapp.New(app, opt)
	ebiten.SetWindowSize(*width, *height)
	ebiten.SetWindowTitle("attnviz — attention, live")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false)
	if err := ebiten.RunGame(game); err != nil {
		fmt.Fprintln(os.Stderr, "attnviz:", err)
		os.Exit(1)
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
