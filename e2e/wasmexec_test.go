//go:build linux

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWasmExecMatchesGo checks that web/wasm_exec.js is byte for byte the
// copy that ships with the Go that builds main.wasm: the glue and the wasm
// must come from the same Go release, or the page fails at start-up.
func TestWasmExecMatchesGo(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	ref := filepath.Join(goroot, "lib", "wasm", "wasm_exec.js")
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatalf("the building Go has no %s: %v", ref, err)
	}
	ours := filepath.Join(repoRoot(t), "web", "wasm_exec.js")
	got, err := os.ReadFile(ours)
	if err != nil {
		t.Fatalf("%v; copy it with: cp %s web/", err, ref)
	}
	if !bytes.Equal(got, want) {
		line := 1 + bytes.Count(got[:commonPrefix(got, want)], []byte("\n"))
		t.Fatalf("web/wasm_exec.js (%d bytes) differs from %s (%d bytes) from line %d on; fix: cp %s web/",
			len(got), ref, len(want), line, ref)
	}
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
