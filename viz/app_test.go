package viz

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/attnviz/attnviz/core/pipeline"
)

// newApp returns a synced app for text with a 1280x800 frame.
func newApp(t *testing.T, text string) *App {
	t.Helper()
	s := DefaultSettings()
	s.Text = text
	a := New(s, nil)
	a.SetFrame(Frame{W: 1280, H: 800, Scale: 1})
	a.Sync()
	return a
}

func tokenTexts(a *App) []string {
	var out []string
	for _, t := range a.Tokens {
		out = append(out, t.Text)
	}
	return out
}

func TestTextActions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		text       string
		act        func(a *App)
		wantText   string
		wantCursor int
		wantTokens string
	}{
		{"type at end", "the cat", func(a *App) { a.Insert(" sat") }, "the cat sat", 11, "the|cat|sat"},
		{"backspace at end", "the cat", func(a *App) { a.Backspace() }, "the ca", 6, "the|ca"},
		{"backspace at start does nothing", "ab", func(a *App) { a.CursorHome(); a.Backspace() }, "ab", 0, "ab"},
		{"delete after moving left", "the cat", func(a *App) { a.MoveCursor(-3); a.Delete() }, "the at", 4, "the|at"},
		{"delete at end does nothing", "ab", func(a *App) { a.Delete() }, "ab", 2, "ab"},
		{"home then type", "cat", func(a *App) { a.CursorHome(); a.Insert("a ") }, "a cat", 2, "a|cat"},
		{"arrows step whole characters", "né😀", func(a *App) { a.MoveCursor(-1); a.Backspace() }, "n😀", 1, "n|😀"},
		{"end after home", "abc", func(a *App) { a.CursorHome(); a.CursorEnd(); a.Insert("d") }, "abcd", 4, "abcd"},
		{"delete everything", "a", func(a *App) { a.Backspace() }, "", 0, ""},
		{"replace from field", "x", func(a *App) { a.ReplaceText("dog bit", 3) }, "dog bit", 3, "dog|bit"},
		{"select all then type replaces", "the cat", func(a *App) { a.SelectAll(); a.Insert("a") }, "a", 1, "a"},
		{"select all then delete clears", "the cat", func(a *App) { a.SelectAll(); a.Delete() }, "", 0, ""},
		{"select all then backspace clears", "the cat", func(a *App) { a.SelectAll(); a.Backspace() }, "", 0, ""},
		{"arrow drops the selection", "ab", func(a *App) { a.SelectAll(); a.MoveCursor(-1); a.Insert("x") }, "axb", 2, "axb"},
	} {
		a := newApp(t, tc.text)
		tc.act(a)
		a.Sync()
		if a.S.Text != tc.wantText || a.Cursor != tc.wantCursor {
			t.Errorf("%s: text %q cursor %d, want %q %d", tc.name, a.S.Text, a.Cursor, tc.wantText, tc.wantCursor)
		}
		if got := strings.Join(tokenTexts(a), "|"); got != tc.wantTokens {
			t.Errorf("%s: tokens %q, want %q", tc.name, got, tc.wantTokens)
		}
	}
}

func TestVersionBumpsOnlyWhenInputsChange(t *testing.T) {
	a := newApp(t, "the cat sat")
	v := a.Version()
	for _, tc := range []struct {
		name string
		act  func()
		bump bool
	}{
		{"nothing", func() {}, false},
		{"move cursor", func() { a.MoveCursor(-1) }, false},
		{"select head", func() { _ = a.SelectHead(2) }, false},
		{"select token", func() { a.SelectToken(1) }, false},
		{"presentation", func() { _ = a.Set("present", "1") }, false},
		{"invalid heads", func() { _ = a.Set("heads", "abc") }, false},
		{"type", func() { a.Insert("s") }, true},
		{"mask", func() { _ = a.Set("mask", "causal") }, true},
		{"same mask again", func() { _ = a.Set("mask", "causal") }, false},
		{"seed", func() { a.Step("seed", 1) }, true},
	} {
		tc.act()
		a.Sync()
		if got := a.Version() > v; got != tc.bump {
			t.Errorf("%s: version %d -> %d, want bump %v", tc.name, v, a.Version(), tc.bump)
		}
		v = a.Version()
	}
}

func TestHeadSelectionShowsThatHead(t *testing.T) {
	a := newApp(t, "the cat sat on the mat")
	for h := 0; h < a.S.Heads; h++ {
		if err := a.SelectHead(h); err != nil {
			t.Fatal(err)
		}
		a.Sync()
		w := a.HeatByID("weights", -1)
		want := a.Trace.Attention.Heads[h].Weights
		for i := 0; i < w.Rows; i++ {
			for j := 0; j < w.Cols; j++ {
				if w.At(i, j) != want.At(i, j) {
					t.Fatalf("head %d: weights panel (%d,%d) = %v, want %v", h, i, j, w.At(i, j), want.At(i, j))
				}
			}
		}
	}
	if err := a.SelectHead(a.S.Heads); err == nil || len(a.Notices()) == 0 {
		t.Errorf("selecting head %d of %d: err %v, notices %q; want an error shown as a notice", a.S.Heads, a.S.Heads, err, a.Notices())
	}
}

