package pipeline

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/tokenize"
)

// Trace is everything computed from one text and Config, in pipeline order.
type Trace struct {
	Config     Config
	Tokens     []tokenize.Token
	Embeddings *mat.Dense       // T x d_model: one row per token, from its string and the seed
	PE         *mat.Dense       // T x d_model: positional encoding (zeros for none and rope)
	X          *mat.Dense       // T x d_model: Embeddings + PE, the attention input
	Weights    *core.MHAWeights // W_q, W_k, W_v, W_o (d_model x d_model), seeded
	Mask       core.Mask        // the mask that was applied
	Attention  *core.MHATrace   // per-head Q, K, V, scores, weights, outputs; nil when T = 0
}

// T returns the number of tokens.
func (t *Trace) T() int { return len(t.Tokens) }

// Runner turns text into traces and keeps what does not change between
// edits: the weight matrices (per d_model, H, seed) and token embeddings
// (per token string). Not safe for concurrent use.
//
// With Reuse set, Run writes into the storage of older traces instead of
// allocating (an edit then allocates almost nothing): while calling Run, a
// caller may keep reading the trace the previous successful Run returned,
// but no older one.
type Runner struct {
	Reuse bool

	older, last *Trace // the traces of the last two runs, with Reuse

	weightsKey [3]int64
	weights    *core.MHAWeights
	embKey     [2]int64
	embeddings map[string][]float64
	peKey      peKey
	pe         *mat.Dense // rows 0..n-1 of the positional table for peKey
}

type peKey struct {
	kind PEKind
	d    int
	seed int64
}

// positions fills out (T x d_model) with the positional encoding cfg asks
// for (zeros for none and rope) and returns it. Row p depends only on p, d_model and the seed, never on
// T, so the rows are computed once per table and copied out.
func (r *Runner) positions(out *mat.Dense, cfg Config) (*mat.Dense, error) {
	t, d := out.Dims()
	if cfg.PE != PESinusoidal && cfg.PE != PELearned {
		out.Zero()
		return out, nil
	}
	key := peKey{cfg.PE, d, cfg.Seed}
	if cfg.PE == PESinusoidal {
		key.seed = 0
	}
	if rows := 0; r.pe != nil && r.peKey == key {
		rows, _ = r.pe.Dims()
		if rows >= t {
			out.Copy(r.pe.Slice(0, t, 0, d))
			return out, nil
		}
	}
	n := min(max(t, 64), MaxTokens) // grow in one step for typical texts
	var err error
	if cfg.PE == PESinusoidal {
		r.pe, err = core.Sinusoidal(n, d)
	} else {
		r.pe, err = core.Learned(n, d, cfg.Seed)
	}
	if err != nil {
		r.pe = nil
		return nil, err
	}
	r.peKey = key
	out.Copy(r.pe.Slice(0, t, 0, d))
	return out, nil
}

// Run is a one-off Runner.Run.
func Run(cfg Config, text string) (*Trace, error) {
	var r Runner
	return r.Run(cfg, text)
}

// Run tokenizes text and computes the whole trace. Empty text gives a trace
// with no tokens and no attention, not an error.
func (r *Runner) Run(cfg Config, text string) (*Trace, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	toks, err := tokenize.Split(text, cfg.Tokenizer)
	if err != nil {
		return nil, err
	}
	toks = tokenize.Pad(toks, cfg.PadTo, len(text))
	return r.RunTokens(cfg, toks)
}

// RunTokens computes the trace for tokens that are already split.
func (r *Runner) RunTokens(cfg Config, toks []tokenize.Token) (*Trace, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t, d := len(toks), cfg.DModel
	if t > MaxTokens {
		return nil, fmt.Errorf("text: %d tokens is more than the limit of %d", t, MaxTokens)
	}
	tr := &Trace{Config: cfg, Tokens: toks, Weights: r.weightsFor(cfg)}
	if t == 0 {
		return tr, nil
	}
	spare := &Trace{} // storage that may be overwritten
	if r.Reuse && r.older != nil {
		spare, r.older = r.older, nil // its storage now belongs to tr
	}
	tr.Embeddings = core.Reuse(spare.Embeddings, t, d) // T x d_model
	for i, tok := range toks {
		copy(tr.Embeddings.RawRowView(i), r.embedding(tok, d, cfg.Seed))
	}
	r.pruneEmbeddings(toks)
	var err error
	tr.PE, err = r.positions(core.Reuse(spare.PE, t, d), cfg) // T x d_model
	if err != nil {
		return nil, err
	}
	tr.X = core.Reuse(spare.X, t, d)
	tr.X.Add(tr.Embeddings, tr.PE) // T x d_model

	tr.Mask, err = maskFor(cfg, toks)
	if err != nil {
		return nil, err
	}
	tr.Attention, err = core.MultiHeadAttentionInto(spare.Attention, tr.X, tr.Weights, tr.Mask,
		core.MHAOptions{Scale: cfg.Scale(), Rotary: cfg.PE == PERotary})
	if r.Reuse && err == nil {
		r.older, r.last = r.last, tr
	}
	if err != nil {
		return nil, err
	}
	return tr, nil
}

