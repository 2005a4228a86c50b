// kernels.js: attaches attnviz's WebAssembly SIMD kernel (kernels.wasm) to a
// Go wasm program built with -tags attnviz_simd (see core/internal/linalg).
// Go's wasm has no SIMD; the kernel multiplies matrices in the Go program's
// own memory about 6 times as fast. Used by index.html, the wasm benchmark
// page and the Node test runner (scripts/wasm_test_exec.js).
//
//   const go = new Go();
//   const kernels = attnvizKernels(go, fetch("kernels.wasm")); // before instantiating main.wasm
//   const { instance } = await WebAssembly.instantiate(mainWasm, go.importObject);
//   await kernels.attach(instance);                            // never rejects
//   go.run(instance);
//
// If kernels.wasm cannot be loaded or this browser has no WebAssembly SIMD,
// the Go program computes with its pure-Go kernel; kernels.status says which
// ("simd", or "go: " and the reason).
"use strict";

function attnvizKernels(go, source) {
  let gemm = null;
  const kernels = { status: "go: not attached" };
  // The Go program imports these; they must exist before it is instantiated.
  go.importObject.attnviz_kernels = {
    ready: function () { return gemm === null ? 0 : 1; },
    gemm: function (m, n, k, a, lda, b, ldb, c, ldc) { gemm(m, n, k, a, lda, b, ldb, c, ldc); },
  };
  const compiled = Promise.resolve(source).then(function (src) {
    if (src && typeof src.arrayBuffer === "function") { // a fetch Response
      if (!src.ok) { throw new Error("kernels.wasm: HTTP " + src.status); }
      return src.arrayBuffer();
    }
    return src;
  }).then(function (bytes) {
    if (!WebAssembly.validate(bytes)) { throw new Error("kernels.wasm does not validate (no WebAssembly SIMD in this browser?)"); }
    return WebAssembly.compile(bytes);
  });
  compiled.catch(function () {}); // reported by attach
  // attach instantiates the kernel on the Go instance's memory (shared, so
  // it sees the memory grow). Call it before go.run.
  kernels.attach = function (instance) {
    return compiled.then(function (mod) {
      const k = new WebAssembly.Instance(mod, { env: { mem: instance.exports.mem } });
      gemm = k.exports.gemm;
      kernels.status = "simd";
    }).catch(function (err) {
      kernels.status = "go: " + (err && err.message ? err.message : String(err));
    });
  };
  return kernels;
}

if (typeof module === "object" && module.exports) { module.exports = attnvizKernels; }
