package viz

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/pipeline"
	"github.com/attnviz/attnviz/core/tokenize"
)

// MaxStoredText bounds the text kept in the field; longer pastes are cut
// (with a notice). Only the first tokenize.MaxTextBytes are tokenized.
const MaxStoredText = 4 * tokenize.MaxTextBytes

// noticeTicks is how long an event notice stays (ticks at 60 per second).
const noticeTicks = 60 * 12

type notice struct {
	text string
	ttl  int
}

// App is the whole visualizer state without any graphics: settings, text
// cursor, the current trace, heatmap pixels, layout, hover and notices.
// Front ends turn input into its actions, call Sync once per tick, and draw
// what it holds. Not safe for concurrent use.
type App struct {
	S        Settings
	Cursor   int              // byte offset of the text cursor in S.Text
	SelToken int              // selected token chip, -1 for none
	Custom   *core.BoolMatrix // the custom mask (T x T), kept across edits

	// customFromLink: Custom came from a link's or a call's cmask and was
	// not yet fitted to the text (a size that differs gets a notice).
	customFromLink bool
	Help           bool // help overlay shown
	Editing        bool // typed keys go to the text (false: keys are shortcuts)
	SelAll         bool // the whole text is selected (Ctrl+A): typing replaces it

	Trace       *pipeline.Trace // nil until the first Sync
	Tokens      []tokenize.Token
	TotalTokens int // tokens before truncation to pipeline.MaxTokens

	Heat  []*Heatmap // pipeline panels then one "head-weights" per head
	Frame Frame      // window size, UI scale and text measure
	L     *Layout    // nil until the first Sync with a window size

	Tip      []string // hover tooltip lines (empty: none)
	TipPanel string   // panel id under the pointer ("" none)
	Mouse    [2]float64

	FullscreenRequest bool // front end toggles fullscreen and clears this

	version   int
	pixGen    int
	runner    pipeline.Runner
	dirty     bool // the trace must be recomputed
	heatDirty bool // heatmaps must be rebuilt (head changed)
	layDirty  bool
	events    []notice
	conds     []string // notices that hold while a condition holds
	hoverKey  string
	blocked   int // query rows of the selected head that see no key
}

// Frame is what the layout needs from the window.
type Frame struct {
	W, H    float64                // screen size in device pixels
	Scale   float64                // device scale factor (1 on most screens)
	Measure func(s string) float64 // text width at font size 1 (em units)
	// HasGlyph reports whether the font draws r (nil: assume it does).
	HasGlyph func(r rune) bool
}

// New returns an App for the given settings and start-up notices.
func New(s Settings, notices []string) *App {
	a := &App{S: s, SelToken: -1, Editing: true, dirty: true, layDirty: true}
	a.runner.Reuse = true // only the latest trace is kept, so reuse older storage
	a.Cursor = len(s.Text)
	a.limitText()
	a.Custom, _ = DecodeMask(s.CMask) // validated by Settings.Set
	a.customFromLink = a.Custom != nil
	for _, n := range notices {
		a.Notify(n)
	}
	if s.CMask != "" && s.Mask != pipeline.MaskCustom {
		a.Notify("cmask: used only with mask=custom (the mask now is " + string(s.Mask) + "); kept for when you switch")
	}
	return a
}

// PixGen changes whenever any heatmap's pixels changed.
func (a *App) PixGen() int { return a.pixGen }

// Version counts trace recomputations (the JS API's version()).
func (a *App) Version() int { return a.version }

// Notify shows an event notice for a while.
func (a *App) Notify(s string) {
	for i := range a.events {
		if a.events[i].text == s {
			a.events[i].ttl = noticeTicks
			return
		}
	}
	a.events = append(a.events, notice{s, noticeTicks})
	if len(a.events) > 8 {
		a.events = a.events[len(a.events)-8:]
	}
	a.layDirty = true
}

// Notices returns every notice shown now: conditions first, then events.
func (a *App) Notices() []string {
	out := append([]string(nil), a.conds...)
	for _, e := range a.events {
		out = append(out, e.text)
	}
	return out
}

// DismissNotices removes the event notices.
func (a *App) DismissNotices() {
	if len(a.events) > 0 {
		a.events = nil
		a.layDirty = true
	}
}

