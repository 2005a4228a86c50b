package core

// Mask describes which keys each query may see. The parts combine with AND:
// a key is visible to a query only if every part allows it.
type Mask struct {
	// Explicit is an optional T_q x T_k matrix, true = may attend.
	Explicit *BoolMatrix
	// Causal blocks keys after the query, aligned lower-right:
	// query i sees key j only when j <= i + (T_k - T_q).
	Causal bool
	// Pad is an optional length-T_k slice, true = that key is padding and is
	// blocked for every query. Padding never removes query rows.
	Pad []bool
}

// IsEmpty reports whether the mask allows everything.
func (m Mask) IsEmpty() bool {
	if m.Explicit != nil || m.Causal {
		return false
	}
	for _, p := range m.Pad {
		if p {
			return false
		}
	}
	return true
}

// Validate checks the mask's shapes against T_q x T_k.
func (m Mask) Validate(tq, tk int) error {
	if m.Explicit != nil && (m.Explicit.Rows != tq || m.Explicit.Cols != tk) {
		return inputErr("mask", "expected %d x %d (T_q x T_k), got %d x %d", tq, tk, m.Explicit.Rows, m.Explicit.Cols)
	}
	if m.Pad != nil && len(m.Pad) != tk {
		return inputErr("pad", "expected length %d (T_k), got %d", tk, len(m.Pad))
	}
	return nil
}

// Allowed returns the T_q x T_k matrix of visible cells. The caller must have
// validated the shapes.
func (m Mask) Allowed(tq, tk int) *BoolMatrix {
	a := NewBoolMatrix(tq, tk, false)
	m.AllowedInto(a)
	return a
}

// AllowedInto fills dst (T_q x T_k) with the visible cells, reusing its storage.
func (m Mask) AllowedInto(dst *BoolMatrix) {
	tq, tk := dst.Rows, dst.Cols
	if m.Explicit == nil && !m.Causal && m.Pad == nil {
		for i := range dst.Data[:tq*tk] {
			dst.Data[i] = true
		}
		return
	}
	offset := tk - tq // lower-right causal alignment
	for i := 0; i < tq; i++ {
		row := dst.Row(i)
		for j := range row {
			ok := true
			if m.Explicit != nil && !m.Explicit.At(i, j) {
				ok = false
			}
			if m.Causal && j > i+offset {
				ok = false
			}
			if m.Pad != nil && m.Pad[j] {
				ok = false
			}
			row[j] = ok
		}
	}
}
