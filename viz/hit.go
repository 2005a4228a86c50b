package viz

import (
	"math"
	"strconv"
	"strings"

	"github.com/attnviz/attnviz/core/pipeline"
)

// HitKind says what lies under a point.
type HitKind int

const (
	HitNone    HitKind = iota
	HitButton          // a control button (ID)
	HitChip            // a token chip (Index)
	HitTextBox         // the text field
	HitCell            // a heatmap cell (Panel, Row, Col)
	HitPanel           // a panel outside its cells (title, labels)
	HitNotice          // the notices (a click dismisses them)
)

// Hit is the result of hit-testing one point.
type Hit struct {
	Kind     HitKind
	ID       string // button id or panel id
	Index    int    // chip token index
	Panel    int    // index into Layout.Panels
	Head     int    // panel head (-1 if none)
	Row, Col int
}

// HitTest finds what is at (x, y) in screen pixels.
func (l *Layout) HitTest(x, y float64) Hit {
	if l == nil {
		return Hit{}
	}
	if l.NoticeRows > 0 && l.NoticeArea.Contains(x, y) { // drawn over the panels
		return Hit{Kind: HitNotice, Head: -1}
	}
	for _, b := range l.Buttons {
		if b.R.Contains(x, y) {
			return Hit{Kind: HitButton, ID: b.ID, Head: -1}
		}
	}
	for _, c := range l.Chips {
		if c.R.Contains(x, y) {
			return Hit{Kind: HitChip, Index: c.Index, Head: -1}
		}
	}
	if l.TextBox.Contains(x, y) {
		return Hit{Kind: HitTextBox, Head: -1}
	}
	for k, p := range l.Panels {
		if p.Grid.Contains(x, y) && p.CellW > 0 && p.CellH > 0 {
			i := min(int((y-p.Grid.Y)/p.CellH), p.Rows-1)
			j := min(int((x-p.Grid.X)/p.CellW), p.Cols-1)
			if i >= 0 && j >= 0 {
				return Hit{Kind: HitCell, ID: p.ID, Panel: k, Head: p.Head, Row: i, Col: j}
			}
		}
		if p.R.Contains(x, y) {
			return Hit{Kind: HitPanel, ID: p.ID, Panel: k, Head: p.Head}
		}
	}
	return Hit{Head: -1}
}

// Click handles a primary (dir = 1) or secondary (dir = -1) click at
// (x, y): buttons step their setting, chips select a token, head panels
// select their head, mask cells toggle. Any click puts the keyboard back
// into the text field, so a learner can click anywhere and type.
func (a *App) Click(x, y float64, dir int) {
	a.Editing = true
	helpWasOpen := a.Help
	h := a.L.HitTest(x, y)
	switch h.Kind {
	case HitButton:
		a.Step(h.ID, dir)
	case HitChip:
		a.SelectToken(h.Index)
	case HitNotice:
		a.DismissNotices()
	case HitCell, HitPanel:
		switch {
		case h.ID == "head-weights":
			_ = a.SelectHead(h.Head)
		case h.ID == "mask" && h.Kind == HitCell:
			a.ToggleMaskCell(h.Row, h.Col)
		case h.Kind == HitCell && len(a.Tokens) > 0:
			if p := a.L.Panels[h.Panel]; p.Rows == len(a.Tokens) {
				a.SelectToken(h.Row)
			}
		}
	}
	if helpWasOpen && a.Help {
		a.Help = false
		a.layDirty = true
	}
}

