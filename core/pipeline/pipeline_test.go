package pipeline_test

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/pipeline"
	"github.com/attnviz/attnviz/core/tokenize"
)

func cfgWith(edit func(c *pipeline.Config)) pipeline.Config {
	c := pipeline.DefaultConfig()
	if edit != nil {
		edit(&c)
	}
	return c
}

func run(t *testing.T, cfg pipeline.Config, text string) *pipeline.Trace {
	t.Helper()
	tr, err := pipeline.Run(cfg, text)
	if err != nil {
		t.Fatalf("Run(%q): %v", text, err)
	}
	return tr
}

// sameTrace reports the first difference between two traces (bit for bit).
func sameTrace(a, b *pipeline.Trace) string {
	if len(a.Tokens) != len(b.Tokens) {
		return "token count"
	}
	for i := range a.Tokens {
		if a.Tokens[i] != b.Tokens[i] {
			return "tokens"
		}
	}
	if (a.Attention == nil) != (b.Attention == nil) {
		return "attention presence"
	}
	if a.Attention == nil {
		return ""
	}
	pairs := []struct {
		name string
		x, y mat.Matrix
	}{
		{"embeddings", a.Embeddings, b.Embeddings}, {"pe", a.PE, b.PE}, {"x", a.X, b.X},
		{"w_q", a.Weights.Wq, b.Weights.Wq}, {"w_k", a.Weights.Wk, b.Weights.Wk},
		{"w_v", a.Weights.Wv, b.Weights.Wv}, {"w_o", a.Weights.Wo, b.Weights.Wo},
		{"q", a.Attention.Q, b.Attention.Q}, {"concat", a.Attention.Concat, b.Attention.Concat},
		{"output", a.Attention.Output, b.Attention.Output},
	}
	for h := range a.Attention.Heads {
		ha, hb := a.Attention.Heads[h], b.Attention.Heads[h]
		pairs = append(pairs, struct {
			name string
			x, y mat.Matrix
		}{"head scores", ha.Scores, hb.Scores}, struct {
			name string
			x, y mat.Matrix
		}{"head weights", ha.Weights, hb.Weights})
	}
	for _, p := range pairs {
		if !mat.Equal(p.x, p.y) {
			return p.name
		}
	}
	return ""
}

func TestDeterministic(t *testing.T) {
	for _, cfg := range []pipeline.Config{
		pipeline.DefaultConfig(),
		cfgWith(func(c *pipeline.Config) { c.PE, c.Mask, c.Seed = pipeline.PELearned, pipeline.MaskCausal, 99 }),
		cfgWith(func(c *pipeline.Config) { c.PE, c.DModel, c.Heads = pipeline.PERotary, 32, 2 }),
		cfgWith(func(c *pipeline.Config) { c.Mask, c.PadTo = pipeline.MaskCausalPadding, 10 }),
		cfgWith(func(c *pipeline.Config) { c.Tokenizer, c.Temperature, c.Scaled = tokenize.Char, 0.5, false }),
	} {
		text := "the quick brown fox jumps over the lazy dog."
		a := run(t, cfg, text)
		b := run(t, cfg, text)
		var r pipeline.Runner
		r.Run(pipeline.DefaultConfig(), "warm the caches with something else")
		c, err := r.Run(cfg, text)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameTrace(a, b); d != "" {
			t.Errorf("%+v: two runs differ in %s", cfg, d)
		}
		if d := sameTrace(a, c); d != "" {
			t.Errorf("%+v: a reused Runner differs in %s", cfg, d)
		}
	}
}

