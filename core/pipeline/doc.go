// Package pipeline runs the whole path from text to attention trace:
// tokens -> token embeddings (T x d_model) -> + positional encoding -> X
// -> multi-head self-attention with seeded weights -> output (T x d_model).
//
// Symbols: T tokens, d_model token width, H heads, d_k = d_model/H head width.
//
// Everything is deterministic: the same Config and text give the same Trace
// on every platform (within floating-point tolerance; gonum uses assembly on
// amd64 and pure Go on wasm). A token's embedding depends only on the seed
// and the token's string, never on where it stands, so without positional
// encoding attention cannot tell word order.
package pipeline
