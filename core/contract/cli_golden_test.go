//go:build !js

// This test builds and runs the attnviz binary, so it needs os/exec and is
// left out of the js/wasm build.
package contract

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/attnviz/attnviz/internal/golden"
)

// TestGoldenThroughCLIBinary runs every reference case through the real
// attnviz binary (stdin in, JSON out), so that "go test ./core/..." covers
// the command-line path as well. cmd/attnviz has the fuller CLI tests.
func TestGoldenThroughCLIBinary(t *testing.T) {
	cases := goldenCases(t)
	bin := filepath.Join(t.TempDir(), "attnviz")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/attnviz/attnviz/cmd/attnviz").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			cmd := exec.Command(bin, "trace", "-")
			cmd.Stdin = bytes.NewReader(c.Input)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("attnviz trace -: %v: %s", err, stderr.String())
			}
			var got any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			if err := golden.Compare(c.Expect, got, c.Tol); err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
		})
	}
}
