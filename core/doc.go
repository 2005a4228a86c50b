// Package core is the attention engine of attnviz: pure Go on gonum, no
// graphics, no browser. Every front end (CLI, browser, desktop) draws what
// this package computes.
//
// Symbols used in comments and shape annotations throughout:
//
//	T        number of tokens (rows). T_q query rows, T_k key/value rows.
//	d_model  width of a token vector (embedding, positional encoding, X).
//	H        number of attention heads; H must divide d_model.
//	d_k      width of one head: d_k = d_model / H (queries and keys).
//	d_v      width of the values; in multi-head attention d_v = d_k.
//
// Conventions (the same ones the UI shows and ../shared/golden/README.md fixes):
//
//   - Matrices are arrays of rows; tokens are rows, so X is T x d_model.
//   - Projections are row-vector style: Q = X·W_q + b_q, W_q is d_model x d_model.
//   - Head h uses columns h*d_k .. (h+1)*d_k-1 of Q, K and V.
//   - Scores are Q·Kᵀ·scale with scale = 1/√d_k (the head's width, not d_model).
//   - Masks say 1 (true) = "this query may attend to this key". Causal masks
//     align lower-right: query i sees key j when j <= i + (T_k - T_q).
//     Padding marks keys (columns) as blocked for every query; it never
//     removes query rows. Mask, causal and padding combine with AND.
//   - Blocked keys are removed from the softmax by selection, not by adding a
//     large negative number, so a blocked key's weight is exactly 0.
//   - A query row that sees no key at all gets zero weights and zero output and
//     is flagged in the trace (BlockedRows); it is never NaN.
//   - Sinusoidal positional encoding interleaves sin and cos:
//     PE[p][2i] = sin(p/10000^(2i/d)), PE[p][2i+1] = cos(p/10000^(2i/d)).
package core
