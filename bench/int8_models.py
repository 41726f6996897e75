#!/usr/bin/env python3
"""Every example model: our int8 and fp32 code against onnxruntime int8 and fp32.

For each model in models/, in one run on the same images:
  - ours fp32: the imported model; ours int8: --qnt-ptq-pipeline with
    quantize=true (calibrated on the first --calib-images calibration images;
    adaround=false, which changes the weights' values, not the code); both
    compiled by quant-compile and called from C (bench/int8/ours_model.c);
  - onnxruntime fp32: the ONNX model; onnxruntime int8: quantize_static (QDQ,
    u8 activations, s8 per-channel weights, MinMax) on the same calibration
    images; CPUExecutionProvider, --threads threads, called through session.run from
    Python (its per-call overhead, some microseconds, is included).
Latency: ms per call at batch 1; throughput: images/s at batch 32. CPU time,
median of --trials trials of >= --min-ms each; one thread everywhere by default
(--threads N: N threads for ours, quant-compile --num-threads, and for
onnxruntime, timed in wall-clock time). Ratios:
"int8 speed-up" is fp32 time / int8 time; "vs ort" is onnxruntime time / our
time (above 1: ours is faster). The outputs are checked loosely (top-1
agreement of each int8 model with its fp32 model on the batch of 32, and
ours fp32 against onnxruntime fp32).

  .venv/bin/python3 bench/int8_models.py [--models mlp resnet ...]
      [--kernel-target T] [--tool-arg=ARG ...]
"""

import argparse
import contextlib
import pathlib
import sys

import numpy as np
import onnxruntime as ort
from onnxruntime import quantization as ortq

import int8_common as common


class Reader(ortq.CalibrationDataReader):
    """onnxruntime CalibrationDataReader over batches of 50 images."""

    def __init__(self, name, images, batch=50):
        self.batches = iter([{name: images[i:i + batch]}
                             for i in range(0, len(images), batch)])

    def get_next(self):
        return next(self.batches, None)


def ort_quantize(model, out, calib):
    name = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]) \
        .get_inputs()[0].name
    reader = Reader(name, calib)
    with contextlib.redirect_stdout(sys.stderr):
        ortq.quantize_static(str(model), str(out), reader,
                             quant_format=ortq.QuantFormat.QDQ, per_channel=True,
                             activation_type=ortq.QuantType.QUInt8,
                             weight_type=ortq.QuantType.QInt8,
                             calibrate_method=ortq.CalibrationMethod.MinMax)
    return out


def ours_time(args, exe, directory, x, tag):
    path = directory / f"x{tag}.bin"
    x.astype(np.float32).tofile(path)
    out = directory / f"y{tag}.bin"
    result = common.run_json([exe, "--input", path, "--batch", len(x), "--output", out,
                              "--trials", args.trials, "--min-ms", args.min_ms,
                              *args.time_args, "--json"])
    return np.fromfile(out, np.float32).reshape(len(x), -1), result["ms_median"]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_options(parser)
    parser.add_argument("--models", nargs="*", default=None)
    parser.add_argument("--data", default=str(common.ROOT / "data"))
    parser.add_argument("--calib-images", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=32, help="throughput batch")
    args = common.setup(parser.parse_args())

    if not pathlib.Path(f"{args.data}/eval_images.npy").exists():
        common.run([sys.executable, common.ROOT / "scripts" / "fashion_mnist.py", "--out",
                    args.data])
    calib = np.load(f"{args.data}/calib_images.npy")[:args.calib_images]
    calib_path = args.work / "calib_images.npy"
    np.save(calib_path, calib)
    calib_f = calib.astype(np.float32) / 255.0
    images = np.load(f"{args.data}/eval_images.npy")[:args.batch].astype(np.float32) / 255.0
    batches = {"1": images[:1], "B": images}

    rows, checks = [], []
    for model in common.example_models():
        if args.models and model.stem not in args.models:
            continue
        directory = args.work / f"model_{model.stem}"
        directory.mkdir(parents=True, exist_ok=True)
        fp32_mlir = directory / "fp32.mlir"
        common.run([args.quant_translate, "--import-onnx", model, "-o", fp32_mlir])
        int8_mlir = directory / "int8.mlir"
        common.run([args.quant_opt, fp32_mlir,
                    f"--qnt-ptq-pipeline=calibration-data={calib_path} quantize=true "
                    f"adaround=false", "-o", int8_mlir])
        ort_int8 = ort_quantize(model, directory / "ort_int8.onnx", calib_f)

        ms, outputs = {}, {}
        for kind, mlir in (("ours fp32", fp32_mlir), ("ours int8", int8_mlir)):
            sub = directory / kind.replace(" ", "_")
            sub.mkdir(exist_ok=True)
            exe = common.compile_ours(args, mlir, sub, "ours_model.c")
            for tag, x in batches.items():
                outputs[kind, tag], ms[kind, tag] = ours_time(args, exe, sub, x, tag)
        for kind, path in (("ort fp32", model), ("ort int8", ort_int8)):
            for tag, x in batches.items():
                y, ms[kind, tag] = common.ort_time(args, path, x)
                outputs[kind, tag] = y.reshape(len(x), -1)

        def top1_agree(a, b):
            return float((outputs[a, "B"].argmax(1) == outputs[b, "B"].argmax(1)).mean())

        checks.append([model.stem,
                       f"{np.abs(outputs['ours fp32', 'B'] - outputs['ort fp32', 'B']).max():.2e}",
                       f"{100 * top1_agree('ours int8', 'ours fp32'):.1f}%",
                       f"{100 * top1_agree('ort int8', 'ort fp32'):.1f}%"])
        row = [model.stem]
        for tag in ("1", "B"):
            for kind in ("ours int8", "ours fp32", "ort int8", "ort fp32"):
                value = ms[kind, tag] if tag == "1" else 1e3 * args.batch / ms[kind, tag]
                row.append(f"{value:.3f}" if tag == "1" else f"{value:.0f}")
            row += [f"{ms['ours fp32', tag] / ms['ours int8', tag]:.2f}",
                    f"{ms['ort int8', tag] / ms['ours int8', tag]:.3f}",
                    f"{ms['ort fp32', tag] / ms['ours fp32', tag]:.3f}"]
        common.log(" ".join(row))
        rows.append(row)
        common.clean(directory)

    print(f"Machine: {common.machine()}.\n")
    print(f"onnxruntime {ort.__version__}; {common.timing_text(args)}, median of {args.trials} "
          f"trials of >= {args.min_ms} ms; calibration: the first {len(calib)} calibration "
          f"images for both; quant-compile extra arguments: "
          f"{' '.join(args.compile_args) or '(none)'}.\n")
    print("Batch 1, latency in ms per image:\n")
    print(common.table(["model", "ours int8", "ours fp32", "ort int8", "ort fp32",
                        "ours int8 speed-up over fp32", "ours int8 vs ort int8",
                        "ours fp32 vs ort fp32"], [r[:8] for r in rows]))
    print(f"\nBatch {args.batch}, throughput in images/s:\n")
    print(common.table(["model", "ours int8", "ours fp32", "ort int8", "ort fp32",
                        "ours int8 speed-up over fp32", "ours int8 vs ort int8",
                        "ours fp32 vs ort fp32"], [[r[0]] + r[8:] for r in rows]))
    print(f"\nChecks on the batch of {args.batch}: max |logit difference| of ours fp32 vs "
          f"onnxruntime fp32; top-1 agreement of each int8 model with its fp32 model.\n")
    print(common.table(["model", "ours fp32 vs ort fp32", "ours int8 = ours fp32",
                        "ort int8 = ort fp32"], checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
