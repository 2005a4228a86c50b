package viz

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestDisplayText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain ascii unchanged", "attention is all", "attention is all"},
		{"empty", "", ""},
		{"e acute", "cafe\u0301", "café"},
		{"each accent in the table", "a\u0300 e\u0301 o\u0302 n\u0303 u\u0308 a\u030A c\u0327 s\u030C", "à é ô ñ ü å ç š"},
		{"capitals", "E\u0301COLE A\u030ANGSTRO\u0308M", "ÉCOLE ÅNGSTRÖM"},
		{"already precomposed stays", "déjà vu", "déjà vu"},
		{"letter without a composed form keeps the mark", "x\u0301", "x\u0301"},
		{"mark outside the table keeps the mark", "e\u0323", "e\u0323"},
		{"non-ASCII base keeps the mark", "\u03B1\u0301", "\u03B1\u0301"},
		{"mark at the start", "\u0301e", "\u0301e"},
		{"second mark stays", "e\u0301\u0301", "é\u0301"},
		{"mark after a digit", "1\u0301", "1\u0301"},
		{"mark after a space", "a \u0301", "a \u0301"},
		{"invalid UTF-8 before a mark", "\xffe\u0301", "\uFFFDé"},
	} {
		if got := DisplayText(tc.in); got != tc.want {
			t.Errorf("%s: DisplayText(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// Every ASCII letter with every accent of the table composes exactly as
// Unicode NFC (x/text's norm, used here only as the reference) does.
func TestDisplayTextMatchesNFCForLatinPairs(t *testing.T) {
	marks := []rune{0x0300, 0x0301, 0x0302, 0x0303, 0x0308, 0x030A, 0x0327, 0x030C}
	composed := 0
	for _, m := range marks {
		for _, letters := range []string{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"} {
			for _, b := range letters {
				in := string(b) + string(m)
				want := norm.NFC.String(in)
				if got := DisplayText(in); got != want {
					t.Errorf("DisplayText(%q) = %q, NFC gives %q", in, got, want)
				}
				if utf8.RuneCountInString(want) == 1 {
					composed++
				}
			}
		}
	}
	if composed < 150 { // the table holds 172 pairs; NFC must compose most of them
		t.Errorf("only %d letter+accent pairs compose", composed)
	}
}