func TestEmbeddingDependsOnlyOnTokenAndSeed(t *testing.T) {
	cfg := pipeline.DefaultConfig()
	tr := run(t, cfg, "the cat sat on the mat")
	the := tr.Embeddings.RawRowView(0)
	if !mat.Equal(tr.Embeddings.RowView(0), tr.Embeddings.RowView(4)) {
		t.Error(`the two "the" tokens (positions 0 and 4) have different embeddings`)
	}
	if mat.Equal(tr.Embeddings.RowView(0), tr.Embeddings.RowView(1)) {
		t.Error(`"the" and "cat" share an embedding`)
	}
	if mat.Equal(tr.X.RowView(0), tr.X.RowView(4)) {
		t.Error("with sinusoidal PE, X must differ between positions 0 and 4")
	}
	other := run(t, cfg, "on the")
	if !floatsEqual(other.Embeddings.RawRowView(1), the) {
		t.Error(`"the" embeds differently in another text at another position`)
	}
	if !floatsEqual(pipeline.Embedding(tokenize.Token{Text: "the"}, cfg.DModel, cfg.Seed), the) {
		t.Error("Embedding() disagrees with the trace")
	}
	reseeded := run(t, cfgWith(func(c *pipeline.Config) { c.Seed = 2 }), "the")
	if floatsEqual(reseeded.Embeddings.RawRowView(0), the) {
		t.Error("a different seed gave the same embedding")
	}
	for _, v := range the {
		if math.Abs(v) > math.Sqrt(3) {
			t.Errorf("embedding value %v outside [-√3, √3]", v)
		}
	}
	pad := pipeline.Embedding(tokenize.Token{Text: "<pad>"}, 8, 1)
	for _, v := range pad {
		if v != 0 {
			t.Fatalf("<pad> embeds to %v, want zeros", pad)
		}
	}
}

func floatsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEmptyText(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		kind       tokenize.Kind
	}{{"empty words", "", tokenize.Word}, {"spaces only", "  \t\n", tokenize.Word}, {"empty chars", "", tokenize.Char}} {
		t.Run(tc.name, func(t *testing.T) {
			tr := run(t, cfgWith(func(c *pipeline.Config) { c.Tokenizer = tc.kind }), tc.text)
			if tr.T() != 0 || tr.Attention != nil {
				t.Fatalf("T = %d, attention %v; want 0 tokens and no attention", tr.T(), tr.Attention != nil)
			}
		})
	}
}

// Only padding, all of it blocked: every row sees nothing, outputs are b_o
// (zero with seeded weights), nothing is NaN.
func TestAllPaddingIsBlockedNotNaN(t *testing.T) {
	tr := run(t, cfgWith(func(c *pipeline.Config) { c.Mask, c.PadTo = pipeline.MaskPadding, 3 }), "")
	if tr.T() != 3 {
		t.Fatalf("T = %d, want 3 pad tokens", tr.T())
	}
	for h, head := range tr.Attention.Heads {
		for i, b := range head.BlockedRows {
			if !b {
				t.Errorf("head %d row %d not flagged blocked", h, i)
			}
		}
	}
	r, c := tr.Attention.Output.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := tr.Attention.Output.At(i, j); v != 0 {
				t.Fatalf("output[%d][%d] = %v, want 0 (b_o is zero)", i, j, v)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	if err := pipeline.DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config invalid: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(c *pipeline.Config)
		field string
	}{
		{"d_model 0", func(c *pipeline.Config) { c.DModel = 0 }, "dmodel"},
		{"d_model over the limit", func(c *pipeline.Config) { c.DModel = pipeline.MaxDModel + 1 }, "dmodel"},
		{"heads 0", func(c *pipeline.Config) { c.Heads = 0 }, "heads"},
		{"too many heads", func(c *pipeline.Config) { c.DModel, c.Heads = 128, core.MaxHeads*2 }, "heads"},
		{"heads do not divide d_model", func(c *pipeline.Config) { c.Heads = 3 }, "heads"},
		{"rope with odd d_k", func(c *pipeline.Config) { c.PE, c.DModel, c.Heads = pipeline.PERotary, 6, 2 }, "pe"},
		{"temperature 0", func(c *pipeline.Config) { c.Temperature = 0 }, "temperature"},
		{"temperature NaN", func(c *pipeline.Config) { c.Temperature = math.NaN() }, "temperature"},
		{"temperature +Inf", func(c *pipeline.Config) { c.Temperature = math.Inf(1) }, "temperature"},
		{"temperature negative", func(c *pipeline.Config) { c.Temperature = -1 }, "temperature"},
		{"pad negative", func(c *pipeline.Config) { c.PadTo = -1 }, "pad"},
		{"pad over the limit", func(c *pipeline.Config) { c.PadTo = pipeline.MaxTokens + 1 }, "pad"},
		{"seed negative", func(c *pipeline.Config) { c.Seed = -1 }, "seed"},
		{"seed over 2^53-1", func(c *pipeline.Config) { c.Seed = pipeline.MaxSeed + 1 }, "seed"},
		{"unknown pe", func(c *pipeline.Config) { c.PE = "alibi" }, "pe"},
		{"empty pe", func(c *pipeline.Config) { c.PE = "" }, "pe"},
		{"unknown mask", func(c *pipeline.Config) { c.Mask = "random" }, "mask"},
		{"unknown tokenizer", func(c *pipeline.Config) { c.Tokenizer = "bpe" }, "tokenizer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := cfgWith(tc.edit)
			err := cfg.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), tc.field+": ") {
				t.Fatalf("Validate() = %v, want an error starting %q", err, tc.field+": ")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if _, rerr := pipeline.Run(cfg, "a b"); rerr == nil || rerr.Error() != err.Error() {
				t.Errorf("Run must refuse the same way, got %v", rerr)
			}
		})
	}
}

