"""Shared helpers of the PTQ accuracy benchmarks (ptq_accuracy.py,
ptq_default.py, logits_range.py)."""

import json
import subprocess
import sys


def log(message):
    print(message, file=sys.stderr, flush=True)


def quant_run_accuracy(args, mlir, output=None):
    """Top-1 % of `mlir` by quant-run on the first args.images of args.eval_images;
    the logits go to the .npy file `output` if given."""
    command = [args.quant_run, str(mlir), "--input", str(args.eval_images),
               "--labels", str(args.eval_labels), "--limit", str(args.images),
               "--json", "--quiet"]
    if output:
        command += ["--output", str(output)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return 100.0 * json.loads(out.stdout)["accuracy"]
