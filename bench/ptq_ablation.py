#!/usr/bin/env python3
"""The paper's PTQ ablations on the example models, quant-opt beside AIMET.

Issue 5: one table of the White Paper's post-training quantization ablations,
"accuracy and wall time side by side", with AIMET (aimet-onnx, the paper
authors' implementation) as the peer:

  (a) mobilenetv2, per-tensor W8A8 and W4A8: naive (min-max ranges), +CLE,
      +CLE+high-bias absorption, +CLE+HBA+bias correction;
  (b) every CNN model (and the MLP), W4A8 per-channel and per-tensor:
      rounding-to-nearest against AdaRound (ours on the float model's layer
      inputs and on the quantized model's, AIMET's on the quantized model's).

AIMET side (needs aimet-onnx: bench/setup-peers.sh makes .venv-peers):
batch norms are folded with aimet_onnx.batch_norm_fold (CLE rows: by
equalize_model, which folds them itself and needs their statistics for the
high-bias absorption), then a QuantizationSimModel with AIMET's default quant
scheme (QuantScheme.min_max: weights symmetric signed, activations asymmetric,
ranges = min/max over the calibration data) and AIMET's default config
(default_config.json for per-tensor, the "default" alias
default_config_per_channel.json for per-channel); AdaRound
(aimet_onnx.apply_adaround) runs before compute_encodings, as AIMET documents.
The time is that of the whole quantization (load, fold, CLE, sim, AdaRound,
encodings), not the evaluation.

quant-opt side: ours(model, options) runs quant-translate, quant-opt
--qnt-ptq-pipeline and quant-run; a row whose options the build does not know
(e.g. adaround before it lands) prints "n/a (not built)".

  /work/venv-aimet/bin/python bench/ptq_ablation.py --images 2000 \\
      --out docs/PTQ-ablation.md [--build /work/main/build] [--no-ours] \\
      [--adaround-iterations 10000] [--only a|b] [--models resnet ...] \\
      [--weight-narrow-range false]

Table to stdout and --out; progress to stderr.
"""

import argparse
import dataclasses
import functools
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
THREADS = 2
CALIB_BATCH = 32

# Options that every row passes to our pipeline (the row adds the rest).
NAIVE = ("equalize=false bias-correction=none weight-range=minmax act-range=minmax "
         "adaround=false")
ADAROUND = "adaround=true adaround-iterations={iterations} adaround-input={input}"

# Where AIMET (aimet-onnx 2.42) differs from the paper (docs: /work/shared/PAPER.md)
# or needs care; checked in its sources, printed under the table.
AIMET_NOTES = [
    "aimet-onnx has no bias correction (aimet_torch has): those AIMET cells are n/a.",
    "equalize_model folds the batch norms itself and needs their beta/gamma for the high-bias "
    "absorption: after a separate batch_norm_fold, it logs 'High Bias folding is not supported "
    "for models without BatchNorm Layers' and silently skips HBA. The script therefore calls "
    "equalize_model on the unfolded model; '+CLE' is fold + replace_relu6_with_relu + "
    "CrossLayerScaling.scale_model.",
    "CLE only scales chains of Conv layers with no branch in between (mobilenetv2: 7 sets, 13 "
    "pairs over 20 convs; resnet: 3 pairs over 9 convs); Gemm layers are not equalized.",
    "ReLU6: equalize_model replaces a Clip(0, 6) whose producer and consumer are both Conv by "
    "ReLU (12 of the 14 in mobilenetv2), as the paper's flow does, so the equalized float "
    "model differs from the original (see its accuracy below). Our rows pass "
    "relu6-to-relu=true to match.",
    "High-bias absorption uses c = max(0, beta - 3 gamma) as in the paper, but only on CLE "
    "pairs with a ReLU between them and a bias on both layers: in mobilenetv2 it changed 2 "
    "bias tensors, hence +CLE and +CLE+HBA are (nearly) equal.",
    "AIMET's symmetric weight grid is not narrow: signed [-2^(b-1), 2^(b-1)-1] with scale "
    "max(-min / 2^(b-1), max / (2^(b-1)-1)) (W4: -8..7), where ours is narrow-range "
    "-7..7 with scale max|w| / 7; this matters at 4 bits.",
    "AIMET's default config leaves biases unquantized (float) and fuses Conv+Relu, Conv+Clip, "
    "Add+Relu, Gemm+Relu (no quantizer between them); the model input is quantized.",
    "AdaRound (apply_adaround) optimizes each layer on the outputs of the already quantized "
    "preceding layers (the paper's asymmetric variant) with float activations (activation "
    "quantizers only collect statistics before compute_encodings).",
]


