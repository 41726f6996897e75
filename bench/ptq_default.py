#!/usr/bin/env python3
"""The PTQ pipeline's default against the quantization core (issue 5's done criterion).

For each example model x weight bits (W8A8, W4A8) x weight granularity, in one
run on the same data (calibration: the 1000 images of data/calib_images.npy;
evaluation: the first --images of data/eval_images.npy), quantizes the
imported float model with `--qnt-ptq-pipeline` twice and evaluates both
quantization-simulation models with quant-run:

  - core: quantizers + calibration + range setting alone (`equalize=false
    adaround=false bias-correction=none weight-range=mse act-range=mse`, the
    logits by the default `logits-range=auto`);
  - default: the pipeline's defaults (only calibration-data, the bit widths
    and per-channel given).

`--variant NAME=OPTIONS` adds columns: the default with OPTIONS appended
(e.g. `--variant no-cle=equalize=false`), for finding which step costs
accuracy. Cells run in the order granularity (per-channel first, the
pipeline's default), bits, model; `--cache FILE` (JSON) keeps each finished
cell so an interrupted run resumes; `--only` runs some columns (e.g. the
cheap ones first) and `--read-cache` merges the cells of other runs into the
table.

Prints a Markdown table (top-1 % of both, default - core, the pipeline wall
time of each) on stdout, written to --out if given; progress on stderr.
Paired statistics, since both columns classify the same images: the images
only core gets right and only default gets right, the two-sided exact
McNemar p of that split (small p: the difference is not chance), and each
column's mean squared logit error against the float model's logits (how
close the quantized model is to the float one it simulates).

  .venv/bin/python3 bench/ptq_default.py [--models mlp resnet mobilenetv2 vit]
      [--bits 8 4] [--granularity per-channel per-tensor] [--images 2000]
      [--variant NAME=OPTIONS ...] [--only NAME ...] [--cache FILE]
      [--read-cache FILE ...] [--out FILE] [--build DIR]
"""

import argparse
import json
import math
import pathlib
import subprocess
import time
import numpy as np
from ptq_common import log, quant_run_accuracy as accuracy

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS = ["mlp", "resnet", "mobilenetv2", "vit"]
CORE = ("equalize=false adaround=false bias-correction=none weight-range=mse "
        "act-range=mse")


