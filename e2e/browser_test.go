//go:build linux

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPath is Debian's Chromium; scripts/setup.sh installs it.
const chromiumPath = "/usr/bin/chromium"

// chromiumFlags are exactly the flags the browser runs with (besides the
// fresh --user-data-dir and the debugging pipe chromedp adds). No
// --disable-gpu: that turns WebGL off, and Ebiten's canvas needs it.
var chromiumFlags = []string{
	"headless", "no-sandbox", "use-angle=swiftshader", "enable-unsafe-swiftshader",
	"disable-background-networking", "disable-component-update", "disable-sync",
	"no-first-run", "disable-quic",
}

// viewport is the CSS size of every page.
const viewportW, viewportH = 1280, 800

// startBrowser launches a fresh headless Chromium for one test and stops it
// (and removes its profile) in t.Cleanup, whether the test passed or not.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is missing at %s: %s", chromiumPath, setupHint)
	}
	profile, err := os.MkdirTemp("", "attnviz-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(artifactPath(t, ".chromium.log"))
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromiumPath), chromedp.UserDataDir(profile), chromedp.CombinedOutput(logFile)}
	for _, f := range chromiumFlags {
		name, value, hasValue := strings.Cut(f, "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc() // waits for the browser process to end
		logFile.Close()
		for i := 0; i < 20; i++ { // crashpad may still write for a moment
			if os.RemoveAll(profile) == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v (see %s)", chromiumPath, err, logFile.Name())
	}
	t.Logf("chromium started in %v", time.Since(start).Round(time.Millisecond))
	return ctx
}

// page is one tab showing the demo, with its console recorded.
type page struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// openPage opens a new tab on rawURL and waits for attnviz.ready and the
// first drawn frame. At cleanup it fails the test on any uncaught exception
// or Go panic the page reported, and saves the console log.
func openPage(t *testing.T, browser context.Context, rawURL string) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	p := &page{t: t, ctx: ctx}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.console = append(p.console, m)
			p.mu.Unlock()
		}
	}()
	t.Cleanup(p.checkConsole)
	start := time.Now()
	if err := p.do(30*time.Second, chromedp.EmulateViewport(viewportW, viewportH), chromedp.Navigate(rawURL)); err != nil {
		t.Fatalf("navigate %s: %v", rawURL, err)
	}
	p.waitFresh(`true`, 90*time.Second)
	t.Logf("%s: ready and drawn %v after navigation", rawURL, time.Since(start).Round(time.Millisecond))
	return p
}

