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

`--train` also evaluates every cell's models on the 60000 Fashion-MNIST
training images (data/train_images.npy: `scripts/fashion_mnist.py --train`)
and prints a second table of them. The models were trained on those images,
so that table is not their test accuracy; it is a paired sample 6.7 times
the evaluation split's of how the two quantizations of the same float model
compare, for differences the 9000 test images cannot resolve.

  .venv/bin/python3 bench/ptq_default.py [--models mlp resnet mobilenetv2 vit]
      [--bits 8 4] [--granularity per-channel per-tensor] [--images 2000]
      [--train] [--variant NAME=OPTIONS ...] [--only NAME ...] [--cache FILE]
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


class EvalSet:
    """Images and labels the models are evaluated on (what quant_run_accuracy
    reads); `key` prefixes the set's fields in the cache."""

    def __init__(self, key, title, images, labels, limit, quant_run):
        self.key, self.title = key, title
        self.eval_images, self.eval_labels, self.images = images, labels, limit
        self.quant_run = quant_run


def run_cell(args, float_mlir, bits, granularity, name, extra):
    """Pipeline + evaluation of one cell: (pipeline wall seconds, {set key:
    (top-1 %, (predicted, logits))})."""
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
    results = {}
    for eval_set in args.eval_sets:
        top1 = accuracy(eval_set, out, logits)
        results[eval_set.key] = top1, read_logits(logits)
    out.unlink()
    return seconds, results


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
    p.add_argument("--train", action="store_true",
                   help="also evaluate on the 60000 training images (a second table)")
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
    args.eval_sets = [EvalSet("", f"the first {args.images} evaluation images",
                              args.data / "eval_images.npy",
                              args.data / "eval_labels.npy", args.images, args.quant_run)]
    if args.train:
        args.eval_sets.append(EvalSet(
            "train_", "the 60000 training images (not test accuracy: the models were "
            "trained on them)", args.data / "train_images.npy",
            args.data / "train_labels.npy", 60000, args.quant_run))
    for eval_set in args.eval_sets:
        if not eval_set.eval_images.exists():
            p.error(f"{eval_set.eval_images} is missing (scripts/fashion_mnist.py "
                    f"--out {args.data}{' --train' if eval_set.key else ''})")
    args.work = args.build / "bench" / "ptq-default"
    args.work.mkdir(parents=True, exist_ok=True)
    cache = {}
    for path in args.read_cache + ([args.cache] if args.cache else []):
        if path.exists():
            cache.update(json.loads(path.read_text()))

    float_logits = {}

    def float_model(model):
        """The imported float model of `model` and its logits on each set."""
        float_mlir = args.work / f"{model}.mlir"
        if not float_mlir.exists():
            subprocess.run([args.quant_translate, "--import-onnx",
                            str(ROOT / "models" / f"{model}.onnx"), "-o",
                            str(float_mlir)], check=True)
        if model not in float_logits:
            path = args.work / f"{model}.float.npy"
            float_logits[model] = {}
            for eval_set in args.eval_sets:
                accuracy(eval_set, float_mlir, path)
                float_logits[model][eval_set.key] = read_logits(path)[1]
        return float_mlir, float_logits[model]

    def cell(model, bits, granularity, name, extra):
        key = f"{model} W{bits}A8 {granularity} {name} images={args.images} [{extra}]"
        done = key in cache and all(s.key + "top1" in cache[key] for s in args.eval_sets)
        if not done and args.only and name not in args.only:
            return cache.get(key)
        if not done:
            float_mlir, reference = float_model(model)
            log(f"{model} W{bits}A8 {granularity} {name}: running")
            seconds, results = run_cell(args, float_mlir, bits, granularity, name, extra)
            cache[key] = {"seconds": seconds}
            for k, (top1, (predicted, logits)) in results.items():
                cache[key].update({
                    k + "top1": top1, k + "predicted": predicted,
                    k + "logit_mse": float(np.mean((logits - reference[k]) ** 2))})
            if args.cache:
                args.cache.write_text(json.dumps(cache, indent=1) + "\n")
        log(f"{model} W{bits}A8 {granularity} {name}: "
            + ", ".join(f"{cache[key][s.key + 'top1']:.2f} %" for s in args.eval_sets
                        if s.key + "top1" in cache[key])
            + f" ({cache[key]['seconds']:.1f} s)")
        return cache[key]

    cells = {(g, b, m): [cell(m, b, g, n, o) for n, o in columns]
             for g in args.granularity for b in args.bits for m in args.models}
    names = [name for name, _ in columns]
    lines = []
    for eval_set in args.eval_sets:
        k = eval_set.key
        lines += [
            ("" if not lines else "\n")
            + f"Top-1 % on {eval_set.title}, calibration on the 1000 calibration images, "
            f"activations 8 bits; core: `{CORE}`; default: the pipeline's defaults"
            + "".join(f"; {n}: default + `{o}`" for n, o in columns[2:]) + ".", "",
            "| model | bits | granularity | " + " | ".join(names)
            + " | default - core | images only core / only default right | McNemar p"
            " | logit MSE to float, core / default | "
            + " | ".join(f"{n} time" for n in names) + " |",
            "|---|---|---|" + "---|" * (2 * len(names) + 4)]
        labels = np.load(eval_set.eval_labels)[:eval_set.images]
        for (granularity, bits, model), results in cells.items():
            results = [r if r is not None and k + "top1" in r else None for r in results]
            core, default = results[:2]
            diff = paired = p = mse = "-"
            if core is not None and default is not None:
                diff = f"{default[k + 'top1'] - core[k + 'top1']:+.2f}"
                right = [np.array(list(r[k + "predicted"]), dtype=int) == labels
                         for r in (core, default)]
                only_core = int(np.sum(right[0] & ~right[1]))
                only_default = int(np.sum(right[1] & ~right[0]))
                paired = f"{only_core} / {only_default}"
                p = f"{mcnemar(only_core, only_default):.2f}"
                mse = f"{core[k + 'logit_mse']:.3g} / {default[k + 'logit_mse']:.3g}"
            lines.append(
                f"| {model} | W{bits}A8 | {granularity} | "
                + " | ".join("not run" if r is None else f"{r[k + 'top1']:.2f}"
                             for r in results)
                + f" | {diff} | {paired} | {p} | {mse} | "
                + " | ".join("-" if r is None else f"{r['seconds']:.0f} s"
                             for r in results) + " |")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
