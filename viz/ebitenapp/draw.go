package ebitenapp

import (
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/attnviz/attnviz/viz"
)

// theme is the page's colours; presentation mode uses high contrast.
type theme struct {
	bg, fg, muted, line, accent, chip, notice, noticeFg, panelBg color.RGBA
}

var (
	lightTheme = theme{
		bg: rgb(0xfb, 0xfb, 0xf8), fg: rgb(0x1a, 0x1a, 0x1a), muted: rgb(0x5a, 0x5a, 0x5a), line: rgb(0x9a, 0x9a, 0x9a),
		accent: rgb(0xd9, 0x5f, 0x02), chip: rgb(0xea, 0xea, 0xe4), notice: rgb(0xff, 0xf1, 0xc9), noticeFg: rgb(0x4a, 0x33, 0x00),
		panelBg: rgb(0xff, 0xff, 0xff),
	}
	presentTheme = theme{
		bg: rgb(0, 0, 0), fg: rgb(0xff, 0xff, 0xff), muted: rgb(0xe0, 0xe0, 0xe0), line: rgb(0xff, 0xff, 0xff),
		accent: rgb(0xff, 0xb0, 0x00), chip: rgb(0x30, 0x30, 0x30), notice: rgb(0xff, 0xe0, 0x60), noticeFg: rgb(0, 0, 0),
		panelBg: rgb(0, 0, 0),
	}
)

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

func (g *Game) theme() theme {
	if g.app.S.Present {
		return presentTheme
	}
	return lightTheme
}

// fillRect fills r with c: one quad (vector's path filling costs more per
// rectangle, and a frame draws a few hundred).
func fillRect(dst *ebiten.Image, r viz.Rect, c color.RGBA) {
	rects.reset()
	rects.add(r)
	rects.draw(dst, c)
}

// strokeRect draws a frame of width w centred on r's edges (as
// vector.StrokeRect with square corners): four quads in one draw.
func strokeRect(dst *ebiten.Image, r viz.Rect, w float64, c color.RGBA) {
	h := w / 2
	rects.reset()
	rects.add(viz.Rect{X: r.X - h, Y: r.Y - h, W: r.W + w, H: w})
	rects.add(viz.Rect{X: r.X - h, Y: r.Y + r.H - h, W: r.W + w, H: w})
	rects.add(viz.Rect{X: r.X - h, Y: r.Y + h, W: w, H: r.H - w})
	rects.add(viz.Rect{X: r.X + r.W - h, Y: r.Y + h, W: w, H: r.H - w})
	rects.draw(dst, c)
}

// quadBatch draws rectangles of one colour from a white pixel, in one
// DrawTriangles call; its buffers are reused frame after frame.
type quadBatch struct {
	vs []ebiten.Vertex
	is []uint16
}

var (
	rects      quadBatch
	whitePixel *ebiten.Image // the centre of a 3x3 white image (no filtering bleeds in)
)

func (q *quadBatch) reset() { q.vs, q.is = q.vs[:0], q.is[:0] }

func (q *quadBatch) add(r viz.Rect) {
	if r.W <= 0 || r.H <= 0 {
		return
	}
	n := uint16(len(q.vs))
	x0, y0, x1, y1 := float32(r.X), float32(r.Y), float32(r.X+r.W), float32(r.Y+r.H)
	for _, p := range [4][2]float32{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
		q.vs = append(q.vs, ebiten.Vertex{DstX: p[0], DstY: p[1], SrcX: 1.5, SrcY: 1.5})
	}
	q.is = append(q.is, n, n+1, n+2, n+1, n+3, n+2)
}

func (q *quadBatch) draw(dst *ebiten.Image, c color.RGBA) {
	if len(q.vs) == 0 {
		return
	}
	if whitePixel == nil {
		img := ebiten.NewImage(3, 3)
		img.Fill(color.White)
		whitePixel = img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
	}
	// color.RGBA is premultiplied, as the vertex colours are read here.
	cr, cg, cb, ca := float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, float32(c.A)/255
	for i := range q.vs {
		q.vs[i].ColorR, q.vs[i].ColorG, q.vs[i].ColorB, q.vs[i].ColorA = cr, cg, cb, ca
	}
	op := &ebiten.DrawTrianglesOptions{ColorScaleMode: ebiten.ColorScaleModePremultipliedAlpha}
	dst.DrawTriangles(q.vs, q.is, whitePixel, op)
}

