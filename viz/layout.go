package viz

import (
	"math"
	"strconv"
)

// Rect is an axis-aligned rectangle in screen (device) pixels.
type Rect struct{ X, Y, W, H float64 }

// Contains reports whether (x, y) is inside r.
func (r Rect) Contains(x, y float64) bool {
	return x >= r.X && y >= r.Y && x < r.X+r.W && y < r.Y+r.H
}

// Overlaps reports whether r and o share any area (touching edges do not).
func (r Rect) Overlaps(o Rect) bool {
	const eps = 1e-6
	return r.W > 0 && r.H > 0 && o.W > 0 && o.H > 0 &&
		r.X < o.X+o.W-eps && o.X < r.X+r.W-eps && r.Y < o.Y+o.H-eps && o.Y < r.Y+r.H-eps
}

// Inside reports whether r lies within a W x H window.
func (r Rect) Inside(w, h float64) bool {
	const eps = 1e-6
	return r.X >= -eps && r.Y >= -eps && r.X+r.W <= w+eps && r.Y+r.H <= h+eps
}

// Box is a labelled UI element: a button, a token chip, a legend.
type Box struct {
	ID    string // button id (a setting name or "help", "present", "fullscreen"), "chip", "legend-weights", "legend-signed"
	Index int    // token index for chips, -1 otherwise
	R     Rect
	Label string
}

// Panel is one heatmap with its title: Grid holds Rows x Cols cells of
// CellW x CellH pixels; cell (i, j) starts at (Grid.X + j*CellW, Grid.Y + i*CellH).
type Panel struct {
	ID        string
	Head      int // head index for per-head panels, -1 otherwise
	R         Rect
	Title     string
	Short     string // the title when Title does not fit (same facts, fewer words)
	Grid      Rect
	Rows      int
	Cols      int
	CellW     float64
	CellH     float64
	ColTokens bool // the columns are tokens (keys): label them
	Heat      int  // index into App.Heat
}

// Band is one row of the pipeline: a formula line, then panels whose rows
// line up, with the token labels once at the left.
type Band struct {
	Formula Rect
	Text    string
	Labels  Rect // token labels of the rows, aligned with the grids
	CellH   float64
}

// Layout is where everything sits for one window size, scale and state.
type Layout struct {
	W, H       float64
	U          float64 // UI scale: device scale, x1.2..1.5 in presentation mode
	Font       float64 // main font size in pixels
	Small      float64 // small font size in pixels
	Line       float64 // line height of the main font
	Title      Rect
	Buttons    []Box
	TextBox    Rect
	Chips      []Box
	ChipsMore  Box  // "+N more" when chips do not all fit (zero when they do)
	Notices    Rect // one line, always reserved: notices never move the panels
	NoticeArea Rect // the notices shown (NoticeRows lines from Notices' top, over the panels below)
	NoticeRows int
	Bands      []Band
	Panels     []Panel // pipeline panels (PanelIDs order), then the head grid
	HeadsTitle Rect
	Legends    []Box
	Status     Rect
}

// Rects returns every element's rectangle with a name, for tests and the
// layout JSON.
func (l *Layout) Rects() map[string]Rect {
	m := map[string]Rect{"title": l.Title, "textbox": l.TextBox, "notices": l.Notices, "status": l.Status, "heads-title": l.HeadsTitle, "chips-more": l.ChipsMore.R}
	for _, b := range l.Buttons {
		m["button-"+b.ID] = b.R
	}
	for _, c := range l.Chips {
		m["chip-"+strconv.Itoa(c.Index)] = c.R
	}
	for i, b := range l.Bands {
		m["band-formula-"+strconv.Itoa(i)] = b.Formula
		m["band-labels-"+strconv.Itoa(i)] = b.Labels
	}
	for _, p := range l.Panels {
		m["panel-"+p.ID+"-"+strconv.Itoa(p.Head)] = p.R
	}
	for _, b := range l.Legends {
		m[b.ID] = b.R
	}
	return m
}

