// Command minimal is Ebiten's minimal app, the reference of the benchmark
// report: a window that only fills a colour. Built by the same Go as attnviz
// for the size comparison, and run idle next to it for the CPU comparison.
// It redraws every frame, as Ebiten apps do by default.
package main

import (
	"image/color"
	"log"

	"github.com/hajimehoshi/ebiten/v2"
)

type game struct{}

func (game) Update() error { return nil }

func (game) Draw(screen *ebiten.Image) {
	screen.Fill(color.RGBA{0x20, 0x40, 0x80, 0xff})
}

func (game) Layout(w, h int) (int, int) { return w, h }

func main() {
	ebiten.SetWindowSize(1280, 800)
	ebiten.SetWindowTitle("minimal")
	if err := ebiten.RunGame(game{}); err != nil {
		log.Fatal(err)
	}
}
