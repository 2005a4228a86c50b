package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attnviz/attnviz/internal/webserve"
)

// chromiumPath is Debian's Chromium.
const chromiumPath = "/usr/bin/chromium"

// chromiumFlags are the flags the project runs headless Chromium with
// (shared/DESIGN.md): Ebiten's WebGL canvas renders only with SwiftShader
// and without --disable-gpu.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"}

type browser struct {
	ctx    context.Context
	cancel func()
	pid    int
}

// startBrowser launches a fresh headless Chromium (its own profile folder)
// with a 1280x800 window.
func startBrowser(o *options) (*browser, error) {
	if _, err := os.Stat(chromiumPath); err != nil {
		return nil, fmt.Errorf("%s missing: bench/run.sh installs chromium", chromiumPath)
	}
	profile, err := os.MkdirTemp(o.work, "chromium-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromiumPath), chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 800)}
	for _, f := range chromiumFlags {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &browser{ctx: ctx, cancel: func() { cancelCtx(); cancelAlloc() }}
	if err := chromedp.Do(ctx); err != nil {
		b.cancel()
		return nil, fmt.Errorf("start chromium: %v", err)
	}
	if p := chromedp.FromContext(ctx).Browser.Process(); p != nil {
		b.pid = p.Pid
	}
	return b, nil
}

// do runs chromedp actions with a timeout.
func (b *browser) do(timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// eval evaluates a JS expression (awaiting a promise) into T.
func evalJS[T any](b *browser, timeout time.Duration, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// waitJS polls a JS expression until it is true.
func (b *browser) waitJS(timeout time.Duration, expr string) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := evalJS[bool](b, 10*time.Second, "!!("+expr+")")
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %s for %s (last error: %v)", timeout, expr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// open navigates the tab to url with a 1280x800 viewport.
func (b *browser) open(url string) error {
	return b.do(60*time.Second, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(url))
}

// serveDir serves dir with the project's static server (internal/webserve)
// on 127.0.0.1 and returns its URL and a stop function.
func serveDir(dir string) (string, func(), error) {
	h, err := webserve.Handler(dir)
	if err != nil {
		return "", nil, err
	}
	ln, err := webserve.Listen("127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return webserve.URL(ln), func() { srv.Close() }, nil
}

// copyFile copies src to dst.
func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// wasmExecJS is the wasm_exec.js of the Go that builds the wasm.
func wasmExecJS() (string, error) {
	out, err := execOutput("go", "env", "GOROOT")
	if err != nil {
		return "", err
	}
	return filepath.Join(strings.TrimSpace(out), "lib", "wasm", "wasm_exec.js"), nil
}

// processTree returns pid and all its descendants, with their command lines.
func processTree(pid int) map[int]string {
	parent := map[int]int{}
	cmdline := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		f := statFields(string(stat))
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		parent[p] = pp
		c, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		cmdline[p] = strings.ReplaceAll(string(c), "\x00", " ")
	}
	out := map[int]string{}
	for p := range parent {
		for q := p; q > 1; q = parent[q] {
			if q == pid {
				out[p] = cmdline[p]
				break
			}
		}
	}
	return out
}

// statFields returns the fields of /proc/PID/stat after the command name
// (field 3, "state", is index 0).
func statFields(stat string) []string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(stat[i+1:])
}

// cpuTicks returns utime+stime of pid in clock ticks.
func cpuTicks(pid int) (int64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	f := statFields(string(stat))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, _ := strconv.ParseInt(f[11], 10, 64) // utime, field 14
	s, _ := strconv.ParseInt(f[12], 10, 64) // stime, field 15
	return u + s, nil
}

// clockTick is USER_HZ: /proc times are in 1/100 s on Linux.
const clockTick = 10 * time.Millisecond

// openServed serves dir, opens url (relative to it) in a fresh Chromium and
// waits for the JS condition ready. done stops both.
func openServed(o *options, dir, url, ready string, timeout time.Duration) (b *browser, done func(), err error) {
	base, stop, err := serveDir(dir)
	if err != nil {
		return nil, nil, err
	}
	b, err = startBrowser(o)
	if err != nil {
		stop()
		return nil, nil, err
	}
	done = func() { b.cancel(); stop() }
	if err := b.open(base + url); err != nil {
		done()
		return nil, nil, err
	}
	if err := b.waitJS(timeout, ready); err != nil {
		// Say how far the page got: a page busy in wasm cannot answer, one
		// that is stuck between steps can.
		status, serr := evalJS[string](b, 5*time.Second, pageStatusJS)
		if serr != nil {
			status = "no answer: " + serr.Error()
		}
		done()
		return nil, nil, fmt.Errorf("%v; page status: %s", err, status)
	}
	return b, done, nil
}

// pageStatusJS describes a page that did not become ready: its load state
// and the bench pages' progress globals.
const pageStatusJS = `JSON.stringify({readyState: document.readyState, benchProgress: window.benchProgress, benchKernels: String(window.benchKernels), benchError: window.benchError})`