// Step moves a setting to its next (dir > 0) or previous value, as the
// buttons and keyboard shortcuts do.
func (a *App) Step(id string, dir int) {
	s := a.S
	var err error
	switch id {
	case "heads":
		err = a.Set("heads", strconv.Itoa(stepDivisor(s, dir)))
	case "dmodel":
		err = a.Set("dmodel", strconv.Itoa(stepList([]int{4, 8, 16, 32, 64, 128, 256, 512}, s.DModel, dir)))
	case "head":
		n := max(s.Heads, 1)
		err = a.Set("head", strconv.Itoa(((s.Head+dir)%n+n)%n))
	case "mask":
		err = a.Set("mask", stepString([]string{"none", "causal", "padding", "causal+padding", "custom"}, string(s.Mask), dir))
	case "pe":
		pes := []string{"none", "sinusoidal", "learned", "rope"}
		next := stepString(pes, string(s.PE), dir)
		if next == "rope" && s.Config().HeadWidth()%2 != 0 {
			next = stepString(pes, next, dir)
		}
		err = a.Set("pe", next)
	case "scale":
		err = a.Set("scale", onOff(!s.Scale))
	case "temp":
		temps := []float64{0.1, 0.25, 0.5, 1, 2, 4, 10}
		i := 0
		for i < len(temps) && temps[i] < s.Temp-1e-9 {
			i++
		}
		switch {
		case dir > 0 && i < len(temps) && math.Abs(temps[i]-s.Temp) < 1e-9:
			i++
		case dir < 0:
			i--
		}
		i = max(0, min(i, len(temps)-1))
		err = a.Set("temp", strconv.FormatFloat(temps[i], 'g', -1, 64))
	case "tokenizer":
		if s.Tokenizer == "word" {
			err = a.Set("tokenizer", "char")
		} else {
			err = a.Set("tokenizer", "word")
		}
	case "seed":
		sd := s.Seed + int64(dir)
		if sd < 0 {
			sd = 0
		}
		err = a.Set("seed", strconv.FormatInt(sd, 10))
	case "present":
		toggled := "1"
		if s.Present {
			toggled = "0"
		}
		err = a.Set("present", toggled)
	case "fullscreen":
		a.FullscreenRequest = true
	case "help":
		a.Help = !a.Help
		a.layDirty = true
	}
	_ = err // already shown as a notice
}

// stepDivisor returns the next/previous head count that fits d_model.
func stepDivisor(s Settings, dir int) int {
	var ok []int
	for h := 1; h <= 64 && h <= s.DModel; h++ {
		t := s
		t.Heads = h
		if s.DModel%h == 0 && t.Config().Validate() == nil {
			ok = append(ok, h)
		}
	}
	return stepList(ok, s.Heads, dir)
}

func stepList(list []int, cur, dir int) int {
	if len(list) == 0 {
		return cur
	}
	i := 0
	for i < len(list) && list[i] < cur {
		i++
	}
	if i < len(list) && list[i] == cur {
		i += dir
	} else if dir < 0 {
		i--
	}
	return list[((i%len(list))+len(list))%len(list)]
}

func stepString(list []string, cur string, dir int) string {
	for i, s := range list {
		if s == cur {
			return list[((i+dir)%len(list)+len(list))%len(list)]
		}
	}
	return list[0]
}

// Hover updates the tooltip for the pointer at (x, y); it reports whether
// the tooltip changed.
func (a *App) Hover(x, y float64) bool {
	a.Mouse = [2]float64{x, y}
	h := a.L.HitTest(x, y)
	key := strconv.Itoa(int(h.Kind)) + h.ID + strconv.Itoa(h.Head) + "," + strconv.Itoa(h.Row) + "," + strconv.Itoa(h.Col) + "," + strconv.Itoa(h.Index)
	if key == a.hoverKey {
		return false
	}
	a.hoverKey = key
	a.Tip, a.TipPanel = nil, ""
	switch h.Kind {
	case HitCell:
		p := a.L.Panels[h.Panel]
		a.TipPanel = p.ID
		if p.Heat < len(a.Heat) {
			a.Tip = a.CellInfo(a.Heat[p.Heat], h.Row, h.Col)
		}
	case HitPanel:
		a.TipPanel = a.L.Panels[h.Panel].ID
	case HitButton:
		a.Tip = []string{ButtonHelp[h.ID]}
	case HitNotice:
		a.Tip = []string{"click to dismiss these notices (or press x after Esc)"}
	case HitChip:
		if h.Index < len(a.Tokens) {
			t := a.Tokens[h.Index]
			a.Tip = []string{"token " + strconv.Itoa(h.Index) + ": " + strconv.Quote(t.Text) + " (bytes " + strconv.Itoa(t.Start) + ".." + strconv.Itoa(t.End) + "); click or Tab selects it"}
		}
	}
	return true
}

