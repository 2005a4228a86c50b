package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// wasmBuildFlags are the flags `make wasm` builds web/main.wasm with
// (attnviz_simd: matrix products in the SIMD kernel web/kernels.wasm).
var wasmBuildFlags = []string{"-tags=attnviz_simd", "-trimpath", "-ldflags=-s -w"}

// goBuild builds pkg (relative to the root) into out, for GOOS/GOARCH when
// goos is not empty.
func goBuild(o *options, goos, goarch, out, pkg string, flags ...string) error {
	args := append([]string{"build"}, flags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = o.root
	cmd.Env = os.Environ()
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH="+goarch)
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s (%s/%s): %v: %s", pkg, goos, goarch, err, strings.TrimSpace(string(msg)))
	}
	return nil
}

// buildWasm builds the app's and the minimal app's wasm once per run.
func buildWasm(o *options) (app, minimal string, err error) {
	app, minimal = filepath.Join(o.work, "main.wasm"), filepath.Join(o.work, "minimal.wasm")
	if _, err := os.Stat(app); err == nil {
		return app, minimal, nil
	}
	if err := goBuild(o, "js", "wasm", app, "./cmd/wasm", wasmBuildFlags...); err != nil {
		return "", "", err
	}
	if err := goBuild(o, "js", "wasm", minimal, "./bench/minimal", wasmBuildFlags...); err != nil {
		return "", "", err
	}
	return app, minimal, nil
}

func gzipSize(path string) (raw, gz int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return len(data), b.Len(), nil
}

func sizeSection(o *options, e *env) ([]Row, error) {
	app, minimal, err := buildWasm(o)
	if err != nil {
		return nil, err
	}
	ar, ag, err := gzipSize(app)
	if err != nil {
		return nil, err
	}
	// The page downloads main.wasm and the SIMD kernel; both count.
	kr, kg, err := gzipSize(filepath.Join(o.root, "web", "kernels.wasm"))
	if err != nil {
		return nil, err
	}
	ar, ag = ar+kr, ag+kg
	mr, mg, err := gzipSize(minimal)
	if err != nil {
		return nil, err
	}
	mb := func(n int) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }
	e.fact("size: both wasm built by this Go with `GOOS=js GOARCH=wasm go build %s` (as `make wasm`); gzip level 9; attnviz's figure is main.wasm + web/kernels.wasm (%d bytes raw, %d gzip), each compressed on its own as served", strings.Join(wasmBuildFlags, " "), kr, kg)
	return []Row{
		{Item: "5", What: "wasm size, raw (cmd/wasm + kernels.wasm vs bench/minimal)", Value: mb(ar), Reference: mb(mr), Ratio: float64(ar) / float64(mr)},
		{Item: "5", What: "wasm size, gzip -9", Value: mb(ag), Reference: mb(mg), Ratio: float64(ag) / float64(mg), Target: 1.5,
			Note: fmt.Sprintf("exactly %d bytes vs %d: %.4fx; the 1.5x budget leaves %d bytes", ag, mg, float64(ag)/float64(mg), int(1.5*float64(mg))-ag)},
	}, nil
}

func execOutput(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	return string(out), err
}
