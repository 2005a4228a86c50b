package torchref

import (
	"path/filepath"
	"testing"

	"github.com/attnviz/attnviz/bench/workload"
	"github.com/attnviz/attnviz/core/pipeline"
)

// TestTorchAgrees runs attnviz's text-to-trace computation and the PyTorch
// reference (bench/torch_ref.py, both of its variants) on the same exported
// weights and embeddings, and checks per-head weights and the output agree
// to 1e-9. It needs Debian's python3-torch (bench/run.sh and
// scripts/setup.sh install it).
func TestTorchAgrees(t *testing.T) {
	shapes := append(workload.SmokeShapes(), workload.Shape{T: 5, DModel: 12, Heads: 3}, workload.Shape{T: 1, DModel: 4, Heads: 1},
		workload.Shape{T: 33, DModel: 64, Heads: 8})
	cases := make([]Case, len(shapes))
	for i, s := range shapes {
		c, err := Export(s)
		if err != nil {
			t.Fatal(err)
		}
		cases[i] = c
	}
	info, results, err := Check(filepath.Join("..", "torch_ref.py"), 1, cases)
	if err != nil {
		t.Fatal(err)
	}
	if info.Threads != 1 {
		t.Errorf("torch ran with %d threads, want 1", info.Threads)
	}
	if len(results) != len(shapes) {
		t.Fatalf("torch returned %d results for %d cases", len(results), len(shapes))
	}
	for i, s := range shapes {
		tr, err := pipeline.Run(workload.Config(s), workload.Text(s.T))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			name string
			r    Result
		}{{"step by step", results[i].Manual}, {"F.multi_head_attention_forward", results[i].MHA}} {
			d, err := MaxDiff(tr, v.r)
			if err != nil {
				t.Errorf("%s, torch %s: %v", s, v.name, err)
				continue
			}
			if d > 1e-9 {
				t.Errorf("%s, torch %s: max |attnviz - torch| = %g > 1e-9", s, v.name, d)
			}
		}
	}
}

// TestMaxDiffSeesADifference makes sure the comparison above can fail: a
// result for other weights, or of another shape, is told apart.
func TestMaxDiffSeesADifference(t *testing.T) {
	s := workload.Shape{T: 4, DModel: 8, Heads: 2}
	c, err := Export(s)
	if err != nil {
		t.Fatal(err)
	}
	c.Wo[0][0] += 0.5 // torch now computes with another W_o
	_, results, err := Check(filepath.Join("..", "torch_ref.py"), 1, []Case{c})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := pipeline.Run(workload.Config(s), workload.Text(s.T))
	if err != nil {
		t.Fatal(err)
	}
	if d, err := MaxDiff(tr, results[0].Manual); err != nil || d < 1e-3 {
		t.Errorf("changed W_o: max diff %g, err %v; want a clear difference", d, err)
	}
	other, err := pipeline.Run(workload.Config(workload.Shape{T: 5, DModel: 8, Heads: 2}), workload.Text(5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MaxDiff(other, results[0].Manual); err == nil {
		t.Error("a 5-token trace compared with a 4-token torch result: no error")
	}
}