@dataclasses.dataclass
class Row:
    model: str  # stem of models/<model>.onnx
    weight_bits: int
    act_bits: int
    per_channel: bool
    method: str  # naive | cle | cle+hba | cle+hba+bc | cle+hba+ebc | adaround
    ours_options: str | None  # None: our pipeline has no such configuration

    @property
    def bits(self):
        return f"W{self.weight_bits}A{self.act_bits}"

    @property
    def granularity(self):
        return "per-channel" if self.per_channel else "per-tensor"


METHOD_LABEL = {
    "naive": "naive (min-max, RTN)",
    "cle": "+CLE",
    "cle+hba": "+CLE+HBA",
    "cle+hba+bc": "+CLE+HBA+bias corr.",
    "cle+hba+ebc": "+CLE+HBA+empirical bias corr.",
    "rtn": "rounding-to-nearest",
    "adaround-float": "AdaRound, float inputs",
    "adaround": "AdaRound, quantized inputs",
}


def base_options(wb, ab, per_channel):
    return (f"weight-bits={wb} act-bits={ab} per-channel={'true' if per_channel else 'false'}")


def make_rows(which, models_b, adaround_iterations):
    rows = []
    if "a" in which:
        # equalize=true is CLE + high-bias absorption; AIMET's equalize_model always
        # turns a ReLU6 between two convs into a ReLU, so ours does the same here.
        cle = NAIVE.replace("equalize=false", "equalize=true relu6-to-relu=true")
        for wb in (8, 4):
            base = base_options(wb, 8, False)
            rows += [
                Row("mobilenetv2", wb, 8, False, "naive", f"{base} {NAIVE}"),
                # Our pipeline has no CLE-without-HBA switch.
                Row("mobilenetv2", wb, 8, False, "cle", None),
                Row("mobilenetv2", wb, 8, False, "cle+hba", f"{base} {cle}"),
                Row("mobilenetv2", wb, 8, False, "cle+hba+bc",
                    f"{base} {cle.replace('bias-correction=none', 'bias-correction=analytic')}"),
                Row("mobilenetv2", wb, 8, False, "cle+hba+ebc",
                    f"{base} {cle.replace('bias-correction=none', 'bias-correction=empirical')}"),
            ]
    if "b" in which:
        for model in models_b:
            for per_channel in (True, False):
                base = base_options(4, 8, per_channel)
                rows.append(Row(model, 4, 8, per_channel, "rtn", f"{base} {NAIVE}"))
                # Ours on the float model's layer inputs and on the quantized
                # model's (the default, as AIMET's apply_adaround).
                for method, inputs in (("adaround-float", "float"), ("adaround", "quantized")):
                    rows.append(Row(model, 4, 8, per_channel, method, f"{base} " + NAIVE.replace(
                        "adaround=false",
                        ADAROUND.format(iterations=adaround_iterations, input=inputs))))
    return rows


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------
# Data and float accuracy


@dataclasses.dataclass
class Data:
    calib: np.ndarray  # float32 N x 1 x 28 x 28 in [0, 1]
    images: np.ndarray  # float32, the first --images evaluation images
    labels: np.ndarray
    eval_path: pathlib.Path
    labels_path: pathlib.Path
    calib_path: pathlib.Path