// drawText draws s with its top-left at (x, y).
func drawText(dst *ebiten.Image, s string, f *face, x, y float64, c color.Color) {
	single.reset(f)
	single.at(s, x, y, c)
	single.flush(dst)
}

// fit shortens s with "…" until it is at most w pixels wide.
func fit(s string, f *face, w float64) string {
	if w <= 0 {
		return ""
	}
	if textAdvance(s, f) <= w {
		return s
	}
	r := []rune(s)
	if len(r) > 400 {
		r = r[:400]
	}
	lo, hi := 0, len(r) // binary search the longest prefix that fits
	for lo < hi {
		m := (lo + hi + 1) / 2
		if textAdvance(string(r[:m])+"…", f) <= w {
			lo = m
		} else {
			hi = m - 1
		}
	}
	if lo == 0 {
		return ""
	}
	return string(r[:lo]) + "…"
}

func (g *Game) draw(screen *ebiten.Image) {
	a, l, th := g.app, g.app.L, g.theme()
	screen.Fill(th.bg)
	face := g.fonts.face(l.Font)
	small := g.fonts.face(l.Small)
	u := l.U

	// Header: name and control buttons.
	drawText(screen, "attnviz", g.fonts.face(l.Font*1.2), l.Title.X, l.Title.Y+2*u, th.fg)
	hover := l.HitTest(float64(g.lastMouse.X), float64(g.lastMouse.Y))
	for _, b := range l.Buttons {
		bg := th.chip
		if hover.Kind == viz.HitButton && hover.ID == b.ID {
			bg = th.notice
		}
		fillRect(screen, b.R, bg)
		strokeRect(screen, b.R, u, th.line)
		fg := th.fg
		if hover.Kind == viz.HitButton && hover.ID == b.ID {
			fg = th.noticeFg
		}
		drawText(screen, fit(b.Label, face, b.R.W-8*u), face, b.R.X+8*u, b.R.Y+3*u, fg)
	}

	g.drawTextBox(screen, face)

	// Token chips.
	for _, c := range l.Chips {
		bg, fg := th.chip, th.fg
		if c.Index == a.SelToken {
			bg, fg = th.accent, rgb(0xff, 0xff, 0xff)
		}
		fillRect(screen, c.R, bg)
		lab := fit(c.Label, face, c.R.W-8*u)
		drawText(screen, lab, face, c.R.X+(c.R.W-textAdvance(lab, face))/2, c.R.Y+2*u, fg)
	}
	if l.ChipsMore.R.W > 0 {
		drawText(screen, l.ChipsMore.Label, small, l.ChipsMore.R.X+6*u, l.ChipsMore.R.Y+4*u, th.muted)
	}

	// Pipeline bands: formula line and token labels of the rows.
	for _, b := range l.Bands {
		if b.Formula.H > 0 {
			drawText(screen, fit(b.Text, small, b.Formula.W), small, b.Formula.X, b.Formula.Y+2*u, th.muted)
		}
		g.rowLabels(screen, b, small, th)
	}
	for i := range l.Panels {
		g.drawPanel(screen, &l.Panels[i], small, th)
	}

	if len(a.Tokens) == 0 && len(l.Bands) == 3 {
		// Nothing to show yet: say what will appear.
		b := l.Bands[2]
		y := b.Labels.Y + 3*l.Line
		big := g.fonts.face(l.Font * 1.3)
		for _, s := range []string{
			"Type a sentence in the box above.",
			"Each word (or character) becomes a token, and every panel shows one step of self-attention:",
			"embeddings → + positions → Q, K, V → scores → mask → softmax weights → outputs.",
		} {
			drawText(screen, fit(s, big, b.Formula.W), big, b.Formula.X, y, th.muted)
			y += l.Line * 1.5
		}
	}

	// All heads title and legends.
	drawText(screen, fit("all heads — click one to see it in detail", small, l.HeadsTitle.W), small, l.HeadsTitle.X, l.HeadsTitle.Y+2*u, th.muted)
	for i, b := range l.Legends {
		g.drawLegend(screen, b, g.legends[i], i == 1, small, th)
	}

	// Notices: over the top of the pipeline when there are several (the
	// layout reserves one line, so panels never move). Without notices, the
	// line shows the attention formula when the bands had no room for theirs.
	if l.NoticeRows == 0 && len(l.Bands) == 3 && l.Bands[1].Formula.H == 0 && len(a.Tokens) > 0 {
		drawText(screen, fit(l.Bands[1].Text, small, l.Notices.W-12*u), small, l.Notices.X+6*u, l.Notices.Y+2*u+(l.Line-l.Small*1.3)/2, th.muted)
	}
	if l.NoticeRows > 0 {
		fillRect(screen, l.NoticeArea, th.notice)
		if l.NoticeRows > 1 {
			strokeRect(screen, l.NoticeArea, math.Max(1, u), th.noticeFg)
		}
		ns := a.Notices()
		for i := 0; i < l.NoticeRows && i < len(ns); i++ {
			s := "• " + ns[i]
			if i == l.NoticeRows-1 && len(ns) > l.NoticeRows {
				s = "• …and " + strconv.Itoa(len(ns)-i) + " more notices (click here, or x after Esc, clears)"
			}
			drawText(screen, fit(s, face, l.NoticeArea.W-12*u), face, l.NoticeArea.X+6*u, l.NoticeArea.Y+2*u+float64(i)*l.Line, th.noticeFg)
		}
	}
	g.drawStatus(screen, face, small, th)
	if a.Help {
		g.drawHelp(screen, face, th)
	}
}

