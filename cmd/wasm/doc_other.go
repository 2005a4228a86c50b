//go:build !(js && wasm)

// Command wasm is the browser build of attnviz; build it with
// GOOS=js GOARCH=wasm go build -o web/main.wasm ./cmd/wasm.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cmd/wasm runs in a browser: build it with GOOS=js GOARCH=wasm go build -o web/main.wasm ./cmd/wasm")
	os.Exit(2)
}
