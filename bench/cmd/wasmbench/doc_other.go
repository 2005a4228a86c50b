//go:build !(js && wasm)

// Command wasmbench is built for GOOS=js GOARCH=wasm only; see main.go.
package main

func main() {}
