package core

import (
	"hash/fnv"
	"math"
)

// splitmix64 is a tiny, portable pseudo-random generator: the same seed
// gives the same stream on every platform (amd64, wasm, arm64).
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float returns a uniform number in [-1, 1).
func (s *splitmix64) float() float64 {
	return float64(s.next()>>11)/(1<<53)*2 - 1
}

// streamSeed mixes a seed, a name and an index into one generator state, so
// that every named table ("W_q", "token:cat", "position") has a stream of its
// own that does not depend on what else was generated before.
func streamSeed(seed int64, name string, index uint64) splitmix64 {
	h := fnv.New64a()
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(uint64(seed) >> (8 * i))
		b[8+i] = byte(index >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(name))
	return splitmix64(h.Sum64())
}

// FillUniform fills dst with values uniform in [-amp, amp), taken from the
// stream named (seed, name, index).
func FillUniform(dst []float64, seed int64, name string, index uint64, amp float64) {
	s := streamSeed(seed, name, index)
	for i := range dst {
		dst[i] = amp * s.float()
	}
}

// XavierAmplitude is the bound a of Glorot/Xavier uniform init U(-a, a)
// for a fanIn x fanOut matrix.
func XavierAmplitude(fanIn, fanOut int) float64 {
	return math.Sqrt(6 / float64(fanIn+fanOut))
}