// maskFor builds the attention mask the config asks for.
func maskFor(cfg Config, toks []tokenize.Token) (core.Mask, error) {
	var m core.Mask
	switch cfg.Mask {
	case MaskCausal:
		m.Causal = true
	case MaskPadding:
		m.Pad = padFlags(toks)
	case MaskCausalPadding:
		m.Causal = true
		m.Pad = padFlags(toks)
	case MaskCustom:
		if cfg.Custom == nil || cfg.Custom.Rows != len(toks) || cfg.Custom.Cols != len(toks) {
			got := "none"
			if cfg.Custom != nil {
				got = fmt.Sprintf("%d x %d", cfg.Custom.Rows, cfg.Custom.Cols)
			}
			return m, fmt.Errorf("mask: custom mask must be %d x %d (T x T), got %s", len(toks), len(toks), got)
		}
		m.Explicit = cfg.Custom
	}
	return m, nil
}

func padFlags(toks []tokenize.Token) []bool {
	pad := make([]bool, len(toks))
	for i, t := range toks {
		pad[i] = t.IsPad()
	}
	return pad
}

// weightsFor returns the seeded weights for cfg, reusing the last ones.
func (r *Runner) weightsFor(cfg Config) *core.MHAWeights {
	key := [3]int64{int64(cfg.DModel), int64(cfg.Heads), cfg.Seed}
	if r.weights == nil || r.weightsKey != key {
		r.weights = SeededWeights(cfg.DModel, cfg.Heads, cfg.Seed)
		r.weightsKey = key
	}
	return r.weights
}

// embedding returns a token's embedding, cached per (d_model, seed).
func (r *Runner) embedding(tok tokenize.Token, d int, seed int64) []float64 {
	key := [2]int64{int64(d), seed}
	if r.embeddings == nil || r.embKey != key {
		r.embeddings = make(map[string][]float64)
		r.embKey = key
	}
	e, ok := r.embeddings[tok.Text]
	if !ok {
		e = Embedding(tok, d, seed)
		if len(r.embeddings) > 4*MaxTokens { // bound the cache
			clear(r.embeddings)
		}
		r.embeddings[tok.Text] = e
	}
	return e
}

// pruneEmbeddings keeps the embedding cache in proportion to the text: once
// it holds many more tokens than the text uses (every keystroke makes new
// token strings), it keeps only the text's own, in a new map (a Go map never
// gives back the room of deleted entries), so memory stays flat however long
// a learner types.
func (r *Runner) pruneEmbeddings(toks []tokenize.Token) {
	if len(r.embeddings) <= 2*len(toks)+64 {
		return
	}
	kept := make(map[string][]float64, len(toks))
	for _, t := range toks {
		if e, ok := r.embeddings[t.Text]; ok {
			kept[t.Text] = e
		}
	}
	r.embeddings = kept
}

// Embedding returns the d_model-wide embedding of a token: seeded values in
// [-√3, √3) (unit variance) that depend only on the seed and the token's
// string. Padding embeds to zeros, as PyTorch's padding_idx does.
func Embedding(tok tokenize.Token, d int, seed int64) []float64 {
	e := make([]float64, d)
	if !tok.IsPad() {
		core.FillUniform(e, seed, "token:"+tok.Text, 0, sqrt3)
	}
	return e
}

const sqrt3 = 1.7320508075688772

// SeededWeights returns Xavier-uniform W_q, W_k, W_v, W_o (d_model x d_model)
// and zero biases for the given seed.
func SeededWeights(d, heads int, seed int64) *core.MHAWeights {
	amp := core.XavierAmplitude(d, d)
	w := &core.MHAWeights{Heads: heads}
	for _, m := range []struct {
		name string
		dst  **mat.Dense
	}{{"W_q", &w.Wq}, {"W_k", &w.Wk}, {"W_v", &w.Wv}, {"W_o", &w.Wo}} {
		data := make([]float64, d*d)
		core.FillUniform(data, seed, m.name, uint64(d), amp)
		*m.dst = mat.NewDense(d, d, data)
	}
	return w
}
