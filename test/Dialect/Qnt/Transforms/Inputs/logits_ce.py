"""Cross-entropy range setting of the logits, checked with NumPy.

  logits_ce.py gen OUT.mlir [--bits B]
  logits_ce.py check CE.mlir MSE.mlir [--bits B]
  logits_ce.py grids OUT.mlir

grids prints "@function scale zero_point" for the first calibrated quantizer
of each function, then the number of distinct grids.

gen writes a function whose returned quantizer (the logits) reads a qnt.stats
with the sample rows of a fixed, seeded set of logits: 40 rows of 10 classes,
N(0, 1.5) noise with the true class raised by 5, and in every fourth row one
class pushed down to -30 (a logit with no probability mass, which min-max and
MSE spend grid levels on). The histogram (64 bins) is that of the samples.

check reads the grid (scale, zero point) that qnt-set-ranges chose with
logits-range=cross-entropy (CE.mlir) and with logits-range=same and
act-range=mse (MSE.mlir), and computes, independently of quant-opt:
  - H(softmax(v), softmax(q(v))) averaged over the rows for each grid;
  - the minimum of that over a brute-force 2D search of clipping ranges
    [lo, hi] (lo from min to 0, hi from 0 to max, 241 steps each, with the
    asymmetric grid s = (hi - lo) / (2^b - 1), z = -round(lo / s));
and compares them by their excess over H(softmax(v)) (the KL divergence
the quantization adds). It requires: the cross-entropy grid within 2% of the
brute-force minimum of the excess; the MSE grid's excess at least 3 times
the cross-entropy grid's; the MSE grid better in squared error (so the two
criteria do disagree on this data). Prints the numbers and OK, or exits
non-zero.
"""
import argparse
import re
import sys

import numpy as np

ROWS, CLASSES, BINS = 40, 10, 64


def logits():
    rng = np.random.default_rng(2021)
    v = rng.normal(0.0, 1.5, size=(ROWS, CLASSES))
    v[np.arange(ROWS), rng.integers(0, CLASSES, ROWS)] += 5.0
    v[::4, 3] = -30.0
    return v.astype(np.float32)


def histogram(x):
    lo, hi = float(x.min()), float(x.max())
    w = (hi - lo) / BINS
    idx = np.minimum(np.floor((x.astype(np.float64) - lo) / w), BINS - 1)
    return np.bincount(idx.astype(np.int64).ravel(), minlength=BINS)


def gen(args):
    v = logits()
    rows = ", ".join("[" + ", ".join(repr(float(x)) for x in r) + "]" for r in v)
    hist = ", ".join(str(c) for c in histogram(v))
    with open(args.out, "w") as f:
        f.write(f"""func.func @main(%x: tensor<?x{CLASSES}xf32>) -> tensor<?x{CLASSES}xf32> {{
  %s = qnt.stats %x min = {float(v.min())!r} max = {float(v.max())!r} count = {v.size}
         histogram = [{hist}]
         samples = dense<[{rows}]> : tensor<{ROWS}x{CLASSES}xf32> : tensor<?x{CLASSES}xf32>
  %q = qnt.fake_quant %s bits = {args.bits} : tensor<?x{CLASSES}xf32>
  return %q : tensor<?x{CLASSES}xf32>
}}
""")


def fake_quant(v, scale, zp, qmax):
    q = np.clip(np.round(v / scale) + zp, 0, qmax)  # np.round: half to even
    return (q - zp) * scale


def softmax(v):
    e = np.exp(v - v.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(v, vq):
    m = vq.max(axis=-1, keepdims=True)
    log_q = vq - m - np.log(np.exp(vq - m).sum(axis=-1, keepdims=True))
    return float(-(softmax(v) * log_q).sum(axis=-1).mean())


def grid_of(path):
    text = open(path).read()
    m = re.search(r"scale = \[([^\]]+)\] zero_point = \[(-?\d+)\]", text)
    if not m:
        sys.exit(f"{path}: no calibrated quantizer")
    return float(m.group(1)), int(m.group(2))


def check(args):
    v = logits().astype(np.float64)
    qmax = 2 ** args.bits - 1
    ce_grid, mse_grid = grid_of(args.ce), grid_of(args.mse)
    floor = cross_entropy(v, v)
    ce = cross_entropy(v, fake_quant(v, *ce_grid, qmax)) - floor
    ce_of_mse = cross_entropy(v, fake_quant(v, *mse_grid, qmax)) - floor
    sq = float(((v - fake_quant(v, *ce_grid, qmax)) ** 2).sum())
    sq_of_mse = float(((v - fake_quant(v, *mse_grid, qmax)) ** 2).sum())
    best = np.inf
    for lo in np.linspace(v.min(), 0.0, 241):
        for hi in np.linspace(0.0, v.max(), 241)[1:]:
            s = (hi - lo) / qmax
            zp = -np.round(lo / s)
            best = min(best,
                       cross_entropy(v, fake_quant(v, s, zp, qmax)) - floor)
    print(f"cross-entropy grid s={ce_grid[0]:.6g} z={ce_grid[1]}: "
          f"KL={ce:.5f} squared error={sq:.2f}")
    print(f"mse grid s={mse_grid[0]:.6g} z={mse_grid[1]}: "
          f"KL={ce_of_mse:.5f} squared error={sq_of_mse:.2f}")
    print(f"brute-force minimum KL={best:.5f}")
    if ce > best * 1.02:
        sys.exit(f"cross-entropy grid KL={ce} is not within 2% of {best}")
    if ce_of_mse < ce * 3:
        sys.exit(f"the mse grid's KL={ce_of_mse} is not 3 times {ce}")
    if sq_of_mse >= sq:
        sys.exit("the mse grid does not have the smaller squared error")
    print("OK")


def grids(args):
    seen = set()
    for m in re.finditer(r"func\.func @(\w+).*?scale = \[([^\]]+)\] "
                         r"zero_point = \[(-?\d+)\]", open(args.out).read(), re.S):
        print(f"@{m.group(1)} {m.group(2)} {m.group(3)}")
        seen.add((m.group(2), m.group(3)))
    print(f"distinct {len(seen)}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("--bits", type=int, default=4)
    c = sub.add_parser("check")
    c.add_argument("ce")
    c.add_argument("mse")
    c.add_argument("--bits", type=int, default=4)
    r = sub.add_parser("grids")
    r.add_argument("out")
    args = p.parse_args()
    {"gen": gen, "check": check, "grids": grids}[args.mode](args)


if __name__ == "__main__":
    main()
