package contract

import (
	"encoding/json"
	"testing"

	"github.com/attnviz/attnviz/internal/golden"
)

// TestGolden runs every reference case in ../shared/golden/ (computed by
// PyTorch, not by us) through the JSON contract.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.File, func(t *testing.T) {
			res, err := Run(c.Input)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			data, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if err := golden.Compare(c.Expect, got, c.Tol); err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
		})
	}
}

// goldenCases loads every reference case in ../shared/golden/; a missing
// folder fails the test (never a skip).
func goldenCases(tb testing.TB) []golden.Case {
	tb.Helper()
	dir, err := golden.Dir()
	if err != nil {
		tb.Fatal(err)
	}
	cases, err := golden.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}
