package contractref

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"

	"github.com/attnviz/attnviz/bench/torchref"
)

// Expectation is PyTorch's answer for one case.
type Expectation struct {
	Name string `json:"name"`
	// Expect holds the README's trace fields, decoded as JSON (maps,
	// slices, float64), ready for golden.Compare.
	Expect map[string]any `json:"expect"`
	// Exact lists cells the README fixes exactly: [path..., value], the
	// path made of field names and indices, e.g. ["heads", 0, "weights", 2, 1, 0].
	Exact [][]any `json:"exact"`
	// Checks names the second PyTorch computations the case agreed with.
	Checks []string `json:"checks"`
}

// Reference runs script (contract_ref.py) once on all cases with Debian's
// python3 and PyTorch, and returns one Expectation per case, in order, and
// the PyTorch version.
func Reference(script string, cases []Case) ([]Expectation, string, error) {
	req, err := json.Marshal(struct {
		Cases []Case `json:"cases"`
	}{cases})
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(torchref.Python, script)
	cmd.Stdin = bytes.NewReader(req)
	cmd.Env = append(cmd.Environ(), "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, fs.ErrNotExist) || strings.Contains(stderr.String(), "No module named 'torch'") {
			return nil, "", fmt.Errorf("PyTorch for %s is missing: run scripts/setup.sh (it installs Debian's python3-torch): %v %s",
				torchref.Python, err, strings.TrimSpace(stderr.String()))
		}
		return nil, "", fmt.Errorf("%s %s: %v: %s", torchref.Python, script, err, strings.TrimSpace(stderr.String()))
	}
	var out struct {
		Torch   string        `json:"torch"`
		Results []Expectation `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, "", fmt.Errorf("reading %s output: %v", script, err)
	}
	if len(out.Results) != len(cases) {
		return nil, "", fmt.Errorf("%s answered %d of %d cases", script, len(out.Results), len(cases))
	}
	for i, r := range out.Results {
		if r.Name != cases[i].Name {
			return nil, "", fmt.Errorf("%s answered %q in place of %q", script, r.Name, cases[i].Name)
		}
	}
	return out.Results, out.Torch, nil
}
