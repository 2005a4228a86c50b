package contract

import (
	"bytes"
	"errors"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/pipeline"
)

// Matrix is a JSON matrix: an array of rows.
type Matrix [][]float64

// Rows converts a gonum matrix to JSON rows (nil stays nil).
func Rows(m mat.Matrix) Matrix {
	if d, ok := m.(*mat.Dense); m == nil || ok && d == nil { // a typed nil too (no tokens)
		return nil
	}
	r, c := m.Dims()
	out := make(Matrix, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = m.At(i, j)
		}
	}
	return out
}

// AttentionJSON is one scaled dot-product attention (or one head) in JSON.
type AttentionJSON struct {
	Q           Matrix  `json:"q,omitempty"`
	K           Matrix  `json:"k,omitempty"`
	V           Matrix  `json:"v,omitempty"`
	Scale       float64 `json:"scale"`
	Scores      Matrix  `json:"scores"`  // T_q x T_k, before masking
	Allowed     [][]int `json:"allowed"` // T_q x T_k, 1 = visible
	Weights     Matrix  `json:"weights"` // T_q x T_k, blocked cells 0
	Output      Matrix  `json:"output"`  // T_q x d_v
	BlockedRows []int   `json:"blocked_rows"`
}

// SDPATrace is the answer to op "sdpa".
type SDPATrace struct {
	Op string `json:"op"`
	AttentionJSON
}

// MHATrace is the answer to op "mha".
type MHATrace struct {
	Op     string          `json:"op"`
	DModel int             `json:"d_model"`
	NHeads int             `json:"n_heads"`
	DK     int             `json:"d_k"`
	Q      Matrix          `json:"q"` // T x d_model, all heads
	K      Matrix          `json:"k"`
	V      Matrix          `json:"v"`
	Heads  []AttentionJSON `json:"heads"`
	Concat Matrix          `json:"concat"` // T x d_model
	Output Matrix          `json:"output"` // T x d_model
}

// PETrace is the answer to op "pe".
type PETrace struct {
	Op string `json:"op"`
	PE Matrix `json:"pe"` // T x d_model
}

// TextTrace is the answer to op "text": the whole pipeline.
type TextTrace struct {
	Op         string     `json:"op"`
	Config     ConfigJSON `json:"config"`
	Tokens     []string   `json:"tokens"`
	Embeddings Matrix     `json:"embeddings"` // T x d_model
	PE         Matrix     `json:"pe"`         // T x d_model
	X          Matrix     `json:"x"`          // T x d_model
	WQ         Matrix     `json:"w_q"`
	WK         Matrix     `json:"w_k"`
	WV         Matrix     `json:"w_v"`
	WO         Matrix     `json:"w_o"`
	*MHATrace
}

// ConfigJSON is a pipeline.Config in JSON.
type ConfigJSON struct {
	DModel      int     `json:"d_model"`
	Heads       int     `json:"heads"`
	PE          string  `json:"pe"`
	Mask        string  `json:"mask"`
	PadTo       int     `json:"pad,omitempty"`
	Scaled      bool    `json:"scaled"`
	Temperature float64 `json:"temperature"`
	Seed        int64   `json:"seed"`
	Tokenizer   string  `json:"tokenizer"`
}

// Run reads one JSON input and returns its trace, ready for json.Marshal.
// A whole golden case file ({"name", "input", ...}) is accepted too: its
// "input" is run. Every refusal is an *Error.
func Run(data []byte) (any, error) {
	o, err := parseObject(data)
	if err != nil {
		return nil, err
	}
	if !o.has("op") && o.has("input") {
		if o, err = parseObject(o.fields["input"]); err != nil {
			return nil, err
		}
	}
	if !o.has("op") {
		return nil, fieldErr("op", "missing: expected \"sdpa\", \"mha\", \"pe\" or \"text\"")
	}
	op, err := o.str("op")
	if err != nil {
		return nil, err
	}
	if known, ok := opFields[op]; ok {
		if err := o.onlyFields(op, known); err != nil {
			return nil, err
		}
	}
	switch op {
	case "sdpa":
		return runSDPA(o)
	case "mha":
		return runMHA(o)
	case "pe":
		return runPE(o)
	case "text":
		return runText(o)
	}
	return nil, fieldErr("op", "unknown op %q: expected \"sdpa\", \"mha\", \"pe\" or \"text\"", shorten(op))
}

// opFields lists the input fields each op reads. Any other field is refused,
// so that a typo such as "casual" cannot silently drop a mask.
var opFields = map[string][]string{
	"sdpa": {"q", "k", "v", "mask", "causal", "pad", "scale"},
	"mha":  {"x", "heads", "w_q", "w_k", "w_v", "w_o", "b_q", "b_k", "b_v", "b_o", "mask", "causal", "pad", "scale"},
	"pe":   {"kind", "positions", "d_model", "seed"},
	"text": {"text", "d_model", "heads", "seed", "pad", "pe", "mask", "tokenizer", "scaled", "temperature", "custom_mask"},
}

