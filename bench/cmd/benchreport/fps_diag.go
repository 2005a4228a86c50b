package main

import (
	"fmt"
	"os"
	"time"

	"github.com/chromedp/chromedp"
)

// fpsSection is a diagnostic (-only fps): animation frames per second that
// headless Chromium gives a page showing the minimal app and the attnviz app.
func fpsSection(o *options, e *env) ([]Row, error) {
	page, minURL, stop, err := bothSites(o)
	if err != nil {
		return nil, err
	}
	defer stop()
	count := fpsJS(2000)
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
		if p.name == "app" && os.Getenv("BENCH_DEBUG") != "" {
			before, _ := evalJS[string](b, 10*time.Second, "JSON.stringify([attnviz.getText(), attnviz.version()])")
			now, _ := evalJS[string](b, 10*time.Second, "attnviz.setText('hello world'); JSON.stringify([attnviz.getText(), attnviz.version()])")
			time.Sleep(time.Second)
			later, _ := evalJS[string](b, 10*time.Second, "JSON.stringify([attnviz.getText(), attnviz.version()])")
			fmt.Fprintf(os.Stderr, "setText: before %s, right after %s, 1 s later %s\n", before, now, later)
			b.do(10*time.Second, chromedp.MouseClickXY(8, 8))
			time.Sleep(500 * time.Millisecond)
			now, _ = evalJS[string](b, 10*time.Second, "attnviz.setText('after a click'); JSON.stringify([attnviz.getText(), attnviz.version(), document.activeElement.id])")
			time.Sleep(time.Second)
			later, _ = evalJS[string](b, 10*time.Second, "JSON.stringify([attnviz.getText(), attnviz.version()])")
			fmt.Fprintf(os.Stderr, "setText with the text field focused: right after %s, 1 s later %s\n", now, later)
		}
		b.cancel()
	}
	return nil, nil
}
