package tokenize

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func texts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		text string
		want []string
	}{
		{"words and punctuation", Word, "The cat sat, on the mat.", []string{"The", "cat", "sat", ",", "on", "the", "mat", "."}},
		{"no lower-casing", Word, "Cat cat", []string{"Cat", "cat"}},
		{"runs of punctuation split", Word, "wait...?!", []string{"wait", ".", ".", ".", "?", "!"}},
		{"digits and underscore are word runes", Word, "x_1 = 42", []string{"x_1", "=", "42"}},
		{"whitespace of all kinds is dropped", Word, " a\tb\nc\u00a0d ", []string{"a", "b", "c", "d"}},
		{"apostrophe inside a word", Word, "don't", []string{"don't"}},
		{"typographic apostrophe inside a word", Word, "it\u2019s", []string{"it\u2019s"}},
		{"quotes around a word", Word, "'quoted'", []string{"'", "quoted", "'"}},
		{"trailing apostrophe", Word, "cats' toys", []string{"cats", "'", "toys"}},
		{"rock 'n' roll", Word, "rock 'n' roll", []string{"rock", "'", "n", "'", "roll"}},
		{"pad markers", Word, "a <pad> [PAD]", []string{"a", "<pad>", "[PAD]"}},
		{"pad marker glued to a word", Word, "a<pad><pad>", []string{"a", "<pad>", "<pad>"}},
		{"other casing is not a pad marker", Word, "<PAD>", []string{"<", "PAD", ">"}},
		{"combining accent stays in the word", Word, "cafe\u0301 ok", []string{"cafe\u0301", "ok"}},
		{"ZWJ emoji is one token", Word, "I \U0001F469\u200d\U0001F4BB!", []string{"I", "\U0001F469\u200d\U0001F4BB", "!"}},
		{"skin tone stays with its emoji", Word, "\U0001F44D\U0001F3FD", []string{"\U0001F44D\U0001F3FD"}},
		{"flags are pairs of regional indicators", Word, "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EA", []string{"\U0001F1EB\U0001F1F7", "\U0001F1E9\U0001F1EA"}},
		{"odd regional indicator stands alone", Word, "\U0001F1EB\U0001F1F7\U0001F1E9", []string{"\U0001F1EB\U0001F1F7", "\U0001F1E9"}},
		{"Hebrew", Word, "שלום עולם!", []string{"שלום", "עולם", "!"}},
		{"Arabic with vowel marks and comma", Word, "مَرْحَبًا، بالعالم", []string{"مَرْحَبًا", "،", "بالعالم"}},
		{"Devanagari virama and vowel signs", Word, "नमस्ते", []string{"नमस्ते"}},
		{"empty", Word, "", nil},
		{"only spaces", Word, "   ", nil},

		{"chars keep spaces", Char, "ab c", []string{"a", "b", " ", "c"}},
		{"e + combining acute is one char", Char, "e\u0301x", []string{"e\u0301", "x"}},
		{"ZWJ sequence is one char", Char, "\U0001F469\u200d\U0001F4BB\U0001F469", []string{"\U0001F469\u200d\U0001F4BB", "\U0001F469"}},
		{"family emoji with several joiners", Char, "\U0001F468\u200d\U0001F469\u200d\U0001F467", []string{"\U0001F468\u200d\U0001F469\u200d\U0001F467"}},
		{"variation selector stays", Char, "\u2764\ufe0f!", []string{"\u2764\ufe0f", "!"}},
		{"flags as chars", Char, "\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EA", []string{"\U0001F1EB\U0001F1F7", "\U0001F1E9\U0001F1EA"}},
		{"Arabic letters keep their marks", Char, "مَرْ", []string{"مَ", "رْ"}},
		{"Hebrew chars", Char, "שלום", []string{"ש", "ל", "ו", "ם"}},
		{"pad markers in char mode", Char, "a<pad>[PAD]", []string{"a", "<pad>", "[PAD]"}},
		{"empty chars", Char, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			toks, err := Split(tc.text, tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			got := texts(toks)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("Split(%q, %s) = %q, want %q", tc.text, tc.kind, got, tc.want)
			}
			checkOffsets(t, tc.text, tc.kind, toks)
		})
	}
}

func TestInvalidUTF8(t *testing.T) {
	text := "a\xffb \xfe\xfd"
	for _, kind := range []Kind{Word, Char} {
		toks, err := Split(text, kind)
		if err != nil {
			t.Fatalf("%s: invalid UTF-8 must not be an error: %v", kind, err)
		}
		checkOffsets(t, text, kind, toks)
		bad := 0
		for _, tok := range toks {
			if !utf8.ValidString(tok.Text) {
				bad++
				if len(tok.Text) != 1 {
					t.Errorf("%s: invalid byte token %q should hold one byte", kind, tok.Text)
				}
			}
		}
		if bad != 3 {
			t.Errorf("%s: %d tokens of invalid bytes, want 3 (one per byte): %q", kind, bad, texts(toks))
		}
	}
}

