// Package tokenize splits text into the tokens that attnviz attends over:
// words and punctuation (word level) or characters (character level).
//
// It is deliberately simple and transparent, so a learner can predict it:
// no sub-word vocabulary, no lower-casing. Combining marks, variation
// selectors and zero-width-joiner sequences stay with the character they
// modify, so "é" written as e + U+0301 and "👩‍💻" are one token each.
package tokenize

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind selects a tokenizer.
type Kind string

const (
	Word Kind = "word" // words and punctuation marks
	Char Kind = "char" // characters (grapheme-like clusters), spaces included
)

// PadToken is the token that marks padding. "[PAD]" is accepted as well.
const PadToken = "<pad>"

// MaxTextBytes bounds the text accepted, to keep a giant paste from stalling.
const MaxTextBytes = 64 * 1024

// Token is one token and where it came from in the text.
type Token struct {
	Text       string // the token as written
	Start, End int    // byte offsets in the input text: text[Start:End] == Text (padding added by Pad has Start == End)
}

// IsPad reports whether the token marks padding.
func (t Token) IsPad() bool { return t.Text == PadToken || t.Text == "[PAD]" }

// ParseKind checks a tokenizer name.
func ParseKind(s string) (Kind, error) {
	switch Kind(s) {
	case Word, Char:
		return Kind(s), nil
	}
	return "", fmt.Errorf("tokenizer: expected word or char, got %q", s)
}

// Split tokenizes text with the given kind. Each invalid UTF-8 byte becomes
// a token of its own (shown as U+FFFD), not an error; text longer than
// MaxTextBytes is refused.
func Split(text string, kind Kind) ([]Token, error) {
	if len(text) > MaxTextBytes {
		return nil, fmt.Errorf("text: %d bytes is more than the limit of %d", len(text), MaxTextBytes)
	}
	switch kind {
	case Word:
		return Words(text), nil
	case Char:
		return Chars(text), nil
	}
	return nil, fmt.Errorf("tokenizer: expected word or char, got %q", kind)
}

// Words splits text into words and single punctuation or symbol marks.
// Whitespace separates tokens and is dropped. An apostrophe between letters
// stays inside the word ("don't"). "<pad>" and "[PAD]" are single tokens.
func Words(text string) []Token { return split(text, wordEnd) }

// Chars splits text into characters: each rune with the combining marks,
// variation selectors and joined runes that follow it. Spaces are tokens.
// "<pad>" and "[PAD]" are single tokens.
func Chars(text string) []Token {
	return split(text, func(text string, i int) (int, bool) { return clusterEnd(text, i), true })
}

// split cuts text into tokens: a pad marker is always one token; otherwise
// next(text, i) gives the end of the piece starting at i and whether that
// piece is a token (false: it is dropped, like whitespace between words).
func split(text string, next func(text string, i int) (end int, keep bool)) []Token {
	var toks []Token
	for i := 0; i < len(text); {
		end, keep := i+padAt(text, i), true
		if end == i {
			end, keep = next(text, i)
		}
		if keep {
			toks = append(toks, Token{text[i:end], i, end})
		}
		i = end
	}
	return toks
}

// wordEnd returns the end of the word, mark or whitespace starting at i;
// whitespace is not kept.
func wordEnd(text string, i int) (int, bool) {
	r, size := utf8.DecodeRuneInString(text[i:])
	switch {
	case unicode.IsSpace(r):
		return i + size, false
	case isWordRune(r):
		i += size
		for i < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r2) || isExtend(r2) {
				i += s2
				continue
			}
			if isApostrophe(r2) && i+s2 < len(text) {
				if r3, _ := utf8.DecodeRuneInString(text[i+s2:]); isWordRune(r3) {
					i += s2
					continue
				}
			}
			break
		}
		return i, true
	}
	return clusterEnd(text, i), true
}

// Pad appends PadToken until there are n tokens (no-op if already >= n).
func Pad(toks []Token, n int, textLen int) []Token {
	for len(toks) < n {
		toks = append(toks, Token{PadToken, textLen, textLen})
	}
	return toks
}

// clusterEnd returns the end of the character cluster starting at i.
func clusterEnd(text string, i int) int {
	first, size := utf8.DecodeRuneInString(text[i:])
	i += size
	if isRegional(first) && i < len(text) {
		// A flag is two regional indicators.
		if r, s := utf8.DecodeRuneInString(text[i:]); isRegional(r) {
			i += s
		}
	}
	joined := false
	for i < len(text) {
		r, s := utf8.DecodeRuneInString(text[i:])
		if isExtend(r) || joined {
			joined = r == zwj
			i += s
			continue
		}
		break
	}
	return i
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

const zwj = '\u200d'

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

// isExtend reports runes that modify the previous one rather than start a new
// character: combining marks, variation selectors, ZWJ, emoji skin tones.
func isExtend(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || r == zwj ||
		(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' }

// padAt returns the length of a pad marker starting at i, or 0.
func padAt(text string, i int) int {
	for _, p := range []string{PadToken, "[PAD]"} {
		if strings.HasPrefix(text[i:], p) {
			return len(p)
		}
	}
	return 0
}
