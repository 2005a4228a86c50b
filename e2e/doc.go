// Package e2e holds the end-to-end tests of attnviz: they build the real
// programs and drive them the way a learner does.
//
//   - browser_test.go: builds cmd/wasm, serves web/ with internal/webserve,
//     and drives headless Chromium (/usr/bin/chromium) with real key events,
//     reading window.attnviz and comparing it with core/pipeline run natively.
//   - desktop_test.go: builds cmd/desktop, runs it under Xvfb with
//     -screenshot/-layout, and checks heatmap pixels against viz.Sequential of
//     the natively computed weights.
//   - wasmexec_test.go: web/wasm_exec.js is the building Go's copy.
//
// Screenshots and logs go to $ATTNVIZ_ARTIFACTS (default
// <repo>/artifacts/e2e/) so that a failure can be inspected. A missing
// Chromium, Xvfb or ImageMagick is a failure that names the setup script,
// never a skip. The contract the tests check is notes/viz-contract.md.
package e2e
