#!/usr/bin/env bash
# The whole attnviz test suite: `make test` runs this, and so does CI
# (.ci/run). Every step runs even when an earlier one failed; the script
# exits non-zero when any step failed. Tests always run (-count=1): the e2e
# and bench tests drive outside programs that Go's test cache cannot see.
# Test output (go test -json) and screenshots land in $ATTNVIZ_ARTIFACTS
# (default: artifacts/).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ATTNVIZ_ARTIFACTS=${ATTNVIZ_ARTIFACTS:-$ROOT/artifacts}
LOGS=$ATTNVIZ_ARTIFACTS/test
rm -rf "$LOGS" && mkdir -p "$LOGS"

bash scripts/setup.sh || { echo "test: setup failed"; exit 1; }

failed=()
step() { echo; echo "== $1"; }
fail() { echo "FAILED: $1"; failed+=("$1"); }

GOROOT_WASM=$(go env GOROOT)/lib/wasm

step "gofmt"
unformatted=$(gofmt -l $(git ls-files --cached --others --exclude-standard '*.go'))
if [ -n "$unformatted" ]; then echo "$unformatted"; fail "gofmt (run gofmt -w on the files above)"; fi

step "go vet (host)"
go vet ./... || fail "go vet (host)"

# Packages that must also build and test under GOOS=js GOARCH=wasm (what
# the browser runs).
WASM_PKGS=(./core/... ./internal/golden)
[ -d viz ] && WASM_PKGS+=(./viz)
[ -d cmd/wasm ] && WASM_VET_EXTRA=(./viz/... ./cmd/wasm) || WASM_VET_EXTRA=()

step "go vet (GOOS=js GOARCH=wasm)"
GOOS=js GOARCH=wasm go vet "${WASM_PKGS[@]}" "${WASM_VET_EXTRA[@]}" || fail "go vet (wasm)"

step "web/wasm_exec.js is the building Go's copy"
if cmp -s web/wasm_exec.js "$GOROOT_WASM/wasm_exec.js"; then echo "identical"; else fail "web/wasm_exec.js differs from $GOROOT_WASM/wasm_exec.js (cp it)"; fi

step "dependency rule: core and viz import neither Ebiten nor syscall/js"
bad=$(go list -deps ./core/... $( [ -d viz ] && echo ./viz ) | grep -E '^(github.com/hajimehoshi/ebiten|syscall/js$)' || true)
if [ -n "$bad" ]; then echo "$bad"; fail "dependency rule"; else echo "clean"; fi

step "unit tests (go test -race), golden cases and fuzz seed corpora"
UNIT_PKGS=$(go list ./... | grep -v '/e2e$')
# Under Xvfb: Ebiten's packages (viz/ebitenapp, cmd/desktop) open GLFW when they load.
xvfb-run -a -s "-screen 0 1280x800x24" go test -count=1 -race -json -timeout 15m $UNIT_PKGS > "$LOGS/unit.json" 2> "$LOGS/unit.stderr" || true
go run ./internal/cmd/testsummary "$LOGS/unit.json" || fail "unit tests"
cat "$LOGS/unit.stderr"

step "core and viz tests under GOOS=js GOARCH=wasm (Node, with the SIMD kernel web/kernels.wasm attached)"
# Built like the browser's main.wasm (-tags attnviz_simd); our runner is Go's
# go_js_wasm_exec plus the kernel's imports (web/kernels.js).
GOOS=js GOARCH=wasm go vet -tags attnviz_simd ./core/internal/linalg || fail "go vet (wasm, -tags attnviz_simd)"
GOOS=js GOARCH=wasm go test -tags attnviz_simd -count=1 -json -timeout 15m -exec="$ROOT/scripts/wasm_test_exec" "${WASM_PKGS[@]}" > "$LOGS/wasm.json" 2> "$LOGS/wasm.stderr" || true
go run ./internal/cmd/testsummary "$LOGS/wasm.json" || fail "wasm tests"
cat "$LOGS/wasm.stderr"

if [ -d e2e ]; then
  step "end-to-end: headless Chromium and the desktop app under Xvfb (screenshots: $ATTNVIZ_ARTIFACTS)"
  go test -count=1 -json -timeout 20m ./e2e/ > "$LOGS/e2e.json" 2> "$LOGS/e2e.stderr" || true
  go run ./internal/cmd/testsummary "$LOGS/e2e.json" || fail "end-to-end tests"
  cat "$LOGS/e2e.stderr"
fi

echo
echo "== summary"
go run ./internal/cmd/testsummary "$LOGS"/*.json > "$LOGS/summary.txt" 2>&1
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed step: %s\n' "${failed[@]}"
  grep '^tests:' "$LOGS/summary.txt"
  exit 1
fi
echo "all steps passed"
grep '^tests:' "$LOGS/summary.txt"
