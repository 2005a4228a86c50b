//go:build linux

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser app takes keys and mouse moves from its own window listeners
// (cmd/wasm: keyQueue, Game.TakeKeys, Game.PointerMove); these tests drive
// that path with real DevTools input events as a learner would.

// moveMouse moves the mouse to (x, y) (page CSS pixels) with no button held
// and lets the page draw.
func (p *page) moveMouse(x, y float64) {
	p.t.Helper()
	if err := p.do(10*time.Second, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)); err != nil {
		p.t.Fatalf("mouse move to (%g, %g): %v", x, y, err)
	}
	p.frames(3)
	p.waitFresh(`true`, 10*time.Second)
}

// holdKey holds a key down for n key-down events (the first a press, the
// rest auto-repeats, as a keyboard sends while a key is held), then
// releases it. text is what one press types ("" for editing keys).
func (p *page) holdKey(key, code string, vk int64, text string, n int) {
	p.t.Helper()
	send := func(typ input.DispatchKeyEventType, repeat bool) {
		err := p.do(10*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			prm := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk}
			if typ == input.DispatchKeyEventTypeKeyDown {
				prm.Text, prm.UnmodifiedText, prm.AutoRepeat = text, text, &repeat
			}
			_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, prm)
			return err
		}))
		if err != nil {
			p.t.Fatalf("%s %q: %v", typ, key, err)
		}
	}
	for i := range n {
		send(input.DispatchKeyEventTypeKeyDown, i > 0)
	}
	send(input.DispatchKeyEventTypeKeyUp, false)
	p.frames(2)
}

// changedSince counts the pixels of a fresh screenshot that differ from before.
func (p *page) changedSince(before []byte, name string) (int, []byte) {
	p.t.Helper()
	p.frames(2)
	shot := p.screenshot(name)
	n, err := changedPixels(before, shot)
	if err != nil {
		p.t.Fatal(err)
	}
	return n, shot
}

