package main

import (
	"fmt"
	"os"
	"time"
)

// fpsSection is a diagnostic (-only fps): animation frames per second that
// headless Chromium gives a page showing the minimal app and the attnviz app.
func fpsSection(o *options, e *env) ([]Row, error) {
	page, stop, err := appSite(o)
	if err != nil {
		return nil, err
	}
	defer stop()
	minURL, stopMin, err := minimalSite(o)
	if err != nil {
		return nil, err
	}
	defer stopMin()
	const count = `new Promise(res => { let n = 0; const t0 = performance.now(); const f = () => { n++; if (performance.now() - t0 < 2000) requestAnimationFrame(f); else res(n * 1000 / (performance.now() - t0)); }; requestAnimationFrame(f); })`
	for _, p := range []struct{ name, url, ready string }{
		{"minimal", minURL, "window.minimalStarted === true"},
		{"app", page, "window.attnviz && attnviz.ready"},
		{"blank", "about:blank", "true"},
	} {
		b, err := startBrowser(o)
		if err != nil {
			return nil, err
		}
		if err := b.open(p.url); err != nil {
			b.cancel()
			return nil, err
		}
		if err := b.waitJS(60*time.Second, p.ready); err != nil {
			b.cancel()
			return nil, err
		}
		time.Sleep(2 * time.Second)
		for i := 0; i < 3; i++ {
			fps, err := evalJS[float64](b, 10*time.Second, count)
			fmt.Fprintf(os.Stderr, "fps %s: %.1f %v\n", p.name, fps, err)
		}
		b.cancel()
	}
	return nil, nil
}
