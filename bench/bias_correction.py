"""Bias correction: none vs analytic vs empirical on the CNN example models.

For each model, weight bit width and weight granularity, runs
`--qnt-ptq-pipeline` at W<bits>A8 (calibration on data/calib_images.npy, no
AdaRound, everything else at its default: CLE + high-bias absorption, MSE
ranges) with bias-correction=none, analytic and empirical (the latter once
per --references value: bias-correction-reference=float-network or
float-layer), evaluates the simulation with quant-run on the first --images
evaluation images and reports top-1 and the wall time of the
qnt-empirical-bias-correction pass (from its own summary line on stderr).

    /usr/bin/python3 bench/bias_correction.py --images 2000 [--build build]
        [--weight-bits 4 8] [--references float-network float-layer]
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(command):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise subprocess.CalledProcessError(result.returncode, command)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build")
    parser.add_argument("--data", type=pathlib.Path, default=ROOT / "data")
    parser.add_argument("--models", nargs="*", default=["mobilenetv2", "resnet"])
    parser.add_argument("--methods", nargs="*", default=["none", "analytic", "empirical"])
    parser.add_argument("--granularity", nargs="*", default=["per-tensor", "per-channel"])
    parser.add_argument("--weight-bits", nargs="*", type=int, default=[4])
    parser.add_argument("--references", nargs="*",
                        default=["float-network", "float-layer"],
                        help="bias-correction-reference values for empirical")
    args = parser.parse_args()
    bin_dir = args.build / "bin"
    calib = args.data / "calib_images.npy"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for model in args.models:
            mlir = work / f"{model}.mlir"
            run([bin_dir / "quant-translate", "--import-onnx",
                 ROOT / "models" / f"{model}.onnx", "-o", mlir])
            for bits in args.weight_bits:
                for granularity in args.granularity:
                    per_channel = "true" if granularity == "per-channel" else "false"
                    cells = []
                    for method in args.methods:
                        if method == "empirical":
                            cells += [(method, ref) for ref in args.references]
                        else:
                            cells.append((method, None))
                    for method, reference in cells:
                        out = work / f"{model}.{bits}.{per_channel}.{method}.{reference}.mlir"
                        options = (f"calibration-data={calib} weight-bits={bits} act-bits=8 "
                                   f"per-channel={per_channel} adaround=false "
                                   f"bias-correction={method}")
                        if reference:
                            options += f" bias-correction-reference={reference}"
                        log = run([bin_dir / "quant-opt", mlir,
                                   f"--qnt-ptq-pipeline={options}", "-o", out]).stderr
                        match = re.search(r"qnt-empirical-bias-correction: \d+ biases "
                                          r"corrected in ([0-9.]+) s", log)
                        seconds = match.group(1) + " s" if match else "-"
                        result = run([bin_dir / "quant-run", out, "--input",
                                      args.data / "eval_images.npy", "--labels",
                                      args.data / "eval_labels.npy", "--limit",
                                      str(args.images), "--json", "--quiet"])
                        accuracy = json.loads(result.stdout)["accuracy"]
                        name = f"{method} ({reference})" if reference else method
                        row = (f"| {model} | W{bits}A8 | {granularity} | {name} | "
                               f"{100 * accuracy:.2f} | {seconds} |")
                        print(row, file=sys.stderr, flush=True)
                        rows.append(row)
    print(f"Top-1 % on the first {args.images} evaluation images; qnt-ptq-pipeline "
          "adaround=false, otherwise default options.\n")
    print("| model | bits | granularity | bias correction | top-1 % | pass time |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