def load_data(data_dir, count):
    calib_path = data_dir / "calib_images.npy"
    eval_path = data_dir / "eval_images.npy"
    labels_path = data_dir / "eval_labels.npy"
    for path in (calib_path, eval_path, labels_path):
        if not path.exists():
            sys.exit(f"error: {path} missing; run: /usr/bin/python3 scripts/fashion_mnist.py "
                     f"--out {data_dir}")
    images = np.load(eval_path)
    labels = np.load(labels_path)
    if count > len(images):
        sys.exit(f"error: --images {count} but {eval_path} has {len(images)}")
    # quant-run and the JIT feed uint8 images as float32(x)/255 (Evaluate.cpp).
    return Data(
        calib=np.load(calib_path).astype(np.float32) / np.float32(255.0),
        images=images[:count].astype(np.float32) / np.float32(255.0),
        labels=labels[:count].astype(np.int64),
        eval_path=eval_path,
        labels_path=labels_path,
        calib_path=calib_path,
    )


def batches(x, size):
    return [x[i:i + size] for i in range(0, len(x), size)]


def session_accuracy(session, data, batch=250):
    name = session.get_inputs()[0].name
    correct = 0
    for i in range(0, len(data.images), batch):
        logits = session.run(None, {name: data.images[i:i + batch]})[0]
        correct += int((np.argmax(logits, axis=1) == data.labels[i:i + batch]).sum())
    return correct / len(data.images)


def ort_options():
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    return options


def fp32_accuracy(model_path, data):
    import onnxruntime as ort
    session = ort.InferenceSession(str(model_path), ort_options(),
                                   providers=["CPUExecutionProvider"])
    return session_accuracy(session, data)


# ----------------------------------------------------------------------------
# AIMET side


def aimet_quantize(row, model_path, data, adaround_iterations):
    """Returns the QuantizationSimModel of `row` and the seconds it took."""
    import onnx
    import aimet_onnx
    from aimet_onnx.batch_norm_fold import fold_all_batch_norms_to_weight
    from aimet_onnx.common.defs import QuantScheme
    from aimet_onnx.common.quantsim_config import quantsim_config
    from aimet_onnx.cross_layer_equalization import CrossLayerScaling, equalize_model
    from onnxruntime.quantization.onnx_quantizer import ONNXModel
    from aimet_onnx.quantsim import QuantizationSimModel
    from aimet_onnx.utils import replace_relu6_with_relu
    config_dir = pathlib.Path(quantsim_config.__file__).parent

    start = time.perf_counter()
    model = onnx.load(str(model_path))
    input_name = model.graph.input[0].name
    if row.method == "naive" or row.method in ("rtn", "adaround"):
        fold_all_batch_norms_to_weight(model)
    elif row.method == "cle":
        # CLE alone: AIMET's equalize_model minus the high-bias fold.
        wrapped = ONNXModel(model)
        fold_all_batch_norms_to_weight(wrapped)
        replace_relu6_with_relu(wrapped)
        CrossLayerScaling(wrapped).scale_model()
        model = wrapped.model
    elif row.method == "cle+hba":
        # Folds the batch norms itself (their beta/gamma feed the high-bias
        # absorption), replaces ReLU6 by ReLU between convs, scales, absorbs.
        equalize_model(model)
    else:
        raise ValueError(f"aimet-onnx has no method {row.method!r}")

    config = ("default" if row.per_channel else str(config_dir / "default_config.json"))
    sim = QuantizationSimModel(
        model,
        param_type=f"int{row.weight_bits}",
        activation_type=f"int{row.act_bits}",
        quant_scheme=QuantScheme.min_max,
        config_file=config,
        providers=["CPUExecutionProvider"],
        session_options_kwargs={"intra_op_num_threads": THREADS, "inter_op_num_threads": 1},
    )
    calib = [{input_name: b} for b in batches(data.calib, CALIB_BATCH)]
    if row.method == "adaround":
        aimet_onnx.apply_adaround(sim, calib, num_iterations=adaround_iterations)
    sim.compute_encodings(calib)
    return sim, time.perf_counter() - start


def aimet(row, model_path, data, adaround_iterations):
    if row.method in ("cle+hba+bc", "cle+hba+ebc"):
        # aimet_torch has bias correction; aimet-onnx 2.42 has none.
        return None, "n/a (no bias correction in aimet-onnx)"
    if row.method == "adaround-float":
        return None, "n/a (apply_adaround: quantized inputs only)"
    sim, seconds = aimet_quantize(row, model_path, data, adaround_iterations)
    return (session_accuracy(sim.session, data), seconds), None