// Tick ages event notices; it reports whether the screen changed.
func (a *App) Tick() bool {
	n := 0
	for _, e := range a.events {
		e.ttl--
		if e.ttl > 0 {
			a.events[n] = e
			n++
		}
	}
	changed := n != len(a.events)
	a.events = a.events[:n]
	if changed {
		a.layDirty = true
	}
	return changed
}

// NoticeTicksLeft is how many ticks the soonest-expiring event notice has
// left (0: none is shown), so a front end that only ticks on demand knows
// when to wake up.
func (a *App) NoticeTicksLeft() int {
	left := 0
	for _, e := range a.events {
		if left == 0 || e.ttl < left {
			left = e.ttl
		}
	}
	return left
}

// SetFrame sets the window size, scale and text measure.
func (a *App) SetFrame(f Frame) {
	if f.W != a.Frame.W || f.H != a.Frame.H || f.Scale != a.Frame.Scale || (a.Frame.Measure == nil) != (f.Measure == nil) {
		a.layDirty = true
	}
	a.Frame = f
}

// Set changes one setting by name (the URL / JS / flag names). Errors are
// also shown as notices.
func (a *App) Set(name, value string) error {
	old := a.S
	note, err := a.S.Set(name, value)
	if err != nil {
		a.Notify(err.Error() + "; ignored")
		return err
	}
	if note != "" {
		a.Notify(note)
	}
	if name == "text" {
		a.Cursor = len(a.S.Text)
		a.SelToken = -1
		a.limitText()
	}
	a.changed(old)
	return nil
}

// changed marks what must be recomputed after the settings moved from old.
func (a *App) changed(old Settings) {
	n := a.S
	if n.Present != old.Present {
		a.layDirty = true
	}
	if n.Head != old.Head {
		a.heatDirty = true
	}
	n.Head, n.Present = old.Head, old.Present
	if n != old {
		if n.CMask != old.CMask {
			a.Custom, _ = DecodeMask(n.CMask) // validated by Settings.Set
			a.customFromLink = a.Custom != nil
		}
		if t := len(a.Tokens); a.S.Mask == pipeline.MaskCustom && old.Mask != pipeline.MaskCustom && a.Trace != nil && a.Trace.T() == t && t > 0 &&
			(a.Custom == nil || a.Custom.Rows != t) {
			// start the custom mask from what was shown (a custom mask
			// of the right size, made before or from a link, stays)
			a.setCustom(a.Trace.Mask.Allowed(t, t))
		}
		a.dirty = true
	}
}

// limitText cuts a giant text to MaxStoredText bytes.
func (a *App) limitText() {
	if len(a.S.Text) > MaxStoredText {
		cut := MaxStoredText
		for cut > 0 && !utf8.RuneStart(a.S.Text[cut]) {
			cut--
		}
		a.S.Text = a.S.Text[:cut]
		a.Notify("text: longer than " + strconv.Itoa(MaxStoredText/1024) + " KiB; the rest was cut")
	}
	if a.Cursor > len(a.S.Text) {
		a.Cursor = len(a.S.Text)
	}
}

// SetText replaces the text and puts the cursor at its end.
func (a *App) SetText(s string) { _ = a.Set("text", s) }

// ReplaceText sets the text and cursor (from a text field).
func (a *App) ReplaceText(s string, cursor int) {
	if s != a.S.Text {
		a.SelAll = false
		a.S.Text = s
		a.SelToken = -1
		a.dirty = true
	}
	a.Cursor = max(0, min(cursor, len(s)))
	a.limitText()
}

// SelectAll selects the whole text: the next typed text replaces it and
// Backspace or Delete clears it.
func (a *App) SelectAll() {
	a.SelAll = a.S.Text != ""
	a.layDirty = true
}

// takeSelection clears a select-all selection, deleting the text; it
// reports whether there was one.
func (a *App) takeSelection() bool {
	if !a.SelAll {
		return false
	}
	a.SelAll = false
	a.ReplaceText("", 0)
	return true
}

// Insert types s at the cursor.
func (a *App) Insert(s string) {
	a.takeSelection()
	t := a.S.Text
	a.ReplaceText(t[:a.Cursor]+s+t[a.Cursor:], a.Cursor+len(s))
}

// Backspace deletes the character before the cursor.
func (a *App) Backspace() {
	if a.takeSelection() || a.Cursor == 0 {
		return
	}
	_, n := utf8.DecodeLastRuneInString(a.S.Text[:a.Cursor])
	t := a.S.Text
	a.ReplaceText(t[:a.Cursor-n]+t[a.Cursor:], a.Cursor-n)
}