func (g *Game) drawTextBox(screen *ebiten.Image, face *face) {
	a, l, th := g.app, g.app.L, g.theme()
	u := l.U
	r := l.TextBox
	fillRect(screen, r, th.panelBg)
	bw, bc := u, th.line
	if a.Editing && !a.Help {
		bw, bc = 2*u, th.accent
	}
	strokeRect(screen, r, bw, bc)
	mode := "typing · Esc: shortcuts"
	if !a.Editing {
		mode = "shortcuts · Enter: type"
	}
	small := g.fonts.face(l.Small)
	mw := textAdvance(mode, small)
	drawText(screen, mode, small, r.X+r.W-mw-8*u, r.Y+(r.H-l.Small*1.3)/2, th.muted)
	inner := r.W - mw - 28*u
	ty := r.Y + (r.H-l.Line)/2 + u
	txt := a.S.Text
	cur := min(a.Cursor, len(txt))
	if c, s, _, ok := g.composition(); ok { // IME text being composed
		txt = c
		cur = min(cur+s, len(txt))
	}
	if txt == "" {
		drawText(screen, "type a sentence…", face, r.X+8*u, ty, th.muted)
	}
	// Show a window of the text around the cursor.
	from := cur
	for n := 0; n < 300 && from > 0; n++ {
		_, k := utf8.DecodeLastRuneInString(txt[:from])
		from -= k
	}
	to := cur
	for n := 0; n < 300 && to < len(txt); n++ {
		_, k := utf8.DecodeRuneInString(txt[to:])
		to += k
	}
	before := viz.DisplayText(strings.ReplaceAll(txt[from:cur], "\n", " "))
	after := viz.DisplayText(strings.ReplaceAll(txt[cur:to], "\n", " "))
	bx := textAdvance(before, face)
	shift := 0.0
	if bx > inner-20*u {
		shift = bx - (inner - 20*u)
	}
	// draw the visible part: cut the prefix that scrolled out
	vis := before
	for shift > 0 && vis != "" {
		_, k := utf8.DecodeRuneInString(vis)
		w := textAdvance(vis[:k], face)
		vis = vis[k:]
		shift -= w
	}
	x := r.X + 8*u
	if shift < 0 {
		x -= shift + 0 // partial glyph scrolled out: start a bit right
	}
	if a.SelAll {
		sw := textAdvance(vis, face) + textAdvance(after, face)
		fillRect(screen, viz.Rect{X: x, Y: ty, W: math.Min(sw, inner), H: l.Line - 2*u}, th.notice)
	}
	drawText(screen, vis, face, x, ty, th.fg)
	cx := x + textAdvance(vis, face)
	drawText(screen, fit(after, face, r.X+inner-cx), face, cx, ty, th.fg)
	if a.Editing && !a.Help {
		cw := math.Max(1, 1.5*u)
		fillRect(screen, viz.Rect{X: cx - cw/2, Y: ty, W: cw, H: l.Line - 2*u}, th.accent)
	}
}

