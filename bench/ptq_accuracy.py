#!/usr/bin/env python3
"""Post-training quantization accuracy: quant-opt against onnxruntime.

For each example model, in one run on the same data (calibration: the 1000
images of data/calib_images.npy; evaluation: the first --images of the 9000
of data/eval_images.npy):

  - FP32: the imported float model, run by quant-run;
  - quant-opt: `--qnt-ptq-pipeline` at W8A8, W6A8 and W4A8, per-tensor and
    per-channel weights: range setting alone (`equalize=false
    bias-correction=none`) with min-max and with MSE ranges (weights and
    activations use the same method), the paper's range-setting table; and
    the pipeline's defaults (cross-layer equalization for per-tensor weights,
    MSE ranges, AdaRound with --adaround-iterations steps per layer); all
    evaluated in the quantization-simulation form by quant-run (the integer
    code computes the same, docs/Numerics.md);
  - onnxruntime: `quantize_static` (QDQ, uint8 activations, int8 or int4
    weights, per-tensor and per-channel), with each of its calibration
    methods (MinMax, Entropy, Percentile); the table shows its best method
    per cell (chosen on the evaluation images, which favours the peer).
    onnxruntime has no 6-bit weights: those cells are n/a.

Prints a Markdown table (top-1 %, and the difference to FP32) and writes it
to --out if given. Wall time per configuration goes to stderr.

  .venv/bin/python3 bench/ptq_accuracy.py [--models models/mlp.onnx ...]
      [--images 9000] [--out docs/PTQ-results.md]
"""

import argparse
import contextlib
import logging
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime import quantization as ortq
from ptq_common import log, quant_run_accuracy

ROOT = pathlib.Path(__file__).resolve().parent.parent
WEIGHT_BITS = [8, 6, 4]
GRANULARITY = [("per-tensor", False), ("per-channel", True)]
RANGES = ["minmax", "mse", "default"]
ORT_METHODS = ["MinMax", "Entropy", "Percentile"]


