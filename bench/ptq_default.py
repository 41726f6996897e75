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

  .venv/bin/python3 bench/ptq_default.py [--models mlp resnet mobilenetv2 vit]
      [--bits 8 4] [--granularity per-channel per-tensor] [--images 2000]
      [--variant NAME=OPTIONS ...] [--only NAME ...] [--cache FILE]
      [--read-cache FILE ...] [--out FILE] [--build DIR]
"""

import argparse
import json
import pathlib
import subprocess
import time
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
    top1 = accuracy(args, out)
    out.unlink()
    return top1, seconds


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

    def cell(model, bits, granularity, name, extra):
        key = f"{model} W{bits}A8 {granularity} {name} images={args.images} [{extra}]"
        if key not in cache and args.only and name not in args.only:
            return None
        if key not in cache:
            float_mlir = args.work / f"{model}.mlir"
            if not float_mlir.exists():
                subprocess.run([args.quant_translate, "--import-onnx",
                                str(ROOT / "models" / f"{model}.onnx"), "-o",
                                str(float_mlir)], check=True)
            log(f"{model} W{bits}A8 {granularity} {name}: running")
            top1, seconds = run_cell(args, float_mlir, bits, granularity, name, extra)
            cache[key] = {"top1": top1, "seconds": seconds}
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
             + " | default - core | " + " | ".join(f"{n} time" for n in names) + " |",
             "|---|---|---|" + "---|" * (2 * len(names) + 1)]
    for granularity in args.granularity:
        for bits in args.bits:
            for model in args.models:
                results = [cell(model, bits, granularity, n, o) for n, o in columns]
                diff = "-" if None in results[:2] else \
                    f"{results[1]['top1'] - results[0]['top1']:+.2f}"
                lines.append(
                    f"| {model} | W{bits}A8 | {granularity} | "
                    + " | ".join("not run" if r is None else f"{r['top1']:.2f}"
                                 for r in results)
                    + f" | {diff} | "
                    + " | ".join("-" if r is None else f"{r['seconds']:.0f} s"
                                 for r in results) + " |")
                log(lines[-1])
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
