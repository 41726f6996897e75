#!/usr/bin/env python3
"""Float32 speed: quant-run against onnxruntime on the example models.

For each model, in one run on the same machine and the same data:
  - quant-run (JIT, single-threaded) images/s at batch B over the evaluation
    images, and latency at batch 1;
  - onnxruntime fp32 (CPUExecutionProvider) with intra_op_num_threads = T,
    the same batches.
Prints a Markdown table; a speed ratio is quant-run / onnxruntime (above 1:
quant-run is faster). The machine is shared and noisy:
compare within one run, and repeat before believing a small difference.

  .venv/bin/python3 bench/float_vs_onnxruntime.py [--threads 1] [--batch 64]
"""

import argparse
import json
import pathlib
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort

ROOT = pathlib.Path(__file__).resolve().parent.parent


def ort_rate(model, images, batch, threads, repeats):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    x = images.astype(np.float32) / 255.0
    session.run(None, {name: x[:batch]})  # warm-up
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(x), batch):
            session.run(None, {name: x[i:i + batch]})
        best = max(best, len(x) / (time.perf_counter() - start))
    return best


def quant_run_rate(tools, mlir, images_path, batch, limit, repeats):
    best = 0.0
    for _ in range(repeats):
        out = subprocess.run([tools.quant_run, str(mlir), "--input", str(images_path),
                              "--batch", str(batch), "--limit", str(limit), "--json",
                              "--quiet"], check=True, capture_output=True, text=True)
        best = max(best, json.loads(out.stdout)["samples_per_second"])
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", type=pathlib.Path,
                        default=sorted((ROOT / "models").glob("*.onnx")))
    parser.add_argument("--data", type=pathlib.Path, default=ROOT / "data")
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--images", type=int, default=9000)
    parser.add_argument("--latency-images", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    tools = parser.parse_args()
    tools.quant_translate = str(tools.build / "bin" / "quant-translate")
    tools.quant_run = str(tools.build / "bin" / "quant-run")
    if not (tools.data / "eval_images.npy").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "fashion_mnist.py"),
                        "--out", str(tools.data)], check=True)
    images_path = tools.data / "eval_images.npy"
    images = np.load(images_path)[:tools.images]
    work = tools.build / "bench"
    work.mkdir(parents=True, exist_ok=True)

    print(f"Float32 images/s, batch {tools.batch} over {len(images)} images, and batch-1 "
          f"latency over {tools.latency_images}; onnxruntime {ort.__version__} with "
          f"{tools.threads} thread(s); best of {tools.repeats}.\n")
    print("| model | quant-run img/s | onnxruntime img/s | speed ratio | quant-run batch-1 ms | "
          "onnxruntime batch-1 ms | speed ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for model in tools.models:
        mlir = work / f"{model.stem}.mlir"
        subprocess.run([tools.quant_translate, "--import-onnx", str(model), "-o", str(mlir)],
                       check=True)
        ours = quant_run_rate(tools, mlir, images_path, tools.batch, len(images), tools.repeats)
        theirs = ort_rate(model, images, tools.batch, tools.threads, tools.repeats)
        ours1 = quant_run_rate(tools, mlir, images_path, 1, tools.latency_images, tools.repeats)
        theirs1 = ort_rate(model, images[:tools.latency_images], 1, tools.threads, tools.repeats)
        print(f"| {model.stem} | {ours:.0f} | {theirs:.0f} | {ours / theirs:.3f} | "
              f"{1e3 / ours1:.3f} | {1e3 / theirs1:.3f} | {ours1 / theirs1:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
