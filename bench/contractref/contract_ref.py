#!/usr/bin/python3
"""Independent PyTorch (float64, CPU) expectations for attnviz's JSON contract.

Reads on stdin: {"cases": [{"name": str, "input": {...}}, ...]} where each input is one
contract input (op "sdpa", "mha" or "pe", as in ../shared/golden/README.md), and writes on
stdout: {"torch": version, "results": [{"name", "expect", "exact", "checks"}, ...]}, in order.

  expect  the README's trace fields: sdpa {scores, weights, output}; mha {heads: [{q, k, v,
          scores, weights, output}], concat, output}; pe {pe}. Compared with a tolerance.
  exact   [[path..., value], ...]: cells that the README fixes exactly (a blocked cell's
          weight is 0, a fully blocked query's output row is 0, or b_o in mha).
  checks  names of the second, differently written PyTorch computations this case agreed
          with (the script exits 1 if one disagrees, naming the case).

The main computation follows the README literally with plain tensor ops:
  scores  = Q·Kᵀ·scale (scale defaults to 1/sqrt(d_k))
  allowed = mask == 1 AND (j <= i + (T_k - T_q) if causal) AND NOT pad[j]
  weights = softmax over the allowed keys of each row only (selection, no -inf added);
            a row with no allowed key is all zeros
  output  = weights·V
  mha: Q = X·W_q + b_q (row vectors), head h takes columns h*d_k..(h+1)*d_k-1, concat the
       head outputs, output = concat·W_o + b_o
  pe:  PE[p][2i] = sin(p / 10000^(2i/d)), PE[p][2i+1] = cos(p / 10000^(2i/d))
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)
torch.set_num_threads(1)
f64 = torch.float64
CROSS_TOL = 1e-9  # the golden tolerance, |a - b| <= tol * max(1, |b|)


def tensor(rows):
    return torch.tensor(rows, dtype=f64)


def flags(values):
    """0/1 or false/true values as a bool tensor (any shape)."""
    return torch.tensor([[bool(v) for v in row] for row in values]) if values and isinstance(values[0], list) \
        else torch.tensor([bool(v) for v in values], dtype=torch.bool)


def allowed_cells(tq, tk, inp):
    """T_q x T_k bool: the README's mask AND causal AND NOT pad."""
    allowed = torch.ones(tq, tk, dtype=torch.bool)
    if inp.get("mask") is not None:
        allowed &= flags(inp["mask"])
    if inp.get("causal"):
        i = torch.arange(tq).unsqueeze(1)
        j = torch.arange(tk).unsqueeze(0)
        allowed &= j <= i + (tk - tq)
    if inp.get("pad") is not None:
        allowed &= ~flags(inp["pad"]).unsqueeze(0)
    return allowed


def attention(q, k, v, allowed, scale):
    """One scaled dot-product attention by the README's rules: (scores, weights, output)."""
    tq, tk = q.shape[0], k.shape[0]
    scores = (q @ k.T) * scale  # T_q x T_k
    weights = torch.zeros(tq, tk, dtype=f64)
    for i in range(tq):
        keep = allowed[i]
        if keep.any():  # selection: blocked keys never enter the softmax
            weights[i, keep] = torch.softmax(scores[i, keep], dim=0)
    return scores, weights, weights @ v  # output: T_q x d_v


def exact_zeros(prefix, allowed, d_out, outputs_name="output"):
    """Blocked weights are exactly 0; a fully blocked row's output row is exactly 0."""
    out = []
    for i, j in (~allowed).nonzero().tolist():
        out.append(prefix + ["weights", i, j, 0.0])
    for i in (~allowed.any(dim=1)).nonzero().flatten().tolist():
        out.extend(prefix + [outputs_name, i, c, 0.0] for c in range(d_out))
    return out


def close(a, b):
    return bool(((a - b).abs() <= CROSS_TOL * b.abs().clamp(min=1)).all())


def cross_check_attention(name, q, k, v, allowed, scale, weights, output):
    """A second computation: blocked scores set to -inf, then softmax (rows that see a key)."""
    scores = (q @ k.T) * scale
    seen = allowed.any(dim=1)
    w = torch.softmax(scores.masked_fill(~allowed, -math.inf)[seen], dim=-1)
    if not (close(w, weights[seen]) and close(w @ v, output[seen])):
        fail(name, "masked_fill(-inf) softmax disagrees with the selection softmax")
    if hasattr(F, "scaled_dot_product_attention") and seen.any():
        o = F.scaled_dot_product_attention(q[seen].unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0),
                                           attn_mask=allowed[seen].unsqueeze(0), scale=scale)[0]
        if not close(o, output[seen]):
            fail(name, "F.scaled_dot_product_attention disagrees")
        return ["masked_fill", "F.scaled_dot_product_attention"]
    return ["masked_fill"]


def sdpa(name, inp):
    q, k, v = tensor(inp["q"]), tensor(inp["k"]), tensor(inp["v"])  # T_q x d_k, T_k x d_k, T_k x d_v
    scale = inp["scale"] if inp.get("scale") is not None else 1 / math.sqrt(q.shape[1])
    allowed = allowed_cells(q.shape[0], k.shape[0], inp)
    scores, weights, output = attention(q, k, v, allowed, scale)
    checks = cross_check_attention(name, q, k, v, allowed, scale, weights, output)
    expect = {"scores": scores.tolist(), "weights": weights.tolist(), "output": output.tolist()}
    return expect, exact_zeros([], allowed, v.shape[1]), checks