// composition returns the app's text with the IME composition in progress
// inserted at the cursor, and the composition's selection (relative to its
// start). The field's text is only what was committed through it, with the
// composition at its end.
func (g *Game) composition() (string, int, int, bool) {
	comp, s, e, ok := g.composing()
	if !ok {
		return "", 0, 0, false
	}
	t, c := g.app.S.Text, min(g.app.Cursor, len(g.app.S.Text))
	return t[:c] + comp + t[c:], s, e, true
}

// composing returns the IME text being composed and its selection: what
// the field renders past its committed text.
func (g *Game) composing() (string, int, int, bool) {
	s, e, ok := g.field.CompositionSelection()
	if !ok {
		return "", 0, 0, false
	}
	all, done := g.field.TextForRendering(), g.field.Text()
	if len(all) < len(done) || all[:len(done)] != done {
		return "", 0, 0, false
	}
	return all[len(done):], s, e, true
}

// labelFace picks the type for token labels on cells of the given pitch:
// the small face when it fits, else smaller type (down to 8 px at scale 1)
// before labelling only every step-th token.
func (g *Game) labelFace(small *face, pitch float64) (*face, float64, int) {
	size := g.app.L.Small
	if pitch <= 0 {
		return small, size, 1
	}
	if size*1.05 > pitch {
		size = math.Max(math.Round(8*g.scale), math.Floor(pitch/1.05))
		small = g.fonts.face(size)
	}
	return small, size, max(1, int(math.Ceil(size*1.05/pitch)))
}

func (g *Game) rowLabels(screen *ebiten.Image, b viz.Band, small *face, th theme) {
	a := g.app
	if b.CellH <= 0 || len(a.Tokens) == 0 {
		return
	}
	u := a.L.U
	small, size, step := g.labelFace(small, b.CellH)
	if step > 1 && a.S.Present && len(a.L.Bands) == 3 && b.CellH < a.L.Bands[1].CellH {
		return // a thin input or output strip on a projector: no half-labelled rows
	}
	g.labels.reset(small) // all the band's labels in one draw
	for i := 0; i < len(a.Tokens); i += step {
		lab := fit(viz.TokenLabel(a.Tokens[i].Text), small, b.Labels.W-6*u)
		w := textAdvance(lab, small)
		y := b.Labels.Y + (float64(i)+0.5)*b.CellH - size*0.62
		c := th.fg
		if i == a.SelToken {
			c = th.accent
		}
		g.labels.at(lab, b.Labels.X+b.Labels.W-4*u-w, y, c)
	}
	g.labels.flush(screen)
}