// Panel returns the panel with this id (and head for "head-weights").
func (l *Layout) Panel(id string, head int) *Panel {
	for i := range l.Panels {
		p := &l.Panels[i]
		if p.ID == id && (id != "head-weights" || p.Head == head) {
			return p
		}
	}
	return nil
}

// ButtonLabel returns the text of a control button for the settings.
func ButtonLabel(id string, s Settings) string {
	switch id {
	case "heads":
		return "heads " + strconv.Itoa(s.Heads)
	case "dmodel":
		return "d_model " + strconv.Itoa(s.DModel)
	case "head":
		return "head " + strconv.Itoa(s.Head+1) + " of " + strconv.Itoa(s.Heads)
	case "mask":
		return "mask " + string(s.Mask)
	case "pe":
		return "PE " + string(s.PE)
	case "scale":
		return "÷√d_k " + onOff(s.Scale)
	case "temp":
		return "temp " + strconv.FormatFloat(s.Temp, 'g', 4, 64)
	case "tokenizer":
		return "tokens " + string(s.Tokenizer)
	case "seed":
		return "seed " + strconv.FormatInt(s.Seed, 10)
	case "present":
		if s.Present {
			return "presenting"
		}
		return "present"
	case "fullscreen":
		return "fullscreen"
	case "help":
		return "? help"
	}
	return id
}

// ButtonIDs lists the control buttons in the header.
var ButtonIDs = []string{"heads", "dmodel", "head", "mask", "pe", "scale", "temp", "tokenizer", "seed", "present", "fullscreen", "help"}

// layout places everything for the current frame and state.
func (a *App) layout() *Layout {
	f := a.Frame
	measure := f.Measure
	if measure == nil {
		measure = ApproxMeasure
	}
	u := f.Scale
	if !(u > 0) {
		u = 1
	}
	if a.S.Present {
		// bigger type, but less so on short screens (1024x600 projectors),
		// where it would leave the heatmaps smaller than the normal view's
		u *= math.Max(1.2, math.Min(presentScale, presentScale*f.H/u/800))
	}
	tokens := make([]string, len(a.Tokens))
	for i, t := range a.Tokens {
		tokens[i] = TokenLabel(t.Text)
	}
	heads := a.S.Heads
	in := layoutInput{
		W: f.W, H: f.H, U: u, Measure: measure, Tokens: tokens, SelToken: a.SelToken,
		DModel: a.S.DModel, DK: a.S.DModel / max(1, a.S.Heads), Heads: heads, Settings: a.S,
		Notices: len(a.conds) + len(a.events), Conditions: len(a.conds), Blocked: a.blocked,
	}
	return computeLayout(in)
}

// ApproxMeasure estimates a text's width at font size 1 without a font
// (about 0.55 em per character); used by tests and before a font is ready.
func ApproxMeasure(s string) float64 {
	n := 0
	for range s {
		n++
	}
	return 0.55 * float64(n)
}

type layoutInput struct {
	W, H     float64
	U        float64
	Measure  func(string) float64
	Tokens   []string
	SelToken int
	DModel   int
	DK       int
	Heads    int
	Settings Settings
	Notices  int
	// Conditions are the notices that last as long as the text does (right
	// to left, emoji, missing glyphs): they get lines of their own.
	Conditions int
	Blocked    int // query rows of the selected head that see no key
}

// Presentation mode: type and UI are up to presentScale times larger; the T x T
// band gets bigger cells by shrinking the other bands to presentK of its
// cell height.
const (
	presentScale = 1.5
	presentK     = 0.12
)

// Band formulas.
const (
	FormulaInputs  = "X = E + PE (T×d_model);  head h: Q = X·W_q, K = X·W_k, V = X·W_v (T×d_k)"
	FormulaOutputs = "head out = weights·V (T×d_k) → concat of all heads (T×d_model) → final = concat·W_o"
)

