package pipeline

import (
	"fmt"
	"math"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/tokenize"
)

// PEKind selects the positional encoding.
type PEKind string

const (
	PENone       PEKind = "none"       // no position information at all
	PESinusoidal PEKind = "sinusoidal" // fixed sin/cos, added to the embeddings
	PELearned    PEKind = "learned"    // a seeded table, added to the embeddings
	PERotary     PEKind = "rope"       // rotary: rotates each head's Q and K
)

// MaskKind selects the attention mask.
type MaskKind string

const (
	MaskNone          MaskKind = "none"
	MaskCausal        MaskKind = "causal"         // no looking ahead
	MaskPadding       MaskKind = "padding"        // <pad> keys blocked
	MaskCausalPadding MaskKind = "causal+padding" // both
	MaskCustom        MaskKind = "custom"         // Config.Custom, T x T
)

// Limits of the text pipeline (the core itself accepts a little more).
const (
	MaxTokens = 512
	MaxDModel = 512
	MaxSeed   = 1<<53 - 1
)

// Config is everything that decides a trace besides the text.
type Config struct {
	DModel      int              // d_model, width of every token vector
	Heads       int              // H; must divide DModel
	PE          PEKind           // positional encoding
	Mask        MaskKind         // attention mask
	Custom      *core.BoolMatrix // with MaskCustom: T x T, true = may attend
	PadTo       int              // append <pad> tokens up to this many tokens (0: none)
	Scaled      bool             // divide scores by √d_k
	Temperature float64          // divide scores by this too (1 = plain softmax)
	Seed        int64            // seeds embeddings, weights and learned positions
	Tokenizer   tokenize.Kind    // word or char
}

// DefaultConfig is what attnviz starts with.
func DefaultConfig() Config {
	return Config{
		DModel: 16, Heads: 4, PE: PESinusoidal, Mask: MaskNone,
		Scaled: true, Temperature: 1, Seed: 1, Tokenizer: tokenize.Word,
	}
}

// HeadWidth returns d_k = d_model / H.
func (c Config) HeadWidth() int { return c.DModel / c.Heads }

// Scale returns the factor applied to Q·Kᵀ: 1/(√d_k·temperature), or
// 1/temperature when scaling is off.
func (c Config) Scale() float64 {
	s := 1 / c.Temperature
	if c.Scaled {
		s /= math.Sqrt(float64(c.HeadWidth()))
	}
	return s
}

// Validate checks every setting and says which one is wrong.
func (c Config) Validate() error {
	switch {
	case c.DModel < 1 || c.DModel > MaxDModel:
		return fmt.Errorf("dmodel: expected 1..%d, got %d", MaxDModel, c.DModel)
	case c.Heads < 1 || c.Heads > core.MaxHeads:
		return fmt.Errorf("heads: expected 1..%d, got %d", core.MaxHeads, c.Heads)
	case c.DModel%c.Heads != 0:
		return fmt.Errorf("heads: %d heads do not divide d_model = %d (try %s)", c.Heads, c.DModel, divisorsHint(c.DModel))
	case c.PE == PERotary && c.HeadWidth()%2 != 0:
		return fmt.Errorf("pe: rope needs an even head width d_k, got d_k = %d", c.HeadWidth())
	case math.IsNaN(c.Temperature) || c.Temperature < 0.01 || c.Temperature > 100:
		return fmt.Errorf("temperature: expected 0.01..100, got %g", c.Temperature)
	case c.PadTo < 0 || c.PadTo > MaxTokens:
		return fmt.Errorf("pad: expected 0..%d tokens, got %d", MaxTokens, c.PadTo)
	case c.Seed < 0 || c.Seed > MaxSeed:
		return fmt.Errorf("seed: expected 0..%d, got %d", int64(MaxSeed), c.Seed)
	}
	if _, err := ParsePE(string(c.PE)); err != nil {
		return err
	}
	if _, err := ParseMask(string(c.Mask)); err != nil {
		return err
	}
	if _, err := tokenize.ParseKind(string(c.Tokenizer)); err != nil {
		return err
	}
	return nil
}

// divisorsHint lists the head counts that divide d.
func divisorsHint(d int) string {
	s := ""
	for h := 1; h <= d && h <= core.MaxHeads; h++ {
		if d%h == 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprint(h)
		}
	}
	return s
}

// ParsePE checks a positional-encoding name.
func ParsePE(s string) (PEKind, error) {
	switch k := PEKind(s); k {
	case PENone, PESinusoidal, PELearned, PERotary:
		return k, nil
	}
	return "", fmt.Errorf("pe: expected none, sinusoidal, learned or rope, got %q", s)
}

// ParseMask checks a mask name.
func ParseMask(s string) (MaskKind, error) {
	switch k := MaskKind(s); k {
	case MaskNone, MaskCausal, MaskPadding, MaskCausalPadding, MaskCustom:
		return k, nil
	}
	return "", fmt.Errorf("mask: expected none, causal, padding, causal+padding or custom, got %q", s)
}
