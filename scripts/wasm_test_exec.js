// wasm_test_exec.js: Go's lib/wasm/wasm_exec_node.js, plus the
// attnviz_kernels imports that Go programs built with -tags attnviz_simd
// need (web/kernels.js attaches web/kernels.wasm). Started by
// scripts/wasm_test_exec, which finds this Go's wasm_exec.js.
"use strict";

if (process.argv.length < 3) {
	console.error("usage: wasm_test_exec [wasm binary] [arguments]");
	process.exit(1);
}

globalThis.require = require;
globalThis.fs = require("fs");
globalThis.path = require("path");
globalThis.TextEncoder = require("util").TextEncoder;
globalThis.TextDecoder = require("util").TextDecoder;
globalThis.performance ??= require("performance");
globalThis.crypto ??= require("crypto");

require(path.join(process.env.ATTNVIZ_GOROOT_WASM, "wasm_exec.js"));
const attnvizKernels = require(path.join(__dirname, "..", "web", "kernels.js"));

const go = new Go();
go.argv = process.argv.slice(2);
go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
go.exit = process.exit;
const kernels = attnvizKernels(go, fs.promises.readFile(path.join(__dirname, "..", "web", "kernels.wasm")));
kernels.loaded.then(() => WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject)).then((result) => {
	kernels.attach(result.instance);
	// The Go program can read this (os.Getenv) to tell whether its host is
	// this runner and what the kernel's state is.
	go.env.ATTNVIZ_KERNELS = kernels.status;
	process.on("exit", (code) => { // Node.js exits if no event handler is pending
		if (code === 0 && !go.exited) {
			// deadlock, make Go print error and stack traces
			go._pendingEvent = { id: 0 };
			go._resume();
		}
	});
	return go.run(result.instance);
}).catch((err) => {
	console.error(err);
	process.exit(1);
});
