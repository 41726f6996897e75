#!/usr/bin/env python3
"""Compares quant-run with onnxruntime on an example model.

Imports MODEL.onnx with quant-translate, runs it with quant-run over the
evaluation images, runs the same .onnx with onnxruntime (the oracle, from
PyPI) on the same float inputs (uint8 / 255), and checks that

  - the top-1 class agrees on every image, and
  - every logit agrees within a relative tolerance: |ours - ort| <=
    RTOL * max(|ort| over the image's logits) (plain relative error is
    meaningless for logits that are near zero).

Prints the accuracies, the worst relative difference and any disagreements;
exits non-zero if a check fails.
"""

import argparse
import pathlib
import subprocess
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, type=pathlib.Path)
    parser.add_argument("--data", required=True, type=pathlib.Path,
                        help="directory with eval_images.npy, eval_labels.npy")
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--quant-translate", dest="quant_translate", required=True)
    parser.add_argument("--quant-run", dest="quant_run", required=True)
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--limit", type=int, default=0, help="first N images only")
    args = parser.parse_args()
    try:
        import onnxruntime as ort
    except ImportError:
        print("error: onnxruntime is missing; run scripts/setup.sh and use .venv/bin/python3")
        return 1

    args.work.mkdir(parents=True, exist_ok=True)
    name = args.model.stem
    mlir = args.work / f"{name}.mlir"
    logits_path = args.work / f"{name}.logits.npy"
    subprocess.run([args.quant_translate, "--import-onnx", str(args.model), "-o", str(mlir)],
                   check=True)
    images = np.load(args.data / "eval_images.npy")
    labels = np.load(args.data / "eval_labels.npy")
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
        np.save(args.work / "images.npy", images)
        images_path = args.work / "images.npy"
    else:
        images_path = args.data / "eval_images.npy"
    subprocess.run([args.quant_run, str(mlir), "--input", str(images_path),
                    "--output", str(logits_path), "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    ours = np.load(logits_path)

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(args.model), options,
                                   providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    x = images.astype(np.float32) / 255.0
    theirs = np.concatenate([session.run(None, {input_name: x[i:i + 256]})[0]
                             for i in range(0, len(x), 256)])

    if ours.shape != theirs.shape:
        print(f"FAIL {name}: logits shape {ours.shape}, onnxruntime {theirs.shape}")
        return 1
    scale = np.maximum(np.abs(theirs).max(axis=1, keepdims=True), 1e-30)
    relative = np.abs(ours - theirs) / scale
    worst = float(relative.max())
    disagree = np.flatnonzero(ours.argmax(1) != theirs.argmax(1))
    ours_acc = float((ours.argmax(1) == labels).mean())
    ort_acc = float((theirs.argmax(1) == labels).mean())
    print(f"{name}: {len(x)} images, quant-run top-1 {100 * ours_acc:.2f}%, "
          f"onnxruntime top-1 {100 * ort_acc:.2f}%, top-1 disagreements "
          f"{len(disagree)}, worst relative logit difference {worst:.3g} "
          f"(tolerance {args.rtol:g})")
    ok = len(disagree) == 0 and worst <= args.rtol
    if len(disagree):
        print(f"  images where top-1 differs: {disagree[:20].tolist()}")
    print(("PASS " if ok else "FAIL ") + name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
