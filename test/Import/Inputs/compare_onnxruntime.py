#!/usr/bin/env python3
"""Checks that imported models compute what ONNX Runtime computes.

    compare_onnxruntime.py --translate quant-translate --run quant-run \\
        --work DIR [--batch N] MODEL.onnx...

For each model: random inputs (dynamic dims get --batch), the outputs of
onnxruntime, the outputs of `quant-translate --import-onnx` + `quant-run
--whole`, and the largest error |got - want| / (1 + |want|). Prints one line
per model ("NAME: ok" or "NAME: MISMATCH ...") and exits non-zero if any
model differs by more than --tolerance. Needs numpy, onnx and onnxruntime
(the .venv of scripts/setup.sh).
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort


def compare(path, args):
    name = os.path.basename(path)[: -len(".onnx")]
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    model = onnx.load(path)
    initializers = {t.name for t in model.graph.initializer}
    rng = np.random.default_rng(0)
    feeds = {}
    for inp in model.graph.input:
        if inp.name in initializers:
            continue
        dims = [d.dim_value if d.HasField("dim_value") else args.batch
                for d in inp.type.tensor_type.shape.dim]
        feeds[inp.name] = rng.uniform(args.low, args.high, dims).astype(np.float32)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    want = session.run(None, feeds)

    mlir = os.path.join(work, "model.mlir")
    result = subprocess.run([args.translate, "--import-onnx", path, "-o", mlir],
                            capture_output=True, text=True)
    if result.returncode:
        return f"import failed: {result.stderr.strip()}"
    command = [args.run, mlir, "--whole", "--quiet"]
    for i, value in enumerate(feeds.values()):
        np.save(os.path.join(work, f"in{i}.npy"), value)
        command += ["--input", os.path.join(work, f"in{i}.npy")]
    outputs = [os.path.join(work, f"out{i}.npy") for i in range(len(want))]
    for out in outputs:
        command += ["--output", out]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        return f"run failed: {result.stderr.strip()}"
    worst = 0.0
    for out, expected in zip(outputs, want):
        got = np.load(out)
        if got.shape != expected.shape:
            return f"MISMATCH: shape {got.shape}, onnxruntime {expected.shape}"
        if expected.dtype.kind != "f":
            if not np.array_equal(got, expected):
                return "MISMATCH: integer output differs"
            continue
        if expected.size:
            err = np.abs(got.astype(np.float64) - expected) / (1 + np.abs(expected))
            worst = max(worst, float(err.max()))
    if not worst <= args.tolerance:
        return f"MISMATCH: max error {worst:.3g}"
    return "ok"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--translate", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--batch", type=int, default=3)
    ap.add_argument("--low", type=float, default=-3.0)
    ap.add_argument("--high", type=float, default=3.0)
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("models", nargs="+")
    args = ap.parse_args()
    failures = 0
    for path in args.models:
        status = compare(path, args)
        name = os.path.basename(path)[: -len(".onnx")]
        print(f"{name}: {status}")
        failures += status != "ok"
    print(f"{len(args.models) - failures} of {len(args.models)} models match onnxruntime")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