// mask reads the optional mask, causal and pad fields.
func (o *object) mask() (core.Mask, error) {
	var m core.Mask
	var err error
	if m.Explicit, err = o.boolMatrix("mask"); err != nil {
		return m, err
	}
	if m.Causal, err = o.boolean("causal"); err != nil {
		return m, err
	}
	m.Pad, err = o.boolVector("pad", "1 = that key is padding")
	return m, err
}

func runSDPA(o *object) (any, error) {
	q, err := o.matrix("q")
	if err != nil {
		return nil, err
	}
	k, err := o.matrix("k")
	if err != nil {
		return nil, err
	}
	v, err := o.matrix("v")
	if err != nil {
		return nil, err
	}
	m, err := o.mask()
	if err != nil {
		return nil, err
	}
	_, dk := q.Dims()
	scale := core.DefaultScale(dk)
	if o.has("scale") {
		if scale, err = o.number("scale"); err != nil {
			return nil, err
		}
	}
	a, err := core.ScaledDotProductAttention(q, k, v, m, scale)
	if err != nil {
		return nil, coreErr(err)
	}
	return SDPATrace{Op: "sdpa", AttentionJSON: attentionJSON(nil, nil, nil, a)}, nil
}

func runMHA(o *object) (any, error) {
	x, err := o.matrix("x")
	if err != nil {
		return nil, err
	}
	if !o.has("heads") {
		return nil, fieldErr("heads", "missing: expected the number of heads")
	}
	w := &core.MHAWeights{}
	if w.Heads, err = o.integer("heads", 1, core.MaxHeads); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		m    **mat.Dense
	}{{"w_q", &w.Wq}, {"w_k", &w.Wk}, {"w_v", &w.Wv}, {"w_o", &w.Wo}} {
		if *f.m, err = o.matrix(f.name); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		name string
		b    *[]float64
	}{{"b_q", &w.Bq}, {"b_k", &w.Bk}, {"b_v", &w.Bv}, {"b_o", &w.Bo}} {
		if *f.b, err = o.vector(f.name); err != nil {
			return nil, err
		}
	}
	m, err := o.mask()
	if err != nil {
		return nil, err
	}
	opt := core.MHAOptions{}
	if o.has("scale") {
		if opt.Scale, err = o.number("scale"); err != nil {
			return nil, err
		}
		if opt.Scale == 0 { // MHAOptions reads 0 as "default": do not swap silently
			return nil, fieldErr("scale", "expected a non-zero number (omit scale for 1/√d_k)")
		}
	}
	tr, err := core.MultiHeadAttentionWith(x, w, m, opt)
	if err != nil {
		return nil, coreErr(err)
	}
	return mhaJSON(w, tr), nil
}

func runPE(o *object) (any, error) {
	kind := "sinusoidal"
	var err error
	if o.has("kind") {
		if kind, err = o.str("kind"); err != nil {
			return nil, err
		}
	}
	if !o.has("positions") {
		return nil, fieldErr("positions", "missing: expected the number of positions T (or an array of positions)")
	}
	var positions []float64 // nil: 0..T-1
	t := 0
	if raw := bytes.TrimSpace(o.fields["positions"]); len(raw) > 0 && raw[0] == '[' {
		if positions, err = o.vector("positions"); err != nil {
			return nil, err
		}
		t = len(positions) // core refuses more than MaxCells/d_model positions
	} else if t, err = o.integer("positions", 0, core.MaxCells); err != nil {
		return nil, err
	}
	if !o.has("d_model") {
		return nil, fieldErr("d_model", "missing: expected the width d_model")
	}
	d, err := o.integer("d_model", 1, core.MaxWidth)
	if err != nil {
		return nil, err
	}
	var pe *mat.Dense
	switch kind {
	case "sinusoidal":
		if positions != nil {
			pe, err = core.SinusoidalAt(positions, d)
		} else {
			pe, err = core.Sinusoidal(t, d)
		}
	case "learned":
		if positions != nil {
			return nil, fieldErr("positions", "learned positions take a count T, not an array")
		}
		seed := 1
		if o.has("seed") {
			if seed, err = o.integer("seed", 0, 1<<53-1); err != nil {
				return nil, err
			}
		}
		pe, err = core.Learned(t, d, int64(seed))
	default:
		return nil, fieldErr("kind", "expected \"sinusoidal\" or \"learned\", got %q", shorten(kind))
	}
	if err != nil {
		return nil, coreErr(err)
	}
	out := PETrace{Op: "pe", PE: Rows(pe)}
	if out.PE == nil {
		out.PE = Matrix{}
	}
	return out, nil
}

