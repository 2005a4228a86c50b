package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/attnviz/attnviz/bench/workload"
	"github.com/attnviz/attnviz/viz"
)

// memoryTokens, memoryDModel, memoryHeads: the app state the edits run on.
const (
	memoryTokens = 32
	memoryDModel = 64
	memoryHeads  = 8
)

type memoryResult struct {
	Edits     int    `json:"edits"`
	HeapAlloc uint64 `json:"heap_alloc"` // live heap bytes after two GCs
	HeapInuse uint64 `json:"heap_inuse"`
	Tokens    int    `json:"tokens"`
}

// memoryChild drives viz.App natively (the visualizer's own state actions:
// cursor moves, Insert, Backspace, then Sync as every frame does) with random
// edits, and prints the Go heap after 10 edits and after `edits` edits.
//
// Edits alternate: odd ones type a random letter inside a random word, even
// ones delete a letter from a word of two letters or more. Token count stays
// the same and, after an even number of edits, the text length too, so any
// heap growth comes from state that accumulates, not from a bigger trace;
// every inserted letter makes new token strings, which exercises the
// embedding cache.
func memoryChild(edits int) error {
	s := viz.DefaultSettings()
	s.Text, s.DModel, s.Heads = workload.Text(memoryTokens), memoryDModel, memoryHeads
	app := viz.New(s, nil)
	app.SetFrame(viz.Frame{W: 1280, H: 800, Scale: 1, Measure: viz.ApproxMeasure})
	app.Sync()
	rng := rand.New(rand.NewPCG(7, 11))
	var out []memoryResult
	measureAt := map[int]bool{10: true, edits: true}
	for e := 1; e <= edits; e++ {
		text := app.S.Text
		if e%2 == 1 {
			pos := letterPositions(text, 1)
			app.Cursor = pos[rng.IntN(len(pos))] + 1 // after a letter, inside a word
			app.Insert(string(rune('a' + rng.IntN(26))))
		} else {
			pos := letterPositions(text, 2)
			if len(pos) == 0 {
				return fmt.Errorf("memory: no word of two letters left in %q", text)
			}
			app.Cursor = pos[rng.IntN(len(pos))] + 1
			app.Backspace()
		}
		app.Sync()
		if measureAt[e] {
			runtime.GC()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			out = append(out, memoryResult{Edits: e, HeapAlloc: ms.HeapAlloc, HeapInuse: ms.HeapInuse, Tokens: len(app.Tokens)})
		}
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

// letterPositions returns the byte offsets of ASCII letters that sit in a
// word of at least minLen letters.
func letterPositions(text string, minLen int) []int {
	var pos []int
	for _, w := range wordSpans(text) {
		if w[1]-w[0] >= minLen {
			for i := w[0]; i < w[1]; i++ {
				pos = append(pos, i)
			}
		}
	}
	return pos
}

func wordSpans(text string) [][2]int {
	var spans [][2]int
	start := -1
	for i := 0; i <= len(text); i++ {
		letter := i < len(text) && text[i] >= 'a' && text[i] <= 'z'
		if letter && start < 0 {
			start = i
		}
		if !letter && start >= 0 {
			spans = append(spans, [2]int{start, i})
			start = -1
		}
	}
	return spans
}

func memorySection(o *options, e *env) ([]Row, error) {
	edits := 10000
	if o.smoke {
		edits = 200
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-mode", "memory", "-edits", fmt.Sprint(edits))
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("memory child: %v", err)
	}
	var res []memoryResult
	if err := json.Unmarshal(raw, &res); err != nil || len(res) != 2 {
		return nil, fmt.Errorf("memory child output %q: %v", strings.TrimSpace(string(raw)), err)
	}
	a, b := res[0], res[1]
	mb := func(x uint64) string { return fmt.Sprintf("%.2f MB", float64(x)/1e6) }
	return []Row{{
		Item: "6", What: fmt.Sprintf("Go heap after %d random edits (viz.App, T=%d, d_model %d, %d heads)", b.Edits, b.Tokens, memoryDModel, memoryHeads),
		Value: mb(b.HeapAlloc), Reference: fmt.Sprintf("%s after %d edits (T=%d)", mb(a.HeapAlloc), a.Edits, a.Tokens),
		Ratio: float64(b.HeapAlloc) / float64(a.HeapAlloc), Target: 1.1,
		Note: fmt.Sprintf("live heap (runtime.MemStats.HeapAlloc after two GCs) in a child process that drives viz.App natively: cursor moves, Insert, Backspace, Sync; heap in use (spans) %s vs %s",
			mb(b.HeapInuse), mb(a.HeapInuse)),
	}}, nil
}