// Delete deletes the character after the cursor.
func (a *App) Delete() {
	if a.takeSelection() || a.Cursor >= len(a.S.Text) {
		return
	}
	_, n := utf8.DecodeRuneInString(a.S.Text[a.Cursor:])
	t := a.S.Text
	a.ReplaceText(t[:a.Cursor]+t[a.Cursor+n:], a.Cursor)
}

// MoveCursor moves the cursor by whole characters (negative: left).
func (a *App) MoveCursor(by int) {
	a.SelAll = false
	for ; by < 0 && a.Cursor > 0; by++ {
		_, n := utf8.DecodeLastRuneInString(a.S.Text[:a.Cursor])
		a.Cursor -= n
	}
	for ; by > 0 && a.Cursor < len(a.S.Text); by-- {
		_, n := utf8.DecodeRuneInString(a.S.Text[a.Cursor:])
		a.Cursor += n
	}
}

// CursorHome and CursorEnd jump to the ends of the text.
func (a *App) CursorHome() { a.Cursor, a.SelAll = 0, false }
func (a *App) CursorEnd()  { a.Cursor, a.SelAll = len(a.S.Text), false }

// SelectToken selects token chip i (out of range: none) and puts the
// cursor after it.
func (a *App) SelectToken(i int) {
	if i < 0 || i >= len(a.Tokens) {
		a.SelToken = -1
		a.layDirty = true
		return
	}
	a.SelToken = i
	if a.Tokens[i].End <= len(a.S.Text) && a.Tokens[i].End > 0 {
		a.Cursor = a.Tokens[i].End
	}
	a.layDirty = true
}

// NextToken selects the next (dir > 0) or previous token chip, wrapping.
func (a *App) NextToken(dir int) {
	n := len(a.Tokens)
	if n == 0 {
		return
	}
	i := a.SelToken
	switch {
	case i < 0 && dir > 0:
		i = 0
	case i < 0:
		i = n - 1
	default:
		i = ((i+dir)%n + n) % n
	}
	a.SelectToken(i)
}

// SelectHead selects head h for the detailed pipeline.
func (a *App) SelectHead(h int) error { return a.Set("head", strconv.Itoa(h)) }

// ToggleMaskCell flips cell (i, j) of the custom mask, switching to the
// custom mask (starting from the one shown) if another mask was on.
func (a *App) ToggleMaskCell(i, j int) {
	t := len(a.Tokens)
	if i < 0 || j < 0 || i >= t || j >= t {
		return
	}
	if a.S.Mask != pipeline.MaskCustom {
		if a.Trace != nil && a.Trace.T() == t {
			a.setCustom(a.Trace.Mask.Allowed(t, t))
		}
		a.S.Mask = pipeline.MaskCustom
		a.Notify("mask: switched to custom; click mask cells to toggle them")
	}
	a.resizeCustom(t)
	a.Custom.Set(i, j, !a.Custom.At(i, j))
	a.S.CMask = EncodeMask(a.Custom) // the link keeps it
	a.dirty = true
}

// setCustom sets the custom mask and its cmask text for links.
func (a *App) setCustom(m *core.BoolMatrix) {
	a.Custom = m
	a.S.CMask = EncodeMask(m)
}

// resizeCustom makes the custom mask T x T, keeping the cells that stay and
// allowing new ones.
func (a *App) resizeCustom(t int) {
	if a.Custom != nil && a.Custom.Rows == t && a.Custom.Cols == t {
		return
	}
	m := core.NewBoolMatrix(t, t, true)
	if a.Custom != nil {
		for i := 0; i < min(t, a.Custom.Rows); i++ {
			for j := 0; j < min(t, a.Custom.Cols); j++ {
				m.Set(i, j, a.Custom.At(i, j))
			}
		}
	}
	a.setCustom(m)
}

// Sync recomputes whatever the last actions made stale: the trace (only when
// text or settings changed), heatmap pixels, layout and the hover tooltip.
// It reports whether anything on screen changed.
func (a *App) Sync() bool {
	changed := false
	if a.dirty {
		a.recompute()
		a.heatDirty, a.layDirty, changed = true, true, true
	}
	if a.heatDirty {
		a.buildHeat()
		a.heatDirty, a.layDirty, changed = false, true, true
	}
	if a.layDirty && a.Frame.W > 0 && a.Frame.H > 0 {
		a.L = a.layout()
		a.layDirty, changed = false, true
		a.hoverKey = "\x00" // recompute the tooltip against the new layout
		a.Hover(a.Mouse[0], a.Mouse[1])
	}
	return changed
}