func TestToggleMaskCellMakesACustomMask(t *testing.T) {
	a := newApp(t, "a b c")
	_ = a.Set("mask", "causal")
	a.Sync()
	a.ToggleMaskCell(2, 0) // block key 0 for query 2 (it was allowed)
	a.ToggleMaskCell(0, 2) // allow key 2 for query 0 (it was blocked)
	a.Sync()
	if a.S.Mask != pipeline.MaskCustom {
		t.Fatalf("mask %q, want custom", a.S.Mask)
	}
	w := a.Trace.Attention.Heads[0].Weights
	if w.At(2, 0) != 0 || w.At(0, 2) == 0 || w.At(0, 1) != 0 {
		t.Errorf("weights after toggles: (2,0)=%v (0,2)=%v (0,1)=%v; want 0, >0, 0", w.At(2, 0), w.At(0, 2), w.At(0, 1))
	}
	// Growing the text keeps the toggled cells and allows the new ones.
	a.Insert(" d")
	a.Sync()
	if !(a.Custom.Rows == 4 && !a.Custom.At(2, 0) && a.Custom.At(0, 2) && a.Custom.At(3, 0) && a.Custom.At(0, 3)) {
		t.Errorf("custom mask after typing a token: %v", a.Custom.Ints())
	}
}

func TestRowsSumToOneOrAreLabelledBlocked(t *testing.T) {
	a := newApp(t, "a b c d")
	_ = a.Set("mask", "custom")
	a.Sync()
	for j := 0; j < 4; j++ {
		a.ToggleMaskCell(1, j) // query 1 sees nothing
	}
	a.Sync()
	w := a.HeatByID("weights", -1)
	for i := 0; i < w.Rows; i++ {
		sum := 0.0
		for j := 0; j < w.Cols; j++ {
			sum += w.At(i, j)
		}
		want := 1.0
		if i == 1 {
			want = 0
		}
		if math.Abs(sum-want) > 1e-9 {
			t.Errorf("row %d sums to %v, want %v", i, sum, want)
		}
	}
	found := false
	for _, n := range a.Notices() {
		found = found || strings.Contains(n, "see no key")
	}
	tip := strings.Join(a.CellInfo(w, 1, 0), " ")
	if !found || !strings.Contains(tip, "no visible key") {
		t.Errorf("blocked row: notices %q, tooltip %q; want both to say so", a.Notices(), tip)
	}
	if tip := strings.Join(a.CellInfo(w, 0, 0), " "); !strings.Contains(tip, "sums to 1.000") {
		t.Errorf("tooltip of a visible cell %q should say its row sums to 1", tip)
	}
}

func TestHostileInputKeepsRunning(t *testing.T) {
	long := strings.Repeat("word ", 1000) // 5,000 characters, 1,000 tokens
	for _, tc := range []struct {
		name       string
		text       string
		tokenizer  string
		wantTokens int
		notice     string // substring of an expected notice; "" = none needed
	}{
		{"empty", "", "word", 0, "no tokens"},
		{"5000-char paste", long, "word", pipeline.MaxTokens, "1000 tokens; showing the first 512"},
		{"5000 chars as characters", long, "char", pipeline.MaxTokens, "5000 tokens"},
		{"emoji", "I ❤️ 👩‍💻 🇫🇷", "word", 4, "emoji"},
		{"combining marks", "cafe\u0301 nai\u0308ve", "char", 10, ""},
		{"right to left", "שלום עולם مرحبا", "word", 3, "right-to-left"},
		{"invalid UTF-8", "a\xffb", "char", 3, ""},
		{"only spaces", "   \t\n ", "word", 0, "no tokens"},
		{"padding", "a b <pad> <pad>", "word", 4, ""},
		{"huge beyond the tokenizer's limit", strings.Repeat("ab ", 30000), "word", pipeline.MaxTokens, "text: more than 21846 tokens (87 KiB of text; only the first 64 KiB are read); showing the first 512"},
		{"100,000 characters", strings.Repeat("x", 100000), "char", pipeline.MaxTokens, "text: more than 65536 tokens (97 KiB of text"},
	} {
		s := DefaultSettings()
		s.Text, s.Tokenizer = tc.text, "word"
		if tc.tokenizer == "char" {
			s.Tokenizer = "char"
		}
		a := New(s, nil)
		for _, f := range []Frame{{W: 1280, H: 800, Scale: 1}, {W: 800, H: 600, Scale: 1}} {
			a.SetFrame(f)
			a.Sync()
			if len(a.Tokens) != tc.wantTokens {
				t.Errorf("%s: %d tokens, want %d", tc.name, len(a.Tokens), tc.wantTokens)
			}
			if a.L == nil {
				t.Fatalf("%s: no layout", tc.name)
			}
			_ = a.StateJSON(0)
			for x := 0.0; x < f.W; x += 37 {
				a.Hover(x, f.H/2)
			}
		}
		if tc.notice != "" && !strings.Contains(strings.Join(a.Notices(), "\n"), tc.notice) {
			t.Errorf("%s: notices %q, want one containing %q", tc.name, a.Notices(), tc.notice)
		}
	}
}