func computeLayout(in layoutInput) *Layout {
	u := in.U
	l := &Layout{W: in.W, H: in.H, U: u}
	l.Font = math.Round(13 * u)
	l.Small = math.Round(11 * u)
	l.Line = math.Round(l.Font * 1.45)
	pad, gap := 8*u, 10*u
	width := func(s string, size float64) float64 { return in.Measure(s) * size }
	right := in.W - pad

	// Header: title and buttons, wrapping onto more lines when narrow.
	bh := l.Line + 6*u
	x, y := pad, pad
	tw := width("attnviz", l.Font*1.2) + 12*u
	l.Title = Rect{x, y, tw, bh}
	x += tw + 6*u
	for _, id := range ButtonIDs {
		label := ButtonLabel(id, in.Settings)
		w := math.Min(width(label, l.Font)+16*u, right-pad)
		if x+w > right {
			x, y = pad, y+bh+4*u
		}
		l.Buttons = append(l.Buttons, Box{ID: id, Index: -1, R: Rect{x, y, w, bh}, Label: label})
		x += w + 6*u
	}
	y += bh + 6*u

	// Text field and token chips.
	l.TextBox = Rect{pad, y, in.W - 2*pad, l.Line + 10*u}
	y += l.TextBox.H + 6*u
	ch := l.Line + 4*u
	moreW := width("+512 more", l.Small) + 12*u
	start := 0
	if in.SelToken > 0 {
		// show the selected chip: start early enough that it fits
		acc := 0.0
		for i := in.SelToken; i >= 0; i-- {
			acc += chipWidth(in.Tokens[i], l, in.Measure) + 4*u
			if acc > in.W-2*pad-moreW {
				break
			}
			start = i
		}
	}
	x = pad
	for i := start; i < len(in.Tokens); i++ {
		w := chipWidth(in.Tokens[i], l, in.Measure)
		if x+w > right-moreW && !(i == len(in.Tokens)-1 && x+w <= right) {
			break
		}
		l.Chips = append(l.Chips, Box{ID: "chip", Index: i, R: Rect{x, y, w, ch}, Label: in.Tokens[i]})
		x += w + 4*u
	}
	if hidden := len(in.Tokens) - len(l.Chips); hidden > 0 {
		l.ChipsMore = Box{ID: "chips-more", Index: -1, R: Rect{right - moreW, y, moreW, ch}, Label: "+" + strconv.Itoa(hidden) + " more"}
	}
	y += ch + 6*u

	// Notices: one line is always reserved, so a notice that comes or goes
	// never moves a panel under the pointer; conditions of the text (they
	// do not expire, and come and go only with the text, which lays the
	// panels out again anyway) get a line each, up to three. Notices beyond
	// the reserved lines (up to four lines, then "and N more") cover the
	// top of the pipeline until they expire or are clicked away.
	reserved := float64(min(max(in.Conditions, 1), 3))
	l.Notices = Rect{pad, y, in.W - 2*pad, reserved*l.Line + 4*u}
	if in.Notices > 0 {
		l.NoticeRows = min(in.Notices, 4)
		l.NoticeArea = Rect{pad, y, in.W - 2*pad, float64(l.NoticeRows)*l.Line + 4*u}
	}
	y += l.Notices.H + 6*u

	// Status line at the bottom: formula of the hovered panel and value.
	statusLines := 2.0
	if in.Settings.Present {
		statusLines = 1 // bigger type: the value shows in the tooltip only
	}
	l.Status = Rect{pad, in.H - pad - statusLines*l.Line, in.W - 2*pad, statusLines * l.Line}
	mainY, mainH := y, l.Status.Y-gap-y
	mainW := in.W - 2*pad
	if mainH < 4*l.Line || mainW < 100*u {
		// Too small a window for the pipeline: show nothing rather than overlap.
		mainH = math.Max(0, mainH)
	}
	rw := math.Max(150*u, math.Min(0.26*mainW, 460*u))
	rw = math.Min(rw, 0.4*mainW)
	lw := mainW - rw - gap
	layoutPipeline(l, in, Rect{pad, mainY, lw, mainH})
	layoutHeads(l, in, Rect{pad + lw + gap, mainY, rw, mainH})
	return l
}

