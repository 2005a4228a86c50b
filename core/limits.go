package core

import "fmt"

// Limits on sizes. Anything larger is refused with an error instead of
// stalling or exhausting memory (a browser tab has far less than a laptop).
const (
	MaxTokens = 1024    // T, T_q or T_k
	MaxWidth  = 1024    // d_model, d_k or d_v
	MaxHeads  = 1024    // H (H divides d_model, so H <= MaxWidth; H·T·T is held to MaxCells)
	MaxCells  = 1 << 22 // H·T_q·T_k: score, weight and mask cells kept in a trace
)

// InputError is an error about one named input field. Front ends print it as
// one line: "field: what was expected".
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
