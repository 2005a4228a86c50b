package viz

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DisplayText is s as drawn: an ASCII letter followed by one of the common
// combining accents ("e" + U+0301) becomes the one precomposed glyph the font
// has ("é"), as Unicode NFC composes it. Only the pairs in latinCompositions
// compose (a small table instead of x/text's norm tables, which cost the wasm
// about 190 KB); everything else stays as typed. Tokens keep their own bytes;
// only the drawing changes.
func DisplayText(s string) string {
	if strings.IndexByte(s, 0xCC) < 0 { // every mark in the table is U+03xx: UTF-8 0xCC 0x80-0xBF
		return s
	}
	out := make([]byte, 0, len(s))
	base := -1 // where out holds an ASCII letter that the next rune may compose with
	for _, r := range s {
		if base >= 0 {
			if c := composeLatin(rune(out[base]), r); c != 0 {
				out = utf8.AppendRune(out[:base], c)
				base = -1
				continue
			}
		}
		base = -1
		if r < utf8.RuneSelf && ('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') {
			base = len(out)
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

// composeLatin is the precomposed form of base + mark, 0 when there is none
// in latinCompositions.
func composeLatin(base, mark rune) rune {
	pairs, ok := latinCompositions[mark]
	if !ok {
		return 0
	}
	odd, prev := false, rune(-1)
	for _, r := range pairs {
		if odd && prev == base {
			return r
		}
		odd, prev = !odd, r
	}
	return 0
}

// latinCompositions lists, for each combining accent, the ASCII letters it
// composes with under NFC, each followed by the composed letter.
var latinCompositions = map[rune]string{
	0x0300: "AÀEÈIÌNǸOÒUÙWẀYỲaàeèiìnǹoòuùwẁyỳ",                                     // grave
	0x0301: "AÁCĆEÉGǴIÍKḰLĹMḾNŃOÓPṔRŔSŚUÚWẂYÝZŹaácćeégǵiíkḱlĺmḿnńoópṕrŕsśuúwẃyýzź", // acute
	0x0302: "AÂCĈEÊGĜHĤIÎJĴOÔSŜUÛWŴYŶZẐaâcĉeêgĝhĥiîjĵoôsŝuûwŵyŷzẑ",                 // circumflex
	0x0303: "AÃEẼIĨNÑOÕUŨVṼYỸaãeẽiĩnñoõuũvṽyỹ",                                     // tilde
	0x0308: "AÄEËHḦIÏOÖUÜWẄXẌYŸaäeëhḧiïoötẗuüwẅxẍyÿ",                               // diaeresis
	0x030A: "AÅUŮaåuůwẘyẙ",                                                         // ring above
	0x0327: "CÇDḐEȨGĢHḨKĶLĻNŅRŖSŞTŢcçdḑeȩgģhḩkķlļnņrŗsştţ",                         // cedilla
	0x030C: "AǍCČDĎEĚGǦHȞIǏKǨLĽNŇOǑRŘSŠTŤUǓZŽaǎcčdďeěgǧhȟiǐjǰkǩlľnňoǒrřsštťuǔzž",   // caron
}

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
