package viz

import (
	"strconv"
	"strings"
)

// Key handles one key press, named as in the DOM's KeyboardEvent.key
// ("a", "A", "?", "Backspace", "ArrowLeft", "F1", ...). While Editing,
// printable keys belong to the text field (the front end delivers the typed
// text through Insert) and only editing and function keys act here; after
// Escape, printable keys are shortcuts. It reports whether the key was used.
func (a *App) Key(key string, shift bool) bool {
	switch key {
	case "Escape":
		switch {
		case a.Help:
			a.Help = false
		case a.Editing:
			a.Editing = false
			a.Notify("shortcuts on: letters now change settings (? for the list); Enter or a click goes back to typing")
		default:
			a.DismissNotices()
		}
		a.layDirty = true
		return true
	case "F1":
		a.Step("help", 1)
		return true
	case "F2":
		a.Step("present", 1)
		return true
	case "F11":
		a.Step("fullscreen", 1)
		return true
	case "PageUp", "ArrowUp":
		a.Step("head", -1)
		return true
	case "PageDown", "ArrowDown":
		a.Step("head", 1)
		return true
	case "Tab":
		if shift {
			a.NextToken(-1)
		} else {
			a.NextToken(1)
		}
		return true
	case "Enter":
		a.Editing = true
		a.layDirty = true
		return true
	}
	if a.Editing {
		switch key {
		case "Backspace":
			a.Backspace()
		case "Delete":
			a.Delete()
		case "ArrowLeft":
			a.MoveCursor(-1)
		case "ArrowRight":
			a.MoveCursor(1)
		case "Home":
			a.CursorHome()
		case "End":
			a.CursorEnd()
		default:
			return false
		}
		a.layDirty = true
		return true
	}
	back := 1
	if shift {
		back = -1
	}
	step := map[string]string{"h": "heads", "d": "dmodel", "m": "mask", "p": "pe", "s": "scale", "t": "temp", "w": "tokenizer", "r": "seed", "v": "present", "f": "fullscreen", "?": "help"}
	lower := key
	if len(key) == 1 && key[0] >= 'A' && key[0] <= 'Z' {
		lower = string(key[0] + 'a' - 'A')
		back = -1
	}
	if id, ok := step[lower]; ok {
		a.Step(id, back)
		return true
	}
	switch key {
	case "[", "ArrowLeft":
		a.Step("head", -1)
	case "]", "ArrowRight":
		a.Step("head", 1)
	case "1", "2", "3", "4", "5", "6", "7", "8", "9":
		n, _ := strconv.Atoi(key)
		if n <= a.S.Heads {
			_ = a.SelectHead(n - 1)
		}
	case "i":
		a.Editing = true
		a.layDirty = true
	case "x":
		a.DismissNotices()
	default:
		return false
	}
	return true
}

// HelpLines is the help overlay's text.
func HelpLines() []string {
	return []string{
		"attnviz — how attention is computed, live",
		"Type to edit the text; Backspace, Delete, ← → Home End move and delete; paste works in browsers.",
		"Tab / Shift+Tab select a token chip (or click one); ↑ ↓ or PageUp/PageDown change the head.",
		"Click a head in the grid to show it in detail; click mask cells to make a custom mask.",
		"Hover a cell for its value, its query and key tokens and how it was computed.",
		"Esc switches the letters to shortcuts (Enter or a click goes back to typing):",
		"  h/H heads   d/D d_model   m/M mask   p/P positional encoding   s scale ÷√d_k",
		"  t/T temperature   w word/char tokens   r/R seed   [ ] or 1..9 head   x clear notices",
		"  v presentation mode (F2)   f full screen (F11)   ? this help (F1)   Esc closes it",
		"Buttons at the top do the same; right-click a button steps backwards.",
		"Colours: weights light (0) → dark blue (1); signed values blue (−) · white (0) · red (+). Hatched = blocked by the mask.",
		"The model is random, not trained: the embeddings and W_q, W_k, W_v, W_o come from the seed (r changes it), so the patterns show how attention computes, not what a trained model has learned.",
		"Try this:",
		"  Word order: set positional encoding to none (p) and swap two words: every weight moves with its tokens and nothing else changes. Without positions, attention cannot see order.",
		"  Generation (GPT-style): causal mask (m): each token sees only itself and the tokens before it; the last row is the one that predicts the next token.",
		"  Classification with padding: add <pad> tokens at the end and pick the padding mask: no query attends to a pad, so the real tokens' weights and outputs stay exactly the same.",
		"  Scaling: turn ÷√d_k off (s) with a large d_model (d): scores grow with d_k and the softmax rows turn almost one-hot. Temperature (t/T) flattens or sharpens every row.",
		"  Heads: every head has its own slice of W_q, W_k, W_v, so the same sentence gets a different pattern in each head.",
	}
}

// WrapLine breaks s into lines no wider than width (as measure measures
// text) at spaces; continuation lines start with the line's own indent
// plus two spaces. A word wider than width gets a line of its own.
func WrapLine(s string, width float64, measure func(string) float64) []string {
	if measure(s) <= width {
		return []string{s}
	}
	body := strings.TrimLeft(s, " ")
	indent := s[:len(s)-len(body)]
	var out []string
	cur := ""
	prefix := func() string {
		if len(out) == 0 {
			return indent
		}
		return indent + "  "
	}
	for _, w := range strings.Fields(body) {
		switch {
		case cur == "":
			cur = w
		case measure(prefix()+cur+" "+w) <= width:
			cur += " " + w
		default:
			out = append(out, prefix()+cur)
			cur = w
		}
	}
	return append(out, prefix()+cur)
}

// ShortcutModifier reports whether a key pressed with these modifiers (as
// the DOM reports them) is a shortcut such as Ctrl+V rather than typed
// text: Ctrl or Meta make shortcuts, but not with AltGr held (Windows
// reports AltGr as Ctrl+Alt, and AltGr+q types "@" on German keyboards);
// Alt makes one only with an ASCII key (Alt+f on Linux or Windows), not
// when Alt/Option produced a character (macOS Option+a types "å").
func ShortcutModifier(key string, ctrl, meta, alt, altGraph bool) bool {
	if altGraph {
		return false
	}
	if ctrl || meta {
		return true
	}
	if !alt {
		return false
	}
	for _, r := range key {
		if r >= 0x80 {
			return false
		}
	}
	return true
}