// do runs actions with a timeout of their own (the browser stays up).
func (p *page) do(timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// js evaluates expr and returns its value as a string: a string result as
// it is, anything else JSON-encoded (the contract allows either).
func (p *page) js(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(() => { const v = (`+expr+`); return typeof v === 'string' ? v : JSON.stringify(v === undefined ? null : v); })()`))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v%s", expr, err, p.consoleTail())
	}
	return v
}

// jsonCall evaluates expr (a contract call returning JSON) into dst.
func (p *page) jsonCall(expr string, dst any) {
	p.t.Helper()
	raw := p.js(expr)
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		p.t.Fatalf("%s returned %.300q: not the JSON the contract promises: %v", expr, raw, err)
	}
}

func (p *page) state() pageState {
	p.t.Helper()
	st, err := decodeState(p.js(`attnviz.state()`))
	if err != nil {
		p.t.Fatal(err)
	}
	return st
}

func (p *page) tokens() []string {
	p.t.Helper()
	var toks []string
	p.jsonCall(`attnviz.tokens()`, &toks)
	return toks
}

func (p *page) weights() [][]float64 {
	p.t.Helper()
	var w [][]float64
	p.jsonCall(`attnviz.weights()`, &w)
	return w
}

func (p *page) notices() []string {
	p.t.Helper()
	var n []string
	p.jsonCall(`attnviz.notices()`, &n)
	return n
}

func (p *page) getText() string {
	p.t.Helper()
	return p.js(`attnviz.getText()`)
}

// waitFresh waits until attnviz is ready, the last drawn frame shows the
// latest trace (drawnVersion() == version()) and cond (a JS expression) is
// true. It returns how long that took.
func (p *page) waitFresh(cond string, timeout time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	expr := `!!(window.attnviz && attnviz.ready === true && attnviz.drawnVersion() === attnviz.version() && (` + cond + `))`
	ctx, cancel := context.WithTimeout(p.ctx, timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		ectx, ecancel := context.WithTimeout(p.ctx, 5*time.Second)
		defer ecancel()
		diag, _ := chromedp.Run(ectx, chromedp.Evaluate[string](`(() => { try { return JSON.stringify({ready: window.attnviz && attnviz.ready, version: attnviz.version(), drawn: attnviz.drawnVersion(), text: attnviz.getText(), notices: attnviz.notices()}) } catch (e) { return 'attnviz: ' + e } })()`))
		p.screenshot("timeout")
		p.t.Fatalf("waiting %v for ready && drawnVersion()==version() && %s: %v\npage: %s%s", timeout, cond, err, diag, p.consoleTail())
	}
	return time.Since(start)
}

// keys sends real key events (keyDown, char, keyUp) to the focused element
// in one burst, as fast as the DevTools protocol delivers them (faster than
// any typist: several keys land in one frame), then lets two animation
// frames pass so the app has read them.
// keys types ASCII and package kb's editing keys only (kb.ArrowDown is
// U+0301, a combining accent): other text goes through insertText.
func (p *page) keys(keys string, opts ...chromedp.KeyOption) {
	p.t.Helper()
	if err := p.do(60*time.Second, chromedp.KeyEvent(keys, opts...)); err != nil {
		p.t.Fatalf("key events %q: %v", keys, err)
	}
	p.frames(2)
}

// frames waits for n animation frames of the page.
func (p *page) frames(n int) {
	p.t.Helper()
	js := fmt.Sprintf(`new Promise((done) => { let n = %d; const tick = () => (--n > 0 ? requestAnimationFrame(tick) : done()); requestAnimationFrame(tick); })`, n)
	if err := p.do(30*time.Second, chromedp.Evaluate[chromedp.Void](js, chromedp.EvalAwaitPromise)); err != nil {
		p.t.Fatalf("waiting %d frames: %v", n, err)
	}
}

// insertText inserts text the way an IME or a paste does (Input.insertText).
func (p *page) insertText(s string) {
	p.t.Helper()
	err := p.do(30*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: s})
		return err
	}))
	if err != nil {
		p.t.Fatalf("Input.insertText (%d chars): %v", len([]rune(s)), err)
	}
}

// jsString quotes s as a JavaScript string literal (JSON is valid JS).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// paste puts s on the clipboard and presses Ctrl+V, as a person pastes.
// (Headless Chromium keeps its own clipboard, so nothing leaks outside.)
func (p *page) paste(s string) {
	p.t.Helper()
	write := `navigator.clipboard.writeText(` + jsString(s) + `).then(() => 'ok', (e) => 'clipboard: ' + e)`
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](write, chromedp.EvalAwaitPromise))
	if err != nil || res != "ok" {
		p.t.Fatalf("navigator.clipboard.writeText: %q, %v", res, err)
	}
	p.keys("v", chromedp.KeyModifiers(kb.ModifierCtrl))
}

// focusText gives the keyboard to the text: the <input id="text"> when the
// page has one, else a click on the Ebiten canvas (the contract allows both).
func (p *page) focusText() {
	p.t.Helper()
	var box struct{ X, Y, W, H float64 }
	p.jsonCall(`(() => { const e = document.getElementById('text') || document.querySelector('canvas'); if (!e) return null; const r = e.getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`, &box)
	if box.W == 0 || box.H == 0 {
		p.t.Fatalf("the page has neither <input id=text> nor a visible <canvas> to type into")
	}
	// Click near the top-left corner, away from the heatmaps, so the click
	// selects nothing (a click on a head's heatmap would select that head).
	x, y := box.X+min(8, box.W/2), box.Y+min(8, box.H/2)
	if err := p.do(10*time.Second, chromedp.MouseClickXY(x, y)); err != nil {
		p.t.Fatalf("click at (%g, %g): %v", x, y, err)
	}
}

// clearText empties the text with real keys: Ctrl+A then Delete (an error
// if that leaves text), then End and one Backspace per character left.
func (p *page) clearText() {
	p.t.Helper()
	p.keys("a", chromedp.KeyModifiers(kb.ModifierCtrl))
	p.keys(kb.Delete)
	p.waitFresh(`true`, 10*time.Second)
	if got := p.getText(); got != "" {
		p.t.Errorf("Ctrl+A, Delete left the text %q: select-all does not work; clearing with End + Backspace", got)
		p.keys(kb.End)
		p.keys(strings.Repeat(kb.Backspace, len([]rune(got))))
	}
	p.waitFresh(`attnviz.getText() === ''`, 20*time.Second)
}

// screenshot saves a full-page PNG in the artifacts folder and returns it.
func (p *page) screenshot(name string) []byte {
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Errorf("screenshot: %v", err)
		return nil
	}
	path := artifactPath(p.t, "."+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Error(err)
	}
	p.t.Logf("screenshot: %s", path)
	return png
}

// goCrash matches what the Go runtime prints when the wasm panics or exits.
var goCrash = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[)|exit code: [1-9]|Go program has already exited`)

// problems returns the uncaught exceptions and Go crashes seen so far.
func (p *page) problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.console {
		if m.IsException() || goCrash.MatchString(m.Text) {
			out = append(out, fmt.Sprintf("%s: %s", m.Type, m.Text))
		}
	}
	return out
}

func (p *page) consoleTail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	from := max(0, len(p.console)-15)
	for _, m := range p.console[from:] {
		fmt.Fprintf(&b, "\n  console.%s: %.300s", m.Type, m.Text)
	}
	if b.Len() == 0 {
		return ""
	}
	return "\nlast console messages:" + b.String()
}

// assertAlive checks that the page still runs: ready stays true and the
// wasm answers, with no exception or Go crash in the console.
func (p *page) assertAlive() {
	p.t.Helper()
	time.Sleep(300 * time.Millisecond) // let a late panic surface
	if got := p.js(`window.attnviz && attnviz.ready === true && typeof attnviz.version() === 'number'`); got != "true" {
		p.t.Errorf("page no longer running: attnviz.ready && version() gave %s%s", got, p.consoleTail())
	}
	if probs := p.problems(); len(probs) > 0 {
		p.t.Errorf("uncaught exceptions / Go crash in the console:\n  %s", strings.Join(probs, "\n  "))
	}
}

// checkConsole runs at cleanup: save the log, fail on exceptions.
func (p *page) checkConsole() {
	p.mu.Lock()
	var b strings.Builder
	for _, m := range p.console {
		fmt.Fprintf(&b, "%s %s: %s\n", m.Time.Format("15:04:05.000"), m.Type, m.Text)
	}
	p.mu.Unlock()
	os.WriteFile(artifactPath(p.t, ".console.log"), []byte(b.String()), 0o644)
	if probs := p.problems(); len(probs) > 0 {
		p.t.Errorf("uncaught exceptions / Go crash in the console:\n  %s", strings.Join(probs, "\n  "))
	}
}

// checkAgainstNative reads the page's state, tokens and selected head's
// weights and compares them with core run natively on the same settings.
func (p *page) checkAgainstNative(want settings) pageState {
	p.t.Helper()
	st := p.state()
	if st.Version != st.DrawnVersion || fmt.Sprint(float64(st.Version)) != p.js(`String(attnviz.version())`) {
		p.t.Errorf("state() version %v, drawnVersion %v; version() %s: want all equal once the frame is drawn", st.Version, st.DrawnVersion, p.js(`String(attnviz.version())`))
	}
	got := st.settings()
	if d := diffSettings(got, want); len(d) > 0 {
		p.t.Errorf("attnviz.state() settings differ: %s", strings.Join(d, "; "))
	}
	n := computeNative(p.t, got)
	toks := p.tokens()
	if strings.Join(toks, "\x00") != strings.Join(n.Tokens, "\x00") || len(toks) != len(n.Tokens) {
		p.t.Errorf("attnviz.tokens() = %q, core tokenizes %q as %q", toks, got.Text, n.Tokens)
	}
	w := p.weights()
	if len(n.Tokens) == 0 {
		if len(w) != 0 {
			p.t.Errorf("attnviz.weights() = %v for empty text, want []", w)
		}
		return st
	}
	if got.Head < 0 || got.Head >= len(n.Weights) {
		p.t.Fatalf("state().head = %d, but there are %d heads", got.Head, len(n.Weights))
	}
	if err := compareWeights(w, n.Weights[got.Head]); err != nil {
		p.t.Errorf("attnviz.weights() vs native core head %d: %v", got.Head, err)
	}
	return st
}

// TestBrowserTyping types into the page with real key events and checks
// what the page computed against the native core, then edits with
// Backspace, Home, Delete and the arrows.
func TestBrowserTyping(t *testing.T) {
	freshArtifacts(t)
	s := demoSite(t)
	t.Logf("main.wasm: %d bytes raw, %d bytes gzip -9", s.WasmRaw, s.WasmGzip)
	p := openPage(t, startBrowser(t), s.URL)
	// The page computes with the SIMD kernels (web/kernels.js attached
	// web/kernels.wasm), and still equals native core below.
	if got := p.js(`window.attnvizKernelStatus`); got != "simd" {
		t.Errorf("attnvizKernelStatus = %s, want simd (the matrix products ran in Go)", got)
	}
	want := contractDefaults()
	p.checkAgainstNative(want)

	p.focusText()
	p.clearText()
	want.Text = ""
	p.checkAgainstNative(want) // no tokens, no weights

	const sentence = "attention is all you need"
	v0 := p.js(`attnviz.version()`)
	start := time.Now()
	p.keys(sentence)
	typed := time.Since(start)
	lat := p.waitFresh(`attnviz.getText() === `+jsString(sentence), 30*time.Second)
	t.Logf("typed %d chars in one burst of real key events: sent and 2 frames in %v, drawn %v later; version %s -> %s", len(sentence), typed.Round(time.Millisecond), lat.Round(time.Millisecond), v0, p.js(`attnviz.version()`))
	want.Text = sentence
	p.checkAgainstNative(want)

	// Chromium asked for gzip and got the precompressed main.wasm.gz.
	var wasmEntry struct{ Encoded, Decoded float64 }
	p.jsonCall(`(() => { const e = performance.getEntriesByType('resource').find((r) => new URL(r.name).pathname.endsWith('/main.wasm')); return e ? {Encoded: e.encodedBodySize, Decoded: e.decodedBodySize} : null; })()`, &wasmEntry)
	if int(wasmEntry.Decoded) != s.WasmRaw || int(wasmEntry.Encoded) != s.WasmGzip {
		t.Errorf("main.wasm reached the page as %g bytes on the wire, %g decoded; want the .gz (%d) decoded to %d", wasmEntry.Encoded, wasmEntry.Decoded, s.WasmGzip, s.WasmRaw)
	}

	shot := p.screenshot("typed")
	if err := notBlank(shot); err != nil {
		t.Errorf("full-page screenshot after typing: %v", err)
	}

	before := p.tokens()
	p.keys(strings.Repeat(kb.Backspace, 3)) // "you need" -> "you n"
	want.Text = "attention is all you n"
	p.waitFresh(`attnviz.getText() === `+jsString(want.Text), 20*time.Second)
	p.checkAgainstNative(want)
	if fmt.Sprint(p.tokens()) == fmt.Sprint(before) {
		t.Errorf("Backspace did not change the tokens: still %q", before)
	}

	p.keys(kb.Home + kb.Delete + kb.Delete) // drop "at" at the start
	want.Text = "tention is all you n"
	p.waitFresh(`attnviz.getText() === `+jsString(want.Text), 20*time.Second)
	p.checkAgainstNative(want)

	// End, two steps left (between "u" and " "), type X, one step right,
	// Backspace removes the space: "you n" -> "youXn".
	p.keys(kb.End + kb.ArrowLeft + kb.ArrowLeft + "X" + kb.ArrowRight + kb.Backspace)
	want.Text = "tention is all youXn"
	p.waitFresh(`attnviz.getText() === `+jsString(want.Text), 20*time.Second)
	p.checkAgainstNative(want)

	// Editing keys and inserted (IME or pasted) text in the same frame keep
	// their order: "youXn" -> "you" -> "you need".
	err := p.do(30*time.Second, chromedp.KeyEvent(kb.End+kb.Backspace+kb.Backspace), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: " need"})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	want.Text = "tention is all you need"
	p.waitFresh(`attnviz.getText() === `+jsString(want.Text), 20*time.Second)
	p.checkAgainstNative(want)
	p.screenshot("edited")
	p.assertAlive()
}