// recompute runs the pipeline for the current text and settings.
func (a *App) recompute() {
	a.dirty = false
	var conds []string
	text := a.S.Text
	cutText := len(text) > tokenize.MaxTextBytes
	if cutText {
		cut := tokenize.MaxTextBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	toks, err := tokenize.Split(text, a.S.Tokenizer)
	if err != nil {
		conds = append(conds, err.Error())
		toks = nil
	}
	a.TotalTokens = len(toks)
	if limit := TokenLimit(a.S.Heads); len(toks) > limit {
		why := "the limit"
		if limit < pipeline.MaxTokens {
			why = "the limit for " + strconv.Itoa(a.S.Heads) + " heads"
		}
		count := strconv.Itoa(len(toks)) + " tokens"
		if cutText { // only the first MaxTextBytes were split: the count is a floor
			count = "more than " + strconv.Itoa(len(toks)) + " tokens (" + strconv.Itoa(len(a.S.Text)/1024) + " KiB of text; only the first " + strconv.Itoa(tokenize.MaxTextBytes/1024) + " KiB are read)"
		}
		conds = append(conds, "text: "+count+"; showing the first "+strconv.Itoa(limit)+" ("+why+")")
		toks = toks[:limit]
	}
	cfg := a.S.Config()
	if cfg.Mask == pipeline.MaskCustom {
		if a.customFromLink && a.Custom != nil && a.Custom.Rows != len(toks) && len(toks) > 0 {
			fit := "the new rows and columns may attend"
			if a.Custom.Rows > len(toks) {
				fit = "the extra rows and columns are dropped"
			}
			a.Notify(fmt.Sprintf("cmask: the mask given is %d×%d but the text has %d tokens; %s", a.Custom.Rows, a.Custom.Cols, len(toks), fit))
		}
		a.customFromLink = false
		a.resizeCustom(len(toks))
		cfg.Custom = a.Custom
	}
	tr, err := a.runner.RunTokens(cfg, toks)
	if err != nil { // settings are validated on the way in; keep the app alive anyway
		conds = append(conds, err.Error())
		tr = &pipeline.Trace{Config: cfg}
		toks = nil
	}
	a.Trace, a.Tokens = tr, toks
	if a.SelToken >= len(toks) {
		a.SelToken = -1
	}
	conds = append(conds, textConditions(a.S.Text, toks, a.S)...)
	if a.Frame.HasGlyph != nil {
		if m := MissingGlyphs(text, a.Frame.HasGlyph); m != "" {
			conds = append(conds, "font: no font here draws "+m+" (left blank); attention is computed all the same")
		}
	}
	a.conds = conds
	a.version++
}

// TokenLimit is how many tokens are computed with H heads: at most
// pipeline.MaxTokens, and H·T·T within core.MaxCells.
func TokenLimit(heads int) int {
	t := min(pipeline.MaxTokens, int(math.Sqrt(float64(core.MaxCells/max(heads, 1)))))
	for heads*t*t > core.MaxCells {
		t--
	}
	return t
}

// textConditions explains situations a learner may not expect.
func textConditions(text string, toks []tokenize.Token, s Settings) []string {
	var out []string
	if len(toks) == 0 {
		out = append(out, "no tokens: type a sentence to see attention")
	}
	if (s.Mask == pipeline.MaskPadding || s.Mask == pipeline.MaskCausalPadding) && len(toks) > 0 {
		pad := false
		for _, t := range toks {
			pad = pad || t.IsPad()
		}
		if !pad {
			out = append(out, "padding mask: no <pad> tokens in the text, so padding blocks nothing (type <pad> tokens)")
		}
	}
	if lower := strings.ToLower(text); strings.Contains(lower, "<pad>") || strings.Contains(lower, "[pad]") {
		for _, odd := range []string{"<PAD>", "<Pad>", "[pad]", "[Pad]"} {
			if strings.Contains(text, odd) {
				out = append(out, "padding: "+odd+" is an ordinary word here; write "+tokenize.PadToken+" or [PAD] exactly to mark padding")
				break
			}
		}
	}
	rtl, pict := false, false
	for _, r := range text {
		rtl = rtl || unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana)
		pict = pict || r >= 0x1F000 || (r >= 0x2600 && r <= 0x27BF)
	}
	if rtl {
		out = append(out, "right-to-left text: tokens are shown in reading order from left to right")
	}
	if pict {
		out = append(out, "emoji: each is one token; drawn in the text colour, or left blank where no font has it")
	}
	return out
}