def run_cell(args, float_mlir, bits, granularity, name, extra):
    """Pipeline + evaluation of one cell: (top-1 %, pipeline wall seconds)."""
    options = (f"calibration-data={args.calib_images} weight-bits={bits} act-bits=8 "
               f"per-channel={str(granularity == 'per-channel').lower()}")
    if extra:
        options += " " + extra
    out = args.work / f"{float_mlir.stem}.w{bits}.{granularity}.{name}.mlir"
    start = time.perf_counter()
    result = subprocess.run([args.quant_opt, str(float_mlir),
                             f"--qnt-ptq-pipeline={options}", "-o", str(out)],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        log(result.stderr)
        raise SystemExit(f"quant-opt failed on {out.name} ({options})")
    logits = out.with_suffix(".npy")
    top1 = accuracy(args, out, logits)
    out.unlink()
    return top1, seconds, read_logits(logits)


def read_logits(path):
    """The logits in `path` (deleted): (predicted classes as a digit string, logits)."""
    logits = np.load(path)
    path.unlink()
    return "".join(str(c) for c in logits.argmax(axis=1)), logits


def mcnemar(only_a, only_b):
    """Two-sided exact McNemar p of `only_a` against `only_b` discordant pairs."""
    n = only_a + only_b
    tail = sum(math.comb(n, i) for i in range(min(only_a, only_b) + 1))
    return min(1.0, 2 * tail / 2**n)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=MODELS)
    p.add_argument("--bits", nargs="+", type=int, default=[8, 4])
    p.add_argument("--granularity", nargs="+", default=["per-channel", "per-tensor"],
                   choices=["per-channel", "per-tensor"])
    p.add_argument("--images", type=int, default=2000)
    p.add_argument("--variant", action="append", default=[],
                   help="NAME=OPTIONS: a column with the default plus OPTIONS")
    p.add_argument("--only", nargs="+",
                   help="run only these columns (the others come from the caches or "
                        "show as 'not run')")
    p.add_argument("--cache", type=pathlib.Path,
                   help="JSON file of finished cells (read and updated)")
    p.add_argument("--read-cache", nargs="+", type=pathlib.Path, default=[],
                   help="more JSON files of finished cells (read only)")
    p.add_argument("--out", type=pathlib.Path)
    p.add_argument("--build", type=pathlib.Path, default=ROOT / "build")
    p.add_argument("--data", type=pathlib.Path, default=ROOT / "data")
    args = p.parse_args()

    columns = [("core", CORE), ("default", "")]
    for variant in args.variant:
        name, sep, options = variant.partition("=")
        if not sep or not name or name in ("core", "default"):
            p.error(f"--variant wants NAME=OPTIONS with a new NAME, not '{variant}'")
        columns.append((name, options))
    bin_dir = args.build / "bin"
    args.quant_translate = str(bin_dir / "quant-translate")
    args.quant_opt = str(bin_dir / "quant-opt")
    args.quant_run = str(bin_dir / "quant-run")
    args.calib_images = args.data / "calib_images.npy"
    args.eval_images = args.data / "eval_images.npy"
    args.eval_labels = args.data / "eval_labels.npy"
    args.work = args.build / "bench" / "ptq-default"
    args.work.mkdir(parents=True, exist_ok=True)
    cache = {}
    for path in args.read_cache + ([args.cache] if args.cache else []):
        if path.exists():
            cache.update(json.loads(path.read_text()))

    float_logits = {}

    def float_model(model):
        """The imported float model of `model` and its logits on the images."""
        float_mlir = args.work / f"{model}.mlir"
        if not float_mlir.exists():
            subprocess.run([args.quant_translate, "--import-onnx",
                            str(ROOT / "models" / f"{model}.onnx"), "-o",
                            str(float_mlir)], check=True)
        if model not in float_logits:
            path = args.work / f"{model}.float.npy"
            accuracy(args, float_mlir, path)
            float_logits[model] = read_logits(path)[1]
        return float_mlir, float_logits[model]

    def cell(model, bits, granularity, name, extra):
        key = f"{model} W{bits}A8 {granularity} {name} images={args.images} [{extra}]"
        if key not in cache and args.only and name not in args.only:
            return None
        if key not in cache:
            float_mlir, reference = float_model(model)
            log(f"{model} W{bits}A8 {granularity} {name}: running")
            top1, seconds, (predicted, logits) = run_cell(args, float_mlir, bits,
                                                          granularity, name, extra)
            cache[key] = {"top1": top1, "seconds": seconds, "predicted": predicted,
                          "logit_mse": float(np.mean((logits - reference) ** 2))}
            if args.cache:
                args.cache.write_text(json.dumps(cache, indent=1) + "\n")
        log(f"{model} W{bits}A8 {granularity} {name}: {cache[key]['top1']:.2f} % "
            f"({cache[key]['seconds']:.1f} s)")
        return cache[key]

    names = [name for name, _ in columns]
    lines = [f"Top-1 % on the first {args.images} evaluation images, calibration on the "
             f"1000 calibration images, activations 8 bits; core: `{CORE}`; "
             f"default: the pipeline's defaults"
             + "".join(f"; {n}: default + `{o}`" for n, o in columns[2:]) + ".", "",
             "| model | bits | granularity | " + " | ".join(names)
             + " | default - core | images only core / only default right | McNemar p"
             " | logit MSE to float, core / default | "
             + " | ".join(f"{n} time" for n in names) + " |",
             "|---|---|---|" + "---|" * (2 * len(names) + 4)]
    labels = np.load(args.eval_labels)[:args.images]
    for granularity in args.granularity:
        for bits in args.bits:
            for model in args.models:
                results = [cell(model, bits, granularity, n, o) for n, o in columns]
                core, default = results[:2]
                diff = paired = p = mse = "-"
                if core is not None and default is not None:
                    diff = f"{default['top1'] - core['top1']:+.2f}"
                if core and default and "predicted" in core and "predicted" in default:
                    right = [np.array(list(r["predicted"]), dtype=int) == labels
                             for r in (core, default)]
                    only_core = int(np.sum(right[0] & ~right[1]))
                    only_default = int(np.sum(right[1] & ~right[0]))
                    paired = f"{only_core} / {only_default}"
                    p = f"{mcnemar(only_core, only_default):.2f}"
                    mse = f"{core['logit_mse']:.3g} / {default['logit_mse']:.3g}"
                lines.append(
                    f"| {model} | W{bits}A8 | {granularity} | "
                    + " | ".join("not run" if r is None else f"{r['top1']:.2f}"
                                 for r in results)
                    + f" | {diff} | {paired} | {p} | {mse} | "
                    + " | ".join("-" if r is None else f"{r['seconds']:.0f} s"
                                 for r in results) + " |")
                log(lines[-1])
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