func (g *Game) drawPanel(screen *ebiten.Image, p *viz.Panel, small *face, th theme) {
	a := g.app
	u := a.L.U
	title, short := p.Title, p.Short
	if p.ID == "head-weights" && p.Head == a.S.Head {
		title += " ●"
		short += "●"
	}
	widest := title
	if p.ID == "head-weights" { // the whole grid alike: all long titles or all short
		widest = "head " + strconv.Itoa(a.S.Heads) + " ●"
	}
	if short != "" && textAdvance(widest, small) > p.R.W {
		title = short // keep the shape rather than cut the title
	}
	tc := th.fg
	if p.ID == "weights" || (p.ID == "head-weights" && p.Head == a.S.Head) {
		tc = th.accent
	}
	drawText(screen, fit(title, small, p.R.W), small, p.R.X, p.R.Y+2*u, tc)
	if p.Heat >= len(a.Heat) || p.Rows == 0 || p.Cols == 0 || p.Grid.W <= 0 || p.Grid.H <= 0 {
		return
	}
	h := a.Heat[p.Heat]
	if p.ID == "pe" && (a.S.PE == "rope" || a.S.PE == "none") {
		lab := "none: X = E, no position information"
		if a.S.PE == "rope" {
			lab = "rope adds nothing here: it rotates Q and K"
		}
		strokeRect(screen, p.Grid, math.Max(1, u), th.line)
		lab = fit(lab, small, p.Grid.W-8*u)
		drawText(screen, lab, small, p.Grid.X+(p.Grid.W-textAdvance(lab, small))/2, p.Grid.Y+(p.Grid.H-a.L.Small)/2, th.muted)
		return
	}
	k := texKey{h.ID, -1}
	if h.ID == "head-weights" {
		k.head = h.Head
	}
	t := g.tex[k]
	if t == nil || t.w != p.Cols || t.h != p.Rows {
		return
	}
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterNearest}
	op.GeoM.Scale(p.CellW, p.CellH)
	op.GeoM.Translate(p.Grid.X, p.Grid.Y)
	screen.DrawImage(t.img, op)

	// Blocked cells: hatched, never just dark.
	if h.Blocked != nil && p.CellW >= 3 && p.CellH >= 3 {
		hc := color.RGBA{0x20, 0x20, 0x20, 0xff}
		switch h.Kind {
		case viz.MaskMap:
			hc = color.RGBA{0xf0, 0xf0, 0xf0, 0xff}
		case viz.Signed: // scores stay readable under a lighter hatch
			hc = color.RGBA{0x10, 0x10, 0x10, 0x70}
		}
		g.drawHatch(screen, p, h.BlockedRuns(), hc)
	}

	// Numbers inside the cells when they are large enough, in the lower
	// half: the centre of every cell keeps its pure colormap colour (tests
	// and colour pickers sample it).
	// One precision for the whole panel (viz.CellDigits), so no cell
	// silently lacks its number.
	fh := math.Round(math.Min(a.L.Small, p.CellH*0.36))
	if fh >= 9*g.scale && p.CellH >= 22*g.scale && p.CellW >= 20*g.scale && h.Kind != viz.MaskMap && p.Rows*p.Cols <= 4096 {
		cf := g.fonts.face(fh)
		off := numberOffset(p.CellH, u, ascent(cf), g.scale)
		room := p.CellW - 4*g.scale
		digits := viz.CellDigits(h, func(s string) bool { return textAdvance(s, cf) <= room })
		g.numbers.reset(cf)
		for i := 0; i < p.Rows && digits >= 0; i++ {
			for j := 0; j < p.Cols; j++ {
				if h.IsBlocked(i, j) && h.Kind == viz.Weights {
					continue
				}
				s := viz.CellTextDigits(h.At(i, j), digits)
				w := textAdvance(s, cf)
				g.numbers.at(s, p.Grid.X+(float64(j)+0.5)*p.CellW-w/2, p.Grid.Y+(float64(i)+0.5)*p.CellH+off, viz.TextOn(h.Color(i, j)))
			}
		}
		g.numbers.flush(screen) // the whole panel's numbers in one draw
	}

	// A query row that sees no key says so (its weights are all 0).
	if h.Kind == viz.Weights && h.ID == "weights" && p.CellH >= a.L.Small*1.1 {
		for i := 0; i < p.Rows; i++ {
			all := true
			for j := 0; j < p.Cols && all; j++ {
				all = h.IsBlocked(i, j)
			}
			if all {
				lab := fit("no visible key", small, p.Grid.W-4*u)
				w := textAdvance(lab, small)
				y := p.Grid.Y + (float64(i)+0.5)*p.CellH - a.L.Small*0.62
				fillRect(screen, viz.Rect{X: p.Grid.X + (p.Grid.W-w)/2 - 3*u, Y: y - u, W: w + 6*u, H: a.L.Small*1.3 + 2*u}, th.panelBg)
				drawText(screen, lab, small, p.Grid.X+(p.Grid.W-w)/2, y, th.fg)
			}
		}
	}

	// Key tokens above the columns, vertical.
	if p.ColTokens {
		colH := p.Grid.Y - (p.R.Y + a.L.Line)
		small, size, step := g.labelFace(small, p.CellW)
		g.labels.reset(small) // all the panel's key labels in one draw
		for j := 0; j < p.Cols && j < len(a.Tokens); j += step {
			lab := fit(viz.TokenLabel(a.Tokens[j].Text), small, colH-6*u)
			var geom ebiten.GeoM
			geom.Rotate(-math.Pi / 2)
			geom.Translate(math.Round(p.Grid.X+(float64(j)+0.5)*p.CellW-size*0.62), math.Round(p.Grid.Y-3*u))
			c := th.fg
			if j == a.SelToken {
				c = th.accent
			}
			g.labels.add(lab, geom, c)
		}
		g.labels.flush(screen)
	}

	strokeRect(screen, p.Grid, math.Max(1, u), th.line)
	if p.ID == "head-weights" && p.Head == a.S.Head {
		strokeRect(screen, viz.Rect{X: p.Grid.X - 2*u, Y: p.Grid.Y - 2*u, W: p.Grid.W + 4*u, H: p.Grid.H + 4*u}, 2*u, th.accent)
	}
	if a.SelToken >= 0 && a.SelToken < p.Rows && p.ID != "head-weights" {
		r := viz.Rect{X: p.Grid.X, Y: p.Grid.Y + float64(a.SelToken)*p.CellH, W: p.Grid.W, H: p.CellH}
		strokeRect(screen, r, math.Max(1.5, 2*u), th.accent)
	}
}

