// Package contract is the JSON face of the attention core: it reads one input
// object ({"op": "sdpa" | "mha" | "pe" | "text", ...}), checks every field,
// runs the core and returns the trace as a JSON-ready value.
//
// The contract (field names, mask polarity, padding, causal alignment) is the
// one in ../shared/golden/README.md. Matrices are arrays of rows. Every
// refusal is an *Error naming the field and what was expected.
//
// Symbols: T tokens, T_q/T_k query/key rows, d_model token width, H heads,
// d_k = d_model/H head width, d_v value width.
package contract
