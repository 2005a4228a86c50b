// Package workload defines the inputs every attnviz benchmark runs: a text of
// exactly T word tokens and the pipeline Config for a (d_model, H) shape. The
// native run, the wasm run and the PyTorch reference all use these, so the
// report compares the same computation everywhere.
package workload

import (
	"fmt"
	"strings"

	"github.com/attnviz/attnviz/core/pipeline"
)

// Shape is one benchmark size: T tokens, d_model, H heads.
type Shape struct {
	T, DModel, Heads int
}

func (s Shape) String() string { return fmt.Sprintf("T=%d d=%d H=%d", s.T, s.DModel, s.Heads) }

// CoreShapes are the sizes of the core report: T = 8, 32, 128, 512 for
// (d_model, H) = (64, 4) and (128, 8).
func CoreShapes() []Shape {
	var out []Shape
	for _, dh := range [][2]int{{64, 4}, {128, 8}} {
		for _, t := range []int{8, 32, 128, 512} {
			out = append(out, Shape{T: t, DModel: dh[0], Heads: dh[1]})
		}
	}
	return out
}

// SmokeShapes are tiny sizes for the quick check.
func SmokeShapes() []Shape {
	return []Shape{{T: 3, DModel: 8, Heads: 2}, {T: 8, DModel: 16, Heads: 4}}
}

// words is a small vocabulary; texts repeat it, so tokens recur as in prose.
var words = strings.Fields(`the cat sat on a mat while dog ran past green
hill under bright sky and children watched from old wooden bench near river
where boats drift slowly toward sea`)

// Text returns a text of exactly t word tokens (plain words separated by
// single spaces, so any whitespace split agrees with the word tokenizer).
func Text(t int) string {
	toks := make([]string, t)
	for i := range toks {
		toks[i] = words[(i*7+i/len(words))%len(words)]
	}
	return strings.Join(toks, " ")
}

// Config returns the pipeline configuration of a shape: sinusoidal
// positions, no mask, scaled scores, seed 1, word tokens.
func Config(s Shape) pipeline.Config {
	c := pipeline.DefaultConfig()
	c.DModel, c.Heads = s.DModel, s.Heads
	return c
}
