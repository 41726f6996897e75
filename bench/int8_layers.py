#!/usr/bin/env python3
"""Per-layer int8 conv timings of the example models: ours against onnxruntime.

Every Conv of the example models (the layer's real weights, quantized per output
channel, symmetric int8; its bias at s_x * s_w) becomes one integer layer with
a u8 input (scale 1/255, zero point 0), computed twice on the same random input:
  - ours: qnt.conv2d + qnt.requantize (rounding half_to_even) to u8, compiled by
    quant-compile, called from C (bench/int8/ours_model.c);
  - onnxruntime: one QLinearConv node (u8 x s8 per-channel -> u8), the same
    scales, CPUExecutionProvider, --threads threads (default 1), timed through session.run from
    Python (its per-call overhead, some microseconds, is included).
Both outputs are compared with a numpy reference of the same arithmetic (exact
int64 accumulators, then f32 requantization rounded half to even): the table
counts the elements that differ. Times are CPU time, median of --trials.

  .venv/bin/python3 bench/int8_layers.py [--batch 1] [--models resnet ...]
      [--kernel-target T] [--tool-arg=ARG ...]
"""

import argparse
import sys

import numpy as np

import int8_common as common

X_SCALE = 1.0 / 255.0


def quantize_layer(layer, weights, bias):
    """Per-channel symmetric weights in [-127, 127] and the int32 bias."""
    out_channels = weights.shape[0]
    flat = weights.reshape(out_channels, -1).astype(np.float64)
    w_scale = np.maximum(np.abs(flat).max(axis=1), 1e-8) / 127.0
    w_q = np.clip(np.round(flat / w_scale[:, None]), -127, 127).astype(np.int8)
    b_scale = X_SCALE * w_scale
    b_q = np.zeros(out_channels, np.int32) if bias is None else \
        np.round(bias.astype(np.float64) / b_scale).astype(np.int32)
    return w_q.reshape(weights.shape), w_scale, b_q


def conv_acc(x, w, bias, layer):
    """Exact int64 accumulators of the conv (NCHW, OIHW), zero padding (z_x = 0)."""
    top, left, bottom, right = layer["pads"]
    sh, sw = layer["strides"]
    dh, dw = layer["dilations"]
    groups = layer["groups"]
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x.astype(np.int64), ((0, 0), (0, 0), (top, bottom), (left, right)))
    oh, ow = layer["output"][2], layer["output"][3]
    acc = np.zeros((n, o, oh, ow), np.int64) + bias.astype(np.int64)[None, :, None, None]
    og = o // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og].astype(np.int64)
        for ky in range(kh):
            for kx in range(kw):
                patch = xs[:, :, ky * dh:ky * dh + sh * (oh - 1) + 1:sh,
                           kx * dw:kx * dw + sw * (ow - 1) + 1:sw]
                acc[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch,
                                                         ws[:, :, ky, kx])
    return acc


def requantize(acc, w_scale, y_scale):
    """half_to_even: roundeven(f32(acc) * f32(s_x * s_w / s_y)), clamped to u8."""
    multiplier = (X_SCALE * w_scale / y_scale).astype(np.float32)
    real = acc.astype(np.float32) * multiplier[None, :, None, None]
    return np.clip(np.rint(real), 0, 255).astype(np.uint8)


def fmt(value):
    return repr(float(value))


def layer_mlir(layer, w_q, w_scale, b_q, y_scale, batch):
    x_shape = "x".join(str(d) for d in [batch] + layer["input"][1:])
    w_shape = "x".join(str(d) for d in w_q.shape)
    y_shape = "x".join(str(d) for d in [batch] + layer["output"][1:])
    o = w_q.shape[0]
    w_scales = ", ".join(fmt(s) for s in w_scale)
    acc_scales = ", ".join(fmt(X_SCALE * s) for s in w_scale)
    hex_w = w_q.astype(np.int8).tobytes().hex().upper()
    hex_b = b_q.astype("<i4").tobytes().hex().upper()
    attrs = (f"strides = {layer['strides']} pads = {layer['pads']} "
             f"dilations = {layer['dilations']} groups = {layer['groups']}")
    return f"""// {layer['name']}: bench/int8_layers.py
!x = !quant.uniform<u8:f32, {fmt(X_SCALE)}>
!w = !quant.uniform<i8<-127:127>:f32:0, {{{w_scales}}}>
!bias = !quant.uniform<i32:f32:0, {{{acc_scales}}}>
!acc = !quant.uniform<i32:f32:1, {{{acc_scales}}}>
!y = !quant.uniform<u8:f32, {fmt(y_scale)}>
func.func @main(%x: tensor<{x_shape}x!x>) -> tensor<{y_shape}x!y> {{
  %wi = arith.constant dense<"0x{hex_w}"> : tensor<{w_shape}xi8>
  %w = quant.scast %wi : tensor<{w_shape}xi8> to tensor<{w_shape}x!w>
  %bi = arith.constant dense<"0x{hex_b}"> : tensor<{o}xi32>
  %b = quant.scast %bi : tensor<{o}xi32> to tensor<{o}x!bias>
  %acc = qnt.conv2d %x, %w, %b {attrs}
         : (tensor<{x_shape}x!x>, tensor<{w_shape}x!w>, tensor<{o}x!bias>) -> tensor<{y_shape}x!acc>
  %y = qnt.requantize %acc rounding = <half_to_even> : tensor<{y_shape}x!acc> -> tensor<{y_shape}x!y>
  return %y : tensor<{y_shape}x!y>
}}
"""