// ButtonHelp explains each control (tooltip and help overlay).
var ButtonHelp = map[string]string{
	"heads":      "number of heads H (must divide d_model) — keys h / H",
	"dmodel":     "d_model, the width of every token vector — keys d / D",
	"head":       "the head shown in detail, counted from 1 (" + HeadNumbering + ") — keys [ ] or 1..9, or click a head below",
	"mask":       "attention mask: none, causal, padding, causal+padding, custom (click mask cells) — key m / M",
	"pe":         "positional encoding: none, sinusoidal, learned, rope — key p / P",
	"scale":      "divide scores by √d_k — key s",
	"temp":       "softmax temperature: scores are divided by it — keys t / T",
	"tokenizer":  "split into words or characters — key w",
	"seed":       "seed of embeddings and weights — keys r / R",
	"present":    "presentation mode: bigger type, high contrast — key F2 or v",
	"fullscreen": "full screen — key F11 or f",
	"help":       "show all shortcuts — key F1 (or ? after Esc)",
}

// StatusFormula is the status line for the hovered panel: PanelFormula,
// with the scores' actual scaling and the weights' rows that see no key.
func (a *App) StatusFormula(id string) string {
	switch id {
	case "scores":
		return ScoresFormula(a.S) + ", before the mask: scores[i][j] = Q_i·K_j × scale"
	case "weights":
		if a.blocked > 0 {
			return "weights = softmax over the visible keys of each query row: rows sum to 1, except " + strconv.Itoa(a.blocked) + " that see no key (all 0)"
		}
	}
	return PanelFormula(id)
}

// PanelFormula says what each panel shows (the status line).
func PanelFormula(id string) string {
	switch id {
	case "embeddings":
		return "E: one seeded d_model-wide vector per token string (same word, same row)"
	case "pe":
		return "PE: position p's vector (sinusoidal: PE[p][2i] = sin(p/10000^(2i/d)), PE[p][2i+1] = cos(…))"
	case "x":
		return "X = E + PE: the attention input, T×d_model"
	case "q":
		return "Q = X·W_q, this head's d_k columns: what each token looks for"
	case "k":
		return "K = X·W_k, this head's d_k columns: what each token offers"
	case "v":
		return "V = X·W_v, this head's d_k columns: what each token passes on"
	case "scores":
		return "scores[i][j] = Q_i·K_j × scale (scale = 1/(√d_k·temp)), before the mask"
	case "mask":
		return "mask: light = query row may attend to key column, hatched = blocked (click a cell to toggle: custom mask)"
	case "weights":
		return "weights = softmax over the visible keys of each query row: every row sums to 1"
	case "output":
		return "head output = weights·V: each row mixes the value rows by its weights"
	case "concat":
		return "concat: the outputs of all H heads side by side (T×d_model)"
	case "final":
		return "final = concat·W_o: the layer's output, T×d_model"
	case "head-weights":
		return "all heads' weights at once: click one to show it in detail"
	}
	return ""
}

