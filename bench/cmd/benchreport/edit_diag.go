package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/attnviz/attnviz/bench/workload"
)

// frameLogJS runs before the page's own scripts (so Ebiten's
// requestAnimationFrame is wrapped too) and logs every animation-frame
// callback: start time and duration on the main thread.
const frameLogJS = `(() => {
  window.__cbs = [];
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((ts) => {
    const t0 = performance.now();
    cb(ts);
    window.__cbs.push([ts, t0, performance.now() - t0]);
    if (window.__cbs.length > 4000) window.__cbs.splice(0, 2000);
  });
  window.__keyAt = [];
  window.__draws = [];
  window.addEventListener('keydown', (e) => { window.__keyAt.push(e.timeStamp); window.__keyIn = performance.now(); }, true);
  // The app draws a key's frame at once by dispatching a wheel event to
  // its canvas (cmd/wasm frameNow): time that call.
  const dispatch = HTMLCanvasElement.prototype.dispatchEvent;
  HTMLCanvasElement.prototype.dispatchEvent = function (ev) {
    const t0 = performance.now();
    const r = dispatch.call(this, ev);
    window.__draws.push([t0, performance.now()]);
    return r;
  };
})();`

// editDiagSection (-only editdiag) is a diagnostic: for key edits at each
// size it prints, relative to the keydown's timeStamp: when the page's key
// listener ran, when the frame drawn at once (outside an animation frame,
// cmd/wasm frameNow) started and ended, every animation-frame callback (its
// frame time, start and main-thread duration) until the new version is
// drawn, and the app's Go-side cost of that frame (attnviz.lastFrame()).
func editDiagSection(o *options, e *env) ([]Row, error) {
	page0, stop, err := appSite(o)
	if err != nil {
		return nil, err
	}
	defer stop()
	for _, t := range []int{16, 64, 256} {
		b, err := startBrowser(o)
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer b.cancel()
			add := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: frameLogJS})
				return chromedp.Void{}, err
			})
			if err := b.do(10*time.Second, add); err != nil {
				return err
			}
			q := url.Values{"text": {workload.Text(t)}, "dmodel": {"64"}, "heads": {"8"}}
			if err := b.open(page0 + "?" + q.Encode()); err != nil {
				return err
			}
			if err := b.waitJS(90*time.Second, "window.attnviz && attnviz.ready && attnviz.drawnVersion() === attnviz.version()"); err != nil {
				return err
			}
			if err := b.do(10*time.Second, chromedp.MouseClickXY(20, 20), chromedp.KeyEvent(kb.End)); err != nil {
				return err
			}
			for i := 0; i < 6; i++ {
				time.Sleep(300 * time.Millisecond)
				key := "x"
				if i%2 == 1 {
					key = kb.Backspace
				}
				v0, err := evalJS[int](b, 5*time.Second, "window.__cbs.length = 0; window.__keyAt.length = 0; window.__draws.length = 0; attnviz.version()")
				if err != nil {
					return err
				}
				if err := b.do(10*time.Second, chromedp.KeyEvent(key)); err != nil {
					return err
				}
				if err := b.waitJS(5*time.Second, fmt.Sprintf("attnviz.drawnVersion() > %d", v0)); err != nil {
					return err
				}
				time.Sleep(100 * time.Millisecond)
				out, err := evalJS[string](b, 5*time.Second, `JSON.stringify({key: window.__keyAt.map(k => +(k - window.__keyAt[0]).toFixed(1)), cbs: window.__cbs.map(c => [+(c[0] - window.__keyAt[0]).toFixed(1), +(c[1] - window.__keyAt[0]).toFixed(1), +c[2].toFixed(1)]), listener: +(window.__keyIn - window.__keyAt[0]).toFixed(1), early: window.__draws.map(d => [+(d[0] - window.__keyAt[0]).toFixed(1), +(d[1] - window.__keyAt[0]).toFixed(1)]), go: JSON.parse(attnviz.lastFrame())})`)
				if err != nil {
					return err
				}
				fmt.Fprintf(os.Stderr, "T=%d %s: %s\n", t, key, out)
			}
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("T=%d: %v", t, err)
		}
	}
	return nil, nil
}
