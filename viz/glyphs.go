package viz

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// DisplayText is s as drawn: composed (NFC), so a letter followed by a
// combining accent ("e" + U+0301) draws as the one glyph the font has ("é").
// Tokens keep their own bytes; only the drawing changes.
func DisplayText(s string) string { return norm.NFC.String(s) }

// MissingGlyphs names the characters of text (as drawn) that the font
// lacks, by script and code point, since the notice itself cannot draw
// them: "Hebrew (U+05E9 U+05DC …)". "" when every character is drawn.
func MissingGlyphs(text string, has func(rune) bool) string {
	const show = 4
	var codes []string
	scripts := map[string]bool{}
	seen := map[rune]bool{}
	for _, r := range DisplayText(text) {
		if r <= ' ' || seen[r] || has(r) {
			continue
		}
		seen[r] = true
		if len(codes) < show {
			codes = append(codes, "U+"+strings.ToUpper(strconv.FormatInt(int64(r), 16)))
			for len(codes[len(codes)-1]) < 6 {
				codes[len(codes)-1] = "U+0" + codes[len(codes)-1][2:]
			}
		}
		scripts[scriptOf(r)] = true
	}
	if len(seen) == 0 {
		return ""
	}
	if len(seen) > len(codes) {
		codes = append(codes, "…")
	}
	names := make([]string, 0, len(scripts))
	for s := range scripts {
		names = append(names, s)
	}
	sort.Strings(names)
	return strings.Join(names, ", ") + " (" + strings.Join(codes, " ") + ")"
}

// scriptOf names r's Unicode script, "emoji and symbols" for symbols.
func scriptOf(r rune) string {
	for _, name := range scriptNames {
		if unicode.Is(unicode.Scripts[name], r) {
			if name == "Common" || name == "Inherited" {
				break
			}
			return name
		}
	}
	if unicode.Is(unicode.Mn, r) {
		return "combining marks"
	}
	if unicode.IsSymbol(r) || r >= 0x1F000 {
		return "emoji and symbols"
	}
	return "other characters"
}

var scriptNames = func() []string {
	var s []string
	for name := range unicode.Scripts {
		s = append(s, name)
	}
	sort.Strings(s)
	return s
}()
