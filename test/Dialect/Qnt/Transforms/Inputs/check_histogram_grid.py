"""Checks the grid qnt-set-ranges chose for a histogram against numpy.

Reads quant-opt's output on stdin, takes the first `scale = [s]
zero_point = [z]` of an unsigned `bits`-bit quantizer, and evaluates the
expected squared error of the histogram given on the command line (values
uniform within each bin, integrated on a fine grid of points) for:
- that grid,
- the min-max grid of the histogram's range,
- the best grid of a brute-force search over clipped ranges f * [0, max]
  (one-sided histograms only, min = 0).
Prints the numbers and OK if the chosen grid clips (its top is below max),
beats min-max, and is within `--tolerance` of the brute-force optimum.
"""
import argparse
import re
import sys

import numpy as np


def fake_quant(x, s, z, qmin, qmax):
    q = np.clip(np.round(x / s) + z, qmin, qmax)  # np.round: half to even
    return (q - z) * s


def expected_error(counts, lo, hi, s, z, qmin, qmax, points=4000):
    w = (hi - lo) / len(counts)
    total = 0.0
    for i, c in enumerate(counts):
        if c == 0:
            continue
        # midpoints of `points` equal slices of the bin: uniform density
        x = lo + w * (i + (np.arange(points) + 0.5) / points)
        total += c * np.mean((x - fake_quant(x, s, z, qmin, qmax)) ** 2)
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--min", type=float, required=True)
    p.add_argument("--max", type=float, required=True)
    p.add_argument("--counts", required=True)
    p.add_argument("--bits", type=int, default=8)
    p.add_argument("--tolerance", type=float, default=0.01)
    a = p.parse_args()
    counts = [int(c) for c in a.counts.split(",")]
    qmin, qmax = 0, 2**a.bits - 1
    m = re.search(r"scale = \[([^\]]+)\] zero_point = \[(-?\d+)\]",
                  sys.stdin.read())
    if not m:
        sys.exit("no calibrated quantizer in the input")
    s, z = float(m.group(1)), int(m.group(2))
    chosen = expected_error(counts, a.min, a.max, s, z, qmin, qmax)
    s_mm = (a.max - a.min) / (qmax - qmin)
    z_mm = int(qmin - np.round(a.min / s_mm))
    minmax = expected_error(counts, a.min, a.max, s_mm, z_mm, qmin, qmax)
    assert a.min == 0.0, "brute force written for one-sided histograms"
    best = min(expected_error(counts, a.min, a.max, f * a.max / qmax, 0,
                              qmin, qmax, points=1000)
               for f in np.linspace(0.05, 1.0, 951))
    top = (qmax - z) * s
    print(f"chosen s={s} z={z} top={top:.6g} error={chosen:.6g}; "
          f"min-max error={minmax:.6g}; brute-force best={best:.6g}")
    ok = top < a.max and chosen < minmax and chosen <= best * (1 + a.tolerance)
    print("OK" if ok else "FAIL")


if __name__ == "__main__":
    main()