def ort_layer(layer, w_q, w_scale, b_q, y_scale):
    from onnx import TensorProto, helper, numpy_helper

    o = w_q.shape[0]
    inits = [
        numpy_helper.from_array(np.array(X_SCALE, np.float32), "x_scale"),
        numpy_helper.from_array(np.array(0, np.uint8), "x_zp"),
        numpy_helper.from_array(w_q.astype(np.int8), "w"),
        numpy_helper.from_array(w_scale.astype(np.float32), "w_scale"),
        numpy_helper.from_array(np.zeros(o, np.int8), "w_zp"),
        numpy_helper.from_array(np.array(y_scale, np.float32), "y_scale"),
        numpy_helper.from_array(np.array(0, np.uint8), "y_zp"),
        numpy_helper.from_array(b_q.astype(np.int32), "b"),
    ]
    node = helper.make_node(
        "QLinearConv", ["x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp",
                        "b"], ["y"], strides=layer["strides"], pads=layer["pads"],
        dilations=layer["dilations"], group=layer["groups"],
        kernel_shape=list(w_q.shape[2:]))
    graph = helper.make_graph(
        [node], "layer",
        [helper.make_tensor_value_info("x", TensorProto.UINT8, [None] + layer["input"][1:])],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model.SerializeToString()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_options(parser)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--models", nargs="*", default=None,
                        help="model names (default: every model with a Conv)")
    args = common.setup(parser.parse_args())
    import onnx
    from onnx import numpy_helper
    import onnxruntime as ort

    rows = []
    rng = np.random.default_rng(0)
    totals = {}
    for model_path in common.example_models():
        if args.models and model_path.stem not in args.models:
            continue
        init = {t.name: numpy_helper.to_array(t)
                for t in onnx.load(str(model_path)).graph.initializer}
        nodes = {n.name: n for n in onnx.load(str(model_path)).graph.node}
        for index, layer in enumerate(common.linear_layers(model_path, args.batch)):
            if layer["op"] != "conv":
                continue
            node = nodes[layer["name"]]
            weights = init[node.input[1]]
            bias = init[node.input[2]] if len(node.input) > 2 else None
            w_q, w_scale, b_q = quantize_layer(layer, weights, bias)
            x = rng.integers(0, 256, [args.batch] + layer["input"][1:], dtype=np.uint8)
            acc = conv_acc(x, w_q, b_q, layer)
            real_max = float((acc * (X_SCALE * w_scale)[None, :, None, None]).max())
            y_scale = max(real_max, 1e-3) / 255.0
            expected = requantize(acc, w_scale, y_scale)

            directory = args.work / f"layer_{model_path.stem}_{index}"
            directory.mkdir(parents=True, exist_ok=True)
            (directory / "layer.mlir").write_text(
                layer_mlir(layer, w_q, w_scale, b_q, y_scale, args.batch))
            x.tofile(directory / "x.bin")
            exe = common.compile_ours(args, directory / "layer.mlir", directory,
                                      "ours_model.c")
            ours = common.run_json([exe, "--input", directory / "x.bin", "--batch",
                                    args.batch, "--output", directory / "y.bin", "--trials",
                                    args.trials, "--min-ms", args.min_ms,
                                    *args.time_args, "--json"])
            ours_y = np.fromfile(directory / "y.bin", np.uint8).reshape(expected.shape)
            theirs_y, theirs_ms = common.ort_time(args, ort_layer(layer, w_q, w_scale, b_q,
                                                           y_scale), x)
            ours_bad = int((ours_y != expected).sum())
            theirs_bad = int((theirs_y.reshape(expected.shape) != expected).sum())
            ours_ms = ours["ms_median"]
            gops = 2.0 * layer["m"] * layer["n"] * layer["k"] * layer["groups"] / 1e6
            kind = f"{weights.shape[2]}x{weights.shape[3]}" + \
                (" dw" if layer["groups"] > 1 else "") + \
                (f" s{layer['strides'][0]}" if layer["strides"][0] > 1 else "")
            row = [model_path.stem, layer["name"], kind,
                   "x".join(map(str, layer["input"][1:])),
                   "x".join(map(str, layer["output"][1:])),
                   f"{ours_ms:.4f}", f"{gops / ours_ms:.2f}", f"{theirs_ms:.4f}",
                   f"{gops / theirs_ms:.2f}", f"{theirs_ms / ours_ms:.3f}",
                   f"{ours_bad}/{theirs_bad}"]
            common.log(" ".join(row))
            rows.append(row)
            total = totals.setdefault(model_path.stem, [0.0, 0.0])
            total[0] += ours_ms
            total[1] += theirs_ms
            common.clean(directory)

    print(f"Machine: {common.machine()}.\n")
    print(f"Batch {args.batch}; onnxruntime {ort.__version__}; {common.timing_text(args)}, median "
          f"of {args.trials} trials of >= {args.min_ms} ms; quant-compile extra arguments: "
          f"{' '.join(args.compile_args) or '(none)'}. GOPS = 2*MACs/s. speed = "
          f"onnxruntime ms / ours ms (above 1: ours faster). wrong = elements differing "
          f"from the numpy reference, ours/onnxruntime.\n")
    print(common.table(["model", "layer", "kernel", "in CxHxW", "out CxHxW", "ours ms",
                        "ours GOPS", "ort ms", "ort GOPS", "speed", "wrong"], rows,
                       align=["---", "---", "---", "---", "---"] + ["---:"] * 6))
    print()
    print(common.table(["model", "sum ours ms", "sum ort ms", "speed"],
                       [[m, f"{o:.3f}", f"{t:.3f}", f"{t / o:.3f}"]
                        for m, (o, t) in totals.items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
