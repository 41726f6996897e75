#!/usr/bin/env python3
"""Compares two .npy arrays: same shape, and every element within RTOL of the
largest magnitude of the reference (per row of the last dim's leading index).
With --exact, the elements must be bit-identical instead (prints how many
differ).

  compare_npy.py reference.npy candidate.npy [--rtol R] [--same-argmax]
  compare_npy.py reference.npy candidate.npy --exact

Prints the worst relative difference; exits 1 if it exceeds RTOL, or (with
--same-argmax) if the argmax of any row differs.
"""

import argparse
import sys

import numpy as np

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("reference")
parser.add_argument("candidate")
parser.add_argument("--rtol", type=float, default=1e-5)
parser.add_argument("--same-argmax", action="store_true")
parser.add_argument("--exact", action="store_true",
                    help="bit-identical elements (same dtype)")
args = parser.parse_args()
ref = np.load(args.reference)
got = np.load(args.candidate)
if ref.shape != got.shape or (args.exact and ref.dtype != got.dtype):
    print(f"shape mismatch: {ref.shape} {ref.dtype} vs {got.shape} {got.dtype}")
    sys.exit(1)
if args.exact:
    a = np.ascontiguousarray(ref).view(np.uint8).reshape(ref.size, -1)
    b = np.ascontiguousarray(got).view(np.uint8).reshape(got.size, -1)
    differ = int((a != b).any(axis=1).sum())
    print(("EXACT" if differ == 0 else "MISMATCH") +
          f" {ref.size} elements, {differ} differ")
    sys.exit(0 if differ == 0 else 1)
rows = ref.reshape(len(ref), -1) if ref.ndim > 1 else ref.reshape(1, -1)
cand = got.reshape(rows.shape)
scale = np.maximum(np.abs(rows).max(axis=1, keepdims=True), 1e-30)
worst = float((np.abs(cand - rows) / scale).max())
ok = worst <= args.rtol
message = f"worst relative difference {worst:.3g} (tolerance {args.rtol:g})"
if args.same_argmax:
    differ = int((rows.argmax(1) != cand.argmax(1)).sum())
    ok = ok and differ == 0
    message += f", {differ} rows with a different argmax"
print(("OK " if ok else "MISMATCH ") + message)
sys.exit(0 if ok else 1)