// TestBrowserSharedURL loads a link a teacher shared and checks the page
// took every setting from it, then that a change is written back to the URL.
func TestBrowserSharedURL(t *testing.T) {
	freshArtifacts(t)
	s := demoSite(t)
	browser := startBrowser(t)
	const query = "?text=the+cat+sat+on+the+mat&heads=2&dmodel=8&mask=causal&pe=learned&seed=3&head=1"
	p := openPage(t, browser, s.URL+query)
	want := contractDefaults()
	want.Heads, want.DModel, want.Mask, want.PE, want.Seed, want.Head = 2, 8, "causal", "learned", 3, 1
	st := p.checkAgainstNative(want)
	if len(st.Notices) != 0 {
		t.Errorf("a valid shared URL gave notices %q, want none", st.Notices)
	}
	w := p.weights()
	for i := range w {
		for j := i + 1; j < len(w[i]); j++ {
			if w[i][j] != 0 {
				t.Errorf("causal mask: weights[%d][%d] = %g, want exactly 0", i, j, w[i][j])
			}
		}
	}
	p.screenshot("shared")

	if msg := p.js(`attnviz.set('heads', '4')`); msg != "" {
		t.Fatalf(`attnviz.set('heads', '4') = %q, want ""`, msg)
	}
	p.waitFresh(`new URLSearchParams(location.search).get('heads') === '4'`, 20*time.Second)
	search := p.js(`location.search`)
	q, err := url.ParseQuery(strings.TrimPrefix(search, "?"))
	if err != nil {
		t.Fatalf("location.search %q: %v", search, err)
	}
	for k, v := range map[string]string{"heads": "4", "dmodel": "8", "mask": "causal", "pe": "learned", "seed": "3", "text": "the cat sat on the mat"} {
		if q.Get(k) != v {
			t.Errorf("after set(heads, 4), location.search %q has %s=%q, want %q", search, k, q.Get(k), v)
		}
	}
	want.Heads = 4
	want.Head = int(p.state().Head) // the app may keep or reset the selected head; it must stay valid
	p.checkAgainstNative(want)

	// weights() follows the selected head; setText replaces the text; both
	// reach the URL.
	if msg := p.js(`attnviz.set('head', 3)`); msg != "" {
		t.Fatalf(`attnviz.set('head', 3) = %q, want ""`, msg)
	}
	p.js(`attnviz.setText('the dog barked at the cat')`)
	want.Head, want.Text = 3, "the dog barked at the cat"
	p.waitFresh(`new URLSearchParams(location.search).get('text') === 'the dog barked at the cat' && new URLSearchParams(location.search).get('head') === '3'`, 20*time.Second)
	if got := p.getText(); got != want.Text {
		t.Errorf("getText() after setText = %q, want %q", got, want.Text)
	}
	p.checkAgainstNative(want)

	// The updated URL is itself a link that reproduces the view.
	href := p.js(`location.href`)
	p2 := openPage(t, browser, href)
	p2.checkAgainstNative(want)
	p2.assertAlive()
	p.assertAlive()
}