// TestBrowserInput types, holds keys, switches to shortcuts and hovers with
// real input events, checking the app's state and what the page shows.
func TestBrowserInput(t *testing.T) {
	freshArtifacts(t)
	s := demoSite(t)
	browser := startBrowser(t)

	tests := []struct {
		name string
		act  func(t *testing.T, p *page)
	}{
		{
			// Esc turns letters into shortcuts (README "Controls"); Enter
			// goes back to typing.
			name: "esc_shortcuts_then_enter_types",
			act: func(t *testing.T, p *page) {
				p.focusText()
				before := p.state()
				p.keys(kb.Escape)
				p.waitFresh(`true`, 10*time.Second)
				if n := strings.Join(p.notices(), " | "); !strings.Contains(n, "shortcut") {
					t.Errorf("after Esc the notices %q do not say that letters are shortcuts now", n)
				}
				p.keys("hmp2")
				p.waitFresh(`JSON.parse(attnviz.state()).head === 1`, 20*time.Second)
				st := p.state()
				if st.Text != before.Text {
					t.Errorf("shortcut letters changed the text: %q -> %q", before.Text, st.Text)
				}
				// h: more heads (a count dividing d_model); m: none -> causal;
				// p: sinusoidal -> learned (the orders README lists).
				if !(st.Heads > before.Heads) || int(st.DModel)%int(st.Heads) != 0 {
					t.Errorf("h: heads %v -> %v with d_model %v, want more heads dividing d_model", before.Heads, st.Heads, st.DModel)
				}
				if before.Mask != "none" || st.Mask != "causal" {
					t.Errorf("m: mask %q -> %q, want none -> causal", before.Mask, st.Mask)
				}
				if before.PE != "sinusoidal" || st.PE != "learned" {
					t.Errorf("p: pe %q -> %q, want sinusoidal -> learned", before.PE, st.PE)
				}
				p.checkAgainstNative(st.settings())

				p.keys(kb.Enter + kb.End + " x")
				want := before.Text + " x"
				p.waitFresh(`attnviz.getText() === `+jsString(want), 20*time.Second)
				if got := p.state(); got.Heads != st.Heads || got.Mask != st.Mask || got.PE != st.PE {
					t.Errorf("typing after Enter changed settings: heads %v mask %q pe %q, want %v %q %q", got.Heads, got.Mask, got.PE, st.Heads, st.Mask, st.PE)
				}
			},
		},
		{
			// F1 opens the help over the page; letters do not type behind
			// it; Esc closes it and typing goes on.
			name: "help_overlay_then_typing",
			act: func(t *testing.T, p *page) {
				p.focusText()
				p.frames(2)
				text := p.getText()
				shot0 := p.screenshot("before-help")
				p.keys(kb.F1)
				n, _ := p.changedSince(shot0, "help")
				if n < 20000 {
					t.Errorf("F1 changed %d pixels: no help overlay drawn", n)
				}
				p.keys("k")
				p.waitFresh(`true`, 10*time.Second)
				if got := p.getText(); got != text {
					t.Errorf("a letter typed behind the help overlay changed the text to %q", got)
				}
				p.keys(kb.Escape)
				if n, _ := p.changedSince(shot0, "help-closed"); n > 50 {
					t.Errorf("after Esc closed the help, %d pixels still differ from before it opened", n)
				}
				p.keys(kb.End + "k")
				p.waitFresh(`attnviz.getText() === `+jsString(text+"k"), 20*time.Second)
			},
		},
		{
			// Tab selects a token chip (highlighted) and keeps the keyboard
			// in the page: typing goes on in the text.
			name: "tab_selects_token_keeps_typing",
			act: func(t *testing.T, p *page) {
				p.focusText()
				p.frames(2)
				shot0 := p.screenshot("before-tab")
				p.keys(kb.Tab)
				if n, _ := p.changedSince(shot0, "tab"); n < 100 {
					t.Errorf("Tab changed %d pixels: no token was highlighted", n)
				}
				if got := p.js(`document.activeElement === document.body ? 'body' : document.activeElement.tagName`); got != "CANVAS" && got != "TEXTAREA" {
					t.Errorf("after Tab the keyboard is on %s, want the canvas or Ebiten's text field", got)
				}
				text := p.getText()
				p.keys(kb.End + "Q")
				p.waitFresh(`attnviz.getText() === `+jsString(text+"Q"), 20*time.Second)
			},
		},
		{
			// A held key repeats (keydown with repeat set, no keyup between).
			name: "held_keys_repeat",
			act: func(t *testing.T, p *page) {
				p.focusText()
				text := p.getText()
				p.keys(kb.End)
				p.holdKey("z", "KeyZ", 90, "z", 6)
				p.waitFresh(`attnviz.getText() === `+jsString(text+"zzzzzz"), 20*time.Second)
				p.holdKey("Backspace", "Backspace", 8, "", 4)
				p.waitFresh(`attnviz.getText() === `+jsString(text+"zz"), 20*time.Second)
				p.checkAgainstNative(p.state().settings())
			},
		},
		{
			// Ctrl+A selects the text, the next key replaces it; then a
			// burst of 100 characters lands in order, none lost.
			name: "select_all_then_burst_of_100",
			act: func(t *testing.T, p *page) {
				p.focusText()
				p.keys("a", chromedp.KeyModifiers(kb.ModifierCtrl))
				p.keys("w")
				p.waitFresh(`attnviz.getText() === 'w'`, 20*time.Second)
				burst := strings.Repeat("ab cd efg ", 10)
				p.keys(burst)
				p.waitFresh(`attnviz.getText() === `+jsString("w"+burst), 30*time.Second)
				p.checkAgainstNative(p.state().settings())
			},
		},
		{
			// The tooltip appears over a weights cell, follows the mouse to
			// another cell and goes away over an empty spot.
			name: "hover_tooltip_follows_and_leaves",
			act: func(t *testing.T, p *page) {
				l, left, top := p.canvasLayout()
				pn := p.panel(l, "weights", -1)
				if pn.Rows < 4 || pn.Cols < 4 {
					t.Fatalf("weights panel is %dx%d, want at least 4x4", pn.Rows, pn.Cols)
				}
				p.frames(2)
				shot0 := p.screenshot("before-hover")
				p.moveMouse(cellCentre(pn, left, top, 1, 0))
				n1, shot1 := p.changedSince(shot0, "hover-1-0")
				if n1 < 200 {
					t.Errorf("hovering weights cell (1,0) changed %d pixels: no tooltip", n1)
				}
				p.moveMouse(cellCentre(pn, left, top, 3, 3))
				n2, _ := p.changedSince(shot1, "hover-3-3")
				if n2 < 200 {
					t.Errorf("moving from cell (1,0) to (3,3) changed %d pixels: the tooltip did not follow", n2)
				}
				// The canvas's bottom-left corner: no panel, button or chip.
				p.moveMouse(left+2, top+float64(l.Height)-2)
				if n, _ := p.changedSince(shot0, "hover-left"); n > 50 {
					t.Errorf("after leaving the cells, %d pixels still differ from before hovering: tooltip left behind", n)
				}
				t.Logf("tooltip: %d pixels on the first cell, %d changed moving to the second", n1, n2)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := openPage(t, browser, s.URL)
			tc.act(t, p)
			p.assertAlive()
		})
	}
}
