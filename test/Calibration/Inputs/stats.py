"""Reference statistics for the qnt-calibrate tests, computed with NumPy.

  stats.py gen DATA.npy [--samples N] [--extremes-first K] [--shape ...]
  stats.py check OUT.mlir DATA.npy SPEC [--exact-hist] [--limit N]

gen writes float32 samples of quarters in [-2, 2] (so the matmul of the
hand-written model is exact in f32); --extremes-first K moves the samples
that hold the minimum and maximum of every observed tensor of matmul_relu to
the front (so that a first batch of K samples sees the whole range, and a
single-pass histogram is exact).

SPEC names the model of the test (see MODELS): it computes every observed
tensor from the data, in the order in which qnt-calibrate's qnt.stats ops
appear (each is inserted right after its tensor). The script parses each
qnt.stats of OUT.mlir and compares min, max, count, per-channel min/max/mean
(axis 1) and the histogram against NumPy: the histogram exactly
(floor((x - min) / w), the maximum in the last bin) with --exact-hist,
with --hist-l1 B within an L1 distance of B * count, with --hist-ks B within
a CDF (Kolmogorov) distance of B * count, otherwise only its total. Prints one OK line per tensor, or
raises.

With --samples K, the last tensor (the model's result, the logits) must
carry `samples`: min(K, rows) distinct rows of the tensor along its last dim
(each sampled row matched to a row of NumPy's tensor, no row used twice),
all the rows if K >= rows; the other tensors (and all with K = 0) none.
Prints a SAMPLES line with the number of rows and how many of them are
among the first K rows of the data.
"""
import argparse
import re
import struct
import sys

import numpy as np

# Weights of the hand-written model in calibrate.test (matmul.mlir).
W = np.array([[1.0, -0.5, 0.0], [0.5, 0.5, -1.0], [0.0, 1.0, 0.5],
              [-1.0, 0.0, 1.0]], dtype=np.float32)


def matmul_relu(x):
    y = x.astype(np.float64) @ W.astype(np.float64)  # exact: quarters times halves
    return [x.astype(np.float64), y, np.maximum(y, 0.0)]