func chipWidth(tok string, l *Layout, m func(string) float64) float64 {
	return math.Min(m(tok)*l.Font+12*l.U, 160*l.U)
}

// layoutPipeline places the three bands of the pipeline inside r.
func layoutPipeline(l *Layout, in layoutInput, r Rect) {
	u, gap := l.U, 10*l.U
	t := len(in.Tokens)
	d, dk := max(in.DModel, 1), max(in.DK, 1)
	// token label column: as wide as the longest token, within limits
	lbl := 24 * u
	colLab := 0.0
	for _, tok := range in.Tokens {
		w := in.Measure(tok)*l.Small + 8*u
		lbl = math.Max(lbl, math.Min(w, 96*u))
		colLab = math.Max(colLab, math.Min(w, 64*u))
	}
	lbl = math.Min(lbl, 0.2*r.W)
	head := l.Line // formula line
	title := l.Line
	minCell := 16 * u // below this, cells matter more than formulas
	if in.Settings.Present {
		minCell = 28 * u // a projector: big cells first
	}
	if t > 0 && (r.H-3*(head+title)-2*gap-colLab)/(2*float64(t)) < minCell {
		// cramped (presentation mode, small windows): the formulas move to
		// the status line (hover a panel) and the cells get their room
		head = 0
	}
	fixed := 3*(head+title) + 2*gap
	// Square cells for the T x T band, cells k times as tall for the others
	// (k = 1/2 for short texts, down to 1/4 for long ones, where the T x T
	// band matters most): total grid height = T*s*(1 + 2k).
	k := 0.5
	if t > 8 {
		k = math.Max(0.25, 0.5-0.25*float64(t-8)/16)
	}
	cellSide := func(k, colLab float64) (s2, lab float64) {
		if t == 0 {
			return 0, 0
		}
		tall := float64(t) * (1 + 2*k)
		avail := r.H - fixed - colLab
		s2 = math.Min(avail/tall, (r.W-lbl-2*gap)/(3*float64(t)))
		if s2 < 9*u { // too small for column labels: give their room to cells
			colLab = 0
			s2 = math.Min((r.H-fixed)/tall, (r.W-lbl-2*gap)/(3*float64(t)))
		}
		return math.Max(0, math.Min(s2, 88*u)), colLab
	}
	s2, lab := cellSide(k, colLab)
	if in.Settings.Present && t > 0 {
		// A projector: scores, mask and weights come first, big enough for
		// the numbers in their cells; the input and output bands shrink to
		// thin strips (hover them for values).
		k = presentK
		s2, lab = cellSide(k, colLab)
	}
	colLab = lab
	// The other bands get half-height cells, or more when the T x T band is
	// limited by the width and height is left over (never taller than s2).
	c1 := s2 * k
	if t > 0 {
		spare := (r.H - fixed - colLab - float64(t)*s2) / (2 * float64(t))
		c1 = math.Max(c1, math.Min(spare, math.Max(s2, 10*u)))
		c1 = math.Min(c1, 48*u)
	}
	minW := 44 * u
	dh := strconv.Itoa(in.DK)
	hs := "head " + strconv.Itoa(in.Settings.Head+1)
	ts := strconv.Itoa(t)
	ds := strconv.Itoa(in.DModel)
	type spec struct {
		id, title, short string
		cols             int
		tokCols          bool
	}
	bands := []struct {
		formula string
		cellH   float64
		colLab  float64
		square  bool
		panels  []spec
	}{
		{FormulaInputs, c1, 0, false, []spec{
			{"embeddings", "embeddings E " + ts + "×" + ds, "E " + ts + "×" + ds, d, false},
			{"pe", "PE (" + string(in.Settings.PE) + ") " + ts + "×" + ds, "PE " + ts + "×" + ds, d, false},
			{"x", "X = E+PE " + ts + "×" + ds, "X " + ts + "×" + ds, d, false},
			{"q", "Q " + hs + " " + ts + "×" + dh, "Q " + ts + "×" + dh, dk, false},
			{"k", "K " + hs + " " + ts + "×" + dh, "K " + ts + "×" + dh, dk, false},
			{"v", "V " + hs + " " + ts + "×" + dh, "V " + ts + "×" + dh, dk, false},
		}},
		{AttendFormula(in.Settings, in.Blocked), s2, colLab, true, []spec{
			{"scores", "scores " + hs + " " + ts + "×" + ts, "scores " + ts + "×" + ts, t, true},
			{"mask", "mask (" + string(in.Settings.Mask) + ") " + ts + "×" + ts, "mask " + ts + "×" + ts, t, true},
			{"weights", "weights " + hs + " " + ts + "×" + ts, "weights " + ts + "×" + ts, t, true},
		}},
		{FormulaOutputs, c1, 0, false, []spec{
			{"output", "output " + hs + " " + ts + "×" + dh, "out " + ts + "×" + dh, dk, false},
			{"concat", "concat " + ts + "×" + ds, "concat " + ts + "×" + ds, d, false},
			{"final", "final " + ts + "×" + ds, "final " + ts + "×" + ds, d, false},
		}},
	}
	y := r.Y
	heatIndex := map[string]int{}
	for i, id := range PanelIDs {
		heatIndex[id] = i
	}
	for bi, b := range bands {
		gridH := float64(t) * b.cellH
		band := Band{Formula: Rect{r.X, y, r.W, head}, Text: b.formula, CellH: b.cellH}
		y += head
		gridY := y + title + b.colLab
		band.Labels = Rect{r.X, gridY, lbl, gridH}
		avail := r.W - lbl - float64(len(b.panels)-1)*gap
		minW := math.Max(0, math.Min(minW, avail/float64(len(b.panels)))) // narrow windows: panels shrink, never overflow
		var cw []float64
		if b.square {
			for range b.panels {
				cw = append(cw, b.cellH)
			}
		} else {
			cw = fitWidths(b.panels, avail, minW, 48*u, func(s spec) int { return s.cols })
		}
		x := r.X + lbl
		for k, p := range b.panels {
			gw := float64(p.cols) * cw[k]
			if t == 0 {
				gw = 0
			}
			pw := math.Max(gw, minW)
			if b.square {
				pw = math.Max(gw, math.Min(minW, avail/3))
			}
			l.Panels = append(l.Panels, Panel{
				ID: p.id, Head: -1, R: Rect{x, y, pw, title + b.colLab + gridH}, Title: p.title, Short: p.short,
				Grid: Rect{x, gridY, gw, gridH}, Rows: t, Cols: p.cols, CellW: cw[k], CellH: b.cellH,
				ColTokens: p.tokCols && b.colLab > 0, Heat: heatIndex[p.id],
			})
			if t == 0 {
				l.Panels[len(l.Panels)-1].Cols = 0
			}
			x += pw + gap
		}
		l.Bands = append(l.Bands, band)
		y += title + b.colLab + gridH
		if bi < len(bands)-1 {
			y += gap
		}
	}
}

