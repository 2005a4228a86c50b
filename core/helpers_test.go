package core_test

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

// dense builds a matrix from rows (test shorthand).
func dense(rows ...[]float64) *mat.Dense {
	r, c := len(rows), len(rows[0])
	m := mat.NewDense(r, c, nil)
	for i, row := range rows {
		m.SetRow(i, row)
	}
	return m
}

// bools builds a BoolMatrix from rows of 0/1.
func bools(rows ...[]int) *core.BoolMatrix {
	m := core.NewBoolMatrix(len(rows), len(rows[0]), false)
	for i, row := range rows {
		for j, v := range row {
			m.Set(i, j, v == 1)
		}
	}
	return m
}

// near reports |got - want| <= tol·max(1, |want|).
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// checkMatrix fails the test when m differs from want anywhere by more than tol.
func checkMatrix(t *testing.T, name string, m mat.Matrix, want [][]float64, tol float64) {
	t.Helper()
	r, c := m.Dims()
	if r != len(want) || c != len(want[0]) {
		t.Fatalf("%s: got %d x %d, want %d x %d", name, r, c, len(want), len(want[0]))
	}
	for i := range want {
		for j := range want[i] {
			if got := m.At(i, j); !near(got, want[i][j], tol) {
				t.Errorf("%s[%d][%d] = %.17g, want %.17g", name, i, j, got, want[i][j])
			}
		}
	}
}

// wantField fails unless err is a *core.InputError naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var ie *core.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an *InputError for %q, got %T %v", field, err, err)
	}
	if ie.Field != field {
		t.Fatalf("error names field %q, want %q (%v)", ie.Field, field, err)
	}
}