def mlp(x):
    """The observed tensors of the mlp with quantizers on its input and on
    every qnt.matmul result (weights from the ONNX file)."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(MLP_PATH)
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    h = x.reshape(x.shape[0], -1).astype(np.float32)
    tensors = [x.astype(np.float64)]
    for node in model.graph.node:
        if node.op_type == "Gemm":
            w = init[node.input[1]].astype(np.float32)
            b = init[node.input[2]].astype(np.float32)
            trans_b = any(a.name == "transB" and a.i for a in node.attribute)
            h = h @ (w.T if trans_b else w) + b
            tensors.append(h.astype(np.float64))
        elif node.op_type == "Relu":
            h = np.maximum(h, 0)
            tensors[-1] = h.astype(np.float64)
    return tensors


MODELS = {"matmul_relu": matmul_relu, "mlp": mlp}
MLP_PATH = None

FLOAT = r"(-?[0-9.]+(?:e[-+]?[0-9]+)?|0x[0-9A-Fa-f]+)"


def parse_float(s):
    if s.startswith("0x"):
        return struct.unpack(">d", int(s, 16).to_bytes(8, "big"))[0]
    return float(s)


def parse_list(s):
    return [parse_float(t.strip()) for t in s.split(",")] if s else []


def parse_samples(text):
    """The samples attribute of a qnt.stats line as a rows x classes array."""
    m = re.search(r"samples = dense<(.*?)> : tensor<(\d+)x(\d+)xf32>", text)
    if not m:
        return None
    body, shape = m.group(1), (int(m.group(2)), int(m.group(3)))
    if body.startswith('"0x'):
        return np.frombuffer(bytes.fromhex(body[3:-1]), "<f4").reshape(shape)
    values = [float(t) for t in re.findall(r"[-+0-9.e]+|nan|inf", body)]
    if len(values) == 1:
        return np.full(shape, values[0], np.float32)
    return np.array(values, np.float32).reshape(shape)


def parse_stats(text):
    stats = []
    for line in text.splitlines():
        m = re.search(r"qnt\.stats (%\S+) (.*?) : tensor", line)
        if not m:
            continue
        body = m.group(2)
        entry = {"input": m.group(1), "samples": parse_samples(line)}
        for key in ("min", "max"):
            entry[key] = parse_float(re.search(
                r"\b" + key + r" = " + FLOAT, body).group(1))
        entry["count"] = int(re.search(r"count = (\d+)", body).group(1))
        h = re.search(r"histogram = \[([^\]]*)\]", body)
        entry["histogram"] = [int(t) for t in h.group(1).split(",")] if h else None
        for key in ("channel_min", "channel_max", "channel_mean"):
            c = re.search(key + r" = \[([^\]]*)\]", body)
            entry[key] = parse_list(c.group(1)) if c else None
        a = re.search(r"channel_axis = (\d+)", body)
        entry["channel_axis"] = int(a.group(1)) if a else None
        stats.append(entry)
    return stats


def reference_histogram(t, bins):
    lo, hi = t.min(), t.max()
    w = (hi - lo) / bins
    if w > 0:
        idx = np.minimum(np.floor((t - lo) / w), bins - 1).astype(np.int64)
    else:
        idx = np.zeros(t.shape, np.int64)
    return np.bincount(idx.ravel(), minlength=bins)


def check_samples(i, samples, t, k):
    rows = t.reshape(-1, t.shape[-1]).astype(np.float32)
    expected = min(k, rows.shape[0])
    if expected == 0:
        if samples is not None:
            sys.exit(f"tensor {i}: unexpected samples {samples.shape}")
        return
    if samples is None or samples.shape != (expected, rows.shape[1]):
        sys.exit(f"tensor {i}: samples {None if samples is None else samples.shape}"
                 f", expected ({expected}, {rows.shape[1]})")
    unused = list(range(rows.shape[0]))
    first = 0
    for r in samples:
        match = [j for j in unused if np.array_equal(rows[j], r)]
        if not match:
            sys.exit(f"tensor {i}: sample row {list(r)} is not a row of the "
                     "tensor (or is one more time than it occurs)")
        unused.remove(match[0])
        # Rows equal to one of the first k rows count as among them.
        first += any(np.array_equal(rows[j], r) for j in range(min(k, rows.shape[0])))
    print(f"SAMPLES tensor {i}: {expected} rows, {first} among the first {k}")


def gen(argv):
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--samples", type=int, default=10)
    p.add_argument("--extremes-first", type=int, default=0)
    args = p.parse_args(argv)
    rng = np.random.default_rng(7)
    x = (rng.integers(-8, 9, size=(args.samples, 4)) / 4).astype(np.float32)
    if args.extremes_first:
        front = []
        for t in matmul_relu(x):
            flat = t.reshape(t.shape[0], -1)
            for i in (int(flat.min(axis=1).argmin()), int(flat.max(axis=1).argmax())):
                if i not in front:
                    front.append(i)
        assert len(front) <= args.extremes_first, front
        rest = [i for i in range(args.samples) if i not in front]
        x = x[front + rest]
    np.save(args.data, x)


def main():
    global MLP_PATH
    if sys.argv[1] == "gen":
        return gen(sys.argv[2:])
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["check"])
    p.add_argument("out")
    p.add_argument("data")
    p.add_argument("spec")
    p.add_argument("--exact-hist", action="store_true")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--mlp", default=None)
    p.add_argument("--tol", type=float, default=1e-6,
                   help="relative and absolute tolerance of min/max/means")
    p.add_argument("--hist-l1", type=float, default=None,
                   help="bound on sum |h - reference| / count")
    p.add_argument("--samples", type=int, default=None,
                   help="logit-samples of the run: check the samples")
    p.add_argument("--hist-ks", type=float, default=None,
                   help="bound on max |CDF(h) - CDF(reference)| / count")
    args = p.parse_args()
    MLP_PATH = args.mlp
    x = np.load(args.data)
    if args.limit:
        x = x[:args.limit]
    if x.dtype == np.uint8:
        x = x.astype(np.float32) / np.float32(255)  # as prepareInput
    tensors = MODELS[args.spec](x)
    stats = parse_stats(open(args.out).read())
    if len(stats) != len(tensors):
        sys.exit(f"{len(stats)} qnt.stats ops, expected {len(tensors)}")
    for i, (s, t) in enumerate(zip(stats, tensors)):
        def close(a, b, what):
            if not np.allclose(a, b, rtol=args.tol, atol=args.tol):
                sys.exit(f"tensor {i} {what}: got {a}, expected {b}")
        if s["count"] != t.size:
            sys.exit(f"tensor {i} count: got {s['count']}, expected {t.size}")
        close(s["min"], t.min(), "min")
        close(s["max"], t.max(), "max")
        hist = s["histogram"]
        if hist is None or sum(hist) != t.size:
            sys.exit(f"tensor {i}: histogram total {hist and sum(hist)} != {t.size}")
        if args.exact_hist:
            ref = reference_histogram(t, len(hist))
            if list(ref) != hist:
                bad = [b for b in range(len(hist)) if hist[b] != ref[b]]
                sys.exit(f"tensor {i} histogram differs in {len(bad)} bins, "
                         f"first bin {bad[0]}: got {hist[bad[0]]}, "
                         f"expected {ref[bad[0]]}")
        if args.hist_l1 is not None:
            ref = reference_histogram(t, len(hist))
            l1 = np.abs(np.array(hist) - ref).sum() / t.size
            if l1 > args.hist_l1:
                sys.exit(f"tensor {i} histogram: L1 distance {l1} > {args.hist_l1}")
        if args.hist_ks is not None:
            ref = reference_histogram(t, len(hist))
            ks = np.abs(np.cumsum(hist) - np.cumsum(ref)).max() / t.size
            if ks > args.hist_ks:
                sys.exit(f"tensor {i} histogram: CDF distance {ks} > {args.hist_ks}")
            print(f"tensor {i} CDF distance {ks:.5f}")
        if t.ndim > 1:
            if s["channel_axis"] != 1:
                sys.exit(f"tensor {i}: channel_axis {s['channel_axis']}")
            axes = tuple(a for a in range(t.ndim) if a != 1)
            close(s["channel_min"], t.min(axis=axes), "channel_min")
            close(s["channel_max"], t.max(axis=axes), "channel_max")
            close(s["channel_mean"], t.mean(axis=axes), "channel_mean")
        if args.samples is not None:
            check_samples(i, s["samples"], t,
                          args.samples if i == len(tensors) - 1 else 0)
        print(f"OK tensor {i} {s['input']}: count {t.size} min {t.min():g} "
              f"max {t.max():g} bins {len(hist)}")


if __name__ == "__main__":
    main()