func TestStepCyclesAndKeepsConfigValid(t *testing.T) {
	a := newApp(t, "a b")
	for _, tc := range []struct {
		id   string
		dir  int
		want func(Settings) bool
	}{
		{"heads", 1, func(s Settings) bool { return s.Heads == 8 }},
		{"heads", -1, func(s Settings) bool { return s.Heads == 4 }},
		{"dmodel", 1, func(s Settings) bool { return s.DModel == 32 }},
		{"dmodel", -1, func(s Settings) bool { return s.DModel == 16 }},
		{"mask", 1, func(s Settings) bool { return s.Mask == "causal" }},
		{"mask", -1, func(s Settings) bool { return s.Mask == "none" }},
		{"mask", -1, func(s Settings) bool { return s.Mask == "custom" }},
		{"pe", 1, func(s Settings) bool { return s.PE == "learned" }},
		{"pe", 1, func(s Settings) bool { return s.PE == "rope" }},
		{"pe", 1, func(s Settings) bool { return s.PE == "none" }},
		{"scale", 1, func(s Settings) bool { return !s.Scale }},
		{"temp", 1, func(s Settings) bool { return s.Temp == 2 }},
		{"temp", -1, func(s Settings) bool { return s.Temp == 1 }},
		{"tokenizer", 1, func(s Settings) bool { return s.Tokenizer == "char" }},
		{"seed", -1, func(s Settings) bool { return s.Seed == 0 }},
		{"seed", -1, func(s Settings) bool { return s.Seed == 0 }},
		{"head", -1, func(s Settings) bool { return s.Head == 3 }},
		{"present", 1, func(s Settings) bool { return s.Present }},
	} {
		a.Step(tc.id, tc.dir)
		a.Sync()
		if !tc.want(a.S) {
			t.Errorf("Step(%q, %d): settings %+v", tc.id, tc.dir, a.S)
		}
		if err := a.S.Config().Validate(); err != nil {
			t.Errorf("Step(%q, %d) left an invalid config: %v", tc.id, tc.dir, err)
		}
	}
}

func TestKeysTypingAndShortcutModes(t *testing.T) {
	a := newApp(t, "ab")
	for _, tc := range []struct {
		key   string
		shift bool
		used  bool
		check func(*App) bool
	}{
		{"h", false, false, func(a *App) bool { return a.S.Heads == 4 }}, // typing: letters are text, not shortcuts
		{"Backspace", false, true, func(a *App) bool { return a.S.Text == "a" }},
		{"ArrowLeft", false, true, func(a *App) bool { return a.Cursor == 0 }},
		{"Delete", false, true, func(a *App) bool { return a.S.Text == "" }},
		{"Tab", false, true, func(a *App) bool { return a.SelToken == -1 }}, // no tokens left
		{"ArrowDown", false, true, func(a *App) bool { return a.S.Head == 1 }},
		{"Escape", false, true, func(a *App) bool { return !a.Editing }},
		{"h", false, true, func(a *App) bool { return a.S.Heads == 8 }},
		{"H", true, true, func(a *App) bool { return a.S.Heads == 4 }},
		{"m", false, true, func(a *App) bool { return a.S.Mask == "causal" }},
		{"3", false, true, func(a *App) bool { return a.S.Head == 2 }},
		{"?", true, true, func(a *App) bool { return a.Help }},
		{"Escape", false, true, func(a *App) bool { return !a.Help && !a.Editing }},
		{"z", false, false, func(a *App) bool { return true }},
		{"Enter", false, true, func(a *App) bool { return a.Editing }},
		{"F1", false, true, func(a *App) bool { return a.Help }},
	} {
		if got := a.Key(tc.key, tc.shift); got != tc.used {
			t.Errorf("Key(%q): used %v, want %v", tc.key, got, tc.used)
		}
		a.Sync()
		if !tc.check(a) {
			t.Errorf("after Key(%q): %+v editing=%v help=%v cursor=%d", tc.key, a.S, a.Editing, a.Help, a.Cursor)
		}
	}
}