// CellInfo explains one cell: its value, its query and key tokens and how
// it was computed.
func (a *App) CellInfo(h *Heatmap, i, j int) []string {
	if h == nil || i < 0 || j < 0 || i >= h.Rows || j >= h.Cols || a.Trace == nil || i >= len(a.Tokens) {
		return nil
	}
	v := h.At(i, j)
	q := strconv.Quote(a.Tokens[i].Text)
	key := ""
	if j < len(a.Tokens) {
		key = strconv.Quote(a.Tokens[j].Text)
	}
	head := "head " + strconv.Itoa(h.Head+1)
	f := fmtNum
	var att = a.Trace.Attention
	switch h.ID {
	case "weights", "head-weights":
		ht := att.Heads[h.Head]
		sum := 0.0
		for k := 0; k < h.Cols; k++ {
			sum += h.At(i, k)
		}
		lines := []string{head + " weight[" + strconv.Itoa(i) + "][" + strconv.Itoa(j) + "] = " + f(v) + ": query " + q + " → key " + key}
		switch {
		case ht.BlockedRows[i]:
			lines = append(lines, "query "+q+" has no visible key: the whole row is 0 (no visible key)")
		case h.IsBlocked(i, j):
			lines = append(lines, "blocked by the mask: left out of the softmax, weight exactly 0")
		default:
			mx := math.Inf(-1) // the row's largest visible score, subtracted for stable exp
			for k := 0; k < h.Cols; k++ {
				if !h.IsBlocked(i, k) {
					mx = math.Max(mx, ht.Scores.At(i, k))
				}
			}
			lines = append(lines, "softmax: exp("+f(ht.Scores.At(i, j))+" − max "+f(mx)+") / Σ over visible keys; row "+strconv.Itoa(i)+" sums to "+f(sum))
		}
		return lines
	case "scores":
		ht := att.Heads[h.Head]
		raw := 0.0
		for k := 0; k < ht.Q.RawMatrix().Cols; k++ {
			raw += ht.Q.At(i, k) * ht.K.At(j, k)
		}
		lines := []string{head + " score[" + strconv.Itoa(i) + "][" + strconv.Itoa(j) + "] = " + f(v) + ": query " + q + " · key " + key,
			"Q_" + strconv.Itoa(i) + "·K_" + strconv.Itoa(j) + " = " + f(raw) + ", × scale " + f(ht.Scale) + " = " + f(v)}
		if h.IsBlocked(i, j) {
			lines[1] += "; blocked by the mask, so it does not enter the softmax"
		}
		return lines
	case "mask":
		why := "may attend"
		if v == 0 {
			why = "blocked"
			switch a.S.Mask {
			case pipeline.MaskCausal, pipeline.MaskCausalPadding:
				if j > i {
					why += " (causal: key comes after the query)"
				}
			}
			if a.Tokens[j].IsPad() {
				why += " (key is padding)"
			}
		}
		return []string{"mask[" + strconv.Itoa(i) + "][" + strconv.Itoa(j) + "]: query " + q + " → key " + key + ": " + why, "click to toggle (switches to the custom mask)"}
	}
	col := strconv.Itoa(j)
	lines := []string{h.ID + "[" + strconv.Itoa(i) + "][" + col + "] = " + f(v) + " (token " + q + ", dimension " + col + ")"}
	tr := a.Trace
	switch h.ID {
	case "x":
		lines = append(lines, "E + PE = "+f(tr.Embeddings.At(i, j))+" + "+f(tr.PE.At(i, j)))
	case "pe":
		lines = append(lines, "position "+strconv.Itoa(i)+" ("+string(a.S.PE)+")")
	case "q", "k", "v":
		lines = append(lines, strings.ToUpper(h.ID)+" = X·W_"+h.ID+", "+head+" column "+strconv.Itoa(h.Head*a.S.Config().HeadWidth()+j)+" of d_model")
	case "output":
		lines = append(lines, "Σ_j weight[i][j]·V[j]["+col+"] over the keys of "+head)
	case "concat":
		dk := a.S.Config().HeadWidth()
		lines = append(lines, "from head "+strconv.Itoa(j/dk+1)+", its output column "+strconv.Itoa(j%dk))
	case "final":
		lines = append(lines, "row "+strconv.Itoa(i)+" of concat · column "+col+" of W_o")
	default:
		lines = append(lines, PanelFormula(h.ID))
	}
	return lines
}

// fmtNum formats a value for tooltips and cells (3 decimals, or
// scientific when tiny or huge).
func fmtNum(v float64) string {
	a := math.Abs(v)
	if a != 0 && (a < 1e-3 || a >= 1e5) {
		return strconv.FormatFloat(v, 'e', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// CellText is the number drawn inside a cell: two decimals, no leading zero
// for weights in [0, 1).
func CellText(v float64) string { return CellTextDigits(v, 2) }

// CellTextDigits is CellText with the given number of decimals.
func CellTextDigits(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // -0.004 shows as .00, not -.00
	}
	switch {
	case strings.HasPrefix(s, "0."):
		return s[1:]
	case strings.HasPrefix(s, "-0."):
		return "-" + s[2:]
	}
	return s
}

// CellDigits chooses one number of decimals (2 or 1) for every number
// drawn in h's cells, the most for which each of them fits (fits reports
// whether a text fits in a cell); -1: not even one decimal fits, draw none.
// One precision per panel: never some cells with numbers and some without.
func CellDigits(h *Heatmap, fits func(string) bool) int {
	if h == nil || h.Kind == MaskMap {
		return -1
	}
	for digits := 2; digits >= 1; digits-- { // whole numbers say too little here
		ok := true
		for i := 0; i < h.Rows && ok; i++ {
			for j := 0; j < h.Cols && ok; j++ {
				if h.Kind == Weights && h.IsBlocked(i, j) {
					continue // drawn without a number
				}
				ok = fits(CellTextDigits(h.At(i, j), digits))
			}
		}
		if ok {
			return digits
		}
	}
	return -1
}