def aimet_equalized_fp32(model_path, data):
    """Float accuracy after AIMET's equalize_model (which turns ReLU6 into ReLU)."""
    import onnx
    import onnxruntime as ort
    from aimet_onnx.cross_layer_equalization import equalize_model
    model = onnx.load(str(model_path))
    equalize_model(model)
    session = ort.InferenceSession(model.SerializeToString(), ort_options(),
                                   providers=["CPUExecutionProvider"])
    relu6 = sum(1 for n in onnx.load(str(model_path)).graph.node if n.op_type == "Clip")
    left = sum(1 for n in model.graph.node if n.op_type == "Clip")
    return session_accuracy(session, data), relu6, left


# ----------------------------------------------------------------------------
# quant-opt side


@functools.cache
def pipeline_options(quant_opt):
    """The option names of --qnt-ptq-pipeline in this build."""
    help_text = subprocess.run([quant_opt, "--help-hidden"], capture_output=True, text=True,
                               check=True).stdout
    names = set()
    indent = None  # of the --qnt-ptq-pipeline line; its options are indented deeper
    for line in help_text.splitlines():
        m = re.match(r"(\s*)--([a-z0-9-]+)", line)
        if not m:
            if indent is not None:
                break
            continue
        if indent is None:
            if m.group(2) == "qnt-ptq-pipeline":
                indent = len(m.group(1))
            continue
        if len(m.group(1)) <= indent:
            break
        names.add(m.group(2))
    return names


class NotBuilt(Exception):
    pass


def ours(model, options, build, data, work_dir):
    """Runs our pipeline with `options` on models/<model>.onnx; (accuracy, seconds).

    The time is that of import + quant-opt (the quantization), not quant-run.
    Raises NotBuilt when the build does not know one of the options.
    """
    bin_dir = build / "bin"
    known = pipeline_options(str(bin_dir / "quant-opt"))
    unknown = sorted({o.split("=")[0] for o in options.split()} - known)
    if unknown:
        raise NotBuilt(", ".join(unknown))
    src = ROOT / "models" / f"{model}.onnx"
    mlir = work_dir / f"{model}.mlir"
    out = work_dir / f"{model}.q.mlir"
    start = time.perf_counter()
    run([bin_dir / "quant-translate", "--import-onnx", src, "-o", mlir])
    run([
        bin_dir / "quant-opt", mlir,
        f"--qnt-ptq-pipeline=calibration-data={data.calib_path} {options}", "-o", out
    ])
    seconds = time.perf_counter() - start
    result = run([
        bin_dir / "quant-run", out, "--input", data.eval_path, "--labels", data.labels_path,
        "--limit", str(len(data.images)), "--json", "--quiet"
    ])
    return json.loads(result.stdout)["accuracy"], seconds


