#!/usr/bin/python3
"""PyTorch reference for attnviz's text-to-trace computation (float64, CPU).

Reads cases exported by Go (bench/torchref) as JSON on stdin:
  {"threads": N, "mode": "check"|"time", "min_seconds": s, "cases": [
     {"name", "text", "dmodel", "heads", "scale", "vocab": [tokens],
      "embeddings": [[...]] (len(vocab) x d_model), "wq","wk","wv","wo": [[...]] (d_model x d_model)}]}
and writes JSON on stdout:
  check: {"torch": version, "blas": ..., "threads": n, "results": [{"name", "manual": {"weights": H x T x T, "output": T x d_model},
                                                                     "mha": {...}}]}
  time:  {"torch": ..., "threads": n, "results": [{"name", "manual_ns": ns/op, "mha_ns": ns/op}]}
  serve: a header line {"torch", "threads", "blas"}, then for every further input line {"case": i, "min_seconds": s}
         one line {"name", "manual_ns", "mha_ns"} (the caller takes turns with its own timing, shape by shape)
The request is the first line of stdin (one JSON object on one line).

Two PyTorch versions of the same computation are run:
  manual: the trace step by step (embedding lookup, sinusoidal positions, X·W, per-head scores, softmax, weights·V,
          concat, ·W_o), row-vector convention as attnviz;
  mha:    torch.nn.functional.multi_head_attention_forward with need_weights=True (PyTorch's own layer).
"""
import json
import os
import sys
import time

request = json.loads(sys.stdin.readline())  # the first line; "serve" mode reads more
threads = int(request.get("threads", 1))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(threads)

import torch  # noqa: E402  (thread variables must be set first)
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(threads)
try:
    torch.set_num_interop_threads(threads)
except RuntimeError:
    pass
torch.set_grad_enabled(False)
f64 = torch.float64


class Case:
    def __init__(self, c):
        self.name = c["name"]
        self.text = c["text"]
        self.d = c["dmodel"]
        self.h = c["heads"]
        self.dk = self.d // self.h
        self.scale = c["scale"]
        self.index = {tok: i for i, tok in enumerate(c["vocab"])}
        self.emb = torch.tensor(c["embeddings"], dtype=f64)  # |vocab| x d_model
        self.wq = torch.tensor(c["wq"], dtype=f64)  # d_model x d_model, X·W convention
        self.wk = torch.tensor(c["wk"], dtype=f64)
        self.wv = torch.tensor(c["wv"], dtype=f64)
        self.wo = torch.tensor(c["wo"], dtype=f64)
        # PyTorch's layer wants nn.Linear weights (out x in) and packed in-projection.
        self.in_proj = torch.cat([self.wq.T, self.wk.T, self.wv.T]).contiguous()  # 3d x d
        self.in_bias = torch.zeros(3 * self.d, dtype=f64)
        self.out_proj = self.wo.T.contiguous()
        self.out_bias = torch.zeros(self.d, dtype=f64)
        self.even = torch.arange(0, self.d, 2, dtype=f64)

    def embed(self, text):
        ids = torch.tensor([self.index[w] for w in text.split()])
        e = self.emb.index_select(0, ids)  # T x d_model
        t = e.shape[0]
        pos = torch.arange(t, dtype=f64)[:, None]  # T x 1
        angle = pos * torch.pow(10000.0, -self.even / self.d)  # T x ceil(d/2)
        pe = torch.empty(t, self.d, dtype=f64)
        pe[:, 0::2] = torch.sin(angle)
        pe[:, 1::2] = torch.cos(angle[:, : self.d // 2])
        return e + pe  # X: T x d_model

    def manual(self, text):
        x = self.embed(text)
        t = x.shape[0]
        q = x @ self.wq  # T x d_model
        k = x @ self.wk
        v = x @ self.wv
        qh = q.view(t, self.h, self.dk).transpose(0, 1)  # H x T x d_k
        kh = k.view(t, self.h, self.dk).transpose(0, 1)
        vh = v.view(t, self.h, self.dk).transpose(0, 1)
        scores = (qh @ kh.transpose(1, 2)) * self.scale  # H x T x T
        weights = torch.softmax(scores, dim=-1)
        out = weights @ vh  # H x T x d_k
        concat = out.transpose(0, 1).reshape(t, self.d)  # T x d_model
        return weights, concat @ self.wo

    def mha(self, text):
        x = self.embed(text)[:, None, :]  # T x 1 x d_model (sequence, batch, embedding)
        out, weights = F.multi_head_attention_forward(
            x, x, x, self.d, self.h, self.in_proj, self.in_bias, None, None, False, 0.0,
            self.out_proj, self.out_bias, training=False, need_weights=True, average_attn_weights=False)
        return weights[0], out[:, 0, :]


def time_per_op(fn, arg, min_seconds, rounds=10):
    """Fastest of `rounds` rounds of the mean time per call, each round lasting
    about min_seconds/rounds (the least disturbed round on a shared machine)."""
    fn(arg)
    # One call's time from a batch lasting at least 5 ms (as the Go side,
    # bench/workload/timing.go: a single call can read as 0 on a coarse clock).
    batch = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(batch):
            fn(arg)
        took = time.perf_counter() - t0
        if took >= 0.005 or batch >= 1 << 30:
            break
        batch *= 2
    once = max(took / batch, 1e-9)
    n = max(1, int(min_seconds / rounds / once))
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn(arg)
        best = min(best, (time.perf_counter_ns() - t0) / n)
    return best


def blas_info():
    try:
        for line in open("/proc/self/maps"):
            if "blas" in line:
                return line.split()[-1]
    except OSError:
        pass
    return "unknown"


cases = [Case(c) for c in request["cases"]]
out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "results": []}
if request["mode"] == "check":
    for c in cases:
        r = {"name": c.name}
        for kind, fn in (("manual", c.manual), ("mha", c.mha)):
            w, o = fn(c.text)
            r[kind] = {"weights": w.tolist(), "output": o.tolist()}
        out["results"].append(r)
elif request["mode"] == "serve":
    # One timing per input line {"case": i, "min_seconds": s}, so the caller
    # can take turns with its own timing shape by shape.
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_info()}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        q = json.loads(line)
        c = cases[q["case"]]
        ms = float(q["min_seconds"])
        print(json.dumps({"name": c.name, "manual_ns": time_per_op(c.manual, c.text, ms),
                          "mha_ns": time_per_op(c.mha, c.text, ms)}), flush=True)
    sys.exit(0)
else:
    min_seconds = float(request.get("min_seconds", 1.0))
    for c in cases:
        out["results"].append({"name": c.name,
                               "manual_ns": time_per_op(c.manual, c.text, min_seconds),
                               "mha_ns": time_per_op(c.mha, c.text, min_seconds)})
out["blas"] = blas_info()
json.dump(out, sys.stdout)