func runText(o *object) (any, error) {
	cfg := pipeline.DefaultConfig()
	text := ""
	var err error
	if o.has("text") {
		if text, err = o.str("text"); err != nil {
			return nil, err
		}
	}
	if o.has("d_model") {
		if cfg.DModel, err = o.integer("d_model", 1, pipeline.MaxDModel); err != nil {
			return nil, err
		}
	}
	if o.has("heads") {
		if cfg.Heads, err = o.integer("heads", 1, core.MaxHeads); err != nil {
			return nil, err
		}
	}
	if o.has("seed") {
		seed, err := o.integer("seed", 0, pipeline.MaxSeed)
		if err != nil {
			return nil, err
		}
		cfg.Seed = int64(seed)
	}
	if o.has("pad") {
		if cfg.PadTo, err = o.integer("pad", 0, pipeline.MaxTokens); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"pe", (*string)(&cfg.PE)}, {"mask", (*string)(&cfg.Mask)}, {"tokenizer", (*string)(&cfg.Tokenizer)}} {
		if o.has(f.name) {
			if *f.dst, err = o.str(f.name); err != nil {
				return nil, err
			}
		}
	}
	if o.has("scaled") {
		if cfg.Scaled, err = o.boolean("scaled"); err != nil {
			return nil, err
		}
	}
	if o.has("temperature") {
		if cfg.Temperature, err = o.number("temperature"); err != nil {
			return nil, err
		}
	}
	if o.has("custom_mask") {
		if cfg.Custom, err = o.boolMatrix("custom_mask"); err != nil {
			return nil, err
		}
	}
	out, err := TextJSON(cfg, text)
	if err != nil {
		return nil, err // not a typed nil *TextTrace inside the any
	}
	return out, nil
}

// TextJSON runs the pipeline and returns its trace in JSON form.
func TextJSON(cfg pipeline.Config, text string) (*TextTrace, error) {
	tr, err := pipeline.Run(cfg, text)
	if err != nil {
		return nil, coreErr(err)
	}
	out := &TextTrace{
		Op: "text",
		Config: ConfigJSON{
			DModel: cfg.DModel, Heads: cfg.Heads, PE: string(cfg.PE), Mask: string(cfg.Mask),
			PadTo: cfg.PadTo, Scaled: cfg.Scaled, Temperature: cfg.Temperature, Seed: cfg.Seed,
			Tokenizer: string(cfg.Tokenizer),
		},
		Tokens:     make([]string, len(tr.Tokens)),
		Embeddings: Rows(tr.Embeddings),
		PE:         Rows(tr.PE),
		X:          Rows(tr.X),
		WQ:         Rows(tr.Weights.Wq),
		WK:         Rows(tr.Weights.Wk),
		WV:         Rows(tr.Weights.Wv),
		WO:         Rows(tr.Weights.Wo),
	}
	for i, t := range tr.Tokens {
		out.Tokens[i] = t.Text
	}
	for _, m := range []*Matrix{&out.Embeddings, &out.PE, &out.X} {
		if *m == nil { // no tokens: T = 0 rows, written as [] rather than null
			*m = Matrix{}
		}
	}
	if tr.Attention != nil {
		out.MHATrace = mhaJSON(tr.Weights, tr.Attention)
	}
	return out, nil
}

func mhaJSON(w *core.MHAWeights, tr *core.MHATrace) *MHATrace {
	out := &MHATrace{
		Op: "mha", DModel: w.DModel(), NHeads: w.Heads, DK: w.HeadWidth(),
		Q: Rows(tr.Q), K: Rows(tr.K), V: Rows(tr.V),
		Concat: Rows(tr.Concat), Output: Rows(tr.Output),
	}
	for _, h := range tr.Heads {
		out.Heads = append(out.Heads, attentionJSON(h.Q, h.K, h.V, h.Attention))
	}
	return out
}

func attentionJSON(q, k, v mat.Matrix, a *core.Attention) AttentionJSON {
	out := AttentionJSON{
		Q: Rows(q), K: Rows(k), V: Rows(v),
		Scale: a.Scale, Scores: Rows(a.Scores), Allowed: a.Allowed.Ints(),
		Weights: Rows(a.Weights), Output: Rows(a.Output), BlockedRows: []int{},
	}
	for i, b := range a.BlockedRows {
		if b {
			out.BlockedRows = append(out.BlockedRows, i)
		}
	}
	return out
}

// coreErr turns a core.InputError into an *Error, keeping the field name;
// other errors (from the pipeline, "field: message") become an *Error too.
func coreErr(err error) error {
	var ie *core.InputError
	if errors.As(err, &ie) {
		return &Error{Field: ie.Field, Msg: ie.Msg}
	}
	msg := err.Error()
	if f, m, ok := strings.Cut(msg, ": "); ok && f != "" && !strings.ContainsAny(f, " \"") {
		return &Error{Field: f, Msg: m}
	}
	return &Error{Msg: msg}
}
