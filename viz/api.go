package viz

import (
	"github.com/attnviz/attnviz/core/pipeline"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The JSON the JavaScript API returns (see notes/viz-contract.md), written
// by hand to keep encoding/json's reflection out of the wasm.

// TokensJSON is attnviz.tokens(): a JSON array of the token strings.
func (a *App) TokensJSON() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, t := range a.Tokens {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, t.Text)
	}
	b.WriteByte(']')
	return b.String()
}

// WeightsJSON is attnviz.weights(): the selected head's T x T weights.
func (a *App) WeightsJSON() string {
	var b strings.Builder
	b.WriteByte('[')
	if a.Trace != nil && a.Trace.Attention != nil && a.S.Head < len(a.Trace.Attention.Heads) {
		w := a.Trace.Attention.Heads[a.S.Head].Weights
		r, c := w.Dims()
		for i := 0; i < r; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			for j := 0; j < c; j++ {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(w.At(i, j), 'g', -1, 64))
			}
			b.WriteByte(']')
		}
	}
	b.WriteByte(']')
	return b.String()
}

// NoticesJSON is attnviz.notices().
func (a *App) NoticesJSON() string {
	var b strings.Builder
	writeJSONStrings(&b, a.Notices())
	return b.String()
}

// StateJSON is attnviz.state(); drawn is the version of the last drawn frame.
func (a *App) StateJSON(drawn int) string {
	s := a.S
	var b strings.Builder
	b.WriteString(`{"text":`)
	writeJSONString(&b, s.Text)
	b.WriteString(`,"dmodel":` + strconv.Itoa(s.DModel))
	b.WriteString(`,"heads":` + strconv.Itoa(s.Heads))
	b.WriteString(`,"mask":`)
	writeJSONString(&b, string(s.Mask))
	b.WriteString(`,"pe":`)
	writeJSONString(&b, string(s.PE))
	b.WriteString(`,"seed":` + strconv.FormatInt(s.Seed, 10))
	b.WriteString(`,"tokenizer":`)
	writeJSONString(&b, string(s.Tokenizer))
	b.WriteString(`,"scale":`)
	writeJSONString(&b, onOff(s.Scale))
	b.WriteString(`,"temp":` + strconv.FormatFloat(s.Temp, 'g', -1, 64))
	b.WriteString(`,"head":` + strconv.Itoa(s.Head))
	p := "0"
	if s.Present {
		p = "1"
	}
	b.WriteString(`,"present":` + p)
	b.WriteString(`,"cmask":`) // the custom mask's rows ("10,11"), "" unless mask=custom
	cmask := ""
	if s.Mask == pipeline.MaskCustom {
		cmask = s.CMask
	}
	writeJSONString(&b, cmask)
	b.WriteString(`,"version":` + strconv.Itoa(a.version))
	b.WriteString(`,"drawnVersion":` + strconv.Itoa(drawn))
	b.WriteString(`,"notices":`)
	writeJSONStrings(&b, a.Notices())
	b.WriteByte('}')
	return b.String()
}

func writeJSONStrings(b *strings.Builder, ss []string) {
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, s)
	}
	b.WriteByte(']')
}

// writeJSONString writes s as a JSON string (invalid UTF-8 becomes U+FFFD).
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			b.WriteString(`\u`)
			b.WriteByte(hex[r>>12&0xf])
			b.WriteByte(hex[r>>8&0xf])
			b.WriteByte(hex[r>>4&0xf])
			b.WriteByte(hex[r&0xf])
		case r == utf8.RuneError:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// LayoutJSON is the desktop -layout file: every heatmap panel with the
// screen position and size of its cells (notes/viz-contract.md).
func (l *Layout) JSON() string {
	if l == nil {
		return `{"width":0,"height":0,"panels":[]}`
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	var b strings.Builder
	b.WriteString(`{"width":` + f(l.W) + `,"height":` + f(l.H) + `,"panels":[`)
	for i, p := range l.Panels {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":`)
		writeJSONString(&b, p.ID)
		b.WriteString(`,"head":` + strconv.Itoa(p.Head))
		b.WriteString(`,"x":` + f(p.R.X) + `,"y":` + f(p.R.Y) + `,"w":` + f(p.R.W) + `,"h":` + f(p.R.H))
		b.WriteString(`,"rows":` + strconv.Itoa(p.Rows) + `,"cols":` + strconv.Itoa(p.Cols))
		b.WriteString(`,"cellX":` + f(p.Grid.X) + `,"cellY":` + f(p.Grid.Y) + `,"cellW":` + f(p.CellW) + `,"cellH":` + f(p.CellH) + `}`)
	}
	b.WriteString(`]}`)
	return b.String()
}
