package core

// BoolMatrix is a dense Rows x Cols matrix of booleans, stored row-major.
// It holds masks: true = the query (row) may attend to the key (column).
type BoolMatrix struct {
	Rows, Cols int
	Data       []bool
}

// NewBoolMatrix returns a Rows x Cols matrix with every cell set to fill.
func NewBoolMatrix(rows, cols int, fill bool) *BoolMatrix {
	m := &BoolMatrix{Rows: rows, Cols: cols, Data: make([]bool, rows*cols)}
	if fill {
		for i := range m.Data {
			m.Data[i] = true
		}
	}
	return m
}

// At reports cell (i, j).
func (m *BoolMatrix) At(i, j int) bool { return m.Data[i*m.Cols+j] }

// Set sets cell (i, j).
func (m *BoolMatrix) Set(i, j int, v bool) { m.Data[i*m.Cols+j] = v }

// Row returns row i as a slice that aliases the matrix.
func (m *BoolMatrix) Row(i int) []bool { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// Clone returns a deep copy.
func (m *BoolMatrix) Clone() *BoolMatrix {
	c := &BoolMatrix{Rows: m.Rows, Cols: m.Cols, Data: make([]bool, len(m.Data))}
	copy(c.Data, m.Data)
	return c
}

// Ints returns the matrix as rows of 0/1, the form the JSON contract uses.
func (m *BoolMatrix) Ints() [][]int {
	out := make([][]int, m.Rows)
	for i := range out {
		row := make([]int, m.Cols)
		for j, v := range m.Row(i) {
			if v {
				row[j] = 1
			}
		}
		out[i] = row
	}
	return out
}
