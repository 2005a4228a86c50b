package viz

import (
	"errors"
	"strconv"
	"strings"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/pipeline"
)

// The custom mask travels in links as the cmask parameter: its T rows of
// T digits, 1 = the query row may attend to the key column, 0 = blocked,
// rows separated by commas (cmask=10,11 is the causal mask of two tokens),
// the format of the attnviz CLI's --custom-mask.

// EncodeMask writes m as cmask rows ("" for nil or empty).
func EncodeMask(m *core.BoolMatrix) string {
	if m == nil || m.Rows == 0 {
		return ""
	}
	b := make([]byte, 0, m.Rows*(m.Cols+1))
	for i := 0; i < m.Rows; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		for j := 0; j < m.Cols; j++ {
			if m.At(i, j) {
				b = append(b, '1')
			} else {
				b = append(b, '0')
			}
		}
	}
	return string(b)
}

// DecodeMask reads cmask rows ("" gives nil): a square matrix of 0s and 1s
// of at most pipeline.MaxTokens rows. The error says what is wrong, in one
// line.
func DecodeMask(v string) (*core.BoolMatrix, error) {
	if v == "" {
		return nil, nil
	}
	rows := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '.' || r == ' ' || r == ';' })
	t := len(rows)
	if t > pipeline.MaxTokens {
		return nil, errors.New("cmask: " + strconv.Itoa(t) + " rows, at most " + strconv.Itoa(pipeline.MaxTokens))
	}
	m := core.NewBoolMatrix(t, t, true)
	for i, row := range rows {
		if len(row) != t {
			return nil, errors.New("cmask: row " + strconv.Itoa(i) + " has " + strconv.Itoa(len(row)) + " cells, expected " + strconv.Itoa(t) + " (T rows of T digits 0/1, separated by commas)")
		}
		for j := 0; j < t; j++ {
			switch row[j] {
			case '0':
				m.Set(i, j, false)
			case '1':
			default:
				return nil, errors.New("cmask: row " + strconv.Itoa(i) + " cell " + strconv.Itoa(j) + " is " + quote(string(row[j])) + ", expected 0 (blocked) or 1 (may attend)")
			}
		}
	}
	return m, nil
}
