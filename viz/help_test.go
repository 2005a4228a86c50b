package viz

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// runeWidth measures text as one unit per rune, like a monospace face.
func runeWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) }

func TestWrapLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     string
		width float64
		want  []string
	}{
		{"fits", "short line", 20, []string{"short line"}},
		{"exactly fits", "0123456789", 10, []string{"0123456789"}},
		{"breaks at spaces", "one two three four", 9, []string{"one two", "  three", "  four"}},
		{"keeps the indent", "  ab cd ef gh", 8, []string{"  ab cd", "    ef", "    gh"}},
		{"long word alone", "a verylongword b", 6, []string{"a", "  verylongword", "  b"}},
		{"collapses runs of spaces", "a   b   c", 3, []string{"a b", "  c"}},
		{"unicode counted by rune", "÷√d_k ÷√d_k", 6, []string{"÷√d_k", "  ÷√d_k"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := WrapLine(tc.s, tc.width, runeWidth)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("WrapLine(%q, %g) = %q, want %q", tc.s, tc.width, got, tc.want)
			}
		})
	}
}

// Wrapping loses no word and keeps every line within the width unless the
// line is one word that cannot fit, for every help line at many widths.
func TestWrapLineKeepsEveryWord(t *testing.T) {
	for _, s := range HelpLines() {
		for width := 12.0; width <= 200; width += 7 {
			lines := WrapLine(s, width, runeWidth)
			var words []string
			for _, l := range lines {
				if runeWidth(l) > width && len(strings.Fields(l)) > 1 {
					t.Errorf("width %g: line %q is %g wide", width, l, runeWidth(l))
				}
				words = append(words, strings.Fields(l)...)
			}
			if strings.Join(words, " ") != strings.Join(strings.Fields(s), " ") {
				t.Fatalf("width %g: words of %q changed to %q", width, s, lines)
			}
		}
	}
}

// The help overlay teaches, not only lists keys: it says the weights are
// random (untrained) and names an experiment for each idea of the course
// module (order and positions, causal generation, padding, scaling, heads).
func TestHelpNamesTheExperiments(t *testing.T) {
	text := strings.ToLower(strings.Join(HelpLines(), "\n"))
	for _, want := range []string{"not trained", "positional encoding to none", "causal", "<pad>", "÷√d_k off", "each head"} {
		if !strings.Contains(text, strings.ToLower(want)) {
			t.Errorf("help lacks %q", want)
		}
	}
}