func TestIsPad(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{{"<pad>", true}, {"[PAD]", true}, {"<PAD>", false}, {"pad", false}, {"[pad]", false}, {"", false}} {
		if got := (Token{Text: tc.text}).IsPad(); got != tc.want {
			t.Errorf("IsPad(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestPad(t *testing.T) {
	toks := Words("a b")
	got := Pad(toks, 4, 3)
	if want := []string{"a", "b", PadToken, PadToken}; strings.Join(texts(got), " ") != strings.Join(want, " ") {
		t.Fatalf("Pad = %q, want %q", texts(got), want)
	}
	for _, tok := range got[2:] {
		if !tok.IsPad() || tok.Start != 3 || tok.End != 3 {
			t.Errorf("added pad %+v: want IsPad and Start = End = len(text)", tok)
		}
	}
	if got := Pad(Words("a b c"), 2, 5); len(got) != 3 {
		t.Errorf("Pad to fewer tokens changed the count to %d", len(got))
	}
}

func TestSplitRefuses(t *testing.T) {
	limit := strings.Repeat("a ", MaxTextBytes/2)
	if _, err := Split(limit, Word); err != nil {
		t.Fatalf("text of exactly MaxTextBytes refused: %v", err)
	}
	for _, tc := range []struct {
		name, text string
		kind       Kind
		prefix     string
	}{
		{"one byte over the limit", limit + "a", Word, "text: "},
		{"over the limit in char mode", limit + "a", Char, "text: "},
		{"unknown tokenizer", "abc", Kind("bpe"), "tokenizer: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			toks, err := Split(tc.text, tc.kind)
			if err == nil || !strings.HasPrefix(err.Error(), tc.prefix) {
				t.Fatalf("want an error starting %q, got %v (%d tokens)", tc.prefix, err, len(toks))
			}
		})
	}
	if _, err := ParseKind("chars"); err == nil {
		t.Error("ParseKind accepted an unknown name")
	}
}

// checkOffsets: text[Start:End] == Text, tokens in order without overlap;
// char mode covers every byte, word mode skips only whitespace.
func checkOffsets(t *testing.T, text string, kind Kind, toks []Token) {
	t.Helper()
	pos := 0
	for i, tok := range toks {
		if tok.Start < pos || tok.End <= tok.Start || tok.End > len(text) {
			t.Fatalf("token %d %q has offsets %d..%d after %d (text %d bytes)", i, tok.Text, tok.Start, tok.End, pos, len(text))
		}
		if text[tok.Start:tok.End] != tok.Text {
			t.Fatalf("token %d: text[%d:%d] = %q, Text = %q", i, tok.Start, tok.End, text[tok.Start:tok.End], tok.Text)
		}
		gap := text[pos:tok.Start]
		if kind == Char && gap != "" {
			t.Fatalf("char mode skipped %q before token %d", gap, i)
		}
		if strings.TrimFunc(gap, unicode.IsSpace) != "" {
			t.Fatalf("word mode dropped non-space %q before token %d", gap, i)
		}
		pos = tok.End
	}
	if rest := text[pos:]; (kind == Char && rest != "") || strings.TrimFunc(rest, unicode.IsSpace) != "" {
		t.Fatalf("%s mode dropped the tail %q", kind, rest)
	}
}

var pieces = []string{
	"a", "Z", "7", "_", " ", "\t", "\n", ".", ",", "'", "\u2019", "-", "<pad>", "[PAD]", "<", ">",
	"\u0301", "\u200d", "\ufe0f", "\U0001F3FD", "\U0001F469", "\U0001F4BB", "\U0001F1EB", "\U0001F1F7",
	"ש", "م", "\u064e", "न", "\u094d", "é", "\xff", "\xc3", "\xe2\x82", "中",
}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for n := rng.IntN(30); n > 0; n-- {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

func TestOffsetsRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := 0; n < 2000; n++ {
		text := randomText(rng)
		for _, kind := range []Kind{Word, Char} {
			toks, err := Split(text, kind)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			checkOffsets(t, text, kind, toks)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("the cat sat on the mat")
	f.Add("don't <pad> [PAD] e\u0301 \U0001F469\u200d\U0001F4BB \U0001F1EB\U0001F1F7")
	f.Add("a\xff\u200d\xfe")
	f.Add("שלום، مَرْحَبًا")
	f.Fuzz(func(t *testing.T, text string) {
		for _, kind := range []Kind{Word, Char} {
			toks, err := Split(text, kind)
			if err != nil {
				if len(text) <= MaxTextBytes {
					t.Fatalf("%s: %v", kind, err)
				}
				continue
			}
			checkOffsets(t, text, kind, toks)
		}
	})
}