// fitWidths chooses one cell width per panel so that the panels (each at
// least minW wide) fill avail: panels too narrow for minW keep minW and
// the rest share what is left. Cells are at most maxCell wide.
func fitWidths[S any](panels []S, avail, minW, maxCell float64, cols func(S) int) []float64 {
	fixed := make([]bool, len(panels))
	var cw float64
	for iter := 0; iter < 4; iter++ {
		rest, n := avail, 0
		for k, p := range panels {
			if fixed[k] {
				rest -= minW
			} else {
				n += cols(p)
			}
		}
		if n == 0 {
			break
		}
		cw = math.Max(0, math.Min(rest/float64(n), maxCell))
		again := false
		for k, p := range panels {
			if !fixed[k] && float64(cols(p))*cw < minW {
				fixed[k], again = true, true
			}
		}
		if !again {
			break
		}
	}
	out := make([]float64, len(panels))
	total := 0.0
	for k, p := range panels {
		out[k] = cw
		if fixed[k] {
			out[k] = math.Min(maxCell, minW/float64(max(cols(p), 1)))
		}
		total += math.Max(float64(cols(p))*out[k], minW)
	}
	if total > avail && total > 0 { // window too narrow even for the minimum
		for k := range out {
			out[k] *= avail / total
		}
	}
	return out
}