func TestTokenLimit(t *testing.T) {
	at := strings.Repeat("w ", pipeline.MaxTokens)
	tr, err := pipeline.Run(pipeline.DefaultConfig(), at)
	if err != nil || tr.T() != pipeline.MaxTokens {
		t.Fatalf("%d tokens (the limit) refused: %v", pipeline.MaxTokens, err)
	}
	if _, err := pipeline.Run(pipeline.DefaultConfig(), at+"w"); err == nil || !strings.HasPrefix(err.Error(), "text: ") {
		t.Fatalf("%d tokens: want a text: error, got %v", pipeline.MaxTokens+1, err)
	}
}

func TestPaddingMask(t *testing.T) {
	const text = "a b"
	tests := []struct {
		mask    pipeline.MaskKind
		blocked func(i, j int) bool // tokens: a b <pad> <pad>
	}{
		{pipeline.MaskNone, func(i, j int) bool { return false }},
		{pipeline.MaskPadding, func(i, j int) bool { return j >= 2 }},
		{pipeline.MaskCausal, func(i, j int) bool { return j > i }},
		{pipeline.MaskCausalPadding, func(i, j int) bool { return j >= 2 || j > i }},
	}
	for _, tc := range tests {
		t.Run(string(tc.mask), func(t *testing.T) {
			tr := run(t, cfgWith(func(c *pipeline.Config) { c.Mask, c.PadTo = tc.mask, 4 }), text)
			if tr.T() != 4 || !tr.Tokens[2].IsPad() || !tr.Tokens[3].IsPad() {
				t.Fatalf("tokens %v, want a b <pad> <pad>", tr.Tokens)
			}
			for h, head := range tr.Attention.Heads {
				for i := 0; i < 4; i++ {
					sum := 0.0
					for j := 0; j < 4; j++ {
						w := head.Weights.At(i, j)
						sum += w
						if head.Allowed.At(i, j) == tc.blocked(i, j) {
							t.Errorf("head %d cell %d,%d: allowed = %v", h, i, j, head.Allowed.At(i, j))
						}
						if tc.blocked(i, j) && w != 0 {
							t.Errorf("head %d: blocked weight %d,%d = %v, want exactly 0", h, i, j, w)
						}
						if !tc.blocked(i, j) && w <= 0 {
							t.Errorf("head %d: visible weight %d,%d = %v, want > 0", h, i, j, w)
						}
					}
					// Padding removes key columns, never query rows.
					if head.BlockedRows[i] || math.Abs(sum-1) > 1e-12 {
						t.Errorf("head %d row %d: blocked %v, sum %v", h, i, head.BlockedRows[i], sum)
					}
				}
			}
		})
	}
}

