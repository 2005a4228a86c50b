// Command keyframe is the reference of the benchmark report's edit-to-frame
// measure: Ebiten's minimal app (a window that only fills a colour) that
// changes its colour on every key press, run in the same headless browser
// the same way. It draws the way attnviz does (frames only on demand,
// keys from a DOM listener that asks for the frame), so its key-to-frame
// time is what Ebiten and the browser cost before attnviz computes or draws
// anything: the floor. In the browser it publishes
// window.attnviz.version() (key presses seen) and drawnVersion() (the
// version the last drawn frame showed), the two calls the measure polls.
package main

import (
	"image/color"
	"log"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
)

type game struct {
	version, drawn int
	keys           func() int // key presses since the last call; nil: ask Ebiten
}

func (g *game) Update() error {
	if g.keys != nil {
		g.version += g.keys()
	} else {
		g.version += len(inpututil.AppendJustPressedKeys(nil))
	}
	return nil
}

func (g *game) Draw(screen *ebiten.Image) {
	c := uint8(0x40 + 0x20*(g.version%4))
	screen.Fill(color.RGBA{0x20, c, 0x80, 0xff})
	g.drawn = g.version
}

func (g *game) Layout(w, h int) (int, int) { return w, h }

func main() {
	g := &game{}
	publish(g)
	ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetWindowSize(1280, 800)
	ebiten.SetWindowTitle("keyframe")
	if err := ebiten.RunGame(g); err != nil {
		log.Fatal(err)
	}
}