def bias(inp, field, d):
    return tensor(inp[field]) if inp.get(field) is not None else torch.zeros(d, dtype=f64)


def mha(name, inp):
    x = tensor(inp["x"])  # T x d_model
    t, d = x.shape
    h = inp["heads"]
    dk = d // h
    w = {f: tensor(inp[f]) for f in ("w_q", "w_k", "w_v", "w_o")}  # d_model x d_model, Y = X·W + b
    b = {f: bias(inp, f, d) for f in ("b_q", "b_k", "b_v", "b_o")}
    scale = inp["scale"] if inp.get("scale") is not None else 1 / math.sqrt(dk)
    q, k, v = x @ w["w_q"] + b["b_q"], x @ w["w_k"] + b["b_k"], x @ w["w_v"] + b["b_v"]  # T x d_model
    allowed = allowed_cells(t, t, inp)
    heads, outs, exact = [], [], []
    for i in range(h):
        cols = slice(i * dk, (i + 1) * dk)
        qh, kh, vh = q[:, cols], k[:, cols], v[:, cols]  # T x d_k
        scores, weights, out = attention(qh, kh, vh, allowed, scale)
        heads.append({"q": qh.tolist(), "k": kh.tolist(), "v": vh.tolist(), "scores": scores.tolist(),
                      "weights": weights.tolist(), "output": out.tolist()})
        outs.append(out)
        exact += exact_zeros(["heads", i], allowed, dk)
    concat = torch.cat(outs, dim=1)  # T x d_model
    output = concat @ w["w_o"] + b["b_o"]
    for r in (~allowed.any(dim=1)).nonzero().flatten().tolist():
        exact.extend(["concat", r, c, 0.0] for c in range(d))
        exact.extend(["output", r, c, b["b_o"][c].item()] for c in range(d))
    checks = cross_check_mha(name, x, h, w, b, scale, allowed, heads, output)
    return {"heads": heads, "concat": concat.tolist(), "output": output.tolist()}, exact, checks


def cross_check_mha(name, x, h, w, b, scale, allowed, heads, output):
    """PyTorch's own layer, F.multi_head_attention_forward, on the rows that see a key.

    It takes nn.Linear weights (out x in) and always scales by 1/sqrt(d_k): a custom scale is
    folded into W_q and b_q (scores = (X·W_q + b_q)·scale·Kᵀ)."""
    d = x.shape[1]
    fold = scale * math.sqrt(d // h)
    in_w = torch.cat([(w["w_q"] * fold).T, w["w_k"].T, w["w_v"].T]).contiguous()  # 3d x d
    in_b = torch.cat([b["b_q"] * fold, b["b_k"], b["b_v"]])
    xs = x.unsqueeze(1)  # T x batch 1 x d_model
    out, weights = F.multi_head_attention_forward(
        xs, xs, xs, d, h, in_w, in_b, None, None, False, 0.0, w["w_o"].T.contiguous(), b["b_o"],
        training=False, need_weights=True, attn_mask=~allowed, average_attn_weights=False)
    seen = allowed.any(dim=1)
    ours = torch.stack([tensor(hd["weights"]) for hd in heads])  # H x T x T
    if not (close(out[:, 0][seen], output[seen]) and close(weights[0][:, seen], ours[:, seen])):
        fail(name, "F.multi_head_attention_forward disagrees")
    return ["F.multi_head_attention_forward"]


def pe(name, inp):
    d = inp["d_model"]
    positions = inp["positions"]
    p = tensor(positions if isinstance(positions, list) else list(range(positions))).unsqueeze(1)  # T x 1
    two_i = torch.arange(0, d, 2, dtype=f64)  # the even columns 2i
    angle = p / torch.pow(torch.tensor(10000.0, dtype=f64), two_i / d)  # T x ceil(d/2)
    table = torch.zeros(p.shape[0], d, dtype=f64)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle[:, : d // 2])  # odd d: the last column is a sine
    # The PyTorch tutorial's form: exp(-2i·ln(10000)/d) instead of a power.
    alt = torch.zeros_like(table)
    alt_angle = p * torch.exp(two_i * (-math.log(10000.0) / d))
    alt[:, 0::2] = torch.sin(alt_angle)
    alt[:, 1::2] = torch.cos(alt_angle[:, : d // 2])
    if not close(alt, table):
        fail(name, "the exp(-2i·ln(10000)/d) form disagrees")
    return {"pe": table.tolist()}, [], ["exp_form"]


def fail(name, what):
    print(f"contract_ref.py: case {name}: {what}", file=sys.stderr)
    sys.exit(1)


def main():
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        inp = case["input"]
        op = {"sdpa": sdpa, "mha": mha, "pe": pe}.get(inp.get("op"))
        if op is None:
            fail(case["name"], f"op {inp.get('op')!r} has no reference")
        expect, exact, checks = op(case["name"], inp)
        results.append({"name": case["name"], "expect": expect, "exact": exact, "checks": checks})
    json.dump({"torch": torch.__version__, "results": results}, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
