//go:build linux

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// compose starts (or updates) an IME composition with text, as an IME or a
// macOS dead key (Option+e shows "´") does.
func (p *page) compose(text string) {
	p.t.Helper()
	err := p.do(10*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		n := int64(len([]rune(text)))
		_, err := cdp.Call(ctx, tg, input.ImeSetComposition, input.ImeSetCompositionParams{Text: text, SelectionStart: n, SelectionEnd: n})
		return err
	}))
	if err != nil {
		p.t.Fatalf("Input.imeSetComposition %q: %v", text, err)
	}
}

// TestBrowserInputRegressions: paste, IME and dead-key input around typed
// keys. Keys and keyups stop at the window (cmd/wasm's quiet), so the page
// itself must give exp/textinput's hidden field the focus, and typed keys
// must leave the field's IME session alone; both were broken once.
func TestBrowserInputRegressions(t *testing.T) {
	freshArtifacts(t)
	s := demoSite(t)
	browser := startBrowser(t)
	tests := []struct {
		name string
		act  func(t *testing.T, p *page) (want string)
	}{
		{
			// The page opens with the keyboard on the canvas: a learner types
			// at once, then pastes, with no click. Ebiten gives its hidden
			// text field the focus on a keyup or mouseup at <body>; keyups
			// stop at the window, so the page does it (focusTextField), or
			// Ctrl+V (and IME) input would go nowhere.
			name: "paste_after_typing_without_a_click",
			act: func(t *testing.T, p *page) string {
				text := p.getText()
				p.keys(kb.End + " ab")
				p.waitFresh(`attnviz.getText() === `+jsString(text+" ab"), 10*time.Second)
				p.paste("cd")
				return text + " abcd"
			},
		},
		{
			name: "ime_text_after_typing_without_a_click",
			act: func(t *testing.T, p *page) string {
				text := p.getText()
				p.keys(kb.End + " ab")
				p.waitFresh(`attnviz.getText() === `+jsString(text+" ab"), 10*time.Second)
				p.insertText("é")
				return text + " abé"
			},
		},
		{
			// An IME's first composition update right after the click that
			// focused the text: it is shown at the cursor at once (the
			// click must start the text session), and its commit lands.
			name: "ime_composition_shown_after_a_click",
			act: func(t *testing.T, p *page) string {
				p.focusText()
				p.frames(3)
				text := p.getText()
				p.keys(kb.End)
				p.frames(2)
				p.compose("nihao")
				p.waitFresh(`attnviz.composition() === "nihao"`, 10*time.Second)
				p.insertText("你好")
				return text + "你好"
			},
		},
		{
			// A fast typist's accents through composition (macOS Option+e e,
			// an IME) with 40 ms between events: if typed keys reset the
			// field (ending its IME session, whose successor clears the
			// hidden textarea), the é get lost or out of order.
			name: "dead_key_compositions_at_typing_speed",
			act: func(t *testing.T, p *page) string {
				p.focusText()
				p.frames(3)
				text := p.getText()
				p.keys(kb.End + " ")
				time.Sleep(200 * time.Millisecond)
				const gap = 40 * time.Millisecond
				for _, part := range []string{"caf", "é", " cr", "é", "me d", "é", "j", "é", " ", "é", "t", "é"} {
					if part == "é" {
						p.compose("´")
						time.Sleep(gap)
						p.insertText("é")
						time.Sleep(gap)
						continue
					}
					for _, r := range part {
						if err := p.do(10*time.Second, chromedp.KeyEvent(string(r))); err != nil {
							t.Fatal(err)
						}
						time.Sleep(gap)
					}
				}
				return text + " café créme déjé été"
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := openPage(t, browser, s.URL)
			want := tc.act(t, p)
			p.frames(3)
			time.Sleep(200 * time.Millisecond)
			p.waitFresh(`true`, 10*time.Second)
			if got := p.getText(); got != want {
				t.Errorf("text %q, want %q (keyboard on %s)", got, want, p.js(`document.activeElement.tagName + '#' + document.activeElement.id`))
			}
			p.assertAlive()
		})
	}
}
