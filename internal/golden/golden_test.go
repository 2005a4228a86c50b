package golden

import (
	"encoding/json"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name, want, got string
		tol             float64
		wantErr         string // "" = must pass
	}{
		{"equal", `{"a":[[1,2]]}`, `{"a":[[1,2]],"extra":5}`, 1e-9, ""},
		{"within relative tol", `{"a":[1000]}`, `{"a":[1000.0000001]}`, 1e-9, ""},
		{"outside tol", `{"a":[1]}`, `{"a":[1.001]}`, 1e-9, "want 1, got 1.001"},
		{"missing field", `{"a":[1]}`, `{"b":[1]}`, 1e-9, "missing"},
		{"short array", `{"a":[1,2]}`, `{"a":[1]}`, 1e-9, "array of 2"},
		{"nested heads", `{"heads":[{"w":[0.5]}]}`, `{"heads":[{"w":[0.6]}]}`, 1e-9, "heads[0].w[0]"},
		{"type mismatch", `{"a":[1]}`, `{"a":"x"}`, 1e-9, "array"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Compare(decode(t, tc.want), decode(t, tc.got), tc.tol)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected difference: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("want an error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestDirAndLoad(t *testing.T) {
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases loaded")
	}
}

func TestDirMissingIsAnError(t *testing.T) {
	t.Setenv("ATTNVIZ_GOLDEN", t.TempDir()+"/nope")
	dir, _ := Dir()
	if _, err := Load(dir); err == nil {
		t.Fatal("loading a missing folder must fail")
	}
}