def ours(args, float_mlir, work, bits, per_channel, method):
    """`method` is a range-setting method alone, or "default": the pipeline."""
    options = (f"calibration-data={args.calib_images} weight-bits={bits} act-bits=8 "
               f"per-channel={str(per_channel).lower()}")
    if method == "default":
        options += f" adaround-iterations={args.adaround_iterations}"
    else:
        options += (f" weight-range={method} act-range={method} equalize=false "
                    f"bias-correction=none adaround=false")
    out = work / f"{float_mlir.stem}.w{bits}.{'pc' if per_channel else 'pt'}.{method}.mlir"
    start = time.perf_counter()
    subprocess.run([args.quant_opt, str(float_mlir), f"--qnt-ptq-pipeline={options}",
                    "-o", str(out)], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return quant_run_accuracy(args, out), seconds


class Reader(ortq.CalibrationDataReader):
    def __init__(self, name, images, batch=50):
        self.batches = iter([{name: images[i:i + batch]}
                             for i in range(0, len(images), batch)])

    def get_next(self):
        return next(self.batches, None)


def ort_accuracy(path, images, labels):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    correct = 0
    for i in range(0, len(images), 100):
        logits = session.run(None, {name: images[i:i + 100]})[0]
        correct += int((logits.reshape(len(logits), -1).argmax(1) == labels[i:i + 100]).sum())
    return 100.0 * correct / len(images)


def peer(model, work, bits, per_channel, calib, images, labels):
    """onnxruntime quantize_static with each calibration method: (best, method)."""
    if bits not in (8, 4):
        return None, "n/a"
    weight_type = ortq.QuantType.QInt8 if bits == 8 else ortq.QuantType.QInt4
    name = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]) \
        .get_inputs()[0].name
    best, best_method = None, None
    for method in ORT_METHODS:
        out = work / f"{model.stem}.ort.w{bits}.{int(per_channel)}.{method}.onnx"
        try:
            # quantize_static prints progress on stdout: keep the table clean.
            with contextlib.redirect_stdout(sys.stderr):
                ortq.quantize_static(str(model), str(out), Reader(name, calib),
                                     quant_format=ortq.QuantFormat.QDQ,
                                     per_channel=per_channel,
                                     activation_type=ortq.QuantType.QUInt8,
                                     weight_type=weight_type,
                                     calibrate_method=getattr(ortq.CalibrationMethod,
                                                              method))
            accuracy = ort_accuracy(out, images, labels)
        except Exception as error:  # a method the model does not support
            log(f"  onnxruntime {method} W{bits}: failed: {error}")
            continue
        log(f"  onnxruntime {model.stem} W{bits}A8 per-channel={per_channel} {method}: "
            f"{accuracy:.2f}")
        if best is None or accuracy > best:
            best, best_method = accuracy, method
    return best, best_method


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", type=pathlib.Path,
                        default=[ROOT / "models" / f"{m}.onnx"
                                 for m in ("mlp", "resnet", "mobilenetv2", "vit")])
    parser.add_argument("--data", type=pathlib.Path, default=ROOT / "data")
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build")
    parser.add_argument("--images", type=int, default=9000)
    parser.add_argument("--out", type=pathlib.Path)
    parser.add_argument("--no-peer", action="store_true", help="skip onnxruntime")
    parser.add_argument("--adaround-iterations", type=int, default=10000,
                        help="AdaRound steps per layer in the default-pipeline column")
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.ERROR)  # onnxruntime's advice on pre-processing
    bin_dir = args.build / "bin"
    args.quant_translate = str(bin_dir / "quant-translate")
    args.quant_opt = str(bin_dir / "quant-opt")
    args.quant_run = str(bin_dir / "quant-run")
    if not (args.data / "eval_images.npy").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "fashion_mnist.py"),
                        "--out", str(args.data)], check=True)
    args.calib_images = args.data / "calib_images.npy"
    args.eval_images = args.data / "eval_images.npy"
    args.eval_labels = args.data / "eval_labels.npy"
    calib = np.load(args.calib_images).astype(np.float32) / 255.0
    images = np.load(args.eval_images)[:args.images].astype(np.float32) / 255.0
    labels = np.load(args.eval_labels)[:args.images]
    work = args.build / "bench" / "ptq"
    work.mkdir(parents=True, exist_ok=True)

    lines = [f"Top-1 % on the first {len(images)} evaluation images (difference to FP32); "
             f"calibration on the 1000 calibration images; activations uint8 asymmetric; "
             f"AdaRound {args.adaround_iterations} steps per layer. "
             f"onnxruntime {ort.__version__} quantize_static (QDQ), best of "
             f"{'/'.join(ORT_METHODS)} per cell.", ""]
    header = ("| model | FP32 | weights | granularity | ours min-max | ours MSE | "
              "ours default (CLE if per-tensor + MSE + AdaRound) | onnxruntime (best method) |")
    lines += [header, "|---|---|---|---|---|---|---|---|"]
    for model in args.models:
        float_mlir = work / f"{model.stem}.mlir"
        subprocess.run([args.quant_translate, "--import-onnx", str(model), "-o",
                        str(float_mlir)], check=True)
        fp32 = quant_run_accuracy(args, float_mlir)
        log(f"{model.stem}: FP32 {fp32:.2f}")
        for bits in WEIGHT_BITS:
            for granularity, per_channel in GRANULARITY:
                cells = []
                for method in RANGES:
                    accuracy, seconds = ours(args, float_mlir, work, bits, per_channel, method)
                    log(f"  quant-opt {model.stem} W{bits}A8 {granularity} {method}: "
                        f"{accuracy:.2f} (pipeline {seconds:.1f} s)")
                    cells.append(f"{accuracy:.2f} ({accuracy - fp32:+.2f})")
                if args.no_peer:
                    peer_cell = "not run"
                else:
                    best, method = peer(model, work, bits, per_channel, calib, images,
                                        labels)
                    peer_cell = "n/a" if best is None else \
                        f"{best:.2f} ({best - fp32:+.2f}, {method})"
                lines.append(f"| {model.stem} | {fp32:.2f} | W{bits}A8 | {granularity} | "
                             f"{' | '.join(cells)} | {peer_cell} |")
                print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