// layoutHeads places the all-heads grid and the legends inside r.
func layoutHeads(l *Layout, in layoutInput, r Rect) {
	u := l.U
	legendH := l.Line + 12*u + l.Line
	l.HeadsTitle = Rect{r.X, r.Y, r.W, l.Line}
	wl, sl := "weight (softmax, 0..1)", "signed value (−max..0..+max)"
	if r.H < 420*u { // cramped: legends side by side
		ly := r.Y + r.H - legendH
		hw := (r.W - 6*u) / 2
		l.Legends = []Box{
			{ID: "legend-weights", Index: -1, R: Rect{r.X, ly, hw, legendH}, Label: "weight"},
			{ID: "legend-signed", Index: -1, R: Rect{r.X + hw + 6*u, ly, hw, legendH}, Label: "signed value"},
		}
	} else {
		ly := r.Y + r.H - 2*legendH - 6*u
		l.Legends = []Box{
			{ID: "legend-weights", Index: -1, R: Rect{r.X, ly, r.W, legendH}, Label: wl},
			{ID: "legend-signed", Index: -1, R: Rect{r.X, ly + legendH + 6*u, r.W, legendH}, Label: sl},
		}
	}
	gy := r.Y + l.Line + 4*u
	gh := math.Max(0, l.Legends[0].R.Y-8*u-gy)
	n := in.Heads
	t := len(in.Tokens)
	gap := 6 * u
	best, bestC := -1.0, 1
	for c := 1; c <= n; c++ {
		rows := (n + c - 1) / c
		side := math.Min((r.W-float64(c-1)*gap)/float64(c), (gh-float64(rows)*l.Line-float64(rows-1)*gap)/float64(rows))
		if side > best {
			best, bestC = side, c
		}
	}
	side := math.Max(0, best)
	if side == 0 || t == 0 { // no room or no tokens: titles only
		side = 0
	}
	if t > 0 {
		side = math.Floor(side/float64(t)*1000) / 1000 * float64(t)
	}
	cell := 0.0
	if t > 0 {
		cell = side / float64(t)
	}
	for k := 0; k < n; k++ {
		row, col := k/bestC, k%bestC
		x := r.X + float64(col)*(side+gap)
		y := gy + float64(row)*(side+l.Line+gap)
		pw := math.Max(side, 0)
		l.Panels = append(l.Panels, Panel{
			ID: "head-weights", Head: k, R: Rect{x, y, pw, l.Line + side}, Title: "head " + strconv.Itoa(k+1), Short: "h" + strconv.Itoa(k+1),
			Grid: Rect{x, y + l.Line, side, side}, Rows: t, Cols: t, CellW: cell, CellH: cell,
			Heat: len(PanelIDs) + k,
		})
	}
}

// ScoresFormula is how the scores are computed with these settings: the
// division by √d_k only when scale is on, the temperature only when not 1
// (the font has no superscript T, so Kᵀ is written K^T).
func ScoresFormula(s Settings) string {
	t := strconv.FormatFloat(s.Temp, 'g', 4, 64)
	switch {
	case s.Scale && s.Temp == 1:
		return "scores = Q·K^T/√d_k"
	case s.Scale:
		return "scores = Q·K^T/(√d_k·" + t + ")"
	case s.Temp == 1:
		return "scores = Q·K^T (not scaled)"
	}
	return "scores = Q·K^T/" + t + " (not scaled by √d_k; temperature " + t + ")"
}

// AttendFormula is the attention band's formula line; blocked counts the
// query rows that see no key (their weights are all 0, not summing to 1).
func AttendFormula(s Settings, blocked int) string {
	sums := "(each row sums to 1)"
	if blocked > 0 {
		sums = "(rows sum to 1, but " + strconv.Itoa(blocked) + " see no key: all 0)"
	}
	return ScoresFormula(s) + " → mask → weights = softmax(scores) per row " + sums
}