// drawHatch covers runs of blocked cells with diagonal lines: one
// DrawTriangles call with a repeating 8x8 pattern, never one draw per cell.
func (g *Game) drawHatch(screen *ebiten.Image, p *viz.Panel, runs [][3]int, c color.RGBA) {
	if len(runs) == 0 {
		return
	}
	cr, cg, cb, ca := float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, float32(c.A)/255
	const maxQuads = ebiten.MaxVertexCount / 4
	vs := make([]ebiten.Vertex, 0, 4*min(len(runs), maxQuads))
	is := make([]uint16, 0, 6*min(len(runs), maxQuads))
	flush := func() {
		if len(vs) == 0 {
			return
		}
		op := &ebiten.DrawTrianglesOptions{Address: ebiten.AddressRepeat}
		screen.DrawTriangles(vs, is, g.hatch, op)
		vs, is = vs[:0], is[:0]
	}
	// pattern scale: a line every ~6 device pixels at scale 1
	ps := float32(math.Max(1, math.Round(g.app.L.U)))
	for _, r := range runs {
		x0 := float32(p.Grid.X + float64(r[1])*p.CellW)
		x1 := float32(p.Grid.X + float64(r[2])*p.CellW)
		y0 := float32(p.Grid.Y + float64(r[0])*p.CellH)
		y1 := float32(p.Grid.Y + float64(r[0]+1)*p.CellH)
		n := uint16(len(vs))
		for _, pt := range [4][2]float32{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
			vs = append(vs, ebiten.Vertex{DstX: pt[0], DstY: pt[1], SrcX: pt[0] / ps, SrcY: pt[1] / ps, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: ca})
		}
		is = append(is, n, n+1, n+2, n+1, n+3, n+2)
		if len(vs) >= 4*maxQuads-4 || len(vs) >= 65532 {
			flush()
		}
	}
	flush()
}

// hatchImage is an 8x8 tile with one diagonal line (white: colored by
// the vertices).
func hatchImage() *ebiten.Image {
	pix := make([]byte, 8*8*4)
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			if (x+y)%8 == 0 || (x+y)%8 == 1 {
				o := (y*8 + x) * 4
				pix[o], pix[o+1], pix[o+2], pix[o+3] = 0xff, 0xff, 0xff, 0xff
			}
		}
	}
	img := ebiten.NewImage(8, 8)
	img.WritePixels(pix)
	return img
}

// gradient is a 256x1 image of a colormap, for the legends.
func gradient(f func(float64) color.RGBA) *ebiten.Image {
	pix := make([]byte, 256*4)
	for i := 0; i < 256; i++ {
		c := f(float64(i) / 255)
		pix[i*4], pix[i*4+1], pix[i*4+2], pix[i*4+3] = c.R, c.G, c.B, 0xff
	}
	img := ebiten.NewImage(256, 1)
	img.WritePixels(pix)
	return img
}

func (g *Game) drawLegend(screen *ebiten.Image, b viz.Box, img *ebiten.Image, signed bool, small *face, th theme) {
	l := g.app.L
	u := l.U
	drawText(screen, fit(b.Label, small, b.R.W), small, b.R.X, b.R.Y+2*u, th.fg)
	bar := viz.Rect{X: b.R.X, Y: b.R.Y + l.Line, W: b.R.W, H: 12 * u}
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	op.GeoM.Scale(bar.W/256, bar.H)
	op.GeoM.Translate(bar.X, bar.Y)
	screen.DrawImage(img, op)
	strokeRect(screen, bar, math.Max(1, u), th.line)
	ticks := []string{"0", "0.5", "1"}
	if signed {
		ticks = []string{"−max", "0", "+max"}
	}
	ty := bar.Y + bar.H + 2*u
	drawText(screen, ticks[0], small, bar.X, ty, th.muted)
	w := textAdvance(ticks[1], small)
	drawText(screen, ticks[1], small, bar.X+bar.W/2-w/2, ty, th.muted)
	w = textAdvance(ticks[2], small)
	drawText(screen, ticks[2], small, bar.X+bar.W-w, ty, th.muted)
	if signed { // the longest note that fits whole, or none (never "(max: e…")
		for _, note := range []string{"(max: each panel's largest |value|)", "(max per panel)"} {
			if w := textAdvance(note, small); w <= bar.W {
				drawText(screen, note, small, bar.X+(bar.W-w)/2, ty+l.Small*1.25, th.muted)
				break
			}
		}
	}
}

