# attnviz — see README.md. The two commands: `make serve` (browser demo) and `make test`.
GO     ?= go
PORT   ?= 8080
GOROOT := $(shell $(GO) env GOROOT)

.PHONY: serve wasm desktop desktop-build cli test bench fmt clean

## serve: build the wasm and serve web/ on http://127.0.0.1:$(PORT)/
serve: wasm
	$(GO) run ./cmd/serve -addr 127.0.0.1:$(PORT) -dir web

## wasm: build web/main.wasm (and main.wasm.gz) for the browser; it uses the
## SIMD kernel web/kernels.wasm (committed; regenerate: go generate ./core/internal/linalg)
wasm:
	@cmp -s web/wasm_exec.js $(GOROOT)/lib/wasm/wasm_exec.js || { echo "web/wasm_exec.js differs from this Go's copy: cp $(GOROOT)/lib/wasm/wasm_exec.js web/"; exit 1; }
	@test -s web/kernels.wasm || { echo "web/kernels.wasm is missing: go generate ./core/internal/linalg"; exit 1; }
	GOOS=js GOARCH=wasm $(GO) build -tags attnviz_simd -trimpath -ldflags="-s -w" -o web/main.wasm ./cmd/wasm
	gzip -9 -k -f web/main.wasm web/kernels.wasm
	@echo "web/main.wasm: $$(wc -c < web/main.wasm) bytes, gzip $$(wc -c < web/main.wasm.gz) bytes; web/kernels.wasm: $$(wc -c < web/kernels.wasm) bytes, gzip $$(wc -c < web/kernels.wasm.gz) bytes"

## desktop: build and run the desktop app (Linux needs the packages in README.md)
desktop: desktop-build
	./bin/attnviz-desktop

desktop-build:
	$(GO) build -o bin/attnviz-desktop ./cmd/desktop

## cli: build the headless CLI bin/attnviz
cli:
	$(GO) build -o bin/attnviz ./cmd/attnviz

## test: install what the tests need (Debian), then run every test
test:
	bash scripts/test.sh

## bench: the benchmark report (bench/report.md)
bench:
	bash bench/run.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin artifacts web/main.wasm web/main.wasm.gz web/kernels.wasm.gz
