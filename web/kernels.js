// kernels.js: attaches attnviz's WebAssembly SIMD kernels (kernels.wasm) to
// a Go wasm program built with -tags attnviz_simd (see core/internal/linalg).
// Go's wasm has no SIMD; the kernels multiply matrices and compute softmax
// rows in the Go program's own memory several times as fast. Used by
// index.html, the wasm benchmark page and the Node test runner
// (scripts/wasm_test_exec.js).
//
//   const go = new Go();
//   const kernels = attnvizKernels(go, fetch("kernels.wasm"));
//   await kernels.loaded;        // sets go.importObject.attnviz_kernels; never rejects
//   const { instance } = await WebAssembly.instantiate(mainWasm, go.importObject);
//   kernels.attach(instance);    // before go.run; never throws
//   go.run(instance);
//
// If kernels.wasm cannot be loaded or this browser has no WebAssembly SIMD,
// the Go program computes in Go; kernels.status says which ("simd", or
// "go: " and the reason).
//
// kernels.wasm is instantiated twice on one function table (see
// internal/cmd/genkernels): the first instance's trampolines are the Go
// program's imports, which must exist before Go's instance does; the
// second runs on Go's memory (instance.exports.mem, the same Memory object,
// so it sees the memory grow) and fills the table. Calls from Go stay in
// WebAssembly; none goes through JS.
"use strict";

function attnvizKernels(go, source) {
  const kernels = { status: "go: not attached" };
  const slot = /^[0-9]+$/; // the real kernels are exported as their table slot
  let module = null;
  let table = null;
  let attached = false;
  function ready() { return attached ? 1 : 0; }
  function reason(err) { return "go: " + (err && err.message ? err.message : String(err)); }
  // Until (or unless) kernels.wasm is ready: ready() says 0, so Go never
  // calls the others; any name Go imports resolves.
  go.importObject.attnviz_kernels = new Proxy({}, {
    get: function (_, name) {
      if (name === "ready") { return ready; }
      return function () { throw new Error("attnviz kernel " + String(name) + " called while not attached"); };
    },
  });
  kernels.loaded = Promise.resolve(source).then(function (src) {
    if (src && typeof src.arrayBuffer === "function") { // a fetch Response
      if (!src.ok) { throw new Error("kernels.wasm: HTTP " + src.status); }
      return src.arrayBuffer();
    }
    return src;
  }).then(function (bytes) {
    if (!WebAssembly.validate(bytes)) { throw new Error("kernels.wasm does not validate (no WebAssembly SIMD in this browser?)"); }
    return WebAssembly.compile(bytes);
  }).then(function (mod) {
    const slots = WebAssembly.Module.exports(mod).filter(function (e) { return slot.test(e.name); }).length;
    const tbl = new WebAssembly.Table({ element: "anyfunc", initial: slots });
    const calls = new WebAssembly.Instance(mod, { env: { mem: new WebAssembly.Memory({ initial: 0 }), table: tbl } }).exports;
    const imports = { ready: ready };
    for (const name of Object.keys(calls)) {
      if (!slot.test(name)) { imports[name] = calls[name]; }
    }
    go.importObject.attnviz_kernels = imports;
    module = mod;
    table = tbl;
  }).catch(function (err) {
    kernels.status = reason(err);
  });
  // attach instantiates the kernels on the Go instance's memory.
  kernels.attach = function (instance) {
    if (module === null) { return; } // status says why
    try {
      const k = new WebAssembly.Instance(module, { env: { mem: instance.exports.mem, table: table } }).exports;
      for (const name of Object.keys(k)) {
        if (slot.test(name)) { table.set(Number(name), k[name]); }
      }
      attached = true;
      kernels.status = "simd";
    } catch (err) {
      kernels.status = reason(err);
    }
  };
  return kernels;
}

if (typeof module === "object" && module.exports) { module.exports = attnvizKernels; }
