//go:build !(js && wasm)

package main

func publish(*game) {}
