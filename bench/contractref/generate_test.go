package contractref

import (
	"encoding/json"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	encode := func(seed uint64) string {
		data, err := json.Marshal(Generate(seed, 60))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if encode(1) != encode(1) {
		t.Error("the same seed gave different cases")
	}
	if encode(1) == encode(2) {
		t.Error("seeds 1 and 2 gave the same cases")
	}
}

// TestGenerateCoverage: the default run (seed 1, 300 cases) holds every
// kind of input the differential test claims to cover, several times.
func TestGenerateCoverage(t *testing.T) {
	count := map[string]int{}
	for _, c := range Generate(1, 300) {
		op := c.Input["op"].(string)
		for _, tag := range c.Tags {
			count[tag]++
			count[op+" "+tag]++
		}
	}
	for _, want := range []struct {
		tag string
		min int
	}{
		{"sdpa", 80}, {"mha", 60}, {"pe", 25},
		{"sdpa tq<tk", 10}, {"sdpa tq>tk", 10}, {"sdpa decode", 5}, {"sdpa T=1", 2},
		{"sdpa causal-tq>tk", 5}, {"sdpa causal-tq<tk", 5}, {"sdpa dv!=dk", 20},
		{"sdpa mask+causal+pad", 3}, {"sdpa fully-blocked", 10}, {"sdpa large-shape", 5},
		{"sdpa large-logits", 5}, {"sdpa huge-scores", 3}, {"sdpa tiny-values", 3}, {"sdpa extreme-v", 3},
		{"sdpa scale", 30}, {"sdpa default-scale", 30}, {"sdpa zeros", 5},
		{"mha d_k=1", 10}, {"mha H=1", 10}, {"mha T=1", 3}, {"mha large-shape", 5}, {"mha large-logits", 3},
		{"mha no-bias", 3}, {"mha some-bias", 20}, {"mha all-bias", 5}, {"mha scale", 3},
		{"mha mask", 15}, {"mha causal", 15}, {"mha pad", 15}, {"mha fully-blocked", 10},
		{"pe odd-d", 10}, {"pe T=1", 2}, {"pe large-position", 5}, {"pe positions-array", 5},
	} {
		if count[want.tag] < want.min {
			t.Errorf("%q: %d cases, want at least %d", want.tag, count[want.tag], want.min)
		}
	}
}