// PanelIDs lists the pipeline panels in order (the per-head grid follows).
var PanelIDs = []string{"embeddings", "pe", "x", "q", "k", "v", "scores", "mask", "weights", "output", "concat", "final"}

// buildHeat fills every heatmap from the trace and selected head.
func (a *App) buildHeat() {
	a.pixGen++
	tr := a.Trace
	var att *core.MHATrace
	if tr != nil {
		att = tr.Attention
	}
	nh := 0
	if att != nil {
		nh = len(att.Heads)
	}
	need := len(PanelIDs) + nh
	for len(a.Heat) < need {
		a.Heat = append(a.Heat, &Heatmap{})
	}
	a.Heat = a.Heat[:need]
	h := a.S.Head
	var head *core.HeadTrace
	if att != nil && h < nh {
		head = &att.Heads[h]
	}
	pick := func(f func(*core.HeadTrace) *mat.Dense) *mat.Dense {
		if head == nil {
			return nil
		}
		return f(head)
	}
	var allowed *core.BoolMatrix
	if head != nil {
		allowed = head.Allowed
	}
	for i, id := range PanelIDs {
		hm := a.Heat[i]
		hm.ID, hm.Head = id, -1
		kind := Signed
		if i >= 3 && i <= 9 {
			hm.Head = h
		}
		var m *mat.Dense
		var blk *core.BoolMatrix
		switch id {
		case "embeddings":
			m = tr.Embeddings
		case "pe":
			m = tr.PE
		case "x":
			m = tr.X
		case "q":
			m = pick(func(t *core.HeadTrace) *mat.Dense { return t.Q })
		case "k":
			m = pick(func(t *core.HeadTrace) *mat.Dense { return t.K })
		case "v":
			m = pick(func(t *core.HeadTrace) *mat.Dense { return t.V })
		case "scores":
			m, blk = pick(func(t *core.HeadTrace) *mat.Dense { return t.Scores }), allowed
		case "mask":
			hm.setMask(allowed, a.pixGen)
			continue
		case "weights":
			kind = Weights
			m, blk = pick(func(t *core.HeadTrace) *mat.Dense { return t.Weights }), allowed
		case "output":
			m = pick(func(t *core.HeadTrace) *mat.Dense { return t.Output })
		case "concat":
			if att != nil {
				m = att.Concat
			}
		case "final":
			if att != nil {
				m = att.Output
			}
		}
		hm.set(kind, m, blk, a.pixGen)
	}
	for k := 0; k < nh; k++ {
		hm := a.Heat[len(PanelIDs)+k]
		hm.ID, hm.Head = "head-weights", k
		hm.set(Weights, att.Heads[k].Weights, att.Heads[k].Allowed, a.pixGen)
	}
	conds := a.conds[:0:0]
	for _, c := range a.conds {
		if !strings.HasPrefix(c, "head ") {
			conds = append(conds, c)
		}
	}
	a.blocked = 0
	if head != nil {
		var rows []string
		for i, b := range head.BlockedRows {
			if b {
				a.blocked++
				if len(rows) < 4 {
					rows = append(rows, TokenLabel(tr.Tokens[i].Text))
				}
			}
		}
		if a.blocked > 0 {
			if a.blocked > len(rows) {
				rows = append(rows, "…")
			}
			conds = append(conds, "head "+strconv.Itoa(h+1)+": "+strconv.Itoa(a.blocked)+" query row(s) see no key ("+strings.Join(rows, " ")+"): their weights are all 0")
		}
	}
	a.conds = conds
}

// HeatByID returns the heatmap of a panel (head >= 0 for "head-weights").
func (a *App) HeatByID(id string, head int) *Heatmap {
	for _, h := range a.Heat {
		if h.ID == id && (id != "head-weights" || h.Head == head) {
			return h
		}
	}
	return nil
}

// TokenLabel shows a token readably: spaces and controls become visible.
func TokenLabel(s string) string {
	switch s {
	case " ":
		return "·"
	case "\t":
		return `\t`
	case "\n":
		return `\n`
	}
	return DisplayText(s)
}