func (g *Game) drawStatus(screen *ebiten.Image, face, small *face, th theme) {
	a, l := g.app, g.app.L
	u := l.U
	s := l.Status
	line1 := "Hover a cell for its value · click a head to select it · Tab selects a token · F1: help · Esc: shortcuts"
	if f := a.StatusFormula(a.TipPanel); f != "" {
		line1 = f
	}
	drawText(screen, fit(line1, face, s.W), face, s.X, s.Y, th.fg)
	if len(a.Tip) > 0 && s.H >= 2*l.Line {
		drawText(screen, fit(strings.Join(a.Tip, "   "), small, s.W), small, s.X, s.Y+l.Line+u, th.muted)
	}
	// Tooltip next to the pointer.
	if len(a.Tip) == 0 {
		return
	}
	w := 0.0
	for _, t := range a.Tip {
		w = math.Max(w, textAdvance(t, small))
	}
	w = math.Min(w+16*u, l.W-16*u)
	h := float64(len(a.Tip))*l.Small*1.35 + 10*u
	x := float64(g.lastMouse.X) + 16*u
	y := float64(g.lastMouse.Y) + 16*u
	if x+w > l.W-4*u {
		x = math.Max(4*u, float64(g.lastMouse.X)-w-8*u)
	}
	if y+h > l.H-4*u {
		y = math.Max(4*u, float64(g.lastMouse.Y)-h-8*u)
	}
	r := viz.Rect{X: x, Y: y, W: w, H: h}
	fillRect(screen, r, th.panelBg)
	strokeRect(screen, r, math.Max(1, u), th.fg)
	for i, t := range a.Tip {
		drawText(screen, fit(t, small, w-16*u), small, x+8*u, y+5*u+float64(i)*l.Small*1.35, th.fg)
	}
}

func (g *Game) drawHelp(screen *ebiten.Image, mainFace *face, th theme) {
	l := g.app.L
	u := l.U
	// Lines wrap to the window; when they do not fit its height in the
	// main font, the small one is used.
	maxW := l.W - 60*u
	var lines []string
	var first int // how many lines the title became
	lineH := l.Line
	hf := mainFace // the face the help is drawn in
	for _, f := range []*face{mainFace, g.fonts.face(l.Small)} {
		lines, first = nil, 0
		for i, s := range viz.HelpLines() {
			lines = append(lines, viz.WrapLine(s, maxW, func(s string) float64 { return textAdvance(s, f) })...)
			if i == 0 {
				first = len(lines)
			}
		}
		hf = f
		if float64(len(lines))*lineH+30*u <= l.H-20*u {
			break
		}
		lineH = math.Round(l.Small * 1.45)
	}
	w := 0.0
	for _, s := range lines {
		w = math.Max(w, textAdvance(s, hf))
	}
	w = math.Min(w+40*u, l.W-20*u)
	h := math.Min(float64(len(lines))*lineH+30*u, l.H-20*u)
	r := viz.Rect{X: (l.W - w) / 2, Y: (l.H - h) / 2, W: w, H: h}
	fillRect(screen, viz.Rect{X: 0, Y: 0, W: l.W, H: l.H}, color.RGBA{0, 0, 0, 0x80})
	fillRect(screen, r, th.panelBg)
	strokeRect(screen, r, 2*u, th.accent)
	for i, s := range lines {
		c := th.fg
		if i < first || s == "Try this:" {
			c = th.accent
		}
		drawText(screen, fit(s, hf, w-40*u), hf, r.X+20*u, r.Y+15*u+float64(i)*lineH, c)
	}
}

// numberOffset is how far below a cell's centre its number's line starts:
// below the centre, whose pixel keeps the colormap's colour, and with the
// baseline at least one device pixel (scale) above the cell's bottom edge
// (a fixed offset pushed the digits out of small cells in presentation
// mode). u is the layout unit; ascent is the number face's.
func numberOffset(cellH, u, ascent, scale float64) float64 {
	return math.Min(math.Max(3*u, cellH*0.08), cellH/2-ascent-scale)
}