func TestCustomMask(t *testing.T) {
	custom := core.NewBoolMatrix(3, 3, true)
	custom.Set(0, 1, false)
	custom.Set(2, 0, false)
	tr := run(t, cfgWith(func(c *pipeline.Config) { c.Mask, c.Custom = pipeline.MaskCustom, custom }), "x y z")
	for _, head := range tr.Attention.Heads {
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				if head.Allowed.At(i, j) != custom.At(i, j) {
					t.Fatalf("allowed %d,%d = %v, want the custom mask", i, j, head.Allowed.At(i, j))
				}
			}
		}
		if head.Weights.At(0, 1) != 0 || head.Weights.At(2, 0) != 0 {
			t.Fatal("custom-blocked cells have weight")
		}
	}
	for _, tc := range []struct {
		name   string
		custom *core.BoolMatrix
	}{{"missing", nil}, {"wrong rows", core.NewBoolMatrix(2, 3, true)}, {"wrong cols", core.NewBoolMatrix(3, 4, true)}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pipeline.Run(cfgWith(func(c *pipeline.Config) { c.Mask, c.Custom = pipeline.MaskCustom, tc.custom }), "x y z")
			if err == nil || !strings.HasPrefix(err.Error(), "mask: ") || !strings.Contains(err.Error(), "3 x 3") {
				t.Fatalf("want a mask: error naming 3 x 3, got %v", err)
			}
		})
	}
}

// Without positional encoding (and mask) attention cannot see word order:
// shuffling the words shuffles the output rows. With positions it can.
func TestWordOrderNeedsPositions(t *testing.T) {
	words := []string{"alpha", "beta", "gamma", "delta", "eps"}
	perm := []int{3, 0, 4, 1, 2}
	shuffled := make([]string, len(words))
	for i, p := range perm {
		shuffled[i] = words[p]
	}
	for _, tc := range []struct {
		pe          pipeline.PEKind
		equivariant bool
	}{{pipeline.PENone, true}, {pipeline.PESinusoidal, false}, {pipeline.PELearned, false}, {pipeline.PERotary, false}} {
		t.Run(string(tc.pe), func(t *testing.T) {
			cfg := cfgWith(func(c *pipeline.Config) { c.PE = tc.pe })
			a := run(t, cfg, strings.Join(words, " "))
			b := run(t, cfg, strings.Join(shuffled, " "))
			permuted := true
			for i, p := range perm {
				for j, v := range b.Attention.Output.RawRowView(i) {
					if math.Abs(v-a.Attention.Output.At(p, j)) > 1e-12 {
						permuted = false
					}
				}
			}
			if permuted != tc.equivariant {
				t.Fatalf("pe %s: output rows follow the shuffle = %v, want %v", tc.pe, permuted, tc.equivariant)
			}
		})
	}
}

func TestScaleFollowsConfig(t *testing.T) {
	for _, tc := range []struct {
		scaled bool
		temp   float64
		dm, h  int
		want   float64
	}{
		{true, 1, 16, 4, 1.0 / 2},           // d_k = 4
		{true, 1, 64, 4, 1.0 / 4},           // d_k = 16 (not 1/√64)
		{true, 2, 16, 1, 1 / (4 * 2.0)},     // d_k = 16, temperature 2
		{false, 1, 16, 4, 1},                // unscaled
		{false, 0.5, 16, 4, 2},              // unscaled, sharper
		{true, 0.25, 32, 2, 1 / (4 * 0.25)}, // d_k = 16
	} {
		cfg := cfgWith(func(c *pipeline.Config) { c.Scaled, c.Temperature, c.DModel, c.Heads = tc.scaled, tc.temp, tc.dm, tc.h })
		tr := run(t, cfg, "a b c")
		for h, head := range tr.Attention.Heads {
			if !(math.Abs(head.Scale-tc.want) <= 1e-15*tc.want) {
				t.Errorf("%+v head %d: scale %v, want %v", tc, h, head.Scale, tc.want)
			}
		}
	}
}

