package core

import (
	"math"
	"testing"
)

// The generator must be the standard SplitMix64 (integer arithmetic only),
// so that seeded embeddings and weights are the same on every platform.
// Reference stream for seed 1234567 as published with the algorithm
// (e.g. Rosetta Code, "Pseudo-random numbers/Splitmix64").
func TestSplitmix64ReferenceStream(t *testing.T) {
	s := splitmix64(1234567)
	for i, want := range []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821} {
		if got := s.next(); got != want {
			t.Fatalf("output %d = %d, want %d", i, got, want)
		}
	}
}

func TestFillUniform(t *testing.T) {
	a := make([]float64, 1000)
	FillUniform(a, 7, "W_q", 16, 0.25)
	b := make([]float64, 1000)
	FillUniform(b, 7, "W_q", 16, 0.25)
	sum := 0.0
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("the same stream gave different values")
		}
		if a[i] < -0.25 || a[i] >= 0.25 {
			t.Fatalf("value %v outside [-0.25, 0.25)", a[i])
		}
		sum += a[i]
	}
	if math.Abs(sum/1000) > 0.03 { // mean of U(-0.25, 0.25): 0 ± 0.0046 (1σ)
		t.Errorf("mean %v is far from 0", sum/1000)
	}
	for _, other := range []struct {
		seed  int64
		name  string
		index uint64
	}{{8, "W_q", 16}, {7, "W_k", 16}, {7, "W_q", 17}} {
		c := make([]float64, 1000)
		FillUniform(c, other.seed, other.name, other.index, 0.25)
		if c[0] == a[0] && c[1] == a[1] {
			t.Errorf("stream %+v repeats stream (7, W_q, 16)", other)
		}
	}
	// A prefix of a longer fill is the shorter fill.
	short := make([]float64, 10)
	FillUniform(short, 7, "W_q", 16, 0.25)
	for i := range short {
		if short[i] != a[i] {
			t.Fatal("a shorter fill is not a prefix of the longer one")
		}
	}
}

func TestXavierAmplitude(t *testing.T) {
	for _, tc := range []struct {
		in, out int
		want    float64
	}{{16, 16, math.Sqrt(6.0 / 32)}, {3, 5, math.Sqrt(6.0 / 8)}, {1, 1, math.Sqrt(3)}} {
		if got := XavierAmplitude(tc.in, tc.out); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("XavierAmplitude(%d, %d) = %v, want √(6/(in+out)) = %v", tc.in, tc.out, got, tc.want)
		}
	}
}