func TestJSONAPI(t *testing.T) {
	a := newApp(t, `say "hi" \ 😀`)
	var toks []string
	if err := json.Unmarshal([]byte(a.TokensJSON()), &toks); err != nil {
		t.Fatalf("tokens JSON %s: %v", a.TokensJSON(), err)
	}
	if strings.Join(toks, "|") != strings.Join(tokenTexts(a), "|") {
		t.Errorf("tokens JSON %q, want %q", toks, tokenTexts(a))
	}
	var w [][]float64
	if err := json.Unmarshal([]byte(a.WeightsJSON()), &w); err != nil {
		t.Fatal(err)
	}
	want := a.Trace.Attention.Heads[a.S.Head].Weights
	for i := range w {
		for j := range w[i] {
			if w[i][j] != want.At(i, j) {
				t.Fatalf("weights JSON (%d,%d) = %v, want %v", i, j, w[i][j], want.At(i, j))
			}
		}
	}
	_ = a.Set("heads", "abc")
	var st map[string]any
	if err := json.Unmarshal([]byte(a.StateJSON(7)), &st); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"text", "dmodel", "heads", "mask", "pe", "seed", "tokenizer", "scale", "temp", "head", "present", "cmask", "version", "drawnVersion", "notices"} {
		if _, ok := st[k]; !ok {
			t.Errorf("state JSON lacks %q: %s", k, a.StateJSON(7))
		}
	}
	if st["text"] != a.S.Text || st["drawnVersion"] != 7.0 || st["scale"] != "on" || st["heads"] != 4.0 {
		t.Errorf("state JSON values wrong: %v", st)
	}
	if n := st["notices"].([]any); len(n) == 0 || !strings.Contains(n[len(n)-1].(string), "heads: expected") {
		t.Errorf("state notices %v, want the heads=abc notice", n)
	}
	if st["cmask"] != "" {
		t.Errorf("state cmask = %v without a custom mask, want \"\"", st["cmask"])
	}
	if err := a.Set("cmask", "1"+strings.Repeat("0", len(a.Trace.Tokens)-1)+strings.Repeat(","+strings.Repeat("1", len(a.Trace.Tokens)), len(a.Trace.Tokens)-1)); err != nil {
		t.Fatalf("set cmask: %v", err)
	}
	_ = a.Set("mask", "custom")
	a.Sync()
	if err := json.Unmarshal([]byte(a.StateJSON(7)), &st); err != nil {
		t.Fatal(err)
	}
	if c, _ := st["cmask"].(string); !strings.HasPrefix(c, "10") {
		t.Errorf("state cmask = %q with mask=custom, want the custom rows starting 10...", c)
	}
	empty := newApp(t, "")
	if empty.WeightsJSON() != "[]" || empty.TokensJSON() != "[]" {
		t.Errorf("empty text: weights %s tokens %s, want []", empty.WeightsJSON(), empty.TokensJSON())
	}
}

func TestNoticesExpire(t *testing.T) {
	a := newApp(t, "a")
	a.Notify("hello")
	if len(a.Notices()) != 1 {
		t.Fatalf("notices %q", a.Notices())
	}
	changed := false
	for i := 0; i < noticeTicks; i++ {
		changed = a.Tick() || changed
	}
	if len(a.Notices()) != 0 || !changed {
		t.Errorf("after %d ticks: notices %q, changed %v", noticeTicks, a.Notices(), changed)
	}
}

func TestMissingGlyphsNotice(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // "" = no font notice
	}{
		{"plain ascii", ""},
		{"注意 is attention", "font: no font here draws Han (U+6CE8 U+610F) (left blank)"},
		{"😀😀 a b c d e ✓", "font: no font here draws emoji and symbols (U+1F600 U+2713)"},
		{"αβγδεζ", "font: no font here draws Greek (U+03B1 U+03B2 U+03B3 U+03B4 …)"},
		{"שלום مرحبا", "font: no font here draws Arabic, Hebrew (U+05E9 U+05DC U+05D5 U+05DD …)"},
		{"cafe\u0301 déjà", ""}, // e + combining acute draws as é (NFC), which the font has
		{"x\u0301", "font: no font here draws combining marks (U+0301)"}, // no composed form: the accent itself
	} {
		s := DefaultSettings()
		s.Text = tc.text
		a := New(s, nil)
		a.SetFrame(Frame{W: 1280, H: 800, Scale: 1, HasGlyph: func(r rune) bool { return r < 0x100 }})
		a.Sync()
		got := ""
		for _, n := range a.Notices() {
			if strings.HasPrefix(n, "font:") {
				got = n
			}
		}
		if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q: font notice %q, want prefix %q", tc.text, got, tc.want)
		}
	}
}