func TestRotaryAddsNothingToX(t *testing.T) {
	tr := run(t, cfgWith(func(c *pipeline.Config) { c.PE = pipeline.PERotary }), "a b c")
	if !mat.Equal(tr.X, tr.Embeddings) {
		t.Error("with rope, X must be the embeddings alone")
	}
	dk := tr.Config.HeadWidth()
	head := tr.Attention.Heads[0]
	if !mat.Equal(head.Q.RowView(0), tr.Attention.Q.Slice(0, 1, 0, dk).(*mat.Dense).RowView(0)) {
		t.Error("position 0 must not be rotated")
	}
	if mat.Equal(head.Q.RowView(1), tr.Attention.Q.Slice(1, 2, 0, dk).(*mat.Dense).RowView(0)) {
		t.Error("position 1 of head Q is not rotated")
	}
}

// A Runner reuses weights and embeddings between runs; every result must
// equal a fresh Run of the same config and text.
func TestRunnerCacheMatchesFreshRun(t *testing.T) {
	steps := []struct {
		edit func(c *pipeline.Config)
		text string
	}{
		{nil, "the cat sat"},
		{nil, "the cat sat on the mat"},
		{func(c *pipeline.Config) { c.Seed = 5 }, "the cat sat on the mat"},
		{func(c *pipeline.Config) { c.Seed = 5; c.DModel = 32 }, "the cat"},
		{func(c *pipeline.Config) { c.Seed = 5; c.DModel = 32; c.Heads = 8 }, "the cat"},
		{func(c *pipeline.Config) { c.Heads = 2 }, "the cat sat"},
		{nil, "the cat sat"},
		{func(c *pipeline.Config) { c.Tokenizer = tokenize.Char }, "the cat"},
		{func(c *pipeline.Config) { c.PadTo = 6; c.Mask = pipeline.MaskPadding }, "the dog"},
		{func(c *pipeline.Config) { c.Mask = pipeline.MaskCausal }, "the cat sat on"},
		{nil, "the cat sat on"},
		{func(c *pipeline.Config) { c.PE = pipeline.PERotary }, "the cat sat on"},
		{func(c *pipeline.Config) { c.PE = pipeline.PELearned }, "a b c d e f g h i"},
		{func(c *pipeline.Config) { c.PE = pipeline.PELearned }, "a b"},
		{func(c *pipeline.Config) { c.PE = pipeline.PELearned; c.Seed = 2 }, "a b c"},
		{func(c *pipeline.Config) { c.PE = pipeline.PENone }, "a b c"},
		{nil, "a b c d e f g h i j k"},
		{nil, ""},
		{nil, "a"},
	}
	for _, reuse := range []bool{false, true} {
		r := pipeline.Runner{Reuse: reuse}
		var kept []*pipeline.Trace
		for i, s := range steps {
			cfg := cfgWith(s.edit)
			got, err := r.Run(cfg, s.text)
			if err != nil {
				t.Fatalf("reuse=%v step %d: %v", reuse, i, err)
			}
			if d := sameTrace(got, run(t, cfg, s.text)); d != "" {
				t.Errorf("reuse=%v step %d (%+v, %q): cached run differs from a fresh one in %s", reuse, i, cfg, s.text, d)
			}
			kept = append(kept, got)
			// The trace of the previous run stays readable (with Reuse, the
			// documented promise); without Reuse every older one does.
			for j, old := range kept[:len(kept)-1] {
				if reuse && j < len(kept)-2 {
					continue
				}
				if d := sameTrace(old, run(t, cfgWith(steps[j].edit), steps[j].text)); d != "" {
					t.Errorf("reuse=%v: after step %d the trace of step %d changed in %s", reuse, i, j, d)
				}
			}
		}
	}
	var r pipeline.Runner
	// Many distinct tokens overflow the embedding cache bound; still equal.
	var words []string
	for i := 0; i < 3*pipeline.MaxTokens; i++ {
		words = append(words, "w"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26))
	}
	for i := 0; i+pipeline.MaxTokens <= len(words); i += pipeline.MaxTokens {
		text := strings.Join(words[i:i+pipeline.MaxTokens], " ")
		got, err := r.Run(pipeline.DefaultConfig(), text)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameTrace(got, run(t, pipeline.DefaultConfig(), text)); d != "" {
			t.Errorf("batch %d: differs in %s", i, d)
		}
	}
}