def run(command):
    """Runs a tool quietly; on failure shows its stderr and raises."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        log(result.stderr.rstrip())
        raise subprocess.CalledProcessError(result.returncode, command)
    return result


# ----------------------------------------------------------------------------


def pct(x):
    return f"{100 * x:.2f}"


def secs(x):
    return f"{x:.1f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=9000,
                        help="evaluate on the first N images of eval_images.npy")
    parser.add_argument("--data", type=pathlib.Path, default=ROOT / "data")
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build",
                        help="quant-opt build dir (bin/quant-opt, ...)")
    parser.add_argument("--out", type=pathlib.Path, help="also write the table here")
    parser.add_argument("--only", choices=["a", "b"], help="only ablation (a) or (b)")
    parser.add_argument("--models", nargs="*", default=["resnet", "mobilenetv2", "mlp"],
                        help="models of ablation (b)")
    parser.add_argument("--adaround-iterations", type=int, default=10000,
                        help="AdaRound iterations per layer, both sides (AIMET's default: 10000)")
    parser.add_argument("--weight-narrow-range", choices=["true", "false"], default="true",
                        help="our symmetric weight grids: narrow range (-7..7 at 4 bits, the "
                        "default) or full range with AIMET's min-max scale (false: -8..7)")
    parser.add_argument("--no-ours", action="store_true", help="skip quant-opt")
    parser.add_argument("--no-aimet", action="store_true", help="skip AIMET")
    parser.add_argument("--verbose", action="store_true", help="keep AIMET's INFO log")
    args = parser.parse_args()
    if not args.verbose:
        import logging
        logging.disable(logging.INFO)

    os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
    try:
        import torch
        torch.set_num_threads(THREADS)
    except ImportError:
        pass

    data = load_data(args.data, args.images)
    rows = make_rows(args.only or "ab", args.models, args.adaround_iterations)
    if args.weight_narrow_range == "false":
        for row in rows:
            if row.ours_options is not None:
                row.ours_options += " weight-narrow-range=false"
    build = args.build.resolve()

    fp32 = {}
    for model in sorted({r.model for r in rows}):
        fp32[model] = fp32_accuracy(ROOT / "models" / f"{model}.onnx", data)
        log(f"fp32 {model}: {pct(fp32[model])}")

    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            label = f"{row.model} {row.bits} {row.granularity} {METHOD_LABEL[row.method]}"
            cells = [row.model, row.bits, row.granularity, METHOD_LABEL[row.method]]
            # ours
            if args.no_ours:
                cells += ["-", "-"]
            elif row.ours_options is None:
                cells += ["n/a (no such option)", "-"]
            else:
                try:
                    acc, seconds = ours(row.model, row.ours_options, build, data,
                                        pathlib.Path(tmp))
                    cells += [pct(acc), secs(seconds)]
                    log(f"ours  {label}: {pct(acc)} in {secs(seconds)}")
                except NotBuilt as e:
                    cells += ["n/a (not built)", "-"]
                    log(f"ours  {label}: not built ({e})")
                except subprocess.CalledProcessError as e:
                    cells += ["error", "-"]
                    log(f"ours  {label}: failed: {e}")
            # AIMET
            if args.no_aimet:
                cells += ["-", "-"]
            else:
                log(f"aimet {label}: ...")
                result, why = aimet(row, ROOT / "models" / f"{row.model}.onnx", data,
                                    args.adaround_iterations)
                if result is None:
                    cells += [why, "-"]
                    log(f"aimet {label}: {why}")
                else:
                    cells += [pct(result[0]), secs(result[1])]
                    log(f"aimet {label}: {pct(result[0])} in {secs(result[1])}")
            cells.append(pct(fp32[row.model]))
            table.append(cells)

    header = ["model", "bits", "granularity", "method", "ours acc. %", "ours time",
              "AIMET acc. %", "AIMET time", "FP32 %"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c for c in cells) + " |" for cells in table]
    notes = [
        "",
        f"Evaluation: the first {len(data.images)} images of {data.eval_path.name}; "
        f"calibration: the {len(data.calib)} images of {data.calib_path.name}; "
        f"onnxruntime with {THREADS} threads. Times: the quantization (ours: import + "
        "quant-opt; AIMET: load, BN fold, CLE, sim, AdaRound, encodings), not the evaluation.",
        "AIMET: QuantizationSimModel with its default quant scheme QuantScheme.min_max "
        "(weights symmetric, activations asymmetric, min/max ranges), default_config.json "
        "(per-tensor) or the 'default' config alias default_config_per_channel.json "
        f"(per-channel); AdaRound with num_iterations={args.adaround_iterations} per layer "
        "(AIMET's default is 10000) on the calibration images in batches of "
        f"{CALIB_BATCH}, then compute_encodings.",
    ]
    if not args.no_aimet:
        notes += ["", "AIMET against the paper:", ""] + [f"- {n}" for n in AIMET_NOTES]
    if not args.no_aimet and any(r.method.startswith("cle") for r in rows):
        acc, relu6, left = aimet_equalized_fp32(ROOT / "models" / "mobilenetv2.onnx", data)
        notes.append("")
        notes.append(f"AIMET's equalize_model replaces ReLU6 (Clip 0..6) between two convs by "
                     f"ReLU ({relu6 - left} of {relu6} Clips in mobilenetv2): the equalized "
                     f"float model scores {pct(acc)} % (FP32 {pct(fp32['mobilenetv2'])} %).")
    lines += notes
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
