//go:build linux

package e2e

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attnviz/attnviz/internal/webserve"
)

// setupHint is what a missing system tool's failure tells the reader to run.
const setupHint = "run `bash scripts/setup.sh` (or `make test`, which runs it) to install chromium, xvfb, xauth, imagemagick and the X11/GL headers"

// teardown holds what TestMain stops after every test ran: the shared
// static server and the temporary build folder. Per-test resources (the
// browser, Xvfb, the desktop app) use t.Cleanup instead.
var teardown struct {
	mu  sync.Mutex
	fns []func()
}

func atExit(f func()) {
	teardown.mu.Lock()
	defer teardown.mu.Unlock()
	teardown.fns = append(teardown.fns, f)
}

var buildDir string // one temporary folder for every binary this package builds

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "attnviz-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	buildDir = dir
	code := m.Run()
	teardown.mu.Lock()
	for i := len(teardown.fns) - 1; i >= 0; i-- {
		teardown.fns[i]()
	}
	teardown.mu.Unlock()
	os.RemoveAll(buildDir)
	os.Exit(code)
}

// repoRoot is the folder that holds go.mod (the tests run in e2e/).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// artifactsDir is where screenshots and logs go: $ATTNVIZ_ARTIFACTS, or
// <repo>/artifacts/e2e.
func artifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ATTNVIZ_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "artifacts", "e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// freshArtifacts removes what an earlier run of this test left in the
// artifacts folder, so every file there is from the last run.
func freshArtifacts(t testing.TB) {
	t.Helper()
	dir := artifactsDir(t)
	prefix := filepath.Base(artifactPath(t, ""))
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		if name == prefix || strings.HasPrefix(name, prefix+".") || strings.HasPrefix(name, prefix+"_") {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// artifactPath names a file in the artifacts folder after the test.
func artifactPath(t testing.TB, suffix string) string {
	name := strings.NewReplacer("/", "_", " ", "_", "?", "", "&", "_", "=", "-", "%", "").Replace(t.Name())
	return filepath.Join(artifactsDir(t), name+suffix)
}

// site is the browser demo served by the real static server handler.
type site struct {
	URL      string // http://127.0.0.1:PORT/
	Dir      string // the served copy of web/
	WasmRaw  int    // bytes of main.wasm
	WasmGzip int    // bytes of main.wasm.gz
}

var (
	siteOnce sync.Once
	siteVal  *site
	siteErr  error
)

// demoSite builds cmd/wasm once, copies web/ next to it with a fresh
// main.wasm and main.wasm.gz, and serves that folder on 127.0.0.1:0 with
// internal/webserve until TestMain ends.
func demoSite(t testing.TB) *site {
	t.Helper()
	siteOnce.Do(func() { siteVal, siteErr = startSite(t) })
	if siteErr != nil {
		t.Fatalf("demo site: %v", siteErr)
	}
	return siteVal
}

func startSite(t testing.TB) (*site, error) {
	root := repoRoot(t)
	dir := filepath.Join(buildDir, "web")
	if err := copyTree(filepath.Join(root, "web"), dir); err != nil {
		return nil, fmt.Errorf("copy web/: %w", err)
	}
	wasmPath := filepath.Join(dir, "main.wasm")
	start := time.Now()
	// Built like `make wasm`: with the SIMD kernels (web/kernels.wasm).
	cmd := exec.Command("go", "build", "-tags", "attnviz_simd", "-o", wasmPath, "./cmd/wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("GOOS=js GOARCH=wasm go build -tags attnviz_simd ./cmd/wasm: %v\n%s", err, b)
	}
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(wasm)
	zw.Close()
	if err := os.WriteFile(wasmPath+".gz", gz.Bytes(), 0o644); err != nil {
		return nil, err
	}
	t.Logf("built main.wasm in %v: %d bytes, gzip -9 %d bytes", time.Since(start).Round(time.Millisecond), len(wasm), gz.Len())

	h, err := webserve.Handler(dir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	atExit(func() { srv.Close() })
	return &site{URL: webserve.URL(ln), Dir: dir, WasmRaw: len(wasm), WasmGzip: gz.Len()}, nil
}

// copyTree copies the regular files of src into dst, leaving out build
// outputs (main.wasm and any .gz), which startSite writes fresh.
func copyTree(src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if rel == "main.wasm" || strings.HasSuffix(rel, ".gz") || !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// lookTool finds a system program or fails with the setup hint.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			t.Fatalf("%s is not installed: %s", name, setupHint)
		}
		t.Fatalf("%s: %v; %s", name, err, setupHint)
	}
	return p
}
