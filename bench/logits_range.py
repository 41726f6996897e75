#!/usr/bin/env python3
"""Cross-entropy against MSE range setting for the logits quantizer.

For each example model and weight bit width (activations 8 bits, per-channel
weights by default), quantizes the model with `--qnt-ptq-pipeline` range
setting alone (`equalize=false bias-correction=none adaround=false
weight-range=mse act-range=mse`) twice, with `logits-range=same` (the logits
quantizer by MSE on its histogram, like every activation) and with
`logits-range=cross-entropy` (on the 1000 sample rows calibration keeps), and
evaluates both simulation models with quant-run on the first --images
evaluation images. Also prints the logits quantizer's grid (scale, zero
point) of each. Prints a Markdown table, written to --out if given.

  .venv/bin/python3 bench/logits_range.py [--models models/mlp.onnx ...]
      [--bits 8 4] [--images 2000] [--per-tensor] [--out FILE]
"""

import argparse
import pathlib
import re
import subprocess
import tempfile
import time
from ptq_common import log, quant_run_accuracy as accuracy

ROOT = pathlib.Path(__file__).resolve().parent.parent
METHODS = ["same", "cross-entropy"]


def logits_grid(mlir):
    """Scale and zero point of the quantizer whose result is returned."""
    text = pathlib.Path(mlir).read_text()
    ret = re.search(r"return (%[\w#]+)", text)
    m = re.search(re.escape(ret.group(1)) + r" = qnt\.fake_quant .*?scale = \[([^\]]+)\] "
                  r"zero_point = \[(-?\d+)\]", text)
    return (float(m.group(1)), int(m.group(2))) if m else None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", default=[
        str(ROOT / "models" / f"{m}.onnx") for m in ("mlp", "resnet", "mobilenetv2", "vit")])
    p.add_argument("--bits", nargs="+", type=int, default=[8, 4])
    p.add_argument("--images", type=int, default=2000)
    p.add_argument("--per-tensor", action="store_true")
    p.add_argument("--out")
    p.add_argument("--build", default=str(ROOT / "build"))
    p.add_argument("--data", default=str(ROOT / "data"))
    args = p.parse_args()
    bin_dir = pathlib.Path(args.build) / "bin"
    args.quant_run = str(bin_dir / "quant-run")
    data = pathlib.Path(args.data)
    args.eval_images = data / "eval_images.npy"
    args.eval_labels = data / "eval_labels.npy"
    per_channel = "false" if args.per_tensor else "true"

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for model in args.models:
            name = pathlib.Path(model).stem
            float_mlir = work / f"{name}.mlir"
            subprocess.run([str(bin_dir / "quant-translate"), "--import-onnx", model,
                            "-o", str(float_mlir)], check=True)
            fp32 = accuracy(args, float_mlir)
            for bits in args.bits:
                cells = {}
                for method in METHODS:
                    out = work / f"{name}.w{bits}.{method}.mlir"
                    options = (f"calibration-data={data / 'calib_images.npy'} "
                               f"weight-bits={bits} act-bits=8 per-channel={per_channel} "
                               "equalize=false bias-correction=none adaround=false "
                               f"weight-range=mse act-range=mse logits-range={method}")
                    start = time.perf_counter()
                    subprocess.run([str(bin_dir / "quant-opt"), str(float_mlir),
                                    f"--qnt-ptq-pipeline={options}", "-o", str(out)],
                                   check=True, capture_output=True, text=True)
                    seconds = time.perf_counter() - start
                    cells[method] = (accuracy(args, out), logits_grid(out))
                    log(f"{name} W{bits}A8 logits {method}: {cells[method][0]:.2f} "
                        f"grid {cells[method][1]} ({seconds:.0f} s quantization)")
                rows.append((name, fp32, bits, cells))

    granularity = "per-tensor" if args.per_tensor else "per-channel"
    lines = [f"Top-1 % on the first {args.images} evaluation images; {granularity} weights, "
             "MSE weight and activation ranges, no CLE/bias correction/AdaRound; logits "
             "quantizer by MSE (logits-range=same) or cross-entropy.", "",
             "| model | FP32 | weights | logits MSE | logits cross-entropy | difference | "
             "MSE grid (s, z) | cross-entropy grid (s, z) |",
             "|---|---|---|---|---|---|---|---|"]
    for name, fp32, bits, cells in rows:
        same, ce = cells["same"], cells["cross-entropy"]
        lines.append(f"| {name} | {fp32:.2f} | W{bits}A8 | {same[0]:.2f} | {ce[0]:.2f} | "
                     f"{ce[0] - same[0]:+.2f} | {same[1][0]:.4g}, {same[1][1]} | "
                     f"{ce[1][0]:.4g}, {ce[1][1]} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        pathlib.Path(args.out).write_text(table)


if __name__ == "__main__":
    main()
