package core

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Sinusoidal returns the T x d_model sinusoidal positional encoding of
// "Attention Is All You Need", interleaved:
//
//	PE[p][2i]   = sin(p / 10000^(2i/d))
//	PE[p][2i+1] = cos(p / 10000^(2i/d))
//
// An odd d_model is allowed: the last column is a sine.
func Sinusoidal(t, d int) (*mat.Dense, error) {
	if err := checkPESize(t, d); err != nil {
		return nil, err
	}
	positions := make([]float64, t)
	for p := range positions {
		positions[p] = float64(p)
	}
	return SinusoidalAt(positions, d)
}

// SinusoidalAt is Sinusoidal for arbitrary positions: row r encodes
// position positions[r] (len(positions) x d_model).
func SinusoidalAt(positions []float64, d int) (*mat.Dense, error) {
	if err := checkPESize(len(positions), d); err != nil {
		return nil, err
	}
	for r, p := range positions {
		if math.IsNaN(p) || math.IsInf(p, 0) || math.Abs(p) > 1e15 {
			return nil, inputErr("positions", "entry %d: expected a finite position, got %g", r, p)
		}
	}
	t := len(positions)
	if t == 0 {
		return &mat.Dense{}, nil
	}
	pe := mat.NewDense(t, d, nil)
	for c := 0; c < d; c += 2 {
		freq := math.Pow(10000, -float64(c)/float64(d)) // c = 2i
		for r, p := range positions {
			s, co := math.Sincos(p * freq)
			row := pe.RawRowView(r)
			row[c] = s
			if c+1 < d {
				row[c+1] = co
			}
		}
	}
	return pe, nil
}

// Learned returns a T x d_model table standing in for learned positional
// embeddings: seeded pseudo-random values, the same for a given seed and
// position whatever T is.
func Learned(t, d int, seed int64) (*mat.Dense, error) {
	if err := checkPESize(t, d); err != nil {
		return nil, err
	}
	if t == 0 {
		return &mat.Dense{}, nil // mat.NewDense panics on 0 rows
	}
	pe := mat.NewDense(t, d, nil)
	for p := 0; p < t; p++ {
		FillUniform(pe.RawRowView(p), seed, "position", uint64(p), 0.5)
	}
	return pe, nil
}

// checkPESize refuses a table of T x d_model with T < 0, d_model outside
// 1..MaxWidth, or more than MaxCells cells. T itself is not held to
// MaxTokens: a table of positions is one row per position (PyTorch's
// tutorial builds 5000), not a T x T attention.
func checkPESize(t, d int) error {
	if d < 1 || d > MaxWidth {
		return inputErr("d_model", "expected 1..%d, got %d", MaxWidth, d)
	}
	if t < 0 || t > MaxCells/d {
		return inputErr("positions", "expected 0..%d positions (T·d_model at most %d cells) for d_model = %d, got %d", MaxCells/d, MaxCells, d, t)
	}
	return nil
}

// rotaryFreq returns 1 / 10000^(2i/d_k), the RoPE frequency of the pair
// (2i, 2i+1): a query or key at position p turns that pair by p·rotaryFreq.
func rotaryFreq(i, dk int) float64 {
	return math.Pow(10000, -float64(2*i)/float64(dk))
}

// ApplyRotary rotates each consecutive pair of columns (2i, 2i+1) of m
// (T x d_k, row p = position p) by the RoPE angle of its position, in place.
// With an odd d_k the last column is left as it is.
func ApplyRotary(m *mat.Dense) {
	t, dk := m.Dims()
	freq := make([]float64, dk/2)
	for i := range freq {
		freq[i] = rotaryFreq(i, dk)
	}
	for p := 0; p < t; p++ {
		row := m.RawRowView(p)
		for i, f := range freq {
			s, c := math.Sincos(float64(p) * f)
			a, b := row[2*i], row[2*i+1]
			row[2*i] = a*c - b*s
			row[2*i+1] = a*s + b*c
		}
	}
}
