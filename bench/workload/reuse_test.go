package workload

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core/pipeline"
)

// TestRunnerReuse checks pipeline.Runner's Reuse mode, which the benchmarks
// and the app rely on: every trace equals a fresh run exactly, and the
// previous trace stays intact while the next one is computed, across edits
// that grow, shrink and reshape the matrices.
func TestRunnerReuse(t *testing.T) {
	type step struct {
		s    Shape
		mask pipeline.MaskKind
		pe   pipeline.PEKind
	}
	steps := []step{
		{Shape{8, 16, 4}, pipeline.MaskNone, pipeline.PESinusoidal},
		{Shape{12, 16, 4}, pipeline.MaskCausal, pipeline.PESinusoidal},
		{Shape{5, 16, 4}, pipeline.MaskNone, pipeline.PELearned},
		{Shape{40, 32, 8}, pipeline.MaskNone, pipeline.PERotary},
		{Shape{3, 32, 2}, pipeline.MaskCausal, pipeline.PENone},
		{Shape{64, 64, 8}, pipeline.MaskNone, pipeline.PESinusoidal},
		{Shape{63, 64, 8}, pipeline.MaskNone, pipeline.PESinusoidal},
		{Shape{1, 8, 1}, pipeline.MaskNone, pipeline.PESinusoidal},
	}
	cfgOf := func(st step) pipeline.Config {
		c := Config(st.s)
		c.Mask, c.PE = st.mask, st.pe
		return c
	}
	r := pipeline.Runner{Reuse: true}
	var prev *pipeline.Trace
	for i, st := range steps {
		cfg, text := cfgOf(st), Text(st.s.T)
		got, err := r.Run(cfg, text)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		want, err := pipeline.Run(cfg, text)
		if err != nil {
			t.Fatal(err)
		}
		if d := traceDiff(got, want); d != "" {
			t.Errorf("step %d (%v): reused trace differs from a fresh one in %s", i, st.s, d)
		}
		if prev != nil {
			pst := steps[i-1]
			old, _ := pipeline.Run(cfgOf(pst), Text(pst.s.T))
			if d := traceDiff(prev, old); d != "" {
				t.Errorf("step %d: the previous trace was overwritten (%s)", i, d)
			}
		}
		prev = got
	}
}

// traceDiff names the first matrix where a and b differ, or returns "".
func traceDiff(a, b *pipeline.Trace) string {
	same := func(x, y *mat.Dense) bool { return mat.Equal(x, y) }
	switch {
	case !same(a.Embeddings, b.Embeddings):
		return "embeddings"
	case !same(a.PE, b.PE):
		return "pe"
	case !same(a.X, b.X):
		return "x"
	case !same(a.Attention.Output, b.Attention.Output):
		return "output"
	case !same(a.Attention.Concat, b.Attention.Concat):
		return "concat"
	}
	for h := range b.Attention.Heads {
		ha, hb := a.Attention.Heads[h], b.Attention.Heads[h]
		for _, m := range []struct {
			name string
			x, y *mat.Dense
		}{{"q", ha.Q, hb.Q}, {"k", ha.K, hb.K}, {"v", ha.V, hb.V}, {"scores", ha.Scores, hb.Scores},
			{"weights", ha.Weights, hb.Weights}, {"head output", ha.Output, hb.Output}} {
			if !same(m.x, m.y) {
				return fmt.Sprintf("head %d %s", h, m.name)
			}
		}
		if fmt.Sprint(ha.Allowed.Data) != fmt.Sprint(hb.Allowed.Data) || fmt.Sprint(ha.BlockedRows) != fmt.Sprint(hb.BlockedRows) {
			return fmt.Sprintf("head %d mask", h)
		}
	}
	return ""
}
