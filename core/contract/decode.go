package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/core"
)

// Error is a refusal of one input field.
type Error struct {
	Field string // JSON field name, e.g. "w_q" or "mask"
	Msg   string // what was expected
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func fieldErr(field, format string, args ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// MaxInputBytes bounds one JSON input.
const MaxInputBytes = 64 << 20

// object is a decoded JSON object whose fields are read on demand.
type object struct {
	fields map[string]json.RawMessage
}

func parseObject(data []byte) (*object, error) {
	if len(data) > MaxInputBytes {
		return nil, fieldErr("", "input is %d bytes, more than the limit of %d", len(data), MaxInputBytes)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fieldErr("", "empty input: expected one JSON object such as {\"op\": \"sdpa\", ...}")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil {
		return nil, fieldErr("", "malformed JSON: %s (expected one JSON object)", jsonErrText(err))
	}
	if fields == nil {
		return nil, fieldErr("", "expected a JSON object, got null")
	}
	if dec.More() {
		return nil, fieldErr("", "malformed JSON: unexpected data after the first object")
	}
	return &object{fields: fields}, nil
}

func jsonErrText(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	case errors.As(err, &typ):
		return "expected an object, got " + typ.Value
	}
	return err.Error()
}

// onlyFields refuses any field other than "op" and the known ones, naming
// the first unknown field (in sorted order) and what the op accepts.
func (o *object) onlyFields(op string, known []string) error {
	var unknown []string
	for name := range o.fields {
		if name != "op" && !slices.Contains(known, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fieldErr(shorten(unknown[0]), "unknown field for op %q: expected one of %s", op, strings.Join(known, ", "))
}

func (o *object) has(name string) bool {
	raw, ok := o.fields[name]
	return ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func (o *object) str(name string) (string, error) {
	var s string
	if err := json.Unmarshal(o.fields[name], &s); err != nil {
		return "", fieldErr(name, "expected a string")
	}
	return s, nil
}

func (o *object) boolean(name string) (bool, error) {
	if !o.has(name) {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(o.fields[name], &b); err != nil {
		return false, fieldErr(name, "expected true or false")
	}
	return b, nil
}

func (o *object) number(name string) (float64, error) {
	var f float64
	if err := json.Unmarshal(o.fields[name], &f); err != nil {
		raw := string(bytes.TrimSpace(o.fields[name]))
		var n json.Number
		if json.Unmarshal(o.fields[name], &n) == nil && n != "" {
			// A well-formed number float64 cannot hold, such as 1e400.
			return 0, fieldErr(name, "expected a finite number, got %s (beyond float64)", shorten(raw))
		}
		return 0, fieldErr(name, "expected a number, got %s", shorten(raw))
	}
	return f, nil
}

// integer reads a whole number in [lo, hi].
func (o *object) integer(name string, lo, hi int) (int, error) {
	f, err := o.number(name)
	if err != nil || f != math.Trunc(f) {
		return 0, fieldErr(name, "expected a whole number")
	}
	if f < float64(lo) || f > float64(hi) {
		return 0, fieldErr(name, "expected %d..%d, got %g", lo, hi, f)
	}
	return int(f), nil
}

// matrix reads a non-empty rectangular array of rows of finite numbers.
func (o *object) matrix(name string) (*mat.Dense, error) {
	if !o.has(name) {
		return nil, fieldErr(name, "missing: expected a matrix (array of rows of numbers)")
	}
	var rows []json.RawMessage
	if err := json.Unmarshal(o.fields[name], &rows); err != nil {
		return nil, fieldErr(name, "expected a matrix (array of rows of numbers)")
	}
	if len(rows) == 0 {
		return nil, fieldErr(name, "expected at least one row")
	}
	if len(rows) > core.MaxTokens {
		return nil, fieldErr(name, "%d rows is more than the limit of %d", len(rows), core.MaxTokens)
	}
	var data []float64
	cols := -1
	for i, raw := range rows {
		row, err := numbers(raw)
		if err != nil {
			return nil, fieldErr(name, "row %d: %s", i, err.Msg)
		}
		if cols < 0 {
			cols = len(row)
			if cols == 0 {
				return nil, fieldErr(name, "row 0 is empty: expected at least one column")
			}
			if cols > core.MaxWidth {
				return nil, fieldErr(name, "%d columns is more than the limit of %d", cols, core.MaxWidth)
			}
		}
		if len(row) != cols {
			return nil, fieldErr(name, "ragged rows: row %d has %d columns, row 0 has %d", i, len(row), cols)
		}
		data = append(data, row...)
	}
	return mat.NewDense(len(rows), cols, data), nil
}

// vector reads an array of finite numbers, or nil when the field is absent.
func (o *object) vector(name string) ([]float64, error) {
	if !o.has(name) {
		return nil, nil
	}
	v, err := numbers(o.fields[name])
	if err != nil {
		return nil, fieldErr(name, "%s", err.Msg)
	}
	return v, nil
}

func numbers(raw json.RawMessage) ([]float64, *Error) {
	var vals []json.RawMessage
	if err := json.Unmarshal(raw, &vals); err != nil {
		return nil, &Error{Msg: "expected an array of numbers"}
	}
	out := make([]float64, len(vals))
	for j, v := range vals {
		// null would decode silently as 0: refuse it like any non-number.
		if err := json.Unmarshal(v, &out[j]); err != nil || string(bytes.TrimSpace(v)) == "null" {
			return nil, &Error{Msg: fmt.Sprintf("entry %d: expected a number, got %s", j, shorten(string(v)))}
		}
	}
	return out, nil
}

// flag reads one 0/1 (or false/true) value; 1.0 and 1e0 count as 1.
func flag(raw json.RawMessage) (bool, bool) {
	if string(bytes.TrimSpace(raw)) == "null" {
		return false, false
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b, true
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil && (f == 0 || f == 1) {
		return f == 1, true
	}
	return false, false
}

// boolMatrix reads a rectangular array of rows of 0/1 values, or nil when absent.
func (o *object) boolMatrix(name string) (*core.BoolMatrix, error) {
	if !o.has(name) {
		return nil, nil
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal(o.fields[name], &rows); err != nil {
		return nil, fieldErr(name, "expected an array of rows of 0/1 values (1 = may attend)")
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return nil, fieldErr(name, "expected at least one row and one column")
	}
	if len(rows) > core.MaxTokens || len(rows[0]) > core.MaxTokens {
		return nil, fieldErr(name, "at most %d x %d is supported", core.MaxTokens, core.MaxTokens)
	}
	m := core.NewBoolMatrix(len(rows), len(rows[0]), false)
	for i, row := range rows {
		if len(row) != m.Cols {
			return nil, fieldErr(name, "ragged rows: row %d has %d columns, row 0 has %d", i, len(row), m.Cols)
		}
		for j, v := range row {
			b, ok := flag(v)
			if !ok {
				return nil, fieldErr(name, "row %d column %d: expected 0 or 1 (1 = may attend), got %s", i, j, shorten(string(v)))
			}
			m.Set(i, j, b)
		}
	}
	return m, nil
}

// boolVector reads an array of 0/1 values, or nil when absent.
func (o *object) boolVector(name, meaning string) ([]bool, error) {
	if !o.has(name) {
		return nil, nil
	}
	var vals []json.RawMessage
	if err := json.Unmarshal(o.fields[name], &vals); err != nil {
		return nil, fieldErr(name, "expected an array of 0/1 values (%s)", meaning)
	}
	out := make([]bool, len(vals))
	for j, v := range vals {
		b, ok := flag(v)
		if !ok {
			return nil, fieldErr(name, "entry %d: expected 0 or 1 (%s), got %s", j, meaning, shorten(string(v)))
		}
		out[j] = b
	}
	return out, nil
}

func shorten(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