// TestBrowserBadInput feeds the page invalid and awkward input. The page
// must keep running without exceptions, and say so in notices() where the
// input was invalid.
func TestBrowserBadInput(t *testing.T) {
	freshArtifacts(t)
	s := demoSite(t)
	browser := startBrowser(t)
	mixed := "cafe\u0301 👩\u200d💻 naïve 🇫🇷 שלום עולם مرحبا بالعالم x\u0308\u0301"
	long := strings.Repeat("lorem ipsum dolor sit amet ", 186)[:5000] // ~930 words > 512 tokens

	type check func(t *testing.T, p *page, st pageState)
	keeps := func(name string, want any) check {
		return func(t *testing.T, p *page, st pageState) {
			got := map[string]any{"heads": int(st.Heads), "dmodel": int(st.DModel), "text": st.Text, "mask": st.Mask, "pe": st.PE}[name]
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("state().%s = %v, want the default %v kept", name, got, want)
			}
		}
	}
	matchesNative := func(t *testing.T, p *page, st pageState) { p.checkAgainstNative(st.settings()) }
	def := contractDefaults()

	tests := []struct {
		name       string
		query      string
		act        func(p *page)
		wantNotice bool
		checks     []check
	}{
		{name: "heads=0", query: "?heads=0", wantNotice: true, checks: []check{keeps("heads", def.Heads), matchesNative}},
		{name: "heads=abc", query: "?heads=abc", wantNotice: true, checks: []check{keeps("heads", def.Heads), matchesNative}},
		{name: "heads=3 does not divide 16", query: "?heads=3", wantNotice: true, checks: []check{keeps("heads", def.Heads), matchesNative}},
		{name: "dmodel=99999", query: "?dmodel=99999", wantNotice: true, checks: []check{keeps("dmodel", def.DModel), matchesNative}},
		{name: "unknown mask and pe", query: "?mask=diagonal&pe=fourier", wantNotice: true, checks: []check{keeps("mask", def.Mask), keeps("pe", def.PE), matchesNative}},
		{name: "every other setting invalid", query: "?seed=-1&temp=0&tokenizer=bpe&head=9&scale=maybe&present=2", wantNotice: true,
			checks: []check{matchesNative, func(t *testing.T, p *page, st pageState) {
				if d := diffSettings(st.settings(), def); len(d) > 0 {
					t.Errorf("invalid values changed settings: %s", strings.Join(d, "; "))
				}
				for _, name := range []string{"seed", "temp", "tokenizer", "head", "scale", "present"} {
					named := false
					for _, n := range st.Notices {
						named = named || strings.Contains(n, name)
					}
					if !named {
						t.Errorf("no notice names %q: %q", name, st.Notices)
					}
				}
			}}},
		{name: "broken percent-encoding", query: "?text=%E0%A4%A", wantNotice: true, checks: []check{matchesNative}},
		{name: "empty text in URL", query: "?text=", checks: []check{keeps("text", ""), matchesNative}},
		{name: "emoji combining RTL in URL", query: "?text=" + url.QueryEscape(mixed), checks: []check{keeps("text", mixed), matchesNative}},
		{
			name: "emoji combining RTL typed (IME insertText)", query: "?text=",
			act: func(p *page) {
				p.focusText()
				p.insertText(mixed)
				p.waitFresh(`attnviz.getText() === `+jsString(mixed), 30*time.Second)
			},
			checks: []check{keeps("text", mixed), matchesNative},
		},
		{
			name: "5000-char paste (Ctrl+V)", query: "?text=", wantNotice: true,
			act: func(p *page) {
				p.focusText()
				p.paste(long)
				// The whole paste reaches the text; the app then shows the
				// first 512 tokens with a notice (checked below).
				p.waitFresh(fmt.Sprintf(`attnviz.getText().length === %d`, len(long)), 60*time.Second)
			},
			checks: []check{func(t *testing.T, p *page, st pageState) {
				toks, w := p.tokens(), p.weights()
				if len(toks) > 512 {
					t.Errorf("tokens() has %d tokens, more than the limit of 512", len(toks))
				}
				if len(w) != len(toks) {
					t.Errorf("weights() is %d rows for %d tokens", len(w), len(toks))
				}
				limit := false
				for _, n := range st.Notices {
					limit = limit || strings.Contains(n, "512")
				}
				if !limit {
					t.Errorf("notices %q do not say that the text is over the limit of 512 tokens", st.Notices)
				}
				t.Logf("5000-char paste: text %d chars, %d tokens shown", len(st.Text), len(toks))
			}},
		},
		{
			name: "JS set heads=0 and an unknown name", query: "", wantNotice: true,
			act: func(p *page) {
				if msg := p.js(`attnviz.set('heads', '0')`); msg == "" {
					p.t.Errorf(`attnviz.set('heads', '0') returned "", want an error message`)
				}
				if msg := p.js(`attnviz.set('colour', 'red')`); msg == "" {
					p.t.Errorf(`attnviz.set('colour', 'red') returned "", want an error message`)
				}
				p.waitFresh(`true`, 10*time.Second)
			},
			checks: []check{keeps("heads", def.Heads), matchesNative},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := openPage(t, browser, s.URL+tc.query)
			if tc.act != nil {
				tc.act(p)
			}
			p.assertAlive()
			st := p.state()
			notices := p.notices()
			if fmt.Sprint(notices) != fmt.Sprint(st.Notices) {
				t.Errorf("notices() = %q but state().notices = %q", notices, st.Notices)
			}
			if tc.wantNotice && len(notices) == 0 {
				t.Errorf("invalid input %s: notices() is empty, want a notice saying what was wrong", tc.query)
			}
			t.Logf("notices: %q", notices)
			for _, c := range tc.checks {
				c(t, p, st)
			}
			p.screenshot("page")
		})
	}
}
