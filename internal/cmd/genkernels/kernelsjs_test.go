package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kernelsJSDriver loads web/kernels.js in Node with the given kernels.wasm
// bytes (or a fetch-like Response), attaches it to a stand-in Go instance
// (just a memory) and prints what a Go program would see.
const kernelsJSDriver = `
const attnvizKernels = require(process.argv[2]);
const fs = require("fs");
const mode = process.argv[4];
let source = fs.promises.readFile(process.argv[3]);
if (mode === "garbage") source = Promise.resolve(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]));
if (mode === "404") source = Promise.resolve({ ok: false, status: 404, arrayBuffer: () => Promise.reject(new Error("unused")) });
const go = { importObject: {} };
const kernels = attnvizKernels(go, source);
kernels.loaded.then(() => {
  const mem = new WebAssembly.Memory({ initial: 1 });
  kernels.attach({ exports: { mem } });
  const imp = go.importObject.attnviz_kernels;
  let product = "none";
  if (imp.ready() === 1) {
    const f = new Float64Array(mem.buffer);
    f.set([1, 2, 3, 4], 0);    // A 2 x 2 at byte 0
    f.set([5, 6, 7, 8], 4);    // B 2 x 2 at byte 32
    imp.gemm(2, 2, 2, 0, 2, 32, 2, 64, 2); // C at byte 64
    product = Array.from(f.slice(8, 12)).join(",");
  } else {
    try { imp.gemm(1, 1, 1, 0, 1, 8, 1, 16, 1); product = "gemm ran"; } catch (e) { product = "gemm throws"; }
  }
  console.log([kernels.status, imp.ready(), product].join(" | "));
});
`

// TestKernelsJS checks web/kernels.js, the host side every page and the
// test runner use: with kernels.wasm it attaches the kernels so that Go's
// imports (trampolines through the table) compute on the Go instance's
// memory; with a broken or missing kernels.wasm it still provides every
// import, ready() says 0 and the status says why.
func TestKernelsJS(t *testing.T) {
	web, err := filepath.Abs(filepath.Join("..", "..", "..", "web"))
	if err != nil {
		t.Fatal(err)
	}
	driver := filepath.Join(t.TempDir(), "driver.js")
	if err := os.WriteFile(driver, []byte(kernelsJSDriver), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ mode, want string }{
		{"ok", "simd | 1 | 19,22,43,50"},
		{"garbage", "go: kernels.wasm does not validate (no WebAssembly SIMD in this browser?) | 0 | gemm throws"},
		{"404", "go: kernels.wasm: HTTP 404 | 0 | gemm throws"},
	} {
		out, err := exec.Command("node", driver, filepath.Join(web, "kernels.js"), filepath.Join(web, "kernels.wasm"), c.mode).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: node: %v\n%s", c.mode, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.mode, got, c.want)
		}
	}
}
